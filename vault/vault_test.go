package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// testWorkFactor keeps scrypt cheap in tests; production uses 18.
const testWorkFactor = 10

var testPass = []byte("correct horse battery")

func newTestVault(t testing.TB) *Vault {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fv", "vault.db")
	v, err := Create(path, testPass, CreateOptions{Name: "Field team", Worker: "Sari", WorkFactor: testWorkFactor})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// reopen closes v and opens it again, locked.
func reopen(t *testing.T, v *Vault) *Vault {
	t.Helper()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	v2, err := Open(v.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v2.Close() })
	return v2
}

func TestCreatePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	v := newTestVault(t)
	fi, err := os.Stat(v.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("vault file mode = %o, want 600", got)
	}
	di, err := os.Stat(filepath.Dir(v.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("vault folder mode = %o, want 700", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(v.Path()))
	if len(entries) != 1 {
		t.Errorf("vault folder holds %d entries, want only the vault: %v", len(entries), entries)
	}
}

func TestCreateRefusals(t *testing.T) {
	v := newTestVault(t)
	if _, err := Create(v.Path(), testPass, CreateOptions{WorkFactor: testWorkFactor}); !errors.Is(err, ErrExists) {
		t.Errorf("Create over an existing vault: err = %v, want ErrExists", err)
	}
	dir := t.TempDir()
	for _, p := range []string{"", "short", "         x"} {
		if _, err := Create(filepath.Join(dir, "v.db"), []byte(p), CreateOptions{WorkFactor: testWorkFactor}); !errors.Is(err, ErrWeakPassphrase) {
			t.Errorf("Create with passphrase %q: err = %v, want ErrWeakPassphrase", p, err)
		}
	}
	if _, err := Create(filepath.Join(dir, "v.db"), testPass, CreateOptions{WorkFactor: 9}); err == nil {
		t.Error("Create accepted work factor 9")
	}
	if _, err := os.Stat(filepath.Join(dir, "v.db")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused Create left a file behind")
	}
}

func TestUnlock(t *testing.T) {
	v := reopen(t, newTestVault(t))
	if v.Unlocked() {
		t.Fatal("a freshly opened vault is unlocked")
	}
	if _, err := v.Summaries(); !errors.Is(err, ErrLocked) {
		t.Errorf("Summaries while locked: err = %v, want ErrLocked", err)
	}
	if err := v.Unlock([]byte("not the passphrase")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: err = %v, want ErrWrongPassphrase", err)
	}
	if err := v.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
	if v.Worker() != "Sari" {
		t.Errorf("Worker = %q, want Sari", v.Worker())
	}
	info, err := v.Info()
	if err != nil || info.Name != "Field team" || info.ID == "" {
		t.Errorf("Info = %+v, %v", info, err)
	}
	v.Lock()
	if _, err := v.Info(); !errors.Is(err, ErrLocked) {
		t.Errorf("Info after Lock: err = %v, want ErrLocked", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.db"), Options{}); !errors.Is(err, ErrNoVault) {
		t.Errorf("missing file: err = %v, want ErrNoVault", err)
	}
	for name, content := range map[string][]byte{
		"empty.db":   nil,
		"garbage.db": bytes.Repeat([]byte("not a vault "), 2000),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, content, 0o600)
		if _, err := Open(p, Options{}); !errors.Is(err, ErrNotVault) {
			t.Errorf("%s: err = %v, want ErrNotVault", name, err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, content) {
			t.Errorf("%s: Open changed the file", name)
		}
	}
	// A bbolt file that is not a vault.
	p := filepath.Join(dir, "other.db")
	db, err := bolt.Open(p, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(p, Options{}); !errors.Is(err, ErrNotVault) {
		t.Errorf("foreign bbolt file: err = %v, want ErrNotVault", err)
	}
}

func TestBusy(t *testing.T) {
	v := newTestVault(t)
	start := time.Now()
	_, err := Open(v.Path(), Options{})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("second open: err = %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second open took %v to give up", d)
	}
}

func TestPassphraseSlots(t *testing.T) {
	v := newTestVault(t)
	second := []byte("another worker's phrase")
	if err := v.AddPassphrase("Budi", second, testWorkFactor); err != nil {
		t.Fatal(err)
	}
	if err := v.AddPassphrase("Budi", []byte("tiny"), testWorkFactor); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("weak passphrase added: %v", err)
	}
	v = reopen(t, v)
	if err := v.Unlock(second); err != nil {
		t.Fatalf("unlock with the added passphrase: %v", err)
	}
	if v.Worker() != "Budi" {
		t.Errorf("Worker = %q, want Budi", v.Worker())
	}
	slots, err := v.Passphrases()
	if err != nil || len(slots) != 2 {
		t.Fatalf("Passphrases = %v, %v", slots, err)
	}

	// Budi changes his passphrase; Sari's keeps working.
	oldSlots := rawBucket(t, v, bucketSlots)
	changed := []byte("budi's brand new phrase")
	if _, err := v.ChangePassphrase(changed, testWorkFactor); err != nil {
		t.Fatal(err)
	}
	v = reopen(t, v)
	if err := v.Unlock(second); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("old passphrase after change: err = %v, want ErrWrongPassphrase", err)
	}
	if err := v.Unlock(changed); err != nil || v.Worker() != "Budi" {
		t.Errorf("new passphrase: err = %v, worker %q", err, v.Worker())
	}
	v.Lock()
	if err := v.Unlock(testPass); err != nil {
		t.Errorf("first passphrase after another worker's change: %v", err)
	}
	// The replaced slot must not linger in a free page, where the old
	// passphrase would still open it.
	raw, _ := os.ReadFile(v.Path())
	for _, s := range oldSlots {
		if bytes.Contains(raw, s) && !containsSlot(rawBucket(t, v, bucketSlots), s) {
			t.Error("the replaced key slot is still in the vault file")
		}
	}

	// Removing: not the last one.
	slots, _ = v.Passphrases()
	var budi string
	for _, s := range slots {
		if s.Worker == "Budi" {
			budi = s.ID
		}
	}
	if _, err := v.RemovePassphrase(budi[:8]); err != nil {
		t.Fatal(err)
	}
	slots, _ = v.Passphrases()
	if len(slots) != 1 || !slots[0].Current {
		t.Fatalf("after remove: %+v", slots)
	}
	if _, err := v.RemovePassphrase(slots[0].ID); !errors.Is(err, ErrLastSlot) {
		t.Errorf("removing the last slot: err = %v, want ErrLastSlot", err)
	}
	v = reopen(t, v)
	if err := v.Unlock(changed); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("removed passphrase still unlocks: %v", err)
	}
}

func containsSlot(slots [][]byte, s []byte) bool {
	for _, x := range slots {
		if bytes.Equal(x, s) {
			return true
		}
	}
	return false
}

// rawBucket returns copies of a bucket's stored values.
func rawBucket(t *testing.T, v *Vault, name []byte) [][]byte {
	t.Helper()
	var out [][]byte
	v.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(name).ForEach(func(_, val []byte) error {
			out = append(out, bytes.Clone(val))
			return nil
		})
	})
	return out
}

func TestRecords(t *testing.T) {
	v := newTestVault(t)
	r := &Record{Status: StatusDraft, Schema: SchemaRef{ID: "rescue-needs", Version: "1"}, Body: json.RawMessage(`{"a":1}`)}
	if err := v.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	if r.ID == "" || r.Version != 1 || r.Worker != "Sari" || r.Created.IsZero() {
		t.Fatalf("after first put: %+v", r)
	}
	created := r.Created
	r.Status, r.Triage, r.Body = StatusComplete, "today", json.RawMessage(`{"a":2}`)
	if err := v.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 {
		t.Errorf("version after second put = %d, want 2", r.Version)
	}
	got, err := v.GetRecord(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Status != StatusComplete || string(got.Body) != `{"a":2}` || !got.Created.Equal(created) {
		t.Errorf("GetRecord = %+v", got)
	}
	other := &Record{Status: StatusDeclined}
	if err := v.PutRecord(other); err != nil {
		t.Fatal(err)
	}
	sums, err := v.Summaries()
	if err != nil || len(sums) != 2 {
		t.Fatalf("Summaries = %v, %v", sums, err)
	}
	for _, s := range sums {
		if s.ID == r.ID && (s.Version != 2 || s.Triage != "today" || s.Schema != "rescue-needs" || s.Created != created.Format(time.DateOnly)) {
			t.Errorf("summary = %+v", s)
		}
	}
	if id, err := v.ResolveID(r.ID[:8]); err != nil || id != r.ID {
		t.Errorf("ResolveID(prefix) = %q, %v", id, err)
	}
	if _, err := v.ResolveID("zzzz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ResolveID(unknown) err = %v", err)
	}
	if err := v.PutRecord(&Record{Status: "lost"}); err == nil {
		t.Error("PutRecord accepted an unknown status")
	}
	if err := v.DeleteRecord(r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.GetRecord(r.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRecord after delete: err = %v", err)
	}
	if err := v.DeleteRecord(r.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: err = %v", err)
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	v := newTestVault(t)
	a := &Record{Status: StatusComplete}
	if err := v.PutRecord(a); err != nil {
		t.Fatal(err)
	}
	b := &Record{Status: StatusComplete}
	if err := v.PutRecords([]*Record{b, {ID: a.ID, Status: StatusComplete}, {ID: a.ID, Status: StatusComplete}}); err == nil {
		t.Fatal("a batch naming one record twice was accepted")
	}
	if sums, _ := v.Summaries(); len(sums) != 1 {
		t.Errorf("a refused batch stored %d records", len(sums)-1)
	}
}

// Moving a record's ciphertext under another record's key must not go
// unnoticed: values are bound to their keys.
func TestSwappedRecordsAreRejected(t *testing.T) {
	v := newTestVault(t)
	a, b := &Record{Status: StatusComplete}, &Record{Status: StatusComplete}
	if err := v.PutRecords([]*Record{a, b}); err != nil {
		t.Fatal(err)
	}
	err := v.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketRecords)
		va := bytes.Clone(bk.Get(recordKey(a.ID)))
		return bk.Put(recordKey(b.ID), va)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.GetRecord(b.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("swapped record: err = %v, want ErrCorrupt", err)
	}
}

func TestContactsAndExports(t *testing.T) {
	v := newTestVault(t)
	c := &Contact{Name: "Partner NGO", Recipient: "age1pq1example", SigningKey: []byte("k1")}
	if err := v.AddContact(c); err != nil {
		t.Fatal(err)
	}
	if err := v.AddContact(&Contact{Name: "partner ngo", SigningKey: []byte("k2")}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate name: err = %v", err)
	}
	if err := v.AddContact(&Contact{Name: "Other", SigningKey: []byte("k1")}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate key: err = %v", err)
	}
	got, err := v.Contact("PARTNER NGO")
	if err != nil || got.ID != c.ID || got.Recipient != c.Recipient {
		t.Fatalf("Contact = %+v, %v", got, err)
	}
	e := &Export{Contact: c.ID, Bundle: "b1", Seq: 1, Records: []RecordVersion{{ID: "r", Version: 2}}}
	if err := v.LogExport(e); err != nil {
		t.Fatal(err)
	}
	ex, err := v.Exports()
	if err != nil || len(ex) != 1 || ex[0].Records[0].Version != 2 {
		t.Fatalf("Exports = %+v, %v", ex, err)
	}
	if err := v.RemoveContact("partner ngo"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Contact("Partner NGO"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed contact still found: %v", err)
	}
	// Each change is in the audit log, in order.
	log, err := v.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if !strings.HasPrefix(e.Action, "vault created") && !strings.HasPrefix(e.Action, "passphrase") {
			actions = append(actions, e.Action)
		}
	}
	want := []string{"contact added: Partner NGO", "bundle b1 exported: 1 records, 0 withdrawal notices", "contact removed: Partner NGO"}
	if !slices.Equal(actions, want) {
		t.Errorf("audit log says %q, want %q", actions, want)
	}
}

// wipe zeroes every byte of a file, whatever its size, and leaves its size.
func TestWipe(t *testing.T) {
	for _, size := range []int{0, 1, 1 << 20, 2<<20 + 12345} {
		path := filepath.Join(t.TempDir(), "old")
		data := bytes.Repeat([]byte{0xa5}, size)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := wipe(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got, _ := os.ReadFile(path)
		if len(got) != size || bytes.ContainsFunc(got, func(r rune) bool { return r != 0 }) {
			t.Fatalf("a file of %d bytes after wipe: %d bytes, not all zero", size, len(got))
		}
	}
}

func TestCompactKeepsEverything(t *testing.T) {
	v := newTestVault(t)
	var ids []string
	for range 50 {
		r := &Record{Status: StatusComplete, Body: json.RawMessage(`{"x":"y"}`)}
		if err := v.PutRecord(r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	deleted := rawRecord(t, v, ids[0])
	if err := v.DeleteRecord(ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := v.Compact(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(v.Path())
	if bytes.Contains(raw, deleted[len(deleted)-64:]) {
		t.Error("a deleted record's ciphertext survived compaction")
	}
	for _, id := range ids[1:] {
		if _, err := v.GetRecord(id); err != nil {
			t.Errorf("record %s after compaction: %v", id, err)
		}
	}
	if n, err := v.VerifyAudit(); err != nil || n != 52 {
		t.Errorf("audit after compaction: %d entries, %v", n, err)
	}
	v = reopen(t, v)
	if err := v.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
	if sums, _ := v.Summaries(); len(sums) != 49 {
		t.Errorf("after reopen: %d records, want 49", len(sums))
	}
}

func rawRecord(t *testing.T, v *Vault, id string) []byte {
	var out []byte
	v.db.View(func(tx *bolt.Tx) error {
		out = bytes.Clone(tx.Bucket(bucketRecords).Get(recordKey(id)))
		return nil
	})
	if out == nil {
		t.Fatalf("record %s not stored", id)
	}
	return out
}

func TestSchemas(t *testing.T) {
	v := newTestVault(t)
	if err := v.PutSchema("h1", []byte(`{"id":"a"}`)); err != nil {
		t.Fatal(err)
	}
	if err := v.PutSchema("h1", []byte(`{"id":"a"}`)); err != nil {
		t.Fatal(err)
	}
	if n := len(rawBucket(t, v, bucketSchemas)); n != 1 {
		t.Errorf("the same questionnaire was stored %d times", n)
	}
	got, err := v.Schema("h1")
	if err != nil || string(got) != `{"id":"a"}` {
		t.Errorf("Schema = %s, %v", got, err)
	}
	if _, err := v.Schema("h2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown hash: %v", err)
	}
}

// A damaged vault file must give an error, never a panic: bbolt asserts on
// damaged pages, and a failing or tampered disk is a threat fieldvault
// designs for.
func TestDamagedFileNeverPanics(t *testing.T) {
	v := newTestVault(t)
	var ids []string
	for range 300 {
		r := &Record{Status: StatusComplete, Body: json.RawMessage(`{"answers":{"a":"b"}}`)}
		if err := v.PutRecord(r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	// Compacted, so that damage lands on pages in use, not on the free
	// space bbolt grows the file by (16 MB of 17 before).
	if err := v.Compact(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	clean, err := os.ReadFile(v.Path())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	errs := 0
	for i := range 300 {
		b := bytes.Clone(clean)
		// Page headers (ID, flags, counts) are what bbolt asserts on;
		// damage one, and a few bytes anywhere.
		page := 2 + rng.IntN(len(b)/4096-2)
		b[page*4096+rng.IntN(16)] ^= 1 << rng.IntN(8)
		for range rng.IntN(4) {
			b[rng.IntN(len(b))] ^= 1 << rng.IntN(8)
		}
		os.WriteFile(damaged, b, 0o600)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("damage %d: panic: %v", i, r)
				}
			}()
			d, err := Open(damaged, Options{})
			if err != nil {
				errs++
				return
			}
			defer d.Close()
			if err := d.Unlock(testPass); err != nil {
				errs++
				return
			}
			_, e1 := d.Summaries()
			_, e2 := d.VerifyAudit()
			_, e3 := d.GetRecord(ids[rng.IntN(len(ids))])
			e4 := d.PutRecord(&Record{Status: StatusDraft})
			if e1 != nil || e2 != nil || e3 != nil || e4 != nil {
				errs++
			}
		}()
	}
	if errs == 0 {
		t.Fatal("no damage was ever noticed: the test damaged nothing")
	}
	t.Logf("%d of 300 damaged files noticed, none panicked", errs)
}

// A killed compaction leaves a full copy of the vault under a temporary
// name; the next writable open wipes and removes it.
func TestLeftoversRemoved(t *testing.T) {
	v := newTestVault(t)
	path := v.Path()
	v.Close()
	dir := filepath.Dir(path)
	left := []string{
		filepath.Join(dir, "."+filepath.Base(path)+".compact-1234"),
		filepath.Join(dir, "."+filepath.Base(path)+".new-5678"),
	}
	other := filepath.Join(dir, "notes.txt")
	for _, f := range append(left, other) {
		os.WriteFile(f, []byte("encrypted leftovers"), 0o600)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if _, err := os.Stat(left[0]); err != nil {
		t.Fatal("a read-only open removed files")
	}
	rw, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	for _, f := range left {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there", f)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("an unrelated file was removed")
	}
}

// A symbolic link planted under a leftover's name is neither followed nor
// removed: what it points to stays intact.
func TestPlantedLeftoverLinkNotFollowed(t *testing.T) {
	v := newTestVault(t)
	path := v.Path()
	v.Close()
	dir := filepath.Dir(path)
	target := filepath.Join(t.TempDir(), "precious.txt")
	os.WriteFile(target, []byte("someone's own file"), 0o600)
	link := filepath.Join(dir, "."+filepath.Base(path)+".compact-666")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	rw, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rw.Close()
	if b, err := os.ReadFile(target); err != nil || string(b) != "someone's own file" {
		t.Fatalf("the link's target was changed: %q, %v", b, err)
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("the planted link was removed: %v", err)
	}
}

// A process waiting for the vault while another compacts it is told the
// vault is busy, not that it is damaged: the lock it gets is the old file's.
func TestWaitThroughCompaction(t *testing.T) {
	v := newTestVault(t)
	for range 50 {
		if err := v.PutRecord(&Record{Status: StatusComplete, Body: []byte(`{"a":"padding padding padding"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan error, 1)
	go func() {
		w, err := Open(v.Path(), Options{})
		if err == nil {
			w.Close()
		}
		got <- err
	}()
	time.Sleep(200 * time.Millisecond) // the second one is waiting now
	if err := v.Compact(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if err := <-got; !errors.Is(err, ErrBusy) {
		t.Fatalf("the waiting open got %v, want ErrBusy", err)
	}
}

// Lists are newest first by creation, not by ID, within a day too.
func TestSummariesNewestFirst(t *testing.T) {
	v := newTestVault(t)
	var ids []string
	for range 6 {
		r := &Record{Status: StatusComplete}
		if err := v.PutRecord(r); err != nil {
			t.Fatal(err)
		}
		ids = append([]string{r.ID}, ids...)
	}
	sums, err := v.Summaries()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sums {
		if s.ID != ids[i] {
			t.Fatalf("list position %d holds %s, want %s (newest first)", i, s.ID, ids[i])
		}
	}
}
