package intake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// MaxAnswersFile bounds what an answers file may hold: about 400,000 intakes.
const MaxAnswersFile = 256 << 20

// AnswerSet is one intake in an answers file: a JSON object, alone or one
// per line (JSON Lines).
//
//	{"schema": "rescue-needs", "lang": "en", "answers": {"consent.interview": true, ...}}
type AnswerSet struct {
	Schema  string         `json:"schema,omitempty"`
	Lang    string         `json:"lang,omitempty"`
	Answers map[string]any `json:"answers"`
}

// LineError is what is wrong with one intake of an answers file.
type LineError struct {
	Line int // where the intake starts, from 1
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// MaxAnswersLine bounds one line of JSON Lines. An intake is a few KiB; a
// longer line is refused without being read whole.
const MaxAnswersLine = 1 << 20

// ReadAnswers decodes an answers file: JSON Lines, or one JSON object that
// may span lines. It calls fn with each intake and the line it starts on,
// or with what makes that intake unreadable (set is then empty). In JSON
// Lines every line is read, so one broken line does not hide the mistakes
// of the others; one object spanning lines stops at its first syntax
// error. fn's error stops the reading.
func ReadAnswers(r io.Reader, fn func(line int, set AnswerSet, bad error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	// The text line with something on it tells the two apart: a line that
	// is JSON alone, or followed by a line that opens another object, is
	// JSON Lines.
	line := 1
	text, long, err := readLine(br)
	for err == nil && !long && len(bytes.TrimSpace(text)) == 0 {
		line++
		text, long, err = readLine(br)
	}
	if err != nil && err != io.EOF {
		return fmt.Errorf("read answers: %w", err)
	}
	next, _ := br.Peek(1)
	oneDocument := !long && len(bytes.TrimSpace(text)) > 0 && !json.Valid(text) &&
		!(bytes.HasPrefix(text, []byte("{")) && len(next) == 1 && next[0] == '{')
	if oneDocument {
		before := strings.NewReader(strings.Repeat("\n", line-1)) // keeps line numbers
		return readDocument(io.MultiReader(before, bytes.NewReader(text), strings.NewReader("\n"), br), fn)
	}
	n, total := 0, int64(len(text))
	for {
		if total > MaxAnswersFile {
			return fmt.Errorf("the answers file is larger than %d MiB; split it", MaxAnswersFile>>20)
		}
		raw := bytes.TrimSpace(text)
		switch {
		case long:
			n++
			if err := fn(line, AnswerSet{}, fmt.Errorf("the line is longer than %d KiB, far longer than an intake; is this a JSON Lines file?", MaxAnswersLine>>10)); err != nil {
				return err
			}
		case len(raw) > 0:
			n++
			set, bad := decodeSet(raw)
			if err := fn(line, set, bad); err != nil {
				return err
			}
		}
		if err == io.EOF {
			break
		}
		line++
		text, long, err = readLine(br)
		total += int64(len(text))
		if err != nil && err != io.EOF {
			return fmt.Errorf("read answers: %w", err)
		}
	}
	if n == 0 {
		return errors.New("the answers file holds no intake")
	}
	return nil
}

// readLine reads one line without its end. A line longer than
// MaxAnswersLine is passed over, not kept: long reports it.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !long {
			if len(buf)+len(chunk) > MaxAnswersLine+1 {
				long, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r")), long, nil
		default:
			return buf, long, err
		}
	}
}

// decodeSet reads one intake, strictly: only schema, lang and answers.
func decodeSet(raw []byte) (AnswerSet, error) {
	var set AnswerSet
	if !json.Valid(raw) {
		var v any
		err := json.Unmarshal(raw, &v)
		return set, fmt.Errorf("not valid JSON: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&set); err != nil {
		return AnswerSet{}, fmt.Errorf("an intake is an object with schema, lang and answers: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	if set.Answers == nil {
		return AnswerSet{}, errors.New(`the intake has no "answers"`)
	}
	return set, nil
}

// readDocument reads an answers file that is not JSON Lines: one object
// (or several) spanning lines. A syntax error ends it, since nothing after
// can be told apart.
func readDocument(r io.Reader, fn func(line int, set AnswerSet, bad error) error) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxAnswersFile+1))
	if err != nil {
		return fmt.Errorf("read answers: %w", err)
	}
	if len(data) > MaxAnswersFile {
		return fmt.Errorf("the answers file is larger than %d MiB; split it", MaxAnswersFile>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	line, counted := 1, 0
	n := 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		end := int(dec.InputOffset())
		if err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				end = int(syn.Offset) - 1
			}
			end = max(0, min(end, len(data)))
			line += bytes.Count(data[counted:end], []byte("\n"))
			return fn(line, AnswerSet{}, fmt.Errorf("not valid JSON: %v", strings.TrimPrefix(err.Error(), "json: ")))
		}
		start := end - len(raw)
		line += bytes.Count(data[counted:start], []byte("\n"))
		counted = start
		n++
		set, bad := decodeSet(raw)
		if err := fn(line, set, bad); err != nil {
			return err
		}
	}
	if n == 0 {
		return errors.New("the answers file holds no intake")
	}
	return nil
}

// Apply runs an engine over a set of answers, page by page, as if a person
// typed them: the same gating, skip logic and validation. A question left
// out is skipped unless it is required.
func Apply(e *Engine, answers map[string]any) error {
	for id := range answers {
		if _, ok := e.s.Question(id); !ok {
			return &AnswerError{Question: id, Msg: msgUnknownQuestion}
		}
	}
	left := maps.Clone(answers)
	for !e.Done() {
		page := map[string]Answer{}
		for _, q := range e.Page().Questions {
			if v, ok := left[q.ID]; ok {
				page[q.ID] = Answer{Value: v}
				delete(left, q.ID)
			}
		}
		if _, err := e.Submit(page); err != nil {
			return err
		}
	}
	// Whatever is left was never asked: the interview ended first.
	for _, p := range e.s.Pages {
		for _, q := range p.Questions {
			if _, ok := left[q.ID]; ok {
				return &AnswerError{Question: q.ID, Msg: msgNotAsked}
			}
		}
	}
	return nil
}

// BulkOptions set up an answers-file intake.
type BulkOptions struct {
	Schema *schema.Schema // used where an intake names none; default rescue-needs
	Lang   string         // used where an intake names none
	// Lookup finds a questionnaire named by an intake; nil means built-in
	// questionnaires only.
	Lookup func(id string) (*schema.Schema, error)
}

// BulkError lists every bad intake of an answers file. Nothing is stored
// when there is one.
type BulkError struct {
	Errors []*LineError
}

func (e *BulkError) Error() string {
	if len(e.Errors) == 1 {
		return e.Errors[0].Error()
	}
	return fmt.Sprintf("%d intakes have errors; the first: %v", len(e.Errors), e.Errors[0])
}

// Bulk reads an answers file and stores every intake in it, in one
// transaction after the one unlock. If any intake is wrong, nothing is
// stored and the error lists them all, so that a corrected file can simply
// be run again without creating duplicates. It returns the new record IDs
// in file order.
func Bulk(v *vault.Vault, r io.Reader, opts BulkOptions) ([]string, error) {
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
	schemas := map[string]*schema.Schema{}
	if opts.Schema != nil {
		schemas[opts.Schema.ID] = opts.Schema
	}
	var recs []*vault.Record
	var bad []*LineError
	err = ReadAnswers(r, func(line int, set AnswerSet, unreadable error) error {
		if unreadable != nil {
			bad = append(bad, &LineError{Line: line, Err: unreadable})
			return nil
		}
		rec, err := bulkOne(set, opts, schemas, Options{Worker: v.Worker(), Contacts: names(contacts)})
		if err != nil {
			bad = append(bad, &LineError{Line: line, Err: err})
			return nil
		}
		rec.Share = vault.ShareKeys(contacts, rec.Share)
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, &BulkError{Errors: bad}
	}
	used := map[string]*schema.Schema{}
	for _, r := range recs {
		used[r.Schema.ID] = schemas[r.Schema.ID]
	}
	for _, id := range slices.Sorted(maps.Keys(used)) {
		if err := v.PutSchema(used[id].Hash, used[id].Source); err != nil {
			return nil, err
		}
	}
	if err := v.PutRecords(recs); err != nil {
		return nil, err
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	return ids, nil
}

func bulkOne(set AnswerSet, opts BulkOptions, schemas map[string]*schema.Schema, eo Options) (*vault.Record, error) {
	s := opts.Schema
	if set.Schema != "" {
		s = schemas[set.Schema]
		if s == nil {
			var err error
			if s, err = opts.Lookup(set.Schema); err != nil {
				return nil, err
			}
			schemas[s.ID] = s
		}
	}
	eo.Lang = set.Lang
	if eo.Lang == "" {
		eo.Lang = opts.Lang
	}
	e, err := New(s, eo)
	if err != nil {
		return nil, err
	}
	if err := Apply(e, set.Answers); err != nil {
		return nil, err
	}
	return e.Record("")
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
