package vault

import (
	"cmp"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Status is where a record stands in its life.
type Status string

// Record statuses.
const (
	StatusDraft     Status = "draft"     // an interview in progress; never leaves the vault
	StatusComplete  Status = "complete"  // a finished intake
	StatusDeclined  Status = "declined"  // consent was declined: holds the decision only
	StatusDelivered Status = "delivered" // a partner confirmed receipt
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusComplete, StatusDeclined, StatusDelivered:
		return true
	}
	return false
}

// SchemaRef names the exact questionnaire a record was taken with, so an old
// record stays readable after the questionnaire changes.
type SchemaRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash,omitempty"` // SHA-256 of the questionnaire definition
}

// Record is one intake, finished or in progress. The vault stores Body as
// opaque JSON; its meaning belongs to package intake.
type Record struct {
	ID      string    `json:"id"`
	Version int       `json:"version"` // 1 on first save, +1 on every later save
	Status  Status    `json:"status"`
	Schema  SchemaRef `json:"schema"`
	Lang    string    `json:"lang,omitempty"`
	Worker  string    `json:"worker,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Triage  string    `json:"triage,omitempty"`
	// Source is the contact a record was imported from; empty for records
	// taken on this laptop.
	Source string `json:"source,omitempty"`
	// Share names the contacts the person agreed to share the record with.
	// It is copied into the summary so that export can choose records
	// without opening every one.
	Share []string `json:"share,omitempty"`
	// Follows is the first record of the same person, for a follow-up.
	Follows string          `json:"follows,omitempty"`
	Body    json.RawMessage `json:"body,omitempty"`
}

// Summary is what lists show of a record: enough to find it, no answers.
// Summaries are sealed apart from records so that listing is cheap.
type Summary struct {
	ID      string   `json:"i"`
	Version int      `json:"v"`
	Status  Status   `json:"s"`
	Created string   `json:"c"` // the day only, YYYY-MM-DD
	Triage  string   `json:"t,omitempty"`
	Schema  string   `json:"q,omitempty"`
	Updated int64    `json:"u,omitempty"` // Unix seconds, for retention
	Source  string   `json:"f,omitempty"` // contact it was imported from
	Share   []string `json:"h,omitempty"` // contacts it may be shared with
	Form    string   `json:"k,omitempty"` // SHA-256 of the questionnaire it was taken with
	// Born is when the record was created, in Unix microseconds, for lists
	// newest first; 0 in summaries written before it was kept.
	Born int64 `json:"n,omitempty"`
	// Follows is the first record of the same person, for a follow-up.
	Follows string `json:"p,omitempty"`
}

func (r *Record) summary() Summary {
	return Summary{
		ID:      r.ID,
		Version: r.Version,
		Status:  r.Status,
		Created: r.Created.UTC().Format(time.DateOnly),
		Triage:  r.Triage,
		Schema:  r.Schema.ID,
		Updated: r.Updated.Unix(),
		Source:  r.Source,
		Share:   r.Share,
		Form:    r.Schema.Hash,
		Born:    r.Created.UnixMicro(),
		Follows: r.Follows,
	}
}

// PutRecord stores r durably, assigning an ID to a new record and the next
// version to every save. It fills in ID, Version, Created, Updated and Worker.
func (v *Vault) PutRecord(r *Record) error {
	return v.PutRecords([]*Record{r})
}

// PutRecords stores several records in one transaction: all or none. Bulk
// intake uses it to pay for one durable commit instead of thousands.
func (v *Vault) PutRecords(rs []*Record) error {
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		if r.ID != "" && seen[r.ID] {
			return fmt.Errorf("record %s appears twice in one save", r.ID)
		}
		seen[r.ID] = true
		if !r.Status.Valid() {
			return fmt.Errorf("record %s: unknown status %q", r.ID, r.Status)
		}
		if r.ID != "" {
			if _, err := uuid.Parse(r.ID); err != nil {
				return &NotFoundError{Kind: "record", Name: r.ID}
			}
		}
	}
	now := time.Now().UTC()
	return v.update(func(tx *bolt.Tx) error {
		for _, r := range rs {
			if r.ID == "" {
				r.ID = uuid.NewString()
			}
			r.Version, r.Updated = 1, now
			var old Summary
			switch err := v.getSummary(tx, r.ID, &old); err {
			case nil:
				r.Version = old.Version + 1
			case ErrNotFound:
			default:
				return err
			}
			if r.Created.IsZero() {
				r.Created = now
			}
			if r.Worker == "" {
				r.Worker = v.worker
			}
		}
		return v.storeRecords(tx, rs, func(r *Record) string {
			if r.Version > 1 {
				return "record updated (" + string(r.Status) + ")"
			}
			return "record saved (" + string(r.Status) + ")"
		})
	})
}

// storeRecords encrypts and writes records and their summaries as they are,
// with an audit entry each (none if action is nil: the caller writes one
// for all), inside the caller's transaction.
func (v *Vault) storeRecords(tx *bolt.Tx, rs []*Record, action func(*Record) string) error {
	sealed, err := v.encryptRecords(rs)
	if err != nil {
		return err
	}
	for i, r := range rs {
		key := recordKey(r.ID)
		if err := tx.Bucket(bucketRecords).Put(key, sealed[i]); err != nil {
			return err
		}
		if err := putSealed(tx, bucketSummaries, v.keys.summary, key, r.summary()); err != nil {
			return err
		}
		if action == nil {
			continue
		}
		if err := v.appendAudit(tx, action(r), r.ID); err != nil {
			return err
		}
	}
	return nil
}

// SetStatus changes records' status without making them new versions, so
// that marking a record delivered does not send it again. All or none.
func (v *Vault) SetStatus(ids []string, status Status) error {
	if !status.Valid() {
		return fmt.Errorf("unknown status %q", status)
	}
	if len(ids) == 0 {
		return nil
	}
	rs := make([]*Record, 0, len(ids))
	err := v.ReadRecords(ids, func(id string, raw []byte) error {
		var r Record
		if err := json.Unmarshal(raw, &r); err != nil || r.ID != id {
			return fmt.Errorf("record %s: %w", id, ErrCorrupt)
		}
		r.Status = status
		rs = append(rs, &r)
		return nil
	})
	if err != nil {
		return err
	}
	return v.update(func(tx *bolt.Tx) error {
		return v.storeRecords(tx, rs, func(*Record) string { return "record marked " + string(status) })
	})
}

// encryptRecords turns records into age files, on every core: one age file
// costs tens of microseconds, which adds up in a bulk intake.
func (v *Vault) encryptRecords(rs []*Record) ([][]byte, error) {
	out := make([][]byte, len(rs))
	errs := make([]error, len(rs))
	parallel(len(rs), func(i int) {
		pt, err := json.Marshal(rs[i])
		if err != nil {
			errs[i] = err
			return
		}
		out[i], errs[i] = encryptBlob(v.keys.wrap, adFor(bucketRecords, recordKey(rs[i].ID)), pt)
		clear(pt)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parallel calls fn(0..n-1) on all cores; small jobs run inline.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 16 || workers == 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg gosync.WaitGroup
	var mu gosync.Mutex
	var panicked any
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Workers read bbolt's memory-mapped file: a fault there
			// (a damaged vault) is handed to the caller's guard.
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					panicked = r
					mu.Unlock()
				}
			}()
			for i := lo; i < hi; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// recordKey is the bbolt key of a record: its UUID's 16 bytes. The caller has
// validated id.
func recordKey(id string) []byte {
	u := uuid.MustParse(id)
	return u[:]
}

func (v *Vault) getSummary(tx *bolt.Tx, id string, s *Summary) error {
	key := recordKey(id)
	sealed := tx.Bucket(bucketSummaries).Get(key)
	if sealed == nil {
		return ErrNotFound
	}
	return v.openSummary(key, sealed, s)
}

// GetRecord returns the record with the given ID, or ErrNotFound.
func (v *Vault) GetRecord(id string) (*Record, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, &NotFoundError{Kind: "record", Name: id}
	}
	var r *Record
	err := v.view(func(tx *bolt.Tx) error {
		var err error
		if r, err = v.getRecord(tx, id); err != nil {
			return err
		}
		// A received record keeps the sender's JSON; where it came from is
		// in its summary.
		var s Summary
		if err := v.getSummary(tx, id, &s); err != nil {
			return fmt.Errorf("record %s: %w", id, err)
		}
		r.Source = s.Source
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ResolveID turns an ID or a unique prefix of at least 4 characters, as a
// person would type it from a list, into a full record ID.
func (v *Vault) ResolveID(prefix string) (string, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if _, err := uuid.Parse(prefix); err == nil {
		return prefix, nil
	}
	if len(prefix) < 4 {
		return "", &NotFoundError{Kind: "record", Name: prefix}
	}
	var matches []string
	err := v.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSummaries).ForEach(func(k, _ []byte) error {
			u, err := uuid.FromBytes(k)
			if err == nil && strings.HasPrefix(u.String(), prefix) {
				matches = append(matches, u.String())
			}
			return nil
		})
	})
	if err != nil {
		return "", err
	}
	switch len(matches) {
	case 0:
		return "", &NotFoundError{Kind: "record", Name: prefix}
	case 1:
		return matches[0], nil
	}
	return "", fmt.Errorf("record %q is ambiguous: %d records start with it", prefix, len(matches))
}

// Summaries returns the summary of every record, newest first (by creation). It opens no
// age file: each summary costs one AEAD open.
func (v *Vault) Summaries() ([]Summary, error) {
	var out []Summary
	err := v.EachSummary(func(s Summary) error {
		out = append(out, s)
		return nil
	})
	// Sort compact keys, not the summaries: comparing and moving 100,000
	// structs of this size costs several times more. Summaries arrive in
	// ID order, which a stable sort keeps among equals.
	type key struct {
		born int64
		i    int32
	}
	keys := make([]key, len(out))
	for i := range out {
		keys[i] = key{bornOf(&out[i]), int32(i)}
	}
	slices.SortStableFunc(keys, func(a, b key) int { return cmp.Compare(b.born, a.born) })
	sorted := make([]Summary, len(out))
	for i, k := range keys {
		sorted[i] = out[k.i]
	}
	out = sorted
	return out, err
}

// bornOf is when a record was created, in Unix microseconds: its summary's
// time, or for a summary written before the time was kept, the end of its
// day, so that it sorts among that day's records.
func bornOf(s *Summary) int64 {
	if s.Born != 0 {
		return s.Born
	}
	day, err := time.Parse(time.DateOnly, s.Created)
	if err != nil {
		return 0
	}
	return day.Add(24*time.Hour - time.Microsecond).UnixMicro()
}

// EachSummary calls fn with every record's summary, in no particular order,
// opening them on every core a window at a time, so that a caller that
// keeps little of each (export) holds little memory.
func (v *Vault) EachSummary(fn func(Summary) error) error {
	const window = 1024
	return v.view(func(tx *bolt.Tx) error {
		type kv struct{ k, v []byte }
		// bbolt's memory is valid for the whole transaction, so the
		// workers below can read it without copying.
		items := make([]kv, 0, window)
		out := make([]Summary, window)
		errs := make([]error, window)
		flush := func() error {
			parallel(len(items), func(i int) {
				out[i] = Summary{}
				errs[i] = v.openSummary(items[i].k, items[i].v, &out[i])
			})
			for i := range items {
				if errs[i] != nil {
					u, _ := uuid.FromBytes(items[i].k)
					return fmt.Errorf("summary of record %s: %w", u, errs[i])
				}
				if err := fn(out[i]); err != nil {
					return err
				}
			}
			items = items[:0]
			return nil
		}
		c := tx.Bucket(bucketSummaries).Cursor()
		for k, val := c.First(); k != nil; k, val = c.Next() {
			items = append(items, kv{k, val})
			if len(items) == window {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
}

// DeleteRecord removes a record and its summary. The ciphertext stays in the
// file's free pages until Compact; callers purging data must compact.
func (v *Vault) DeleteRecord(id string) error {
	return v.DeleteRecords([]string{id})
}

// DeleteRecords removes records and their summaries in one transaction:
// all or none.
func (v *Vault) DeleteRecords(ids []string) error {
	for _, id := range ids {
		if _, err := uuid.Parse(id); err != nil {
			return &NotFoundError{Kind: "record", Name: id}
		}
	}
	return v.update(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if existed, err := deleteRecord(tx, id); err != nil {
				return err
			} else if !existed {
				return &NotFoundError{Kind: "record", Name: id}
			}
			if err := v.appendAudit(tx, "record deleted", id); err != nil {
				return err
			}
		}
		return nil
	})
}

// LogView writes to the audit log that a person looked at a record.
func (v *Vault) LogView(id string) error {
	return v.update(func(tx *bolt.Tx) error {
		return v.appendAudit(tx, "record viewed", id)
	})
}

// LogAction writes to the audit log something done with the vault's data
// as a whole, such as an export of identified case data.
func (v *Vault) LogAction(action string) error {
	return v.update(func(tx *bolt.Tx) error {
		return v.appendAudit(tx, action, "")
	})
}

// ReadRecords decrypts the given records on every core and hands each one's
// JSON, as stored, to fn in the order given. It is how export reads many
// records without decrypting any twice or holding them all in memory.
func (v *Vault) ReadRecords(ids []string, fn func(id string, raw []byte) error) error {
	return ReadParsed(v, ids, func(string, []byte) (struct{}, error) { return struct{}{}, nil },
		func(id string, raw []byte, _ struct{}) error { return fn(id, raw) })
}

// ReadParsed is ReadRecords with a parse step that runs on every core next
// to the decryption; fn gets each record's JSON and parsed value in order.
// Decryption runs a window ahead of fn, so the two overlap.
func ReadParsed[T any](v *Vault, ids []string, parse func(id string, raw []byte) (T, error), fn func(id string, raw []byte, parsed T) error) error {
	const window = 256 // records decrypted together
	type batch struct {
		lo     int
		raws   [][]byte
		parsed []T
		err    error
	}
	return v.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		batches := make(chan batch, 1)
		quit := make(chan struct{})
		var wg gosync.WaitGroup
		// The producer reads from tx, so it must be gone before tx closes.
		defer wg.Wait()
		defer close(quit)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(batches)
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				// A damaged vault: report it as the batch's error.
				if r := recover(); r != nil {
					select {
					case batches <- batch{err: errDamaged(r)}:
					case <-quit:
					}
				}
			}()
			for lo := 0; lo < len(ids); lo += window {
				hi := min(lo+window, len(ids))
				bt := batch{lo: lo, raws: make([][]byte, hi-lo), parsed: make([]T, hi-lo)}
				errs := make([]error, hi-lo)
				// A transaction is not safe for concurrent use: look the
				// blobs up here, decrypt them on every core.
				blobs := make([][]byte, hi-lo)
				for i := range blobs {
					id := ids[lo+i]
					if _, err := uuid.Parse(id); err != nil {
						errs[i] = &NotFoundError{Kind: "record", Name: id}
					} else if blobs[i] = b.Get(recordKey(id)); blobs[i] == nil {
						errs[i] = &NotFoundError{Kind: "record", Name: id}
					}
				}
				parallel(hi-lo, func(i int) {
					if errs[i] != nil {
						return
					}
					key := recordKey(ids[lo+i])
					bt.raws[i], errs[i] = decryptBlob(v.keys.wrap, adFor(bucketRecords, key), blobs[i])
					if errs[i] == nil {
						bt.parsed[i], errs[i] = parse(ids[lo+i], bt.raws[i])
					}
				})
				for _, err := range errs {
					if err != nil {
						bt.err = err
						break
					}
				}
				select {
				case batches <- bt:
				case <-quit:
					return
				}
				if bt.err != nil {
					return
				}
				// Every record read touches pages of the file's memory
				// map, which would count toward the process's memory
				// until the end: let go of them (and of the summaries'
				// the caller read before) every 8 windows.
				if (lo/window)%8 == 0 {
					v.dropMappedIn(tx)
				}
			}
		}()
		for bt := range batches {
			if bt.err != nil {
				return bt.err
			}
			for i, raw := range bt.raws {
				if err := fn(ids[bt.lo+i], raw, bt.parsed[i]); err != nil {
					return err
				}
				clear(raw)
			}
		}
		return nil
	})
}

// deleteRecord removes a record and its summary inside tx and reports
// whether it was there. id must be a valid UUID.
func deleteRecord(tx *bolt.Tx, id string) (bool, error) {
	key := recordKey(id)
	if tx.Bucket(bucketRecords).Get(key) == nil {
		return false, nil
	}
	if err := tx.Bucket(bucketRecords).Delete(key); err != nil {
		return false, err
	}
	if b := tx.Bucket(bucketDeliveries); b != nil {
		if err := b.Delete(key); err != nil {
			return false, err
		}
	}
	return true, tx.Bucket(bucketSummaries).Delete(key)
}

// openSummary opens a sealed summary. Summaries are read by the thousand
// (lists, exports, imports), so they are decoded by the fast reader first.
func (v *Vault) openSummary(key, sealed []byte, s *Summary) error {
	pt, err := open(v.keys.summary, sealed, adFor(bucketSummaries, key))
	if err != nil {
		return err
	}
	defer clear(pt)
	if err := decodeSummary(pt, s); err != nil {
		return ErrCorrupt
	}
	return nil
}
