package intake

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"filippo.io/age"

	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// BulkOptions set up an answers-file intake.
type BulkOptions struct {
	Schema *schema.Schema // used where an intake names none; default rescue-needs
	Lang   string         // used where an intake names none
	// Lookup finds a questionnaire named by an intake; nil means built-in
	// questionnaires only.
	Lookup func(id string) (*schema.Schema, error)
	// Stored, if set, is given each new record's ID, in file order, once
	// its batch is stored.
	Stored func(id string)
	// Progress, if set, is told how many intakes have been dealt with, of
	// how many, after each batch.
	Progress func(done, total int)
	// Batch is how many intakes go in one durable transaction; 0: 2,000.
	Batch int
	// Rows: the file is a spreadsheet (TableAnswers), and its line
	// numbers are row numbers.
	Rows bool
}

// BulkResult is what a bulk intake did.
type BulkResult struct {
	Stored  int // new records
	Present int // intakes an earlier run of the same file stored already
	// Repeats are intakes identical to an earlier one of the file, with no
	// ref to tell them apart: stored as another person all the same.
	Repeats []Repeat
}

// Repeat is an intake whose answers are those of an earlier line.
type Repeat struct{ Line, Of int }

// maxReported bounds the mistakes a BulkError keeps, so that a file of
// nothing but mistakes does not fill memory; the rest are counted.
const maxReported = 1000

// BulkError lists the mistakes of an answers file, every one of each bad
// intake (up to maxReported). Nothing is stored when there is one.
type BulkError struct {
	Errors  []*LineError
	Intakes int // intakes with mistakes
	More    int // mistakes beyond Errors
	rows    bool
}

func (e *BulkError) Error() string {
	if len(e.Errors) == 1 {
		return e.Errors[0].Error()
	}
	return fmt.Sprintf("%d intakes have errors; the first: %v", e.Intakes, e.Errors[0])
}

func (e *BulkError) add(line int, err error) {
	e.Intakes++
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, err := range errs {
		if len(e.Errors) == maxReported {
			e.More++
			continue
		}
		e.Errors = append(e.Errors, &LineError{Line: line, Row: e.rows, Err: err})
	}
}

// Bulk stores every intake of an answers file in two passes, in memory
// that does not grow with the file. The first checks every intake and
// keeps an encrypted copy of the input; if any intake is wrong it returns a
// *BulkError listing every mistake, and nothing is stored. The second reads
// the copy and stores the intakes in durable batches, each with a keyed
// hash of the intake (vault.LineKey): an intake stored by an earlier run of
// the same file is not stored again, so a run cut short by a crash is
// completed by running it again.
func Bulk(v *vault.Vault, r io.Reader, opts BulkOptions) (*BulkResult, error) {
	b, err := newBulk(v, opts)
	if err != nil {
		return nil, err
	}
	sp, err := newSpool()
	if err != nil {
		return nil, err
	}
	defer sp.remove()

	// First pass: check everything, copying the input as it is read.
	bad := &BulkError{rows: opts.Rows}
	res := &BulkResult{}
	total := 0
	b.resetSeen()
	err = ReadAnswers(io.TeeReader(r, sp.w), func(line int, set AnswerSet, unreadable error) error {
		if unreadable != nil {
			bad.add(line, unreadable)
			return nil
		}
		if _, _, err := b.one(line, set, res); err != nil {
			bad.add(line, err)
			return nil
		}
		total++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if bad.Intakes > 0 {
		return nil, bad
	}
	if err := sp.w.Close(); err != nil {
		return nil, fmt.Errorf("keep a copy of the answers: %w", err)
	}

	// Second pass: store, a batch at a time.
	copied, err := sp.reader()
	if err != nil {
		return nil, err
	}
	size := opts.Batch
	if size <= 0 {
		size = 2000
	}
	var recs []*vault.Record
	var keys []vault.LineKey
	done := 0
	flush := func() error {
		present, err := v.LinesPresent(keys)
		if err != nil {
			return err
		}
		var newRecs []*vault.Record
		var newKeys []vault.LineKey
		for i := range recs {
			if present[i] {
				res.Present++
				continue
			}
			newRecs, newKeys = append(newRecs, recs[i]), append(newKeys, keys[i])
		}
		if len(newRecs) > 0 {
			if err := v.PutBulk(newRecs, newKeys); err != nil {
				return err
			}
		}
		res.Stored += len(newRecs)
		if opts.Stored != nil {
			for _, r := range newRecs {
				opts.Stored(r.ID)
			}
		}
		done += len(recs)
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
		recs, keys = recs[:0], keys[:0]
		return nil
	}
	b.resetSeen()
	b.storing, res.Repeats = true, nil
	err = ReadAnswers(copied, func(line int, set AnswerSet, unreadable error) error {
		if unreadable != nil {
			return fmt.Errorf("line %d: %w", line, unreadable) // the copy changed: cannot happen
		}
		rec, key, err := b.one(line, set, res)
		if err != nil {
			return &LineError{Line: line, Row: opts.Rows, Err: err}
		}
		rec.Share = vault.ShareKeys(b.contacts, rec.Share)
		recs, keys = append(recs, rec), append(keys, key)
		if len(recs) == size {
			return flush()
		}
		return nil
	})
	if err == nil && len(recs) > 0 {
		err = flush()
	}
	if err != nil {
		return res, err
	}
	return res, nil
}

// bulk is what both passes share.
type bulk struct {
	v        *vault.Vault
	opts     BulkOptions
	contacts []vault.Contact
	eo       Options
	schemas  map[string]*schema.Schema
	stored   map[string]bool // questionnaires put in the vault already
	storing  bool            // the second pass
	// seen counts the intakes of each content so far, and where the
	// first was: by an unkeyed hash, in memory only.
	seen map[[16]byte]seenLine
}

type seenLine struct{ first, n int32 }

func newBulk(v *vault.Vault, opts BulkOptions) (*bulk, error) {
	contacts, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	if opts.Lookup == nil {
		opts.Lookup = schema.Lookup
	}
	if opts.Schema == nil {
		if opts.Schema, err = opts.Lookup(schema.DefaultID); err != nil {
			return nil, err
		}
	}
	b := &bulk{v: v, opts: opts, contacts: contacts, schemas: map[string]*schema.Schema{opts.Schema.ID: opts.Schema},
		stored: map[string]bool{}, eo: Options{Worker: v.Worker(), Contacts: names(contacts)}}
	return b, nil
}

func (b *bulk) resetSeen() { b.seen = map[[16]byte]seenLine{} }

// one checks an intake and makes its record and line key. A repeat of an
// earlier intake of the file is noted in res.
func (b *bulk) one(line int, set AnswerSet, res *BulkResult) (*vault.Record, vault.LineKey, error) {
	s := b.opts.Schema
	if set.Schema != "" {
		if s = b.schemas[set.Schema]; s == nil {
			var err error
			if s, err = b.opts.Lookup(set.Schema); err != nil {
				return nil, vault.LineKey{}, err
			}
			b.schemas[s.ID] = s
		}
	}
	eo := b.eo
	eo.Lang = set.Lang
	if eo.Lang == "" {
		eo.Lang = b.opts.Lang
	}
	e, err := New(s, eo)
	if err != nil {
		return nil, vault.LineKey{}, err
	}
	if err := Apply(e, set.Answers); err != nil {
		return nil, vault.LineKey{}, err
	}
	rec, err := e.Record("")
	if err != nil {
		return nil, vault.LineKey{}, err
	}
	if b.storing && !b.stored[s.Hash] {
		if err := b.v.PutSchema(s.Hash, s.Source); err != nil {
			return nil, vault.LineKey{}, err
		}
		b.stored[s.Hash] = true
	}
	// The content, canonically: the questionnaire and language it was
	// answered in, the ref, and the answers (encoding/json sorts keys).
	canonical, err := json.Marshal(AnswerSet{Schema: s.Hash, Lang: e.Lang(), Ref: set.Ref, Answers: set.Answers})
	if err != nil {
		return nil, vault.LineKey{}, err
	}
	defer clear(canonical)
	sum := sha256.Sum256(canonical)
	h := [16]byte(sum[:16])
	seen, ok := b.seen[h]
	if !ok {
		seen.first = int32(line)
	} else {
		res.Repeats = append(res.Repeats, Repeat{Line: line, Of: int(seen.first)})
	}
	key, err := b.v.LineKey(canonical, int(seen.n))
	seen.n++
	b.seen[h] = seen
	return rec, key, err
}

// names lists contacts' names, which consent.share offers; records keep
// the contacts' keys (vault.ShareKeys).
func names(cs []vault.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// spool is an encrypted copy of the input, for the second pass: standard
// input cannot be read twice, and a file could change in between. The key
// lives only in memory, so the copy is unreadable once the process ends.
type spool struct {
	f  *os.File
	id *age.X25519Identity
	w  io.WriteCloser
}

func newSpool() (*spool, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "fieldvault-answers-*.age")
	if err != nil {
		return nil, fmt.Errorf("cannot keep a copy of the answers: %w", err)
	}
	w, err := age.Encrypt(f, id.Recipient())
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &spool{f: f, id: id, w: w}, nil
}

func (s *spool) reader() (io.Reader, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	r, err := age.Decrypt(s.f, s.id)
	if err != nil {
		return nil, errors.New("the copy of the answers could not be read back")
	}
	return r, nil
}

func (s *spool) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}
