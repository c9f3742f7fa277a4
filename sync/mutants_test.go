package sync

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"

	"github.com/fieldvault/fieldvault/vault"
)

// These tests were written for mutants that survived the rest of the
// package's tests (make mutate); each names what it guards, not the mutant.

// A gap is counted from the last bundle of the same sender only: bundles
// from another partner, and an unbroken run, report none.
func TestGapCountsOnlyThisSender(t *testing.T) {
	p := newPair(t)
	other := newVault(t, "Other NGO")
	introduce(t, other, p.partner)
	for i := range 2 {
		intakes(t, p.field, 1, "Partner NGO")
		if res := mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path); res.Gap != 0 {
			t.Fatalf("field bundle %d imported in order reports a gap of %d", i+1, res.Gap)
		}
	}
	var third *ExportResult
	for range 3 {
		intakes(t, other, 1, "Partner NGO")
		third = mustExport(t, other, "Partner NGO")
	}
	if res := mustImport(t, p.partner, third.Path); res.Gap != 2 {
		t.Fatalf("the other partner's bundle 3, first of theirs: gap %d, want 2", res.Gap)
	}
	// The field's bundle 3 lost on the way: 4 follows 2.
	for range 2 {
		intakes(t, p.field, 1, "Partner NGO")
		third = mustExport(t, p.field, "Partner NGO")
	}
	if res := mustImport(t, p.partner, third.Path); res.Gap != 1 {
		t.Fatalf("field bundle 4 after 2: gap %d, want 1", res.Gap)
	}
}

// A bundle someone repacked with tar adds directory entries for records/
// and schemas/; both ways of importing take it.
func TestRepackedBundleWithDirectories(t *testing.T) {
	bothImportPaths(t, func(t *testing.T) {
		p := newPair(t)
		ids := intakes(t, p.field, 3, "Partner NGO")
		res := mustExport(t, p.field, "Partner NGO")
		id, _ := p.partner.Identity()
		sealed, err := os.ReadFile(res.Path)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := age.Decrypt(bytes.NewReader(sealed), id)
		if err != nil {
			t.Fatal(err)
		}
		rcpt, _ := p.partner.Recipient()
		r, _ := age.ParseHybridRecipient(rcpt)
		var out bytes.Buffer
		aw, _ := age.Encrypt(&out, r)
		tw := tar.NewWriter(aw)
		for _, dir := range []string{"schemas/", "records/"} {
			if err := tw.WriteHeader(&tar.Header{Name: dir, Typeflag: tar.TypeDir, Mode: 0o700}); err != nil {
				t.Fatal(err)
			}
		}
		tr := tar.NewReader(plain)
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(tr)
			writeTar(tw, hdr.Name, body)
		}
		tw.Close()
		aw.Close()
		path := filepath.Join(t.TempDir(), "fv-repacked.age")
		os.WriteFile(path, out.Bytes(), 0o600)
		if got := mustImport(t, p.partner, path); got.Added != len(ids) {
			t.Fatalf("the repacked bundle added %d records, want %d", got.Added, len(ids))
		}
	})
}

// Versions of every number of digits up to ten read back as written; an
// eleventh digit, and every cut-short manifest, is refused without a panic.
func TestManifestVersions(t *testing.T) {
	m := &Manifest{Format: bundleFormat, Bundle: "b", Sender: "s", Recipient: "r", Seq: 1,
		Created: time.Unix(1e9, 0).UTC(), Schemas: []SchemaEntry{}}
	for _, v := range []int{1, 9, 10, 19, 90, 99, 100, 909, 1234567890, 9999999999} {
		m.Records = append(m.Records, Entry{ID: uuid.New(), Version: v, SHA256: [32]byte{byte(v)}})
	}
	slices.SortFunc(m.Records, func(a, b Entry) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	enc := m.Encode()
	got, err := ParseManifest(enc)
	if err != nil {
		t.Fatalf("a manifest fieldvault wrote is refused: %v", err)
	}
	for i, e := range got.Records {
		if e != m.Records[i] {
			t.Fatalf("record %d reads back as %+v, want %+v", i, e, m.Records[i])
		}
	}
	eleven := bytes.Replace(enc, []byte(`"version":1234567890`), []byte(`"version":12345678901`), 1)
	if _, err := ParseManifest(eleven); err == nil {
		t.Fatal("a version of eleven digits was accepted")
	}
	for n := range len(enc) {
		if _, err := ParseManifest(enc[:n]); err == nil {
			t.Fatalf("the manifest cut after %d of %d bytes was accepted", n, len(enc))
		}
	}
}

// A signed bundle with a record that is no record is refused, whichever
// way it is read, and read once it leaves the vault as it was.
func TestUnreadableRecordRefused(t *testing.T) {
	bothImportPaths(t, func(t *testing.T) {
		p := newPair(t)
		ids := intakes(t, p.field, 40, "Partner NGO")
		var records [][]byte
		for _, id := range ids {
			records = append(records, rawRecord(t, p.field, id, func(*vault.Record) {}))
		}
		bad := fmt.Appendf(nil, `{"id":%q,"version":1,"status":"bogus"}`, uuid.NewString())
		records = append(records[:20], append([][]byte{bad}, records[20:]...)...)
		path := filepath.Join(t.TempDir(), "fv-unreadable.age")
		os.WriteFile(path, forge(t, p.field, p.partner, records, nil, nil, nil), 0o600)
		before := fileHash(t, p.partner.Path())
		_, err := Import(p.partner, path, t.TempDir())
		var re *RejectError
		if !errors.As(err, &re) || !strings.Contains(re.Reason, "not a readable record") {
			t.Fatalf("import = %v, want a refusal naming the unreadable record", err)
		}
		if stageLimit > 0 && fileHash(t, p.partner.Path()) != before {
			t.Fatal("a refused bundle changed the vault")
		}
	})
}

// Records of very different sizes in one bundle, read once: the buffers
// reused between records never cut one short.
func TestMixedRecordSizes(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 300, "Partner NGO")
	var records [][]byte
	for i, id := range ids {
		records = append(records, rawRecord(t, p.field, id, func(r *vault.Record) {
			if i%10 == 9 {
				r.Body = fmt.Appendf(nil, `{"answers":{"priority.own_words":%q}}`, strings.Repeat("x", 9000+i))
			}
		}))
	}
	path := filepath.Join(t.TempDir(), "fv-mixed.age")
	os.WriteFile(path, forge(t, p.field, p.partner, records, nil, nil, nil), 0o600)
	if got := mustImport(t, p.partner, path); got.Added != len(ids) {
		t.Fatalf("added %d of %d", got.Added, len(ids))
	}
	for i, id := range ids {
		r, err := p.partner.GetRecord(id)
		if err != nil {
			t.Fatal(err)
		}
		want := string(records[i])
		var got map[string]any
		if err := json.Unmarshal(r.Body, &got); err != nil || !strings.Contains(want, string(r.Body)) {
			t.Fatalf("record %d came through changed", i)
		}
	}
}

// The largest record fieldvault takes is maxRecord bytes: one of exactly
// that size goes through both ways of importing; one byte more is refused
// as larger than any fieldvault writes.
func TestLargestRecord(t *testing.T) {
	bothImportPaths(t, func(t *testing.T) {
		p := newPair(t)
		ids := intakes(t, p.field, 2, "Partner NGO")
		sized := func(id string, size int) []byte {
			raw := rawRecord(t, p.field, id, func(r *vault.Record) { r.Body = json.RawMessage(`{"answers":{"n":""}}`) })
			pad := strings.Repeat("x", size-len(raw))
			return bytes.Replace(raw, []byte(`"n":""`), []byte(`"n":"`+pad+`"`), 1)
		}
		fits := sized(ids[0], maxRecord)
		path := filepath.Join(t.TempDir(), "fv-largest.age")
		os.WriteFile(path, forge(t, p.field, p.partner, [][]byte{fits}, nil, nil, nil), 0o600)
		if got := mustImport(t, p.partner, path); got.Added != 1 {
			t.Fatalf("a record of exactly %d bytes: added %d", maxRecord, got.Added)
		}
		over := sized(ids[1], maxRecord+1)
		os.WriteFile(path, forge(t, p.field, p.partner, [][]byte{over}, nil, nil, nil), 0o600)
		_, err := Import(p.partner, path, t.TempDir())
		var re *RejectError
		if !errors.As(err, &re) || !strings.Contains(re.Reason, "larger than any fieldvault writes") {
			t.Fatalf("a record one byte too large: %v", err)
		}
	})
}

// Purge keeps what changed more recently than it was asked to.
func TestPurgeKeepsRecent(t *testing.T) {
	p := newPair(t)
	intakes(t, p.field, 2, "Partner NGO")
	rp := mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	mustImport(t, p.field, rp.ReceiptPath)
	if n, err := Purge(p.field, time.Hour); err != nil || n != 0 {
		t.Fatalf("purge of records older than an hour deleted %d just confirmed (%v)", n, err)
	}
	if n, err := Purge(p.field, 0); err != nil || n != 2 {
		t.Fatalf("purge deleted %d (%v), want 2", n, err)
	}
}

// A record stored without a questionnaire travels alone: no questionnaire
// goes with it.
func TestExportRecordWithoutQuestionnaire(t *testing.T) {
	p := newPair(t)
	c, err := p.field.Contact("Partner NGO")
	if err != nil {
		t.Fatal(err)
	}
	r := &vault.Record{Status: vault.StatusComplete, Share: []string{c.Key()}, Body: json.RawMessage(`{"answers":{}}`)}
	if err := p.field.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	res := mustExport(t, p.field, "Partner NGO")
	if got := bundleEntries(t, p.partner, res.Path); !slices.Equal(got, []string{"records/" + r.ID + ".json", "manifest.json", "manifest.sig"}) {
		t.Fatalf("the bundle holds %q", got)
	}
	if got := mustImport(t, p.partner, res.Path); got.Added != 1 {
		t.Fatalf("added %d", got.Added)
	}
}

// An import that withdraws nothing writes into the vault file in place; it
// does not rewrite the whole file as a withdrawal's compaction does.
func TestImportWithoutWithdrawalKeepsFile(t *testing.T) {
	p := newPair(t)
	intakes(t, p.field, 3, "Partner NGO")
	before, err := os.Stat(p.partner.Path())
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	after, err := os.Stat(p.partner.Path())
	if err != nil || !os.SameFile(before, after) {
		t.Fatalf("the vault file was replaced by an import without withdrawals (%v)", err)
	}
}

// The outbox counts as unconfirmed exactly the finished records of this
// laptop shared with the partner whose current version it has not
// confirmed: not drafts, not records received from elsewhere.
func TestOutboxUnconfirmed(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 3, "Partner NGO")
	intakes(t, p.field, 2)
	c, _ := p.field.Contact("Partner NGO")
	draft := &vault.Record{Status: vault.StatusDraft, Share: []string{c.Key()}, Body: json.RawMessage(`{"answers":{}}`)}
	if err := p.field.PutRecord(draft); err != nil {
		t.Fatal(err)
	}
	intakes(t, p.partner, 2, "Field team")
	mustImport(t, p.field, mustExport(t, p.partner, "Field team").Path)
	unconfirmed := func() int {
		t.Helper()
		all, err := Outboxes(p.field)
		if err != nil || len(all) != 1 {
			t.Fatalf("Outboxes = %+v, %v", all, err)
		}
		return all[0].Unconfirmed
	}
	if n := unconfirmed(); n != 3 {
		t.Fatalf("before export: %d unconfirmed, want 3", n)
	}
	res := mustExport(t, p.field, "Partner NGO")
	if n := unconfirmed(); n != 3 {
		t.Fatalf("sent, no receipt: %d unconfirmed, want 3", n)
	}
	mustImport(t, p.field, mustImport(t, p.partner, res.Path).ReceiptPath)
	if n := unconfirmed(); n != 0 {
		t.Fatalf("after the receipt: %d unconfirmed, want 0", n)
	}
	r, _ := p.field.GetRecord(ids[1])
	r.Triage = "urgent"
	if err := p.field.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	if n := unconfirmed(); n != 1 {
		t.Fatalf("after an update: %d unconfirmed, want 1", n)
	}
}
