package sync

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/fieldvault/fieldvault/vault"
)

// Trust between vaults: no receipt or bundle can make a record vanish or
// change hands.

// forge writes a bundle signed by from and encrypted to to, holding the
// given records (their JSON as carried), withdrawal notices and
// questionnaires; listed names the questionnaires the manifest lists (nil:
// all of them). It is what a partner that knows record IDs could make.
func forge(t *testing.T, from, to *vault.Vault, records [][]byte, withdrawals []string, schemas [][]byte, listed []string) []byte {
	t.Helper()
	own, err := OwnCard(from)
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err := to.Recipient()
	if err != nil {
		t.Fatal(err)
	}
	m := &Manifest{Format: bundleFormat, Bundle: uuid.NewString(), Sender: own.String(), Recipient: rcpt,
		Seq: 1, Created: time.Now().UTC(), Schemas: []SchemaEntry{}, Withdrawals: withdrawals}
	var buf bytes.Buffer
	r, err := age.ParseHybridRecipient(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	aw, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(aw)
	for _, raw := range records {
		var head struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			t.Fatal(err)
		}
		writeTar(tw, "records/"+head.ID+".json", raw)
		m.Records = append(m.Records, Entry{ID: uuid.MustParse(head.ID), Version: head.Version, SHA256: sha256.Sum256(raw)})
	}
	slices.SortFunc(m.Records, func(a, b Entry) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	for _, src := range schemas {
		sum := sha256.Sum256(src)
		hash := hexString(sum[:])
		writeTar(tw, "schemas/"+hash+".json", src)
		var ref struct{ ID, Version string }
		json.Unmarshal(src, &ref)
		if listed == nil || slices.Contains(listed, hash) {
			m.Schemas = append(m.Schemas, SchemaEntry{ID: ref.ID, Version: ref.Version, SHA256: hash})
		}
	}
	mb := m.Encode()
	sig, err := from.Sign(mb)
	if err != nil {
		t.Fatal(err)
	}
	if err := closeSigned(tw, aw, "manifest", mb, sig); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// rawRecord returns a record as the vault holds it, changed by edit.
func rawRecord(t *testing.T, v *vault.Vault, id string, edit func(*vault.Record)) []byte {
	t.Helper()
	r, err := v.GetRecord(id)
	if err != nil {
		t.Fatal(err)
	}
	r.Source = ""
	edit(r)
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func mustExport(t *testing.T, v *vault.Vault, to string) *ExportResult {
	t.Helper()
	res, err := Export(v, to, t.TempDir(), ExportOptions{})
	if err != nil {
		t.Fatalf("export to %s: %v", to, err)
	}
	return res
}

func mustImport(t *testing.T, v *vault.Vault, path string) *ImportResult {
	t.Helper()
	res, err := Import(v, path, filepath.Dir(path))
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return res
}

func status(t *testing.T, v *vault.Vault, id string) vault.Status {
	t.Helper()
	r, err := v.GetRecord(id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

// A record shared with two partners is delivered only once both confirmed
// it: a receipt from one does not let it be purged before the other got it.
func TestDeliveryPerPartner(t *testing.T) {
	field, a, b := newVault(t, "Field team"), newVault(t, "Shelter A"), newVault(t, "Legal aid B")
	introduce(t, field, a)
	introduce(t, field, b)
	id := intakes(t, field, 1, "Shelter A", "Legal aid B")[0]

	toB := mustExport(t, field, "Legal aid B")
	rb := mustImport(t, b, toB.Path)
	got := mustImport(t, field, rb.ReceiptPath)
	if got.Delivered != 0 || status(t, field, id) == vault.StatusDelivered {
		t.Fatalf("delivered after only B confirmed: %+v", got)
	}
	if n, err := Purge(field, 0); err != nil || n != 0 {
		t.Fatalf("purge deleted %d (%v) before A got the record", n, err)
	}
	toA := mustExport(t, field, "Shelter A")
	if len(toA.Manifest.Records) != 1 {
		t.Fatalf("the bundle for A holds %d records", len(toA.Manifest.Records))
	}
	ra := mustImport(t, a, toA.Path)
	if _, err := a.GetRecord(id); err != nil {
		t.Fatalf("A did not get the record: %v", err)
	}
	if got := mustImport(t, field, ra.ReceiptPath); got.Delivered != 1 || status(t, field, id) != vault.StatusDelivered {
		t.Fatalf("after both confirmed: %+v, %s", got, status(t, field, id))
	}
	if n, err := Purge(field, 0); err != nil || n != 1 {
		t.Fatalf("purge deleted %d (%v), want 1", n, err)
	}
}

// A receipt for a bundle this vault never sent to its signer is refused
// with the vault unchanged.
func TestReceiptForUnsentBundle(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 2, "Partner NGO")
	c, err := p.partner.Contact("Field team")
	if err != nil {
		t.Fatal(err)
	}
	var entries []Entry
	for _, id := range ids {
		entries = append(entries, Entry{ID: uuid.MustParse(id), Version: 1})
	}
	slices.SortFunc(entries, func(a, b Entry) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	fake := &Checked{Sender: *c, Manifest: &Manifest{Bundle: uuid.NewString(), Records: entries}}
	path, err := writeReceipt(p.partner, fake, t.TempDir(), entries, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	expectRejected(t, p.field, "a receipt for a bundle never sent", data)
	for _, id := range ids {
		if s := status(t, p.field, id); s != vault.StatusComplete {
			t.Errorf("record %s is %s", id, s)
		}
	}
}

// A receipt confirms only what the bundle it names carried: a version the
// bundle did not hold is not delivered.
func TestReceiptForOtherVersion(t *testing.T) {
	p := newPair(t)
	id := intakes(t, p.field, 1, "Partner NGO")[0]
	first := mustExport(t, p.field, "Partner NGO") // version 1
	r, _ := p.field.GetRecord(id)
	r.Triage = "immediate"
	if err := p.field.PutRecord(r); err != nil { // version 2, not sent
		t.Fatal(err)
	}
	c, _ := p.partner.Contact("Field team")
	forged := []Entry{{ID: uuid.MustParse(id), Version: 2}}
	path, err := writeReceipt(p.partner, &Checked{Sender: *c, Manifest: first.Manifest}, t.TempDir(), forged, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := mustImport(t, p.field, path)
	if res.Delivered != 0 || status(t, p.field, id) == vault.StatusDelivered {
		t.Fatalf("version 2 marked delivered by a receipt for a bundle that carried version 1: %+v", res)
	}
}

// A partner's bundle may not update or withdraw a record this vault
// created: the whole bundle is refused and the vault file is unchanged.
func TestBundleCannotTouchLocalRecords(t *testing.T) {
	bothImportPaths(t, testBundleCannotTouchLocalRecords)
}

func testBundleCannotTouchLocalRecords(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 2, "Partner NGO")
	mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	x, y := ids[0], ids[1]
	newer := rawRecord(t, p.field, y, func(r *vault.Record) { r.Version = 99; r.Triage = "immediate" })
	for name, data := range map[string][]byte{
		"update":   forge(t, p.partner, p.field, [][]byte{newer}, nil, nil, nil),
		"withdraw": forge(t, p.partner, p.field, nil, []string{x}, nil, nil),
		"both":     forge(t, p.partner, p.field, [][]byte{newer}, []string{x}, nil, nil),
	} {
		expectRejected(t, p.field, name, data)
	}
	for _, id := range ids {
		r, err := p.field.GetRecord(id)
		if err != nil || r.Version != 1 || r.Source != "" {
			t.Fatalf("record %s: %+v, %v", id, r, err)
		}
	}
}

// Nor may it touch a draft, or a record received from another contact.
func TestBundleCannotTouchOthersRecords(t *testing.T) {
	bothImportPaths(t, testBundleCannotTouchOthersRecords)
}

func testBundleCannotTouchOthersRecords(t *testing.T) {
	hub, a, b := newVault(t, "Coalition"), newVault(t, "Field A"), newVault(t, "Field B")
	introduce(t, hub, a)
	introduce(t, hub, b)
	fromA := intakes(t, a, 1, "Coalition")[0]
	mustImport(t, hub, mustExport(t, a, "Coalition").Path)
	stolen := rawRecord(t, hub, fromA, func(r *vault.Record) { r.Version = 7 })
	expectRejected(t, hub, "B updates A's record", forge(t, b, hub, [][]byte{stolen}, nil, nil, nil))
	expectRejected(t, hub, "B withdraws A's record", forge(t, b, hub, nil, []string{fromA}, nil, nil))
	if r, err := hub.GetRecord(fromA); err != nil || r.Version != 1 {
		t.Fatalf("A's record at the hub: %+v, %v", r, err)
	}
}

// A withdrawal notice from the record's own source is honoured, and the
// receipt says so; the receipt lists only what was stored.
func TestReceiptListsWhatWasDone(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 2, "Partner NGO")
	mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	names, err := Withdraw(p.field, ids[0])
	if err != nil || len(names) != 1 || names[0] != "Partner NGO" {
		t.Fatalf("withdraw: %v, %v", names, err)
	}
	if _, err := p.field.GetRecord(ids[0]); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("the withdrawn record is still on the field laptop: %v", err)
	}
	imp := mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	if imp.Deleted != 1 {
		t.Fatalf("deleted %d", imp.Deleted)
	}
	back := mustImport(t, p.field, imp.ReceiptPath)
	if back.Confirmed != 1 || len(back.Receipt.Deleted) != 1 || back.Receipt.Deleted[0] != ids[0] {
		t.Fatalf("receipt: %+v", back.Receipt)
	}
}

// A questionnaire the signed manifest does not list is refused.
func TestUnlistedQuestionnaire(t *testing.T) { bothImportPaths(t, testUnlistedQuestionnaire) }

func testUnlistedQuestionnaire(t *testing.T) {
	p := newPair(t)
	id := intakes(t, p.partner, 1, "Field team")[0]
	raw := rawRecord(t, p.partner, id, func(*vault.Record) {})
	extra := []byte(`{"id":"planted","version":"1"}`)
	expectRejected(t, p.field, "an unlisted questionnaire", forge(t, p.partner, p.field, [][]byte{raw}, nil, [][]byte{extra}, []string{}))
}

// Sharing consent names a partner by its key: another key added under the
// same name after the first was removed receives nothing.
func TestSameNameContactGetsNothing(t *testing.T) {
	p := newPair(t)
	intakes(t, p.field, 3, "Partner NGO")
	if err := p.field.RemoveContact("Partner NGO"); err != nil {
		t.Fatal(err)
	}
	impostor := newVault(t, "Partner NGO")
	introduce(t, p.field, impostor)
	_, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if !errors.Is(err, ErrNothingToExport) {
		t.Fatalf("export to a new key under the old name: %v", err)
	}
}

// A stale summary put back into the file (no passphrase needed) may not
// widen who a record goes to: export reads consent from the record itself.
func TestStaleSummaryNotTrusted(t *testing.T) {
	p := newPair(t)
	id := intakes(t, p.field, 1, "Partner NGO")[0]
	old := rawValue(t, &p.field, "summaries", id)
	// Consent narrowed: shared with nobody now.
	r, _ := p.field.GetRecord(id)
	r.Share = nil
	r.Body = json.RawMessage(strings.Replace(string(r.Body), `"consent.share":["Partner NGO"]`, `"consent.share":[]`, 1))
	if err := p.field.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	putRawValue(t, &p.field, "summaries", id, old)
	res, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err == nil && len(res.Manifest.Records) > 0 {
		t.Fatalf("a rolled-back summary sent record %s to a partner consent no longer names", id)
	}
	if err != nil && !errors.Is(err, ErrNothingToExport) && !errors.Is(err, vault.ErrCorrupt) {
		t.Fatalf("export: %v", err)
	}
}

// A bundle re-encrypted to a third vault, still signed by its sender, is
// refused there: it was not addressed to it.
func TestReencryptedToThirdVault(t *testing.T) {
	p := newPair(t)
	third := newVault(t, "Third")
	introduce(t, third, p.field)
	intakes(t, p.field, 1, "Partner NGO")
	res := mustExport(t, p.field, "Partner NGO")
	pid, _ := p.partner.Identity()
	f, _ := os.Open(res.Path)
	plain, err := age.Decrypt(f, pid)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	trcpt, _ := third.Recipient()
	r, _ := age.ParseHybridRecipient(trcpt)
	aw, _ := age.Encrypt(&buf, r)
	if _, err := io.Copy(aw, plain); err != nil {
		t.Fatal(err)
	}
	aw.Close()
	f.Close()
	expectRejected(t, third, "a bundle re-encrypted to a third vault", buf.Bytes())
}

// rawValue reads a bucket's raw (sealed) value from the vault file, as
// someone with the file but no passphrase could; the vault is reopened.
func rawValue(t *testing.T, v **vault.Vault, bucket, id string) []byte {
	t.Helper()
	var out []byte
	withFile(t, v, func(tx *bolt.Tx) error {
		u := uuid.MustParse(id)
		out = bytes.Clone(tx.Bucket([]byte(bucket)).Get(u[:]))
		return nil
	})
	return out
}

// putRawValue puts a raw value back into the vault file.
func putRawValue(t *testing.T, v **vault.Vault, bucket, id string, val []byte) {
	t.Helper()
	withFile(t, v, func(tx *bolt.Tx) error {
		u := uuid.MustParse(id)
		return tx.Bucket([]byte(bucket)).Put(u[:], val)
	})
}

func withFile(t *testing.T, v **vault.Vault, fn func(*bolt.Tx) error) {
	t.Helper()
	path := (*v).Path()
	(*v).Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	db.Close()
	nv, err := vault.Open(path, vault.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := nv.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nv.Close() })
	*v = nv
}

// A bundle too large to read once is stored from the bytes that were
// checked: a file swapped at its path in between (a FIFO, a malicious
// stick) changes nothing, and every record is stored exactly once.
func TestSwappedBetweenReads(t *testing.T) {
	defer func(old int64) { stageLimit = old }(stageLimit)
	stageLimit = 0
	p := newPair(t)
	ids := intakes(t, p.field, 3, "Partner NGO")
	real := mustExport(t, p.field, "Partner NGO")
	other := newVault(t, "Other")
	introduce(t, other, p.partner)
	intakes(t, other, 1, "Partner NGO")
	decoy := mustExport(t, other, "Partner NGO")
	defer func(old func(string, *os.File)) { afterCheck = old }(afterCheck)
	afterCheck = func(path string, _ *os.File) {
		data, _ := os.ReadFile(decoy.Path)
		os.WriteFile(path, data, 0o600)
	}
	res, err := Import(p.partner, real.Path, t.TempDir())
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Added != 3 {
		t.Fatalf("stored %d records of 3", res.Added)
	}
	for _, id := range ids {
		if _, err := p.partner.GetRecord(id); err != nil {
			t.Errorf("record %s: %v", id, err)
		}
	}
}

// The private copy read the second time is checked again against the
// signed manifest: anyone can encrypt a bundle to this vault, so a copy
// replaced by another valid bundle (same user, same temporary folder)
// stores nothing of it.
func TestPrivateCopyReplaced(t *testing.T) {
	defer func(old int64) { stageLimit = old }(stageLimit)
	stageLimit = 0
	p := newPair(t)
	ids := intakes(t, p.field, 2, "Partner NGO")
	real := mustExport(t, p.field, "Partner NGO")
	// The same records, changed, encrypted to the partner by a stranger.
	stranger := newVault(t, "Stranger")
	var changed [][]byte
	for _, id := range ids {
		changed = append(changed, rawRecord(t, p.field, id, func(r *vault.Record) { r.Triage = "immediate" }))
	}
	decoy := forge(t, stranger, p.partner, changed, nil, nil, nil)
	defer func(old func(string, *os.File)) { afterCheck = old }(afterCheck)
	afterCheck = func(_ string, copied *os.File) {
		copied.Truncate(0)
		copied.WriteAt(decoy, 0)
	}
	data, _ := os.ReadFile(real.Path)
	expectRejected(t, p.partner, "a replaced private copy", data)
	for _, id := range ids {
		if r, err := p.partner.GetRecord(id); err == nil {
			t.Errorf("record %s was stored from the replaced copy (triage %s)", id, r.Triage)
		}
	}
}

// Re-encrypted forgeries: valid age files to this vault, with a manifest
// or record changed and signed again by someone who is not a contact, or a
// record changed under the sender's own signature.
func TestReencryptedForgeries(t *testing.T) { bothImportPaths(t, testReencryptedForgeries) }

func testReencryptedForgeries(t *testing.T) {
	p := newPair(t)
	stranger := newVault(t, "Partner NGO") // the partner's name, not its key
	id := intakes(t, p.partner, 1, "Field team")[0]
	raw := rawRecord(t, p.partner, id, func(*vault.Record) {})
	altered := rawRecord(t, p.partner, id, func(r *vault.Record) { r.Triage = "immediate" })
	expectRejected(t, p.field, "signed by a stranger", forge(t, stranger, p.field, [][]byte{raw}, nil, nil, nil))
	expectRejected(t, p.field, "an altered record re-signed by a stranger", forge(t, stranger, p.field, [][]byte{altered}, nil, nil, nil))
	// A record changed after the sender signed: the manifest's hash is of
	// the original.
	good := forge(t, p.partner, p.field, [][]byte{raw}, nil, nil, nil)
	pid, _ := p.field.Identity()
	plain, err := age.Decrypt(bytes.NewReader(good), pid)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rcpt, _ := p.field.Recipient()
	r, _ := age.ParseHybridRecipient(rcpt)
	aw, _ := age.Encrypt(&out, r)
	tw := tar.NewWriter(aw)
	tr := tar.NewReader(plain)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		body, _ := io.ReadAll(tr)
		if strings.HasPrefix(h.Name, "records/") {
			changed := bytes.Replace(body, []byte(`"triage":"soon"`), []byte(`"triage":"later"`), 1)
			if bytes.Equal(changed, body) {
				t.Fatalf("the record holds no triage to change: %s", body)
			}
			body = changed
		}
		writeTar(tw, h.Name, body)
	}
	tw.Close()
	aw.Close()
	expectRejected(t, p.field, "a record changed under the sender's signature", out.Bytes())
	if _, err := p.field.GetRecord(id); err == nil {
		t.Error("a forged record was stored")
	}
}

// The newest audit entries cut off with an older pointer to the newest
// put back leave a chain that checks out; the receipt of a bundle exported
// before the cut brings back an anchor the log no longer reaches.
func TestAuditTailCutShowsAgainstReceipt(t *testing.T) {
	p := newPair(t)
	// The log as it was early on: entries and the pointer to the newest.
	var early map[string][]byte
	var earlyHead []byte
	withFile(t, &p.field, func(tx *bolt.Tx) error {
		early = map[string][]byte{}
		tx.Bucket([]byte("audit")).ForEach(func(k, v []byte) error {
			early[string(k)] = bytes.Clone(v)
			return nil
		})
		earlyHead = bytes.Clone(tx.Bucket([]byte("meta")).Get([]byte("audithead")))
		return nil
	})
	intakes(t, p.field, 2, "Partner NGO")
	imp := mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	// Cut: every entry since, gone; the early pointer back.
	withFile(t, &p.field, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		var gone [][]byte
		b.ForEach(func(k, _ []byte) error {
			if _, ok := early[string(k)]; !ok {
				gone = append(gone, bytes.Clone(k))
			}
			return nil
		})
		for _, k := range gone {
			b.Delete(k)
		}
		return tx.Bucket([]byte("meta")).Put([]byte("audithead"), earlyHead)
	})
	if _, err := p.field.VerifyAudit(); err != nil {
		t.Fatalf("the chain alone shows the cut (%v): the test does not cut a tail", err)
	}
	res := mustImport(t, p.field, imp.ReceiptPath)
	var ce *vault.ChainError
	if !errors.As(res.AnchorErr, &ce) {
		t.Fatalf("the receipt's anchor did not show the cut tail: %v", res.AnchorErr)
	}
	// And an intact log checks out against its anchor.
	q := newPair(t)
	intakes(t, q.field, 1, "Partner NGO")
	qi := mustImport(t, q.partner, mustExport(t, q.field, "Partner NGO").Path)
	if res := mustImport(t, q.field, qi.ReceiptPath); res.AnchorErr != nil {
		t.Fatalf("an intact log: %v", res.AnchorErr)
	}
}

// A bundle imported twice is seen and changes nothing; one that arrives
// after a missing one says how many are missing; a receipt imported twice
// is seen too.
func TestSeenAndGap(t *testing.T) {
	p := newPair(t)
	intakes(t, p.field, 1, "Partner NGO")
	first := mustExport(t, p.field, "Partner NGO")
	intakes(t, p.field, 1, "Partner NGO")
	second := mustExport(t, p.field, "Partner NGO")
	if ck, err := Verify(p.partner, second.Path); err != nil || ck.Gap != 1 || ck.Seen {
		t.Fatalf("bundle 2 before bundle 1: %+v, %v", ck, err)
	}
	res := mustImport(t, p.partner, second.Path)
	if res.Gap != 1 || res.Seen {
		t.Fatalf("bundle 2 first: gap %d, seen %v", res.Gap, res.Seen)
	}
	if ck, err := Verify(p.partner, first.Path); err != nil || ck.Gap != 0 || ck.Seen {
		t.Fatalf("bundle 1 after 2: %+v, %v", ck, err)
	}
	before := fileHash(t, p.partner.Path())
	if again := mustImport(t, p.partner, second.Path); !again.Seen || again.Added != 0 || again.Gap != 0 {
		t.Fatalf("bundle 2 again: %+v", again)
	}
	if fileHash(t, p.partner.Path()) != before {
		t.Fatal("a bundle imported twice changed the vault")
	}
	mustImport(t, p.field, res.ReceiptPath)
	if again := mustImport(t, p.field, res.ReceiptPath); !again.Seen || again.Delivered != 0 {
		t.Fatalf("the receipt again: %+v", again)
	}
}

// Receipts and bundles are told apart by name; a quick look tells whether
// a file is addressed to this vault.
func TestNamesAndAddressee(t *testing.T) {
	p := newPair(t)
	intakes(t, p.field, 1, "Partner NGO")
	b := mustExport(t, p.field, "Partner NGO")
	r := mustImport(t, p.partner, b.Path)
	if KindOfName(filepath.Base(b.Path)) != KindBundle || KindOfName(filepath.Base(r.ReceiptPath)) != KindReceipt || KindOfName("notes.txt") != "" {
		t.Fatalf("names: %s, %s", b.Path, r.ReceiptPath)
	}
	if !ForThisVault(p.partner, b.Path) || ForThisVault(p.field, b.Path) || !ForThisVault(p.field, r.ReceiptPath) {
		t.Fatal("ForThisVault is wrong about who a file is for")
	}
}

// A card's name may be 80 characters (any script), not 81.
func TestCardNameLength(t *testing.T) {
	v := newVault(t, "x")
	c, err := OwnCard(v)
	if err != nil {
		t.Fatal(err)
	}
	for n, ok := range map[int]bool{80: true, 81: false} {
		c.Name = strings.Repeat("é", n)
		_, err := ParseCard(c.String())
		if (err == nil) != ok {
			t.Errorf("a name of %d characters: %v", n, err)
		}
	}
}

// A delivered record sent again (--all) goes as complete: delivered is the
// sender's bookkeeping, not the partner's.
func TestDeliveredSentAgainAsComplete(t *testing.T) {
	p := newPair(t)
	id := intakes(t, p.field, 1, "Partner NGO")[0]
	imp := mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	mustImport(t, p.field, imp.ReceiptPath)
	if status(t, p.field, id) != vault.StatusDelivered {
		t.Fatal("not delivered")
	}
	res, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := p.partner.Identity()
	f, _ := os.Open(res.Path)
	defer f.Close()
	plain, err := age.Decrypt(f, pid)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(plain)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("the record is not in the bundle: %v", err)
		}
		if h.Name != "records/"+id+".json" {
			continue
		}
		var r vault.Record
		body, _ := io.ReadAll(tr)
		if err := json.Unmarshal(body, &r); err != nil || r.Status != vault.StatusComplete {
			t.Fatalf("the record went as %q (%v)", r.Status, err)
		}
		return
	}
}

// After a withdrawal notice is applied, the deleted record's ciphertext is
// nowhere in the partner's vault file: the vault was compacted.
func TestWithdrawalCompactsPartner(t *testing.T) {
	p := newPair(t)
	id := intakes(t, p.field, 1, "Partner NGO")[0]
	mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path)
	blob := rawValue(t, &p.partner, "records", id)
	if len(blob) == 0 {
		t.Fatal("no record at the partner")
	}
	if _, err := Withdraw(p.field, id); err != nil {
		t.Fatal(err)
	}
	if imp := mustImport(t, p.partner, mustExport(t, p.field, "Partner NGO").Path); imp.Deleted != 1 {
		t.Fatalf("deleted %d", imp.Deleted)
	}
	file, _ := os.ReadFile(p.partner.Path())
	if bytes.Contains(file, blob[len(blob)-64:]) {
		t.Fatal("the withdrawn record's ciphertext lingers in the partner's vault file")
	}
}
