package intake

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
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

	// First pass: check every intake, and keep each one's record and line
	// key, encrypted, for the second.
	bad := &BulkError{rows: opts.Rows}
	res := &BulkResult{}
	total := 0
	b.resetSeen()
	err = ReadAnswers(r, func(line int, set AnswerSet, unreadable error) error {
		if unreadable != nil {
			bad.add(line, unreadable)
			return nil
		}
		rec, key, err := b.one(line, set, res)
		if err != nil {
			bad.add(line, err)
			return nil
		}
		if bad.Intakes > 0 {
			return nil // nothing will be stored: only the mistakes matter now
		}
		rec.Share = vault.ShareKeys(b.contacts, rec.Share)
		total++
		return sp.put(key, rec)
	})
	if err != nil {
		return nil, err
	}
	if bad.Intakes > 0 {
		return nil, bad
	}
	for _, s := range b.used {
		if err := v.PutSchema(s.Hash, s.Source); err != nil {
			return nil, err
		}
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
	recs := make([]*vault.Record, 0, size)
	keys := make([]vault.LineKey, 0, size)
	// IDs in ascending order, given in file order: each batch then adds
	// to the end of the vault's trees (vault.NewIDs).
	ids := vault.NewIDs(total)
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
		if opts.Progress != nil {
			opts.Progress(res.Stored+res.Present, total)
		}
		recs, keys = recs[:0], keys[:0]
		return nil
	}
	for range total {
		key, rec, err := copied.next()
		if err != nil {
			return res, err
		}
		rec.ID, ids = ids[0], ids[1:]
		recs, keys = append(recs, rec), append(keys, key)
		if len(recs) == size {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if len(recs) > 0 {
		if err := flush(); err != nil {
			return res, err
		}
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
	used     map[string]*schema.Schema // questionnaires the intakes use, by hash
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
		used: map[string]*schema.Schema{}, eo: Options{Worker: v.Worker(), Contacts: names(contacts)}}
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
	b.used[s.Hash] = s
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

// spool keeps the checked records and their line keys for the second
// pass, encrypted to a key that lives only in memory: the copy is
// unreadable once the process ends. (Standard input cannot be read twice,
// and a file could change in between.)
type spool struct {
	f  *os.File
	id *age.X25519Identity
	w  io.WriteCloser
	bw *bufio.Writer
}

func newSpool() (*spool, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "fieldvault-answers-*.age")
	if err != nil {
		return nil, fmt.Errorf("cannot keep the checked intakes: %w", err)
	}
	w, err := age.Encrypt(f, id.Recipient())
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &spool{f: f, id: id, w: w, bw: bufio.NewWriterSize(w, 64<<10)}, nil
}

// put adds one record: its line key, its length and its JSON.
func (s *spool) put(key vault.LineKey, rec *vault.Record) error {
	js, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	defer clear(js)
	s.bw.Write(key[:])
	s.bw.Write(binary.AppendUvarint(nil, uint64(len(js))))
	_, err = s.bw.Write(js)
	return err
}

type spoolReader struct{ br *bufio.Reader }

func (s *spool) reader() (*spoolReader, error) {
	if err := s.bw.Flush(); err != nil {
		return nil, fmt.Errorf("keep the checked intakes: %w", err)
	}
	if err := s.w.Close(); err != nil {
		return nil, fmt.Errorf("keep the checked intakes: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	r, err := age.Decrypt(bufio.NewReaderSize(s.f, 64<<10), s.id)
	if err != nil {
		return nil, errors.New("the checked intakes could not be read back")
	}
	return &spoolReader{bufio.NewReaderSize(r, 64<<10)}, nil
}

func (r *spoolReader) next() (vault.LineKey, *vault.Record, error) {
	var key vault.LineKey
	if _, err := io.ReadFull(r.br, key[:]); err != nil {
		return key, nil, fmt.Errorf("read back the checked intakes: %w", err)
	}
	n, err := binary.ReadUvarint(r.br)
	if err != nil || n > MaxAnswersLine*8 {
		return key, nil, errors.New("the checked intakes could not be read back")
	}
	js := make([]byte, n)
	if _, err := io.ReadFull(r.br, js); err != nil {
		return key, nil, fmt.Errorf("read back the checked intakes: %w", err)
	}
	defer clear(js)
	var rec vault.Record
	if err := json.Unmarshal(js, &rec); err != nil {
		return key, nil, err
	}
	return key, &rec, nil
}

func (s *spool) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}
