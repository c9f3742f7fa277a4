package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Import is one bundle or receipt this vault applied, so that the same one
// applied twice changes nothing, and gaps in a sender's sequence show.
type Import struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`    // "bundle" or "receipt"
	Bundle  string    `json:"bundle"`  // the bundle's or receipt's own ID
	Contact string    `json:"contact"` // sender's contact ID
	Seq     int64     `json:"seq,omitempty"`
	Time    time.Time `json:"time"`
	Count   int       `json:"count"` // records it carried or confirmed
	Deleted []string  `json:"deleted,omitempty"`
	// Anchor is the audit anchor the file carried: the sender's, in a
	// bundle; this vault's own, sent back, in a receipt.
	Anchor *AuditAnchor `json:"anchor,omitempty"`
}

// Imports returns the import log, oldest first.
func (v *Vault) Imports() ([]Import, error) {
	var out []Import
	err := v.view(func(tx *bolt.Tx) (err error) {
		out, err = allSealed[Import](v, tx, bucketImports, "import log")
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, err
}

// LogImport records an applied bundle or receipt and deletes the records
// its withdrawal notices name, in one transaction. It fills in ID and Time.
func (v *Vault) LogImport(e *Import, deletes []string) error {
	return v.update(func(tx *bolt.Tx) error { return v.logImport(tx, e, deletes) })
}

func (v *Vault) logImport(tx *bolt.Tx, e *Import, deletes []string) error {
	for _, id := range deletes {
		if _, err := uuid.Parse(id); err != nil {
			continue
		}
		if existed, err := deleteRecord(tx, id); err != nil {
			return err
		} else if !existed {
			continue
		}
		if err := v.appendAudit(tx, "record deleted: consent withdrawn at the source", id); err != nil {
			return err
		}
	}
	e.ID, e.Time = uuid.NewString(), time.Now().UTC()
	if err := putSealed(tx, bucketImports, v.keys.meta, recordKey(e.ID), e); err != nil {
		return err
	}
	return v.appendAudit(tx, fmt.Sprintf("%s %s imported: %d records, %d deletions", e.Kind, e.Bundle, e.Count, len(e.Deleted)), "")
}

// Tombstone remembers a withdrawn record until every contact that received
// it has confirmed, by receipt, that they deleted it too. It holds the ID
// and nothing else of the record.
type Tombstone struct {
	ID      string    `json:"id"`
	Pending []string  `json:"pending"` // contact IDs that must still confirm
	Created time.Time `json:"created"`
}

// Withdraw deletes a record because consent was withdrawn, leaving a
// tombstone for the contacts that must be told. The caller compacts the
// vault afterwards so the ciphertext does not linger.
func (v *Vault) Withdraw(id string, pending []string) error {
	if _, err := uuid.Parse(id); err != nil {
		return &NotFoundError{Kind: "record", Name: id}
	}
	return v.update(func(tx *bolt.Tx) error {
		if existed, err := deleteRecord(tx, id); err != nil {
			return err
		} else if !existed {
			return &NotFoundError{Kind: "record", Name: id}
		}
		key := recordKey(id)
		if len(pending) > 0 {
			t := Tombstone{ID: id, Pending: pending, Created: time.Now().UTC()}
			if err := putSealed(tx, bucketTombs, v.keys.meta, key, t); err != nil {
				return err
			}
		}
		return v.appendAudit(tx, "consent withdrawn: record deleted", id)
	})
}

// Tombstones returns the withdrawals not yet confirmed by every contact.
func (v *Vault) Tombstones() ([]Tombstone, error) {
	var out []Tombstone
	err := v.view(func(tx *bolt.Tx) (err error) {
		out, err = allSealed[Tombstone](v, tx, bucketTombs, "withdrawals")
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, err
}

// ConfirmDeletions records that a contact deleted the given records; a
// tombstone goes once nobody is pending.
func (v *Vault) ConfirmDeletions(contactID string, ids []string) error {
	return v.update(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if _, err := uuid.Parse(id); err != nil {
				continue
			}
			key := recordKey(id)
			var t Tombstone
			if err := getSealed(tx, bucketTombs, v.keys.meta, key, &t); errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			t.Pending = slices.DeleteFunc(t.Pending, func(c string) bool { return c == contactID })
			var err error
			if len(t.Pending) == 0 {
				err = tx.Bucket(bucketTombs).Delete(key)
			} else {
				err = putSealed(tx, bucketTombs, v.keys.meta, key, t)
			}
			if err != nil {
				return err
			}
			if err := v.appendAudit(tx, "deletion confirmed by a partner", id); err != nil {
				return err
			}
		}
		return nil
	})
}

// NotOwnerError is returned when a contact's bundle would add to, change or
// delete a record that contact did not create: one this vault created (a
// draft too), or one received from another contact. Nothing is stored.
type NotOwnerError struct {
	ID     string
	Source string // the record's source: "" for this vault's own records
	Status Status
}

func (e *NotOwnerError) Error() string {
	if e.Source == "" {
		return fmt.Sprintf("record %s was created in this vault", e.ID)
	}
	return fmt.Sprintf("record %s came from another contact", e.ID)
}

// owns checks that a record this vault holds (old) may be replaced or
// deleted by what source sends.
func owns(old *Summary, source string) error {
	if old.Source != source {
		return &NotOwnerError{ID: old.ID, Source: old.Source, Status: old.Status}
	}
	return nil
}

// ErrUnreadable is returned for a received record that is not a record, or
// does not state the ID and version it was sent as.
var ErrUnreadable = errors.New("not a readable record")

// Received is a record as a partner sent it: its JSON exactly as signed,
// and the ID and version the sender listed for it, which the record must
// state of itself.
type Received struct {
	Raw     []byte
	ID      string
	Version int
}

// SplitRecord reads a record's fields but its body, and returns the body's
// JSON as stored, so that a reader of thousands of records (a case table)
// scans each body once, not three times. The body is the last field
// fieldvault writes, and a JSON string cannot hold `,"body":` unescaped, so
// the first one ends the head.
func SplitRecord(raw []byte) (Record, []byte, error) {
	r, err := decodeHead(raw)
	if err != nil {
		return r, nil, err
	}
	i := bytes.Index(raw, []byte(`,"body":`))
	if i < 0 {
		return r, nil, nil
	}
	body := bytes.TrimRight(raw[i+len(`,"body":`):], " \t\r\n")
	if len(body) == 0 || body[len(body)-1] != '}' {
		return r, nil, ErrCorrupt
	}
	return r, body[:len(body)-1], nil
}

// decodeHead reads a record's fields but its body: import reads thousands
// of records and needs only what the summary holds. Body is the last field
// fieldvault writes, so the first top-level "body" key ends the head (a
// nested one can only come after it); any other shape is decoded whole.
func decodeHead(raw []byte) (Record, error) {
	r, ok := fastHead(raw)
	if ok {
		if _, err := uuid.Parse(r.ID); err != nil || !r.Status.Valid() || r.Version < 1 {
			return r, ErrCorrupt
		}
		return r, nil
	}
	r = Record{}
	err := errors.New("no body")
	if i := bytes.Index(raw, []byte(`,"body":`)); i > 0 {
		head := append(raw[:i:i], '}')
		err = json.Unmarshal(head, &r)
	}
	if err != nil {
		r = Record{}
		if err := json.Unmarshal(raw, &r); err != nil {
			return r, ErrCorrupt
		}
		r.Body = nil
	}
	if _, err := uuid.Parse(r.ID); err != nil || !r.Status.Valid() || r.Version < 1 {
		return r, ErrCorrupt
	}
	return r, nil
}

// Prepared is a received record made ready to store: what its summary
// holds, and the record encrypted for this vault. No plaintext is kept.
type Prepared struct {
	sum  Summary
	blob []byte
}

// ID and Version are what the record states of itself.
func (p *Prepared) ID() string   { return p.sum.ID }
func (p *Prepared) Version() int { return p.sum.Version }

// PrepareReceived reads a received record's head, checks that it states id,
// and encrypts it for this vault. It takes no lock and may run on every
// core at once.
func (v *Vault) PrepareReceived(raw []byte, id string) (Prepared, error) {
	if v.keys == nil {
		return Prepared{}, ErrLocked
	}
	h, err := decodeHead(raw)
	if err != nil || h.ID != id {
		return Prepared{}, fmt.Errorf("received record %s: %w", id, ErrUnreadable)
	}
	blob, err := encryptBlob(v.keys.wrap, adFor(bucketRecords, recordKey(id)), raw)
	if err != nil {
		return Prepared{}, err
	}
	return Prepared{sum: h.summary(), blob: blob}, nil
}

// StoreReceived stores prepared records received from a contact (source),
// in one transaction: a new record is added, a higher version replaces a
// lower one, and anything else is left alone. One audit entry covers them.
// It returns how many were stored.
func (v *Vault) StoreReceived(ps []Prepared, source, what string) (int, error) {
	if v.keys == nil {
		return 0, ErrLocked
	}
	wait := v.sealReceived(ps, source)
	defer wait() // a refused transaction does not leave the sealing running
	n := 0
	err := v.update(func(tx *bolt.Tx) (err error) {
		n, err = v.storeReceived(tx, ps, wait, source, what)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// ReceivedBundle is all a bundle brings, ready to store at once.
type ReceivedBundle struct {
	Records []Prepared
	Schemas [][]byte // questionnaire definitions
	// Withdrawn names records whose consent was withdrawn at the source;
	// those this vault holds from that source are deleted.
	Withdrawn []string
	Log       *Import
}

// StoreBundle stores a bundle received from a contact (source) in one
// transaction: its records (as StoreReceived), its questionnaires, the
// deletions it asks for, and its entry in the import log. It returns how
// many records were stored and how many deleted; the caller compacts the
// vault after deletions.
func (v *Vault) StoreBundle(b ReceivedBundle, source string) (added, deleted int, err error) {
	if v.keys == nil {
		return 0, 0, ErrLocked
	}
	wait := v.sealReceived(b.Records, source)
	defer wait() // a refused transaction does not leave the sealing running
	err = v.update(func(tx *bolt.Tx) error {
		var err error
		if added, err = v.storeReceived(tx, b.Records, wait, source, "bundle "+b.Log.Bundle); err != nil {
			return err
		}
		for _, src := range b.Schemas {
			sum := sha256.Sum256(src)
			if err := v.putSchema(tx, hex.EncodeToString(sum[:]), src); err != nil {
				return err
			}
		}
		var deletes []string
		for _, id := range b.Withdrawn {
			var old Summary
			if _, err := uuid.Parse(id); err != nil {
				continue
			}
			switch err := v.getSummary(tx, id, &old); {
			case err == nil:
				if err := owns(&old, source); err != nil {
					return err
				}
				deletes = append(deletes, id)
			case !errors.Is(err, ErrNotFound):
				return err
			}
		}
		deleted = len(deletes)
		return v.logImport(tx, b.Log, deletes)
	})
	if err != nil {
		return 0, 0, err
	}
	return added, deleted, nil
}

// sealReceived starts sealing the summaries of prepared records, naming
// source, on every core, and returns what waits for them. The caller
// writes the records meanwhile: the write transaction holds the vault's
// only writer lock, and should not wait on sealing it could overlap.
func (v *Vault) sealReceived(ps []Prepared, source string) (wait func() ([][]byte, error)) {
	sealed := make([][]byte, len(ps))
	errs := make([]error, len(ps))
	done := make(chan struct{})
	go func() {
		defer close(done)
		parallel(len(ps), func(i int) {
			sum := ps[i].sum
			sum.Source = source
			pt, err := json.Marshal(sum)
			if err != nil {
				errs[i] = err
				return
			}
			sealed[i] = seal(v.keys.summary, pt, adFor(bucketSummaries, recordKey(sum.ID)))
			clear(pt)
		})
	}()
	return func() ([][]byte, error) {
		<-done
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		return sealed, nil
	}
}

// storeReceived writes prepared records and their sealed summaries (as
// sealReceived's wait gives them) in tx. A record held already must have
// come from source; a newer version replaces it, and anything else is left
// alone. The records go first, while the summaries are still being sealed.
func (v *Vault) storeReceived(tx *bolt.Tx, ps []Prepared, wait func() ([][]byte, error), source, what string) (int, error) {
	fillPages(tx)
	var stored []int
	for i := range ps {
		p := &ps[i]
		var old Summary
		switch err := v.getSummary(tx, p.sum.ID, &old); {
		case err == nil:
			if err := owns(&old, source); err != nil {
				return 0, err
			}
			if old.Version >= p.sum.Version {
				continue
			}
		case !errors.Is(err, ErrNotFound):
			return 0, err
		}
		if err := tx.Bucket(bucketRecords).Put(recordKey(p.sum.ID), p.blob); err != nil {
			return 0, err
		}
		stored = append(stored, i)
	}
	sealed, err := wait()
	if err != nil {
		return 0, err
	}
	for _, i := range stored {
		if err := tx.Bucket(bucketSummaries).Put(recordKey(ps[i].sum.ID), sealed[i]); err != nil {
			return 0, err
		}
	}
	if len(stored) == 0 {
		return 0, nil
	}
	return len(stored), v.appendAudit(tx, fmt.Sprintf("%d records received (%s)", len(stored), what), "")
}

// ApplyReceived prepares records received from a contact on every core,
// checks that each states the ID and version it was sent as, and stores
// them with StoreReceived.
func (v *Vault) ApplyReceived(rs []Received, source, what string) (int, error) {
	ps := make([]Prepared, len(rs))
	errs := make([]error, len(rs))
	parallel(len(rs), func(i int) {
		r := &rs[i]
		ps[i], errs[i] = v.PrepareReceived(r.Raw, r.ID)
		if errs[i] == nil && ps[i].Version() != r.Version {
			errs[i] = fmt.Errorf("received record %s: %w", r.ID, ErrUnreadable)
		}
	})
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return v.StoreReceived(ps, source, what)
}

// fillPages lets the record and summary pages of a transaction that writes
// many be filled to 90% rather than bbolt's default of half: fewer pages
// to write and sync. The keys are random, so later inserts land anywhere
// either way.
func fillPages(tx *bolt.Tx) {
	tx.Bucket(bucketRecords).FillPercent = 0.9
	tx.Bucket(bucketSummaries).FillPercent = 0.9
}
