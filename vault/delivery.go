package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Delivery is what partners confirmed of one record: for each contact ID,
// the highest version its receipts confirmed.
type Delivery map[string]int

// bucketDeliveries holds one sealed Delivery per record, under the record's
// key. Vaults made before delivery was kept per partner lack it until the
// first receipt; a missing bucket reads as no confirmations.
var bucketDeliveries = []byte("deliveries")

// keyPrefix marks a sharing consent entry that names a contact by its key
// rather than by its name.
const keyPrefix = "key:"

// Key names the contact by its signing key, not its name: sharing consent
// holds keys, so a name taken over by another key receives nothing.
func (c *Contact) Key() string {
	sum := sha256.Sum256(c.SigningKey)
	return keyPrefix + hex.EncodeToString(sum[:16])
}

// IsContactKey reports whether a sharing consent entry is a contact's key.
func IsContactKey(s string) bool { return strings.HasPrefix(s, keyPrefix) }

// ShareKeys turns the partner names a person agreed to share with into the
// keys of the contacts that bear those names now (case-insensitive). A name
// no contact bears is dropped: nobody may receive the record by it.
func ShareKeys(contacts []Contact, names []string) []string {
	var out []string
	for _, n := range names {
		if IsContactKey(n) {
			out = append(out, n)
			continue
		}
		for i := range contacts {
			if strings.EqualFold(strings.TrimSpace(n), contacts[i].Name) {
				out = append(out, contacts[i].Key())
				break
			}
		}
	}
	return out
}

// SummariesOf returns the summaries of the records among ids that the vault
// holds, by ID, in one read.
func (v *Vault) SummariesOf(ids iter.Seq[string]) (map[string]Summary, error) {
	out := map[string]Summary{}
	err := v.view(func(tx *bolt.Tx) error {
		for id := range ids {
			if _, err := uuid.Parse(id); err != nil {
				continue
			}
			var s Summary
			switch err := v.getSummary(tx, id, &s); {
			case err == nil:
				out[id] = s
			case !errors.Is(err, ErrNotFound):
				return fmt.Errorf("summary of record %s: %w", id, err)
			}
		}
		return nil
	})
	return out, err
}

// Deliveries returns what partners confirmed, by record ID, for every
// record that has a confirmation.
func (v *Vault) Deliveries() (map[string]Delivery, error) {
	out := map[string]Delivery{}
	err := v.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDeliveries)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, val []byte) error {
			var d Delivery
			if err := openSealed(v.keys.meta, bucketDeliveries, k, val, &d); err != nil {
				return fmt.Errorf("read deliveries: %w", err)
			}
			u, _ := uuid.FromBytes(k)
			out[u.String()] = d
			return nil
		})
	})
	return out, err
}

// ConfirmDelivery records, in one transaction, that a contact confirmed
// receiving the given versions of records this vault created, and marks
// delivered those that done says are now delivered to everyone they must
// reach. It returns the IDs newly marked delivered.
func (v *Vault) ConfirmDelivery(contactID string, confirmed []RecordVersion, done func(Summary, Delivery) bool) ([]string, error) {
	if v.keys == nil {
		return nil, ErrLocked
	}
	var marked []string
	err := v.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketDeliveries)
		if err != nil {
			return err
		}
		var rs []*Record
		for _, rv := range confirmed {
			var s Summary
			if _, err := uuid.Parse(rv.ID); err != nil {
				continue
			}
			switch err := v.getSummary(tx, rv.ID, &s); {
			case errors.Is(err, ErrNotFound):
				continue // purged or withdrawn since
			case err != nil:
				return err
			}
			if s.Source != "" {
				continue
			}
			key := recordKey(rv.ID)
			d := Delivery{}
			if sealed := b.Get(key); sealed != nil {
				if err := openSealed(v.keys.meta, bucketDeliveries, key, sealed, &d); err != nil {
					return fmt.Errorf("record %s: %w", rv.ID, err)
				}
			}
			if d[contactID] >= rv.Version {
				continue
			}
			d[contactID] = rv.Version
			if err := putSealed(tx, bucketDeliveries, v.keys.meta, key, d); err != nil {
				return err
			}
			if s.Status != StatusComplete || !done(s, d) {
				continue
			}
			r, err := v.getRecord(tx, rv.ID)
			if err != nil {
				return err
			}
			r.Status = StatusDelivered
			rs = append(rs, r)
			marked = append(marked, rv.ID)
		}
		return v.storeRecords(tx, rs, func(*Record) string { return "record marked delivered" })
	})
	if err != nil {
		return nil, err
	}
	return marked, nil
}

// migrateShare rewrites sharing consent that names partners by name (as
// vaults did before it named them by key) into the keys of the contacts
// that bear those names now. It runs once, at the first unlock that may
// write, and marks the vault as done.
func (v *Vault) migrateShare() error {
	if v.readOnly {
		return nil
	}
	var done bool
	if err := v.view(func(tx *bolt.Tx) error {
		done = tx.Bucket(bucketMeta).Get(keyShareByKey) != nil
		return nil
	}); err != nil || done {
		return err
	}
	return v.update(func(tx *bolt.Tx) error {
		contacts, err := v.contacts(tx)
		if err != nil {
			return err
		}
		var rs []*Record
		c := tx.Bucket(bucketSummaries).Cursor()
		for k, sealed := c.First(); k != nil; k, sealed = c.Next() {
			var s Summary
			if err := v.openSummary(k, sealed, &s); err != nil {
				return err
			}
			if s.Source != "" || len(s.Share) == 0 || allKeys(s.Share) {
				continue
			}
			r, err := v.getRecord(tx, s.ID)
			if err != nil {
				return err
			}
			r.Share = ShareKeys(contacts, r.Share)
			rs = append(rs, r)
		}
		// Records keep their versions: consent itself did not change.
		if err := v.storeRecords(tx, rs, func(*Record) string { return "sharing consent bound to partner keys" }); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyShareByKey, []byte("1"))
	})
}

var keyShareByKey = []byte("share-by-key")

func allKeys(share []string) bool {
	for _, s := range share {
		if !IsContactKey(s) {
			return false
		}
	}
	return true
}

// getRecord decrypts one record inside tx.
func (v *Vault) getRecord(tx *bolt.Tx, id string) (*Record, error) {
	key := recordKey(id)
	blob := tx.Bucket(bucketRecords).Get(key)
	if blob == nil {
		return nil, &NotFoundError{Kind: "record", Name: id}
	}
	pt, err := decryptBlob(v.keys.wrap, adFor(bucketRecords, key), blob)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", id, err)
	}
	defer clear(pt)
	var r Record
	if err := json.Unmarshal(pt, &r); err != nil || r.ID != id {
		return nil, fmt.Errorf("record %s: %w", id, ErrCorrupt)
	}
	return &r, nil
}

// MayLeave reports whether a record's JSON states of itself the ID and
// version it was chosen as, a finished status, and a sharing consent that
// names the contact with key. Export chooses records by their summaries,
// which are sealed apart and could be put back from an older copy of the
// file; this reads the record itself.
func MayLeave(raw []byte, id string, version int, key string) bool {
	if may, ok := fastMayLeave(raw, id, version, key); ok {
		return may
	}
	r, err := decodeHead(raw)
	return err == nil && r.ID == id && r.Version == version &&
		(r.Status == StatusComplete || r.Status == StatusDelivered) && slices.Contains(r.Share, key)
}
