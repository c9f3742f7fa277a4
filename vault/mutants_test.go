package vault

import (
	"bytes"
	"errors"
	"testing"

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
