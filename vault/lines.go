package vault

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// bucketLines remembers which intakes of answers files are stored: one key
// per intake, a keyed hash of its content (LineKey), never the content. Old
// vaults lack it until their first bulk intake.
var bucketLines = []byte("lines")

// labelLines derives the line-hash key from the signing key, which a
// change of master key keeps: a file stored before a rekey is still
// recognised after it.
const labelLines = "fieldvault v1 answers lines"

// LineKey is the keyed hash that identifies one intake of an answers file:
// its content in a canonical form and which occurrence of that content in
// the file it is (so a file holding the same answers twice stores two
// records, and running it again stores none). Without the vault's keys it
// tells nothing of the content.
type LineKey [32]byte

// LineKey computes the key of canonical content's n-th occurrence (from 0).
func (v *Vault) LineKey(canonical []byte, n int) (LineKey, error) {
	if v.keys == nil {
		return LineKey{}, ErrLocked
	}
	if v.linesKey == nil {
		k, err := hkdf.Key(sha256.New, v.keys.secret.signing.Seed(), nil, labelLines, 32)
		if err != nil {
			return LineKey{}, err
		}
		v.linesKey = k
	}
	h := hmac.New(sha256.New, v.linesKey)
	fmt.Fprintf(h, "%d\n", n)
	h.Write(canonical)
	var k LineKey
	h.Sum(k[:0])
	return k, nil
}

// LinesPresent reports, for each key, whether an intake with it is stored.
func (v *Vault) LinesPresent(keys []LineKey) ([]bool, error) {
	out := make([]bool, len(keys))
	err := v.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLines)
		if b == nil {
			return nil
		}
		for i, k := range keys {
			out[i] = b.Get(k[:]) != nil
		}
		return nil
	})
	return out, err
}

// PutBulk stores new records from an answers file with their line keys, in
// one durable transaction: after a crash, a record and its key are both
// there or both not, so running the file again stores what is missing and
// nothing twice. Records are written in key order, which keeps bbolt's
// nodes from being shifted on every insert.
func (v *Vault) PutBulk(rs []*Record, keys []LineKey) error {
	if len(rs) != len(keys) {
		return fmt.Errorf("%d records and %d line keys", len(rs), len(keys))
	}
	now := time.Now().UTC()
	for _, r := range rs {
		if !r.Status.Valid() {
			return fmt.Errorf("record: unknown status %q", r.Status)
		}
		r.ID = uuid.NewString()
		r.Version, r.Updated, r.Created = 1, now, now
		if r.Worker == "" {
			r.Worker = v.worker
		}
	}
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(rs[a].ID, rs[b].ID) })
	sorted := make([]*Record, len(rs))
	for i, j := range order {
		sorted[i] = rs[j]
	}
	return v.update(func(tx *bolt.Tx) error {
		lines, err := tx.CreateBucketIfNotExists(bucketLines)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if lines.Get(k[:]) != nil {
				return fmt.Errorf("an intake of the file is stored already; run it again to store the rest")
			}
			if err := lines.Put(k[:], []byte{1}); err != nil {
				return err
			}
		}
		return v.storeRecords(tx, sorted, func(r *Record) string { return "record saved (" + string(r.Status) + ")" })
	})
}
