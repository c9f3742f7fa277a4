package intake

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/fieldvault/fieldvault/schema"
)

// A spreadsheet answers file (CSV or XLSX) has a header row of question IDs
// (and, optionally, the columns schema, lang and ref), then one intake per
// row. It is turned into JSON Lines for Bulk, one line per row, so that the
// line numbers Bulk reports are the spreadsheet's row numbers.

// Rows yields a spreadsheet's rows; it returns io.EOF after the last.
type Rows func() ([]string, error)

// CSVRows reads CSV, with or without the byte order mark spreadsheet
// programs write.
func CSVRows(r io.Reader) Rows {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // rows may end early: the rest is empty
	cr.ReuseRecord = false
	return func() ([]string, error) {
		row, err := cr.Read()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("row %d is not valid CSV: %v", pe.Line, pe.Err)
		}
		return row, err
	}
}

// XLSXRows reads the first sheet of an XLSX workbook, streaming.
func XLSXRows(r io.Reader) (Rows, func() error, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("not an XLSX workbook: %w", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, nil, errors.New("the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	closeAll := func() error {
		rows.Close()
		return f.Close()
	}
	return func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		return rows.Columns()
	}, closeAll, nil
}

// TableAnswers turns a spreadsheet's rows into the JSON Lines Bulk reads.
// Cells take the type of their question in the row's questionnaire: yes/no
// as yes, no, true, false, 1, 0 or the Indonesian ya, tidak; numbers;
// multiple choices joined by ";", and "-" for none of them. Empty cells are
// skipped. A cell that does
// not fit is passed on as text, for Bulk to report with the question.
func TableAnswers(next Rows, opts BulkOptions) io.Reader {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTable(pw, next, opts)) }()
	return pr
}

func writeTable(w io.Writer, next Rows, opts BulkOptions) error {
	if opts.Lookup == nil {
		opts.Lookup = schema.Lookup
	}
	def := opts.Schema
	if def == nil {
		var err error
		if def, err = opts.Lookup(schema.DefaultID); err != nil {
			return err
		}
	}
	header, err := next()
	if err == io.EOF {
		return errors.New("the spreadsheet is empty: its first row must name the questions")
	}
	if err != nil {
		return err
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("\n") // the header row
	schemas := map[string]*schema.Schema{}
	for row := 2; ; row++ {
		cells, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		set, skip := tableRow(header, cells, def, opts.Lookup, schemas, row)
		if skip {
			bw.WriteString("\n")
			continue
		}
		line, err := json.Marshal(set)
		if err != nil {
			return err
		}
		bw.Write(line)
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// tableRow makes one row an intake. skip is true for a row with nothing in
// it and for the template's row of labels.
func tableRow(header, cells []string, def *schema.Schema, lookup func(string) (*schema.Schema, error), cache map[string]*schema.Schema, row int) (AnswerSet, bool) {
	set := AnswerSet{Answers: map[string]any{}}
	get := func(name string) string {
		if i := slices.Index(header, name); i >= 0 && i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	set.Schema, set.Lang, set.Ref = get("schema"), get("lang"), get("ref")
	s := def
	if set.Schema != "" {
		if s = cache[set.Schema]; s == nil {
			if found, err := lookup(set.Schema); err == nil {
				s, cache[set.Schema] = found, found
			}
		}
	}
	labels, filled := 0, 0
	for i, cell := range cells {
		cell = strings.TrimSpace(cell)
		if i >= len(header) || header[i] == "" || cell == "" {
			continue
		}
		id := header[i]
		if id == "schema" || id == "lang" || id == "ref" {
			continue
		}
		filled++
		var q *schema.Question
		if s != nil {
			q, _ = s.Question(id)
		}
		if q != nil && row == 2 && slices.Contains(labelsOf(q), cell) {
			labels++
		}
		set.Answers[id] = cellValue(q, cell)
	}
	if filled == 0 || labels == filled {
		return set, true
	}
	return set, false
}

func labelsOf(q *schema.Question) []string {
	var out []string
	for _, l := range q.Label {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// cellValue reads a cell as its question's type wants it.
func cellValue(q *schema.Question, cell string) any {
	if q == nil {
		return cell
	}
	switch q.Type {
	case schema.TypeYesNo:
		switch strings.ToLower(cell) {
		case "yes", "y", "true", "1", "ya":
			return true
		case "no", "n", "false", "0", "tidak":
			return false
		}
	case schema.TypeNumber:
		if f, err := strconv.ParseFloat(cell, 64); err == nil {
			return f
		}
	case schema.TypeMulti:
		out := []string{} // "-": none of them
		if cell == "-" {
			return out
		}
		for _, v := range strings.Split(cell, ";") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	return cell
}

// WriteTemplate writes a blank XLSX answers file for a questionnaire: a
// header row of question IDs (after ref, for the paper form's number), a
// row of the questions' labels in lang, and a sheet listing what each
// question accepts.
func WriteTemplate(w io.Writer, s *schema.Schema, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	const answers, accepts = "answers", "accepted values"
	if err := f.SetSheetName("Sheet1", answers); err != nil {
		return err
	}
	if _, err := f.NewSheet(accepts); err != nil {
		return err
	}
	ids := []any{"ref"}
	labels := []any{text(lang, msgTemplateRef)}
	list := [][]any{{"question", "type", "value", "label"}}
	for _, p := range s.Pages {
		for i := range p.Questions {
			q := &p.Questions[i]
			if q.Type == schema.TypeNote {
				continue
			}
			ids = append(ids, q.ID)
			labels = append(labels, q.Label.In(lang))
			switch {
			case q.Type == schema.TypeYesNo:
				list = append(list, []any{q.ID, q.Type, "yes / no", text(lang, msgTemplateYesNo)})
			case len(q.Options) > 0:
				for _, o := range q.Options {
					list = append(list, []any{q.ID, q.Type, o.Value, o.Label.In(lang)})
				}
				if q.Type == schema.TypeMulti {
					list = append(list, []any{q.ID, q.Type, "", text(lang, msgTemplateMulti)})
				}
			case q.OptionsFrom != "":
				list = append(list, []any{q.ID, q.Type, "", text(lang, msgTemplatePartners)})
			case q.Type == schema.TypeNumber:
				bounds := ""
				if q.Min != nil && q.Max != nil {
					bounds = fmt.Sprintf("%g–%g", *q.Min, *q.Max)
				}
				list = append(list, []any{q.ID, q.Type, bounds, ""})
			case q.Type == schema.TypeDate:
				list = append(list, []any{q.ID, q.Type, "YYYY-MM-DD", ""})
			default:
				list = append(list, []any{q.ID, q.Type, "", ""})
			}
		}
	}
	if err := f.SetSheetRow(answers, "A1", &ids); err != nil {
		return err
	}
	if err := f.SetSheetRow(answers, "A2", &labels); err != nil {
		return err
	}
	for i, r := range list {
		if err := f.SetSheetRow(accepts, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	return f.Write(w)
}
