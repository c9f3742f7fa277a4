package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldvault/fieldvault/vault/vaulttest"
)

func TestNoPlaintextAtRest(t *testing.T) {
	canaries := []string{
		"CanaryAnswerAyu7731", "CanaryNoteMedanHarbour", "CanaryWorkerNameRina",
		"CanaryContactShelterX", "CanaryVaultNameTeamQ", "CanaryDraftText0042",
		"Kanari-Bahasa-penyintas", "canaryschema-xyz",
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.db")
	v, err := Create(path, testPass, CreateOptions{Name: canaries[4], Worker: canaries[2], WorkFactor: testWorkFactor})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.AddPassphrase(canaries[2]+"-second", []byte("second worker phrase"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"person.name": canaries[0], "notes": canaries[1], "lang": canaries[6],
	})
	var recs []*Record
	for i := range 200 {
		st := StatusComplete
		if i%3 == 0 {
			st = StatusDraft
		}
		recs = append(recs, &Record{Status: st, Schema: SchemaRef{ID: canaries[7]}, Triage: "immediate", Body: body})
	}
	if err := v.PutRecords(recs); err != nil {
		t.Fatal(err)
	}
	draft := &Record{Status: StatusDraft, Body: json.RawMessage(`{"draft":"` + canaries[5] + `"}`)}
	if err := v.PutRecord(draft); err != nil {
		t.Fatal(err)
	}
	if err := v.AddContact(&Contact{Name: canaries[3], SigningKey: []byte("k")}); err != nil {
		t.Fatal(err)
	}
	if err := v.LogExport(&Export{Bundle: canaries[3]}); err != nil {
		t.Fatal(err)
	}
	// Delete some and compact, so free pages and the compacted file are
	// both covered.
	for _, r := range recs[:50] {
		if err := v.DeleteRecord(r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Compact(); err != nil {
		t.Fatal(err)
	}
	if err := v.PutRecord(&Record{Status: StatusComplete, Body: body}); err != nil {
		t.Fatal(err)
	}
	// The data must really be there, or the scan proves nothing.
	got, err := v.GetRecord(draft.ID)
	if err != nil || !bytes.Contains(got.Body, []byte(canaries[5])) {
		t.Fatalf("draft not readable: %v", err)
	}
	v.Close()
	vaulttest.Check(t, []string{dir}, canaries, nil)
}

// The scanner itself must find what it looks for, at any offset inside a
// longer value.
func TestCanaryScannerFinds(t *testing.T) {
	c := "CanarySelfTest99"
	for pad := range 3 {
		inner := strings.Repeat("a", pad) + c + "tail"
		var u16 []byte
		for _, r := range inner {
			u16 = append(u16, byte(r), 0)
		}
		for name, content := range map[string]string{
			"plain":  inner,
			"upper":  strings.ToUpper(inner),
			"hex":    hex.EncodeToString([]byte(inner)),
			"b64":    base64.StdEncoding.EncodeToString([]byte(inner)),
			"b64url": base64.RawURLEncoding.EncodeToString([]byte(inner)),
			"utf16":  string(u16),
		} {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "f"), []byte("{"+content+"}"), 0o600)
			if hits, _, _ := vaulttest.Find([]string{dir}, []string{c}, nil); len(hits) == 0 {
				t.Errorf("%s at offset %d not detected", name, pad)
			}
		}
	}
}
