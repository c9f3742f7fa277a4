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
	"unicode/utf16"
)

// canaryForms returns the ways a string could end up on disk if something
// wrote it unencrypted: as is, in other cases, UTF-16, hex and base64 at
// every alignment.
func canaryForms(s string) map[string][]byte {
	forms := map[string][]byte{
		"plain": []byte(s),
		"lower": []byte(strings.ToLower(s)),
		"upper": []byte(strings.ToUpper(s)),
		"hex":   []byte(hex.EncodeToString([]byte(s))),
		"HEX":   []byte(strings.ToUpper(hex.EncodeToString([]byte(s)))),
	}
	var u16 []byte
	for _, r := range utf16.Encode([]rune(s)) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	forms["utf16"] = u16
	for pad := range 3 {
		prefixed := append(bytes.Repeat([]byte{'.'}, pad), s...)
		for name, enc := range map[string]*base64.Encoding{"b64": base64.StdEncoding, "b64url": base64.URLEncoding} {
			e := enc.EncodeToString(prefixed)
			// Skip the characters that depend on the prefix and on what
			// follows the canary.
			skip := (pad*4 + 2) / 3
			forms[name+string(rune('0'+pad))] = []byte(e[skip : len(e)-4])
		}
	}
	return forms
}

// findCanaries returns a line for every form of every canary found in any
// file under dir, and how many files it read.
func findCanaries(t *testing.T, dir string, canaries []string) (hits []string, files int) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range canaries {
			for form, b := range canaryForms(c) {
				if bytes.Contains(raw, b) {
					hits = append(hits, path+": "+c+" ("+form+")")
				}
			}
		}
		return nil
	})
	return hits, files
}

func scanForCanaries(t *testing.T, dir string, canaries []string) {
	t.Helper()
	hits, files := findCanaries(t, dir, canaries)
	if files == 0 {
		t.Fatalf("no files under %s to scan", dir)
	}
	for _, h := range hits {
		t.Error("plaintext at rest: " + h)
	}
}

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
	scanForCanaries(t, dir, canaries)
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
			if hits, _ := findCanaries(t, dir, []string{c}); len(hits) == 0 {
				t.Errorf("%s at offset %d not detected", name, pad)
			}
		}
	}
}
