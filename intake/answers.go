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
)

// MaxAnswersFile bounds what an answers file may hold: about 400,000 intakes.
const MaxAnswersFile = 256 << 20

// AnswerSet is one intake in an answers file: a JSON object, alone or one
// per line (JSON Lines).
//
//	{"schema": "rescue-needs", "lang": "en", "answers": {"consent.interview": true, ...}}
type AnswerSet struct {
	Schema string `json:"schema,omitempty"`
	Lang   string `json:"lang,omitempty"`
	// Ref tells apart intakes whose answers are the same, such as the
	// number of a paper form. It is not stored.
	Ref     string         `json:"ref,omitempty"`
	Answers map[string]any `json:"answers"`
}

// LineError is what is wrong with one intake of an answers file.
type LineError struct {
	Line int  // where the intake starts, from 1
	Row  bool // Line is a spreadsheet's row
	Err  error
}

func (e *LineError) Error() string {
	if e.Row {
		return fmt.Sprintf("row %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}
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

// decodeSet reads one intake, strictly: only schema, lang, ref and answers.
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
		return AnswerSet{}, fmt.Errorf("an intake is an object with schema, lang, ref and answers: %v", strings.TrimPrefix(err.Error(), "json: "))
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
	if errs := checkValues(e, answers); len(errs) > 0 {
		return errors.Join(errs...)
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

// checkValues checks each answer on its own, in questionnaire order: that
// its question exists and the value fits it. These mistakes do not depend
// on each other, so all of a line's are reported at once; mistakes of the
// flow (a required answer missing, an answer that is never asked) show
// only once the values are right, since a wrong value changes the flow.
func checkValues(e *Engine, answers map[string]any) []error {
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(answers)) {
		if _, ok := e.s.Question(id); !ok {
			errs = append(errs, &AnswerError{Question: id, Msg: msgUnknownQuestion})
		}
	}
	for _, p := range e.s.Pages {
		for i := range p.Questions {
			q := &p.Questions[i]
			v, ok := answers[q.ID]
			if !ok || v == nil || q.Type == schema.TypeNote {
				continue
			}
			if _, err := e.normalize(q, v); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}
