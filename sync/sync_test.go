package sync

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/google/uuid"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

var testPass = []byte("correct horse battery")

// pair is a field vault and a partner vault that know each other.
type pair struct {
	field, partner *vault.Vault
}

func newVault(t testing.TB, name string) *vault.Vault {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), name+".db"), testPass, vault.CreateOptions{Name: name, Worker: "w", WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func introduce(t testing.TB, a, b *vault.Vault) {
	t.Helper()
	for _, x := range [][2]*vault.Vault{{a, b}, {b, a}} {
		card, err := OwnCard(x[1])
		if err != nil {
			t.Fatal(err)
		}
		if err := x[0].AddContact(&vault.Contact{Name: card.Name, Recipient: card.Recipient, SigningKey: card.SigningKey}); err != nil {
			t.Fatal(err)
		}
	}
}

func newPair(t testing.TB) pair {
	p := pair{newVault(t, "Field team"), newVault(t, "Partner NGO")}
	introduce(t, p.field, p.partner)
	return p
}

// intakes stores n intakes shared with the given partners (none: shared
// with nobody) and returns their IDs.
func intakes(t testing.TB, v *vault.Vault, n int, shareWith ...string) []string {
	t.Helper()
	var sb strings.Builder
	share, _ := json.Marshal(append([]string{}, shareWith...))
	// A ref of its own per call: the same answers in another call are
	// another person, not a line run again.
	ref := uuid.NewString()
	for i := range n {
		fmt.Fprintf(&sb, `{"ref": "%s-%d", "answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": %s, "consent.referral": ["shelter"], "consent.followup": false, "person.name": "Person %d", "priority.own_words": "a safe place tonight and food"}}`+"\n", ref, i, share, i)
	}
	var ids []string
	_, err := intake.Bulk(v, strings.NewReader(sb.String()), intake.BulkOptions{Lang: "en", Stored: func(id string) { ids = append(ids, id) }})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// bundleEntries decrypts a bundle with the partner's identity and lists
// its tar entries, as a partner with only age and tar would.
func bundleEntries(t *testing.T, partner *vault.Vault, path string) []string {
	t.Helper()
	id, _ := partner.Identity()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

func TestCard(t *testing.T) {
	v := newVault(t, "Yayasan Pelangi Medan")
	c, err := OwnCard(v)
	if err != nil {
		t.Fatal(err)
	}
	line := c.String()
	if !strings.HasPrefix(line, "fieldvault-card-v1 age1pq1") || strings.Contains(line, "\n") {
		t.Fatalf("card = %q", line)
	}
	back, err := ParseCard("  " + line + "\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if back.Name != "Yayasan Pelangi Medan" || back.Fingerprint() != c.Fingerprint() || back.String() != line {
		t.Errorf("round trip: %+v", back)
	}
	// A file with the fingerprint line (card > file 2>&1) or a note
	// around the card still gives the card, and only its own line's name.
	for _, text := range []string{
		line + "\nFingerprint: " + c.Fingerprint() + "\n",
		"From Yayasan, 27 November:\r\n" + line + "\r\nCall us to check the fingerprint.\r\n",
	} {
		got, err := ParseCard(text)
		if err != nil || got.Name != "Yayasan Pelangi Medan" || got.Fingerprint() != c.Fingerprint() {
			t.Errorf("ParseCard(%.60q) = %+v, %v", text, got, err)
		}
	}
	for _, bad := range []string{
		"", "fieldvault-card-v1", strings.Replace(line, "age1pq1", "age1", 1),
		strings.Replace(line, "ed25519:", "ed448:", 1), strings.TrimSuffix(line, " Yayasan Pelangi Medan"),
		line + "\x07",
	} {
		if _, err := ParseCard(bad); !errors.Is(err, ErrBadCard) {
			t.Errorf("ParseCard(%.40q) err = %v", bad, err)
		}
	}
}

// The consent filter lives in Export, not in any screen: a record whose
// sharing consent does not name the contact never reaches its bundle.
func TestExportConsentFilter(t *testing.T) {
	p := newPair(t)
	other := newVault(t, "Legal Aid")
	introduce(t, p.field, other)
	shared := intakes(t, p.field, 3, "Partner NGO")
	both := intakes(t, p.field, 2, "partner ngo", "Legal Aid")
	legalOnly := intakes(t, p.field, 2, "Legal Aid")
	nobody := intakes(t, p.field, 2)
	var declined []string
	_, err := intake.Bulk(p.field, strings.NewReader(`{"answers": {"consent.interview": false}}`), intake.BulkOptions{Stored: func(id string) { declined = append(declined, id) }})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := schema.Lookup("rescue-needs")
	draft, _ := intake.New(s, intake.Options{Contacts: []string{"Partner NGO"}})
	intake.Apply(draft, map[string]any{"consent.interview": true})
	// A draft whose consent would name the partner, stopped mid-way.
	sess := &intake.Session{Vault: p.field, Engine: draft}
	e, _ := intake.New(s, intake.Options{Contacts: []string{"Partner NGO"}})
	e.Submit(map[string]intake.Answer{
		"consent.interview": {Value: true}, "consent.given_by": {Value: "self"}, "person.minor": {Value: false},
		"consent.store": {Value: true}, "consent.share": {Value: []string{"Partner NGO"}}, "consent.referral": {Value: []string{}},
		"consent.followup": {Value: false},
	})
	sess.Engine = e
	if err := sess.Save(); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	res, err := Export(p.field, "Partner NGO", dir, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.NotShared != 4 {
		t.Errorf("NotShared = %d, want 4", res.NotShared)
	}
	got := bundleEntries(t, p.partner, res.Path)
	want := append(append([]string{}, shared...), both...)
	for _, id := range want {
		if !slices.Contains(got, "records/"+id+".json") {
			t.Errorf("shared record %s missing from the bundle", id)
		}
	}
	for _, id := range slices.Concat(legalOnly, nobody, declined, []string{sess.ID}) {
		if slices.Contains(got, "records/"+id+".json") {
			t.Errorf("record %s is in the bundle without consent to share with the partner", id)
		}
	}
	if n := len(got); n != len(want)+3 { // + schema, manifest, signature
		t.Errorf("bundle holds %d entries: %v", n, got)
	}
}

func TestImportRoundTrip(t *testing.T) { bothImportPaths(t, testImportRoundTrip) }

// bothImportPaths runs test through the import that reads a bundle once
// and, with stageLimit at zero, through the one that checks a bundle and
// then reads it a second time to store it: the same must come out.
func bothImportPaths(t *testing.T, test func(*testing.T)) {
	t.Run("read once", test)
	t.Run("read twice", func(t *testing.T) {
		defer func(old int64) { stageLimit = old }(stageLimit)
		stageLimit = 0
		test(t)
	})
}

func testImportRoundTrip(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 5, "Partner NGO")
	usb := t.TempDir()
	res, err := Export(p.field, "Partner NGO", usb, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Import(p.partner, res.Path, usb)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Added != 5 || imp.ReceiptPath == "" {
		t.Fatalf("import = %+v", imp)
	}
	for _, id := range ids {
		r, err := p.partner.GetRecord(id)
		if err != nil || r.Version != 1 || r.Source == "" {
			t.Fatalf("partner record %s: %+v, %v", id, r, err)
		}
	}
	// A newer version replaces the partner's copy.
	r, _ := p.field.GetRecord(ids[0])
	r.Triage = "immediate"
	if err := p.field.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	res2, err := Export(p.field, "Partner NGO", usb, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Manifest.Records) != 1 || res2.Manifest.Seq != 2 {
		t.Errorf("incremental export = %+v", res2.Manifest)
	}
	if _, err := Import(p.partner, res2.Path, usb); err != nil {
		t.Fatal(err)
	}
	got, _ := p.partner.GetRecord(ids[0])
	if got.Version != 2 || got.Triage != "immediate" {
		t.Errorf("updated record = %+v", got)
	}
	// --all sends everything again; the partner keeps what it has.
	res3, err := Export(p.field, "Partner NGO", usb, ExportOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	imp3, err := Import(p.partner, res3.Path, usb)
	if err != nil || imp3.Added != 0 {
		t.Errorf("re-sent bundle: added %d, %v", imp3.Added, err)
	}
	// The partner never sends on what it received.
	introduce(t, p.partner, newVault(t, "Third"))
	if _, err := Export(p.partner, "Third", usb, ExportOptions{All: true}); !errors.Is(err, ErrNothingToExport) {
		t.Errorf("partner re-exported received records: %v", err)
	}
}

// A full disk leaves no file under a final name and nothing marked sent.
func TestExportDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	p := newPair(t)
	intakes(t, p.field, 300, "Partner NGO")
	_, err := Export(p.field, "Partner NGO", dir, ExportOptions{})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("export to a full disk: err = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("a full disk kept %v", entries)
	}
	if log, _ := p.field.Exports(); len(log) != 0 {
		t.Errorf("a failed export was logged as sent: %+v", log)
	}
	// With room again, the same records go out.
	res, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || len(res.Manifest.Records) != 300 || res.Manifest.Seq != 1 {
		t.Fatalf("export after the failure: %v", err)
	}
}

func TestExportReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// Root ignores permissions; a read-only mount stops it.
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
			t.Skipf("cannot mount a read-only tmpfs: %v %s", err, out)
		}
		defer exec.Command("umount", dir).Run()
	} else {
		os.Chmod(dir, 0o500)
		defer os.Chmod(dir, 0o700)
	}
	p := newPair(t)
	intakes(t, p.field, 1, "Partner NGO")
	_, err := Export(p.field, "Partner NGO", dir, ExportOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot write to") {
		t.Fatalf("export to a read-only folder: err = %v", err)
	}
	if log, _ := p.field.Exports(); len(log) != 0 {
		t.Errorf("a failed export was logged as sent: %+v", log)
	}
}

// Manifests and receipts are accepted only in the one form fieldvault
// writes, and round-trip through it.
func TestManifestStrict(t *testing.T) {
	a, b := "0b9e4411-5c3a-4d8e-8f0e-9d5b2a7c1e20", "6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa"
	hash := strings.Repeat("0", 63) + "1"
	good := `{"format":"fieldvault-bundle-v1","bundle":"b","sender":"s \u0026 co","recipient":"r","seq":1,"created":"2026-01-01T00:00:00Z","schemas":[],"records":[{"id":"` + a + `","version":1,"sha256":"` + hash + `"},{"id":"` + b + `","version":12,"sha256":"` + hash + `"}],"withdrawals":["w"]}`
	m, err := ParseManifest([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Records) != 2 || m.Records[1].ID.String() != b || m.Records[1].Version != 12 || m.Records[0].SHA256[31] != 1 || m.Sender != "s & co" {
		t.Fatalf("parsed %+v", m)
	}
	if string(m.Encode()) != good {
		t.Fatalf("does not round-trip:\n%s\n%s", m.Encode(), good)
	}
	for _, bad := range []string{
		strings.Replace(good, `"seq":1`, `"seq":0`, 1),
		strings.Replace(good, `v1"`, `v2"`, 1),
		strings.Replace(good, `"bundle":"b"`, `"bundle":"b","extra":1`, 1),
		strings.Replace(good, `"bundle":"b",`, ``, 1),
		strings.Replace(good, `"seq":1,`, `"seq": 1,`, 1),
		strings.Replace(good, `"format":"fieldvault-bundle-v1","bundle":"b"`, `"bundle":"b","format":"fieldvault-bundle-v1"`, 1),
		strings.Replace(good, `"sender":"s \u0026 co"`, `"sender":"s & co"`, 1), // not encoding/json's form
		strings.Replace(good, a, b, 1),                // listed twice
		strings.NewReplacer(a, b, b, a).Replace(good), // out of order
		strings.Replace(good, a, strings.ToUpper(a), 1),
		strings.Replace(good, `"version":1,`, `"version":0,`, 1),
		strings.Replace(good, `"version":12,`, `"version":012,`, 1),
		strings.Replace(good, `"version":1,`, `"version":-1,`, 1),
		strings.Replace(good, hash, strings.ToUpper(strings.Repeat("a", 64)), 1),
		strings.Replace(good, hash, hash[:63], 1),
		strings.Replace(good, `,"withdrawals":["w"]`, `,"withdrawals":[]`, 1),
		strings.Replace(good, `"records":[{`, `"records": [{`, 1),
		good + "{}",
		good + "\n",
		" " + good,
	} {
		if _, err := ParseManifest([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	r := Receipt{Format: receiptFormat, Receipt: "r1", Bundle: "b", Sender: "s", Recipient: "r", Records: m.Records}
	rb := r.Encode()
	if strings.Contains(string(rb), "sha256") {
		t.Errorf("a receipt carries hashes: %s", rb)
	}
	back, err := ParseReceipt(rb)
	if err != nil || len(back.Records) != 2 || back.Records[1].Version != 12 || back.Records[1].SHA256 != [32]byte{} {
		t.Fatalf("receipt round trip: %+v, %v", back, err)
	}
	if _, err := ParseReceipt([]byte(strings.Replace(string(rb), `"version":1}`, `"version":1,"sha256":"`+hash+`"}`, 1))); err == nil {
		t.Error("accepted a receipt with hashes")
	}
}

// A killed export leaves a partial bundle under a temporary name; the next
// export into the folder removes it once it is clearly stale.
func TestStaleTempRemoved(t *testing.T) {
	p := newPair(t)
	intakes(t, p.field, 1, "Partner NGO")
	dir := t.TempDir()
	stale, fresh := filepath.Join(dir, ".fv-111.tmp"), filepath.Join(dir, ".fv-222.tmp")
	os.WriteFile(stale, []byte("partial"), 0o600)
	os.WriteFile(fresh, []byte("being written"), 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if _, err := Export(p.field, "Partner NGO", dir, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Error("the stale partial bundle is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a temporary bundle being written was removed")
	}
}
