package vault

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Tests for promises that deliberate bugs in this package once got past.

// A summary moved to another record's key does not open there: its
// associated data binds it to its key.
func TestSwappedSummariesAreRejected(t *testing.T) {
	v := newTestVault(t)
	a := &Record{Status: StatusComplete, Triage: "immediate"}
	b := &Record{Status: StatusComplete, Triage: "soon"}
	if err := v.PutRecords([]*Record{a, b}); err != nil {
		t.Fatal(err)
	}
	err := v.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketSummaries)
		return bk.Put(recordKey(b.ID), bytes.Clone(bk.Get(recordKey(a.ID))))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Summaries(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a summary under another record's key: err = %v, want ErrCorrupt", err)
	}
}

// The newest audit entry replaced by another, validly sealed one breaks
// the chain at its end.
func TestAuditNewestEntryReplaced(t *testing.T) {
	v := newTestVault(t)
	if err := v.PutRecord(&Record{Status: StatusComplete}); err != nil {
		t.Fatal(err)
	}
	err := v.db.Update(func(tx *bolt.Tx) error {
		var head auditHead
		if err := v.getMeta(tx, keyAuditHead, &head); err != nil {
			return err
		}
		return tx.Bucket(bucketAudit).ForEach(func(k, val []byte) error {
			var e AuditEntry
			if err := openSealed(v.keys.meta, bucketAudit, k, val, &e); err != nil || e.Seq != head.Seq {
				return err
			}
			e.Action = "nothing happened here"
			return putSealed(tx, bucketAudit, v.keys.meta, bytes.Clone(k), e)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var ce *ChainError
	if _, err := v.VerifyAudit(); !errors.As(err, &ce) {
		t.Fatalf("the newest entry replaced: %v", err)
	}
}

// A record of several chunks cut after its first chunk is refused: only
// the last chunk is marked last.
func TestTruncatedMultiChunkRecord(t *testing.T) {
	aead, _ := deriveAEAD(bytes.Repeat([]byte{7}, 32), labelRecordWrap)
	ad := adFor(bucketRecords, []byte("0123456789abcdef"))
	pt := bytes.Repeat([]byte("a record longer than one chunk "), 3*maxChunk/31)
	blob, err := encryptBlob(aead, ad, pt)
	if err != nil {
		t.Fatal(err)
	}
	payload := bytes.Index(blob, []byte("\n--- ")) + len("\n--- ") + 43 + 1
	for _, chunks := range []int{1, 2} {
		cut := blob[:payload+16+chunks*(maxChunk+16)]
		if got, err := decryptBlob(aead, ad, cut); err == nil {
			t.Fatalf("a record cut after chunk %d opens (%d of %d bytes)", chunks, len(got), len(pt))
		}
	}
	if got, err := decryptBlob(aead, ad, blob); err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("the whole record: %v", err)
	}
}

// Every write reaches the disk before it is reported done: the crash test
// cannot see a missing fsync (a killed process leaves the page cache), so
// the vault must never be opened with syncing off.
func TestWritesAreSynced(t *testing.T) {
	v := newTestVault(t)
	if v.db.NoSync {
		t.Fatal("a new vault does not sync")
	}
	v = reopen(t, v)
	if err := v.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
	if v.db.NoSync {
		t.Fatal("an opened vault does not sync")
	}
	if err := v.Compact(); err != nil {
		t.Fatal(err)
	}
	if v.db.NoSync {
		t.Fatal("a compacted vault does not sync")
	}
	if err := v.AddPassphrase("Budi", []byte("budi's own passphrase"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	if _, err := v.RemovePassphrase("Budi"); err != nil {
		t.Fatal(err)
	}
	if v.db.NoSync {
		t.Fatal("a rekeyed vault does not sync")
	}
}

// awkward holds the values that sit on the fast readers' edges: spaces
// and the first printable characters, non-ASCII text, every width of
// number they read.
var awkward = []string{"", " ", "a b", "!#~", "Sari Dewi", "Kalimantan Barat – Pontianak", "ü日本"}

var awkwardInts = []int64{0, 1, 7, 9, 10, 19, 90, 99, 100, 909, 1234567890, 123456789012345678, 999999999999999999}

// The fast readers take every summary and record head as fieldvault writes
// them (json.Marshal), with the values encoding/json reads: a fast path
// that gave up would hide behind the slow one, which only costs speed, so
// this asks the fast path itself.
func TestFastReadersTakeWhatFieldvaultWrites(t *testing.T) {
	created := time.Date(2026, 11, 30, 23, 59, 58, 123456789, time.UTC)
	for i, n := range awkwardInts {
		text := awkward[i%len(awkward)]
		share := awkward[:i%4]
		id := uuid.NewString()
		sum := Summary{ID: id, Version: int(n), Status: StatusComplete, Created: "2026-11-30", Triage: text,
			Schema: text, Updated: n, Source: text, Share: share, Form: text, Born: n}
		raw, _ := json.Marshal(sum)
		var got Summary
		if !fastSummary(raw, &got) {
			t.Fatalf("the fast reader gave up on a summary fieldvault writes: %s", raw)
		}
		var want Summary
		json.Unmarshal(raw, &want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fast summary %+v, encoding/json %+v", got, want)
		}

		rec := Record{ID: id, Version: int(n), Status: StatusComplete, Schema: SchemaRef{ID: text, Version: text, Hash: text},
			Lang: text, Worker: text, Created: created, Updated: created.Add(time.Duration(n)), Triage: text, Source: text,
			Share: share, Body: json.RawMessage(`{"answers":{"a":1}}`)}
		raw, _ = json.Marshal(rec)
		head, ok := fastHead(raw)
		if !ok {
			t.Fatalf("the fast reader gave up on a record head fieldvault writes: %s", raw)
		}
		var full Record
		json.Unmarshal(raw, &full)
		full.Body = nil
		if !reflect.DeepEqual(head, full) {
			t.Fatalf("fast head %+v, encoding/json %+v", head, full)
		}
		key := "key:" + text
		rec.Share = append(share, key)
		raw, _ = json.Marshal(rec)
		if may, ok := fastMayLeave(raw, id, int(n), key); !ok || !may {
			t.Fatalf("the fast consent check gave up or refused (%v, %v): %s", may, ok, raw)
		}
		if may, ok := fastMayLeave(raw, id, int(n)+1, key); !ok || may {
			t.Fatalf("the fast consent check let another version leave (%v, %v)", may, ok)
		}
	}
}

// What the fast readers leave to encoding/json: escapes, control
// characters, numbers with a leading zero or of more digits than they
// read.
func TestFastReadersLeaveTheRest(t *testing.T) {
	for _, raw := range []string{
		`{"i":"a\"b","v":1,"s":"complete","c":"2026-11-30"}`,
		`{"i":"a` + "\t" + `b","v":1,"s":"complete","c":"2026-11-30"}`,
		`{"i":"a","v":01,"s":"complete","c":"2026-11-30"}`,
		`{"i":"a","v":1234567890123456789,"s":"complete","c":"2026-11-30"}`,
		`{"i":"a","v":1,"s":"complete","c":"2026-11-30"`,
		`{"i":"a","v":1,"s":"complete","c":"2026-11-30`,
		`{"i":"a","v":1,"s":"complete","c":"2026-11-30"} `,
		`{"i":"a","v":1`,
	} {
		var s Summary
		if fastSummary([]byte(raw), &s) {
			t.Errorf("the fast reader took %s", raw)
		}
	}
	for _, raw := range []string{
		`{"id":"a\\b","version":1,"body":{}}`,
		`{"id":"a","version":1}`,           // no body: not how fieldvault writes a record
		`{"body":{},"id":"a","version":1}`, // the body first
	} {
		if _, ok := fastHead([]byte(raw)); ok {
			t.Errorf("the fast head reader took %s", raw)
		}
	}
	if _, ok := fastMayLeave([]byte(`{"id":"a","version":1,"status":"complete","share":["k\u0041"],"body":{}}`), "a", 1, "kA"); ok {
		t.Error("the fast consent check took an escaped string")
	}
}

// A passphrase of exactly MinPassphraseLen characters (not bytes) is
// enough; one fewer is not, and spaces around it do not count.
func TestPassphraseLength(t *testing.T) {
	exact := strings.Repeat("ü", MinPassphraseLen)
	if err := CheckPassphrase([]byte(exact)); err != nil {
		t.Errorf("%d characters refused: %v", MinPassphraseLen, err)
	}
	short := "  " + strings.Repeat("ü", MinPassphraseLen-1) + "  "
	if err := CheckPassphrase([]byte(short)); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("%d characters and spaces accepted", MinPassphraseLen-1)
	}
}

// The audit log tells a new record from a changed one.
func TestAuditSavedThenUpdated(t *testing.T) {
	v := newTestVault(t)
	r := &Record{Status: StatusComplete, Body: json.RawMessage(`{}`)}
	for range 2 {
		if err := v.PutRecord(r); err != nil {
			t.Fatal(err)
		}
	}
	log, err := v.AuditLog()
	if err != nil || len(log) < 2 {
		t.Fatalf("AuditLog = %d entries, %v", len(log), err)
	}
	if a, b := log[len(log)-2].Action, log[len(log)-1].Action; a != "record saved (complete)" || b != "record updated (complete)" {
		t.Errorf("audit says %q then %q", a, b)
	}
}

// A record is written in one allocation of exactly its size, and every
// way of cutting it short, or of wrapping its stanza other than age does,
// is refused without a panic.
func TestSmallRecordShape(t *testing.T) {
	v := newTestVault(t)
	aead := v.keys.wrap
	ad := []byte("ad")
	for _, n := range []int{0, 1, 100, 4096, maxChunk} {
		ct, err := encryptBlob(aead, ad, bytes.Repeat([]byte{'x'}, n))
		if err != nil {
			t.Fatal(err)
		}
		if cap(ct) != len(ct) {
			t.Errorf("a %d-byte record: %d bytes written into %d", n, len(ct), cap(ct))
		}
	}
	ct, _ := encryptSmall(aead, ad, []byte(`{"answers":{}}`))
	for n := range len(ct) {
		if _, err := decryptBlob(aead, ad, ct[:n]); err == nil {
			t.Fatalf("the record cut after %d of %d bytes was read", n, len(ct))
		}
	}
	// The stanza's base64 rewrapped at 60 columns: the same bytes, not
	// the shape age writes.
	i := len(smallIntro)
	j := i + bytes.Index(ct[i:], []byte("\n---"))
	body := bytes.ReplaceAll(ct[i:j], []byte("\n"), nil)
	var rewrapped []byte
	for len(body) > 60 {
		rewrapped = append(append(rewrapped, body[:60]...), '\n')
		body = body[60:]
	}
	rewrapped = append(rewrapped, body...)
	odd := append(append(append([]byte{}, ct[:i]...), rewrapped...), ct[j:]...)
	if _, err := decryptBlob(aead, ad, odd); err == nil {
		t.Fatal("a stanza wrapped at 60 columns was read")
	}
}

// parallel calls fn once for every index, however the work splits, and a
// panic in any worker reaches the caller (whose guard reports a damaged
// file).
func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 100, 1001} {
		calls := make([]atomic.Int32, n)
		parallel(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Fatalf("n=%d: fn(%d) called %d times", n, i, c)
			}
		}
	}
	for _, at := range []int{0, 50, 99} {
		func() {
			defer func() {
				if r := recover(); r != "damaged page" {
					t.Errorf("a panic at %d of 100 reached the caller as %v", at, r)
				}
			}()
			parallel(100, func(i int) {
				if i == at {
					panic("damaged page")
				}
			})
		}()
	}
}

// A record is found by four or more characters of its ID, as a person
// types them from a list; three are too few.
func TestResolveIDPrefix(t *testing.T) {
	v := newTestVault(t)
	r := &Record{Status: StatusComplete, Body: json.RawMessage(`{}`)}
	if err := v.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	if got, err := v.ResolveID(strings.ToUpper(r.ID[:4])); err != nil || got != r.ID {
		t.Errorf("four characters: %q, %v", got, err)
	}
	if _, err := v.ResolveID(r.ID[:3]); !errors.Is(err, ErrNotFound) {
		t.Errorf("three characters: %v", err)
	}
	// Deleting several: every one goes, each in the audit.
	other := &Record{Status: StatusComplete, Body: json.RawMessage(`{}`)}
	if err := v.PutRecord(other); err != nil {
		t.Fatal(err)
	}
	if err := v.DeleteRecords([]string{r.ID, other.ID}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{r.ID, other.ID} {
		if _, err := v.GetRecord(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("record %s is still there: %v", id, err)
		}
	}
	log, _ := v.AuditLog()
	for i, id := range []string{r.ID, other.ID} {
		if e := log[len(log)-2+i]; e.Action != "record deleted" || e.Subject != id {
			t.Errorf("audit entry %d of the deletion is %+v", i, e)
		}
	}
}

// A vault holds at most maxSlots passphrases; each added one is in the
// audit; one is removed by four characters of its ID, not by three.
func TestPassphraseSlotLimitAndPrefix(t *testing.T) {
	v := newTestVault(t)
	for i := 1; i < maxSlots; i++ {
		if err := v.AddPassphrase(fmt.Sprintf("worker %d", i), []byte("a long enough phrase"), testWorkFactor); err != nil {
			t.Fatalf("passphrase %d of %d: %v", i+1, maxSlots, err)
		}
		if log, _ := v.AuditLog(); log[len(log)-1].Action != fmt.Sprintf("passphrase added for worker %d", i) {
			t.Fatalf("the audit says %q", log[len(log)-1].Action)
		}
	}
	if err := v.AddPassphrase("one too many", []byte("a long enough phrase"), testWorkFactor); err == nil {
		t.Fatalf("a vault took passphrase %d", maxSlots+1)
	}
	slots, _ := v.Passphrases()
	// A slot whose first four characters no other slot shares.
	var target Slot
	for _, s := range slots {
		if !s.Current && !slices.ContainsFunc(slots, func(o Slot) bool { return o.ID != s.ID && o.ID[:4] == s.ID[:4] }) {
			target = s
			break
		}
	}
	if _, err := v.RemovePassphrase(target.ID[:3]); err == nil {
		t.Fatal("three characters of an ID removed a passphrase")
	}
	if _, err := v.RemovePassphrase(target.ID[:4]); err != nil {
		t.Fatalf("removing by four characters of its ID: %v", err)
	}
	slots, _ = v.Passphrases()
	if len(slots) != maxSlots-1 {
		t.Fatalf("%d passphrases left", len(slots))
	}
	if !slices.IsSortedFunc(slots, func(a, b Slot) int { return strings.Compare(a.Worker, b.Worker) }) {
		t.Errorf("passphrases are not listed by worker: %+v", slots)
	}
}

// A page whose header claims more overflow pages than the file holds makes
// a writable open refuse the file as damaged (a write would free that
// many pages); a read-only open, which frees none, still reads it.
func TestOverflowClaimRefused(t *testing.T) {
	v := newTestVault(t)
	for range 20 {
		if err := v.PutRecord(&Record{Status: StatusComplete, Body: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	path := v.Path()
	v.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	leaves := 0
	for off := 2 * pageSize; off+pageSize <= len(raw); off += pageSize {
		if binary.LittleEndian.Uint16(raw[off+8:]) == 0x02 { // a leaf page's header
			binary.LittleEndian.PutUint32(raw[off+12:], 1<<20)
			leaves++
		}
	}
	if leaves == 0 {
		t.Fatal("no leaf page found to damage")
	}
	os.WriteFile(path, raw, 0o600)
	if d, err := Open(path, Options{}); err == nil {
		d.Close()
		t.Fatal("a writable open took pages claiming a million overflow pages")
	} else if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("writable open: %v, want ErrCorrupt", err)
	}
	d, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	d.Close()
}

// An ID no record has is not found, not a damaged file.
func TestGetUnknownRecord(t *testing.T) {
	v := newTestVault(t)
	if _, err := v.GetRecord(uuid.NewString()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetRecord of an unknown ID: %v", err)
	}
}

// A vault whose only key slot is damaged says so; with another slot left,
// a passphrase that opens neither is just wrong.
func TestDamagedSlot(t *testing.T) {
	damage := func(v *Vault, keep int) {
		v.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketSlots)
			var keys [][]byte
			b.ForEach(func(k, _ []byte) error { keys = append(keys, bytes.Clone(k)); return nil })
			for _, k := range keys[keep:] {
				b.Put(k, []byte(`{"format":2,"lock":"bm90IGFuIGFnZSBmaWxl"}`))
			}
			return nil
		})
	}
	v := newTestVault(t)
	v.Lock()
	damage(v, 0)
	if err := v.Unlock(testPass); !errors.Is(err, ErrNotVault) {
		t.Errorf("the only slot damaged: %v, want ErrNotVault", err)
	}
	w := newTestVault(t)
	if err := w.AddPassphrase("Budi", []byte("budi's own passphrase"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	w.Lock()
	damage(w, 1)
	if err := w.Unlock([]byte("nobody's passphrase")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("one of two slots damaged, a wrong passphrase: %v, want ErrWrongPassphrase", err)
	}
}

// The pages' claims may fill the file exactly; one page more, claimed by a
// leaf or by a branch page, is refused.
func TestPagesFitExactly(t *testing.T) {
	v := newTestVault(t)
	batch := make([]*Record, 400) // enough for branch pages
	for i := range batch {
		batch[i] = &Record{Status: StatusComplete, Body: json.RawMessage(`{"answers":{"a":"b"}}`)}
	}
	if err := v.PutRecords(batch); err != nil {
		t.Fatal(err)
	}
	// What the trees use, and a leaf and a branch root to make claims for.
	var used, filePages int64
	var leaf, branch int
	pageSize := v.db.Info().PageSize
	v.db.View(func(tx *bolt.Tx) error {
		filePages = tx.Size() / int64(pageSize)
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			s := b.Stats()
			used += int64(s.BranchPageN + s.BranchOverflowN + s.LeafPageN + s.LeafOverflowN)
			if root := int(b.RootPage()); root != 0 {
				info, err := tx.Page(root)
				if err != nil {
					return err
				}
				switch {
				case info.Type == "leaf" && leaf == 0:
					leaf = root
				case info.Type == "branch" && branch == 0:
					branch = root
				}
			}
			return nil
		})
	})
	path := v.Path()
	v.Close()
	if leaf == 0 || branch == 0 || used >= filePages {
		t.Fatalf("no leaf (%d) or branch (%d) root, or no room (%d of %d pages)", leaf, branch, used, filePages)
	}
	raw, _ := os.ReadFile(path)
	claim := func(page int, extra int64) error {
		b := bytes.Clone(raw)
		at := b[page*pageSize+12:]
		binary.LittleEndian.PutUint32(at, binary.LittleEndian.Uint32(at)+uint32(extra))
		os.WriteFile(path, b, 0o600)
		d, err := Open(path, Options{})
		if err == nil {
			d.Close()
		}
		return err
	}
	slack := filePages - used
	if err := claim(leaf, slack); err != nil {
		t.Fatalf("claims filling the file exactly: %v", err)
	}
	for _, page := range []int{leaf, branch} {
		if err := claim(page, slack+1); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("page %d claiming one page more than the file has: %v", page, err)
		}
	}
}
