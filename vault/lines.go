package vault

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// bucketLines remembers which intakes of answers files are stored, by a
// keyed hash of their content (LineKey), never the content: one value per
// batch, the batch's keys sorted end to end, under the batch's sequence
// number. Keyed by sequence, each batch appends to the bucket; keyed by
// hash, each would rewrite pages all across it, and the pages a batch
// touched, and so the memory it took, would grow with the vault. Old
// vaults lack the bucket until their first bulk intake.
var bucketLines = []byte("lines")

// labelLines derives the line-hash key from the signing key, which a
// change of master key keeps: a file stored before a rekey is still
// recognised after it.
const labelLines = "fieldvault v1 answers lines"

// LineKey is the keyed hash that identifies one intake of an answers file:
// its content in a canonical form and which occurrence of that content in
// the file it is (so a file holding the same answers twice stores two
// records, and running it again stores none). Without the vault's keys it
// tells nothing of the content. 128 bits of HMAC-SHA-256: a collision
// among even billions of intakes is out of reach.
type LineKey [16]byte

// LineKey computes the key of canonical content's n-th occurrence (from 0).
// The vault must be unlocked.
func (v *Vault) LineKey(canonical []byte, n int) LineKey {
	if v.linesKey == nil {
		k, err := hkdf.Key(sha256.New, v.keys.secret.signing.Seed(), nil, labelLines, 32)
		if err != nil {
			panic("vault: hkdf: " + err.Error()) // unreachable: 32 bytes of SHA-256
		}
		v.linesKey = k
	}
	h := hmac.New(sha256.New, v.linesKey)
	fmt.Fprintf(h, "%d\n", n)
	h.Write(canonical)
	var k LineKey
	copy(k[:], h.Sum(nil))
	return k
}

// StoredLines is the set of line keys a vault holds, read once: 16 bytes
// per intake ever stored from an answers file.
type StoredLines struct{ keys []LineKey } // sorted

// StoredLines reads the line keys the vault holds.
func (v *Vault) StoredLines() (*StoredLines, error) {
	var s StoredLines
	err := v.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLines)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, val []byte) error {
			if len(val)%len(LineKey{}) != 0 {
				return fmt.Errorf("answers-file lines: %w", ErrCorrupt)
			}
			for i := 0; i < len(val); i += len(LineKey{}) {
				s.keys = append(s.keys, LineKey(val[i:i+len(LineKey{})]))
			}
			return nil
		})
	})
	slices.SortFunc(s.keys, func(a, b LineKey) int { return bytes.Compare(a[:], b[:]) })
	return &s, err
}

// Has reports whether an intake with key is stored.
func (s *StoredLines) Has(key LineKey) bool {
	_, found := slices.BinarySearchFunc(s.keys, key, func(a, b LineKey) int { return bytes.Compare(a[:], b[:]) })
	return found
}

// AscendingIDs returns n new random record IDs, in ascending order, from
// part of parts equal slices of the ID space. A bulk intake gives part k
// to its k-th batch, so each batch adds keys beyond the last batch's:
// bbolt then appends to the end of its trees instead of rewriting pages
// all over them for every batch, and no list of every ID is kept. The IDs
// are as random as any; only which batch of a file a record came in could
// be told from its ID's first bits.
func AscendingIDs(part, parts, n int) []string {
	const span = 1 << 48 // the first six bytes order UUIDs
	lo := uint64(part) * (span / uint64(parts))
	width := span / uint64(parts)
	ids := make([]string, n)
	for i := range ids {
		u := uuid.New()
		p := lo + mrand.Uint64N(max(width, 1))
		for j := range 6 {
			u[j] = byte(p >> (40 - 8*j))
		}
		ids[i] = u.String()
	}
	slices.Sort(ids)
	return ids
}

// PutBulk stores new records from an answers file with their line keys, and
// one audit entry for them all, in one durable transaction: after a crash,
// a record and its key are both there or both not, so running the file
// again stores what is missing and nothing twice. The keys must not be
// stored already (StoredLines). Records without an ID get one; they are
// written in key order, which keeps bbolt's nodes from being shifted on
// every insert.
func (v *Vault) PutBulk(rs []*Record, keys []LineKey) error {
	if len(rs) != len(keys) {
		return fmt.Errorf("%d records and %d line keys", len(rs), len(keys))
	}
	now := time.Now().UTC()
	for _, r := range rs {
		if !r.Status.Valid() {
			return fmt.Errorf("record: unknown status %q", r.Status)
		}
		if r.ID == "" {
			r.ID = uuid.NewString()
		} else if _, err := uuid.Parse(r.ID); err != nil {
			return &NotFoundError{Kind: "record", Name: r.ID}
		}
		r.Version, r.Updated, r.Created = 1, now, now
		if r.Worker == "" {
			r.Worker = v.worker
		}
	}
	sorted := slices.Clone(rs)
	slices.SortFunc(sorted, func(a, b *Record) int { return strings.Compare(a.ID, b.ID) })
	defer v.dropMapped()
	batch := make([]byte, 0, len(keys)*len(LineKey{}))
	for _, k := range slices.SortedFunc(slices.Values(keys), func(a, b LineKey) int { return bytes.Compare(a[:], b[:]) }) {
		batch = append(batch, k[:]...)
	}
	return v.update(func(tx *bolt.Tx) error {
		lines, err := tx.CreateBucketIfNotExists(bucketLines)
		if err != nil {
			return err
		}
		fillPages(tx)
		seq, err := lines.NextSequence()
		if err != nil {
			return err
		}
		if err := lines.Put(binary.BigEndian.AppendUint64(nil, seq), batch); err != nil {
			return err
		}
		for _, r := range sorted {
			var old Summary
			switch err := v.getSummary(tx, r.ID, &old); err {
			case nil:
				return fmt.Errorf("record %s exists already", r.ID)
			case ErrNotFound:
			default:
				return err
			}
		}
		if err := v.storeRecords(tx, sorted, nil); err != nil {
			return err
		}
		// One audit entry for the batch, as for a bundle received: an
		// entry per record would be most of what a large file writes.
		return v.appendAudit(tx, fmt.Sprintf("%d records saved from an answers file", len(rs)), "")
	})
}
