package vault

import (
	"bytes"
	"errors"
	"sort"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// auditVault returns a vault with n audit entries (creation included).
func auditVault(t *testing.T, n int) *Vault {
	t.Helper()
	v := newTestVault(t)
	for i := 1; i < n; i++ {
		if err := v.PutRecord(&Record{Status: StatusComplete}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := v.VerifyAudit(); err != nil || got != int64(n) {
		t.Fatalf("fresh chain: %d entries, %v", got, err)
	}
	return v
}

// auditKeys returns the audit bucket's keys ordered by entry sequence.
func auditKeys(t *testing.T, v *Vault) [][]byte {
	t.Helper()
	type kv struct {
		k   []byte
		seq int64
	}
	var all []kv
	v.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).ForEach(func(k, val []byte) error {
			var e AuditEntry
			if err := openSealed(v.keys.meta, bucketAudit, k, val, &e); err != nil {
				t.Fatal(err)
			}
			all = append(all, kv{bytes.Clone(k), e.Seq})
			return nil
		})
	})
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	keys := make([][]byte, len(all))
	for i, x := range all {
		keys[i] = x.k
	}
	return keys
}

func TestAuditLog(t *testing.T) {
	v := auditVault(t, 3)
	log, err := v.AuditLog()
	if err != nil || len(log) != 3 {
		t.Fatalf("AuditLog = %v, %v", log, err)
	}
	if log[0].Action != "vault created" || log[0].Worker != "Sari" || log[0].Prev != "" {
		t.Errorf("first entry = %+v", log[0])
	}
	if log[1].Subject == "" || log[2].Prev == "" {
		t.Errorf("entries = %+v", log)
	}
}

func TestAuditTamper(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, v *Vault, b *bolt.Bucket, keys [][]byte)
		wantSeq int64
		reason  string // what the reason must say, if anything particular
	}{
		{"middle entry removed", func(t *testing.T, v *Vault, b *bolt.Bucket, keys [][]byte) {
			b.Delete(keys[2])
		}, 3, ""},
		{"newest entry removed", func(t *testing.T, v *Vault, b *bolt.Bucket, keys [][]byte) {
			b.Delete(keys[4])
		}, 5, ""},
		{"byte flipped", func(t *testing.T, v *Vault, b *bolt.Bucket, keys [][]byte) {
			val := bytes.Clone(b.Get(keys[1]))
			val[len(val)/2] ^= 1
			b.Put(keys[1], val)
		}, 2, ""},
		{"entry replaced by a valid older one", func(t *testing.T, v *Vault, b *bolt.Bucket, keys [][]byte) {
			// Re-seal entry 2's plaintext under entry 3's key: it decrypts,
			// but entry 4 no longer links to it.
			var e AuditEntry
			openSealed(v.keys.meta, bucketAudit, keys[1], b.Get(keys[1]), &e)
			e.Seq = 3
			if err := putSealed(b.Tx(), bucketAudit, v.keys.meta, keys[2], e); err != nil {
				t.Fatal(err)
			}
		}, 3, "it does not follow entry 2"},
		{"entry altered and re-sealed", func(t *testing.T, v *Vault, b *bolt.Bucket, keys [][]byte) {
			// Even with the key, rewriting history breaks the next link.
			var e AuditEntry
			openSealed(v.keys.meta, bucketAudit, keys[0], b.Get(keys[0]), &e)
			e.Action = "nothing happened"
			if err := putSealed(b.Tx(), bucketAudit, v.keys.meta, keys[0], e); err != nil {
				t.Fatal(err)
			}
		}, 2, "it does not follow entry 1"},
		{"entry added outside the chain", func(t *testing.T, v *Vault, b *bolt.Bucket, keys [][]byte) {
			b.Put(newKey(), bytes.Clone(b.Get(keys[0]))) // wrong key binding: unreadable
		}, 6, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := auditVault(t, 5)
			keys := auditKeys(t, v)
			err := v.db.Update(func(tx *bolt.Tx) error {
				tc.tamper(t, v, tx.Bucket(bucketAudit), keys)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.VerifyAudit()
			var ce *ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("VerifyAudit = %v, want a ChainError", err)
			}
			if ce.Seq != tc.wantSeq {
				t.Errorf("first broken link reported at entry %d, want %d (%v)", ce.Seq, tc.wantSeq, ce)
			}
			if !strings.Contains(ce.Reason, tc.reason) {
				t.Errorf("reason %q does not say %q", ce.Reason, tc.reason)
			}
		})
	}
}

func TestAuditHeadRemoved(t *testing.T) {
	v := auditVault(t, 3)
	v.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyAuditHead) })
	var ce *ChainError
	if _, err := v.VerifyAudit(); !errors.As(err, &ce) {
		t.Fatalf("VerifyAudit without head = %v", err)
	}
}
