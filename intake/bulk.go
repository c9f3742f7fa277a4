package intake

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

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
	// Checked, if set, is told how many intakes the first pass has checked
	// so far, now and then.
	Checked func(n int)
	// Progress, if set, is told how many intakes have been dealt with, of
	// how many, after each batch.
	Progress func(done, total int)
	// Batch is how many intakes go in one durable transaction; 0: 2,000.
	Batch int
	// Follows makes every record a follow-up of this first record.
	Follows string
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

// Bulk stores every intake of an answers file in two passes. The first
// checks every intake and keeps the checked records in an encrypted
// temporary file; if any intake is wrong it returns a *BulkError listing
// every mistake, and nothing is stored. The second reads them back and
// stores them in durable batches, each with a keyed hash of every intake
// (vault.LineKey): an intake stored by an earlier run of the same file is
// not stored again, so a run cut short by a crash is completed by running
// it again. Memory holds a batch, the intakes being checked, and 16 bytes
// per intake of the file and per line key the vault holds.
func Bulk(v *vault.Vault, r io.Reader, opts BulkOptions) (*BulkResult, error) {
	defer keepMemory(bulkMemoryLimit)()
	b, err := newBulk(v, opts)
	if err != nil {
		return nil, err
	}
	sp, err := newSpool()
	if err != nil {
		return nil, err
	}
	defer sp.remove()

	// First pass: check every intake, on every core, and keep each one's
	// record and line key, encrypted, for the second.
	bad := &BulkError{rows: opts.Rows}
	res := &BulkResult{}
	total := 0
	b.resetSeen()
	checked := 0
	err = b.check(r, func(it *item) error {
		if checked++; opts.Checked != nil && checked%checkChunk == 0 {
			opts.Checked(checked)
		}
		if it.err != nil {
			bad.add(it.line, it.err)
			return nil
		}
		key := b.lineKey(it, res)
		if bad.Intakes > 0 {
			return nil // nothing will be stored: only the mistakes matter now
		}
		total++
		return sp.put(key, it.rec)
	})
	if err != nil {
		return nil, err
	}
	if bad.Intakes > 0 {
		return nil, bad
	}
	b.seen = nil // the second pass has the line keys
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
	// to the end of the vault's trees (vault.AscendingIDs).
	parts := (total + size - 1) / size
	var ids []string
	batch := 0
	stored, err := v.StoredLines()
	if err != nil {
		return nil, err
	}
	flush := func() error {
		var newRecs []*vault.Record
		var newKeys []vault.LineKey
		for i := range recs {
			if stored.Has(keys[i]) {
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
		if len(ids) == 0 {
			ids = vault.AscendingIDs(batch, parts, min(size, total-batch*size))
			batch++
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
	seen map[uint64]seenLine
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

func (b *bulk) resetSeen() { b.seen = map[uint64]seenLine{} }

// item is one intake of the file on its way through the first pass.
type item struct {
	line      int
	set       AnswerSet
	s         *schema.Schema
	err       error
	rec       *vault.Record
	canonical []byte
}

// checkChunk is how many intakes go to a core at a time.
const checkChunk = 256

// check reads the answers and checks each intake, on every core, then
// calls fn with each, in file order. Reading, checking and fn overlap; a
// bounded number of chunks is in flight, so memory stays flat.
func (b *bulk) check(r io.Reader, fn func(*item) error) error {
	type chunk struct {
		items []item
		done  chan struct{}
	}
	work := make(chan *chunk, 2)
	order := make(chan *chunk, 4)
	quit := make(chan struct{})
	var readErr error
	go func() {
		defer close(work)
		defer close(order)
		cur := &chunk{done: make(chan struct{})}
		send := func() bool {
			select {
			case order <- cur:
			case <-quit:
				return false
			}
			work <- cur
			cur = &chunk{done: make(chan struct{})}
			return true
		}
		readErr = ReadAnswers(r, func(line int, set AnswerSet, unreadable error) error {
			it := item{line: line, set: set, err: unreadable}
			if it.err == nil {
				it.s, it.err = b.schemaOf(set)
			}
			cur.items = append(cur.items, it)
			if len(cur.items) == checkChunk && !send() {
				return errStopped
			}
			return nil
		})
		if len(cur.items) > 0 {
			send()
		}
	}()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				for i := range c.items {
					b.checkOne(&c.items[i])
				}
				close(c.done)
			}
		}()
	}
	var err error
	for c := range order {
		<-c.done
		for i := range c.items {
			if err == nil {
				err = fn(&c.items[i])
			}
			clear(c.items[i].canonical)
		}
		if err != nil {
			close(quit)
			for range order {
			}
			break
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if readErr != nil && readErr != errStopped {
		return readErr
	}
	return nil
}

var errStopped = errors.New("stopped")

// schemaOf finds the questionnaire an intake names. It runs on the one
// reading goroutine, which alone fills the cache.
func (b *bulk) schemaOf(set AnswerSet) (*schema.Schema, error) {
	if set.Schema == "" {
		return b.opts.Schema, nil
	}
	if s := b.schemas[set.Schema]; s != nil {
		return s, nil
	}
	s, err := b.opts.Lookup(set.Schema)
	if err != nil {
		return nil, err
	}
	b.schemas[set.Schema] = s
	return s, nil
}

// checkOne runs an intake through the interview engine, as if typed, and
// makes its record and the canonical form of its content: the
// questionnaire and language it was answered in, the ref, and the answers
// (encoding/json sorts keys). It touches nothing shared.
func (b *bulk) checkOne(it *item) {
	if it.err != nil {
		return
	}
	eo := b.eo
	eo.Lang = it.set.Lang
	if eo.Lang == "" {
		eo.Lang = b.opts.Lang
	}
	e, err := New(it.s, eo)
	if err == nil {
		err = Apply(e, it.set.Answers)
	}
	if err == nil {
		it.rec, err = e.Record("")
	}
	if err == nil {
		it.canonical, err = json.Marshal(AnswerSet{Schema: it.s.Hash, Lang: e.Lang(), Ref: it.set.Ref, Answers: it.set.Answers})
	}
	if err == nil {
		it.rec.Share = vault.ShareKeys(b.contacts, it.rec.Share)
		it.rec.Follows = b.opts.Follows
	}
	it.err = err
}

// lineKey counts which occurrence of its content in the file an intake is
// (a repeat is noted in res) and returns its line key.
func (b *bulk) lineKey(it *item, res *BulkResult) vault.LineKey {
	b.used[it.s.Hash] = it.s
	// 64 bits of SHA-256 tell the intakes of one file apart: a false
	// repeat would need a collision among at most a few hundred thousand.
	sum := sha256.Sum256(it.canonical)
	h := binary.LittleEndian.Uint64(sum[:8])
	seen, ok := b.seen[h]
	if !ok {
		seen.first = int32(it.line)
	} else {
		res.Repeats = append(res.Repeats, Repeat{Line: it.line, Of: int(seen.first)})
	}
	key := b.v.LineKey(it.canonical, int(seen.n))
	seen.n++
	b.seen[h] = seen
	return key
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
	f   *os.File
	id  *age.X25519Identity
	w   io.WriteCloser
	bw  *bufio.Writer
	enc *gob.Encoder
}

// spooled is one checked intake as the spool keeps it. encoding/gob
// carries the record's body as the bytes it is; encoding/json would
// check and compact it again.
type spooled struct {
	Key    vault.LineKey
	Record *vault.Record
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
	bw := bufio.NewWriterSize(w, 64<<10)
	return &spool{f: f, id: id, w: w, bw: bw, enc: gob.NewEncoder(bw)}, nil
}

// put adds one record and its line key.
func (s *spool) put(key vault.LineKey, rec *vault.Record) error {
	return s.enc.Encode(spooled{key, rec})
}

type spoolReader struct{ dec *gob.Decoder }

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
	return &spoolReader{gob.NewDecoder(bufio.NewReaderSize(r, 64<<10))}, nil
}

func (r *spoolReader) next() (vault.LineKey, *vault.Record, error) {
	var sp spooled
	if err := r.dec.Decode(&sp); err != nil || sp.Record == nil {
		return vault.LineKey{}, nil, fmt.Errorf("read back the checked intakes: %v", err)
	}
	return sp.Key, sp.Record, nil
}

func (s *spool) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// bulkMemoryLimit is the heap a bulk intake keeps to, whatever the file's
// size: what it holds is a batch in hand, the intakes being checked,
// bbolt's pages for one commit and 16 bytes per intake; without a limit
// the collector lets the heap grow to twice that. Measured with the real
// binary (make bench): peak resident size 46 MiB at 10,000 intakes and 47
// MiB at 100,000.
const bulkMemoryLimit = 40 << 20

// keepMemory sets a soft memory limit for the process while a bulk intake
// runs, unless a lower one is set (GOMEMLIMIT), and returns what puts the
// old one back.
func keepMemory(limit int64) (restore func()) {
	old := debug.SetMemoryLimit(-1)
	if old <= limit {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(old) }
}
