// Package cases turns intake records into case rows: one row per record,
// columns named by the Human Trafficking Case Data Standard where a question
// maps to it (fv_ and the question's ID where not), code values by HTCDS
// names. It is the one table that spreadsheets, JSON Lines, statistics and
// PostgreSQL are all written from, and it leaves out every answer that
// could pick a person out unless identified data is asked for.
package cases

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// How a multiple choice is written.
const (
	MultiHTCDS   = "htcds"   // codes joined with ";", as the HTCDS Excel template
	MultiODK     = "odk"     // codes joined with spaces, as ODK
	MultiColumns = "columns" // one 0/1 column per code, as CTDC publishes
)

// Column types, as the dictionary names them.
const (
	TypeText    = "text"
	TypeNumber  = "number"
	TypeDate    = "date"
	TypeBool    = "checkbox"
	TypeCode    = "picklist"
	TypeCodes   = "multiselect picklist"
	TypeFlag    = "0/1" // one code of a multiple choice, in columns mode
	TypeInteger = "integer"
)

// Column is one column of the table.
type Column struct {
	Name  string
	Label schema.Text
	Type  string
	// Codes are the values a picklist column may hold.
	Codes []string
	// HTCDS reports whether Name is a field of the standard.
	HTCDS bool

	// where the column's value comes from: a question's ID, or a code of
	// it in columns mode; empty for the record's own columns.
	question, code string
}

// Options say which columns a table has and how values are written.
type Options struct {
	Identified bool   // keep identifying answers
	Multi      string // MultiHTCDS (default), MultiODK or MultiColumns
}

// Table is the shape of the rows for a set of questionnaires.
type Table struct {
	Columns []Column
	opts    Options
	// byName finds a column by name, to merge questionnaires that share
	// questions or HTCDS fields.
	byName map[string]int
	// index maps a questionnaire hash and question ID to its column(s).
	index map[string]map[string][]int
	// keys are the columns' names as JSON object keys, made once.
	keys [][]byte
}

// label is a column's label in every language there is a catalog for.
func label(id string) schema.Text {
	t := schema.Text{}
	for _, lang := range catalog.Languages() {
		t[lang] = catalog.Text(lang, id)
	}
	return t
}

// The record's own columns, before any answer.
var recordColumns = []Column{
	{Name: "fv_record_id", Type: TypeText, Label: label("column.fv_record_id")},
	{Name: "fv_version", Type: TypeInteger, Label: label("column.fv_version")},
	{Name: "fv_questionnaire", Type: TypeText, Label: label("column.fv_questionnaire")},
	{Name: "fv_status", Type: TypeCode, Codes: []string{"complete", "declined", "delivered", "draft"}, Label: label("column.fv_status")},
	{Name: "fv_source", Type: TypeText, Label: label("column.fv_source")},
	{Name: "fv_created", Type: TypeDate, Label: label("column.fv_created")},
	{Name: "fv_triage", Type: TypeCode, Codes: schema.Levels, Label: label("column.fv_triage")},
	{Name: "fv_delivery", Type: TypeText, Label: label("column.fv_delivery")},
	{Name: "cas_Status", HTCDS: true, Type: TypeCode, Codes: []string{"Active", "FollowUp", "Closed", "ClosedReferred"}, Label: label("column.cas_status")},
	{Name: "cas_ReferringOrganisation", HTCDS: true, Type: TypeText, Label: label("column.cas_referringorganisation")},
}

// NewTable lays out the columns for records taken with the given
// questionnaires, in their order: the record's own columns, then each
// questionnaire's questions. Questionnaires that share a question (or an
// HTCDS field) share its column.
func NewTable(schemas []*schema.Schema, opts Options) *Table {
	if opts.Multi == "" {
		opts.Multi = MultiHTCDS
	}
	t := &Table{opts: opts, byName: map[string]int{}, index: map[string]map[string][]int{}}
	for _, c := range recordColumns {
		t.add(c)
	}
	for _, s := range schemas {
		idx := map[string][]int{}
		t.index[s.Hash] = idx
		for _, p := range s.Pages {
			for i := range p.Questions {
				q := &p.Questions[i]
				if q.Type == schema.TypeNote || q.IsIdentifying() && !opts.Identified {
					continue
				}
				idx[q.ID] = t.questionColumns(q)
			}
		}
	}
	t.keys = make([][]byte, len(t.Columns))
	for i, c := range t.Columns {
		k, _ := json.Marshal(c.Name)
		t.keys[i] = append(k, ':')
	}
	return t
}

func (t *Table) add(c Column) int {
	if i, ok := t.byName[c.Name]; ok {
		// Another questionnaire's question of the same name: its codes
		// join the column's.
		for _, code := range c.Codes {
			if !slices.Contains(t.Columns[i].Codes, code) {
				t.Columns[i].Codes = append(t.Columns[i].Codes, code)
			}
		}
		return i
	}
	t.byName[c.Name] = len(t.Columns)
	t.Columns = append(t.Columns, c)
	return len(t.Columns) - 1
}

// ColumnName is the name a question's answers are exported under.
func ColumnName(q *schema.Question) string {
	if q.HTCDS != "" {
		return q.HTCDS
	}
	return "fv_" + q.ID
}

func (t *Table) questionColumns(q *schema.Question) []int {
	c := Column{Name: ColumnName(q), Label: q.Label, HTCDS: q.HTCDS != "", question: q.ID}
	for _, o := range q.Options {
		c.Codes = append(c.Codes, o.Code())
	}
	switch q.Type {
	case schema.TypeNumber:
		c.Type = TypeNumber
		if q.Integer {
			c.Type = TypeInteger
		}
	case schema.TypeDate:
		c.Type = TypeDate
	case schema.TypeYesNo:
		c.Type = TypeBool
	case schema.TypeChoice:
		c.Type = TypeCode
	case schema.TypeMulti:
		c.Type = TypeCodes
		if t.opts.Multi == MultiColumns && q.OptionsFrom == "" {
			cols := make([]int, 0, len(q.Options))
			for _, o := range q.Options {
				label := schema.Text{}
				for l, s := range q.Label {
					label[l] = s + ": " + o.Label.In(l)
				}
				cols = append(cols, t.add(Column{Name: c.Name + "_" + o.Code(), Label: label, Type: TypeFlag,
					HTCDS: c.HTCDS, question: q.ID, code: o.Code()}))
			}
			return cols
		}
	default:
		c.Type = TypeText
	}
	return []int{t.add(c)}
}

// Meta is what a row says about the record itself, beside its answers.
type Meta struct {
	Source   string // the name of the vault the record came from; empty for this one's
	Delivery string // e.g. "1/2": partners that confirmed it, of those it goes to
}

// Row is one record's cells, in the table's column order: nil for no
// answer (not asked, skipped, or left out), else a string, float64, bool
// or int.
type Row []any

// Row lays out one record from its answers and the consent question it
// refused, if any (intake.BodyAnswers). s is the questionnaire the record
// was taken with; it must be one the table was made for.
func (t *Table) Row(r *vault.Record, answers map[string]any, declined string, s *schema.Schema, m Meta) Row {
	row := make(Row, len(t.Columns))
	row[0] = r.ID
	row[1] = r.Version
	row[2] = strings.TrimSpace(r.Schema.ID + " " + r.Schema.Version)
	row[3] = string(r.Status)
	row[4] = nilIfEmpty(m.Source)
	row[5] = r.Created.UTC().Format("2006-01-02")
	row[6] = nilIfEmpty(r.Triage)
	row[7] = nilIfEmpty(m.Delivery)
	row[8] = caseStatus(r.Status)
	row[9] = nilIfEmpty(m.Source)
	if s == nil {
		return row
	}
	idx := t.index[s.Hash]
	if declined != "" {
		// A refusal keeps no answers, but the "no" itself is data: HTCDS's
		// con_Consent is FALSE.
		if q, ok := s.Question(declined); ok && q.Type == schema.TypeYesNo && len(idx[q.ID]) == 1 {
			row[idx[q.ID][0]] = false
		}
	}
	for _, p := range s.Pages {
		for i := range p.Questions {
			q := &p.Questions[i]
			cols, ok := idx[q.ID]
			if !ok {
				continue
			}
			v, answered := answers[q.ID]
			if !answered {
				continue
			}
			t.fill(row, cols, q, v)
		}
	}
	return row
}

// Head is what a row says of the record itself.
type Head struct {
	ID, Questionnaire, Status, Source, Created, Triage, Delivery, CaseStatus string
	Version                                                                  int
}

// HeadOf reads the record's own columns of a row.
func HeadOf(r Row) Head {
	s := func(i int) string { v, _ := r[i].(string); return v }
	v, _ := r[1].(int)
	return Head{ID: s(0), Version: v, Questionnaire: s(2), Status: s(3), Source: s(4), Created: s(5),
		Triage: s(6), Delivery: s(7), CaseStatus: s(8)}
}

// caseStatus is HTCDS's cas_Status as far as a record shows it: an intake
// with consent opens a case; a declined one holds no case. Case status set
// by the organisation holding the case is not kept yet.
func caseStatus(st vault.Status) any {
	switch st {
	case vault.StatusComplete, vault.StatusDelivered:
		return "Active"
	}
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (t *Table) fill(row Row, cols []int, q *schema.Question, v any) {
	switch q.Type {
	case schema.TypeYesNo:
		if b, ok := v.(bool); ok {
			row[cols[0]] = b
		}
	case schema.TypeNumber:
		if f, ok := v.(float64); ok {
			if q.Integer || f == float64(int64(f)) {
				row[cols[0]] = int(f)
			} else {
				row[cols[0]] = f
			}
		}
	case schema.TypeChoice:
		if s, ok := v.(string); ok {
			row[cols[0]] = code(q, s)
		}
	case schema.TypeMulti:
		vals := strs(v)
		if t.opts.Multi == MultiColumns && q.OptionsFrom == "" {
			for _, c := range cols {
				row[c] = 0
				if slices.ContainsFunc(vals, func(s string) bool { return code(q, s) == t.Columns[c].code }) {
					row[c] = 1
				}
			}
			return
		}
		codes := make([]string, len(vals))
		for i, s := range vals {
			codes[i] = code(q, s)
		}
		sep := ";"
		if t.opts.Multi == MultiODK {
			sep = " "
		}
		row[cols[0]] = strings.Join(codes, sep)
	default:
		if s, ok := v.(string); ok {
			row[cols[0]] = s
		}
	}
}

func code(q *schema.Question, value string) string {
	if o, ok := q.Option(value); ok {
		return o.Code()
	}
	return value
}

func strs(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Text is a cell as text: TRUE/FALSE for a checkbox, as the HTCDS template
// writes it; numbers in their shortest form; "" for no answer.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// SortSchemas orders questionnaires for a table: by ID, newest version
// first, so a column takes its label from the newest questionnaire.
func SortSchemas(ss []*schema.Schema) {
	slices.SortStableFunc(ss, func(a, b *schema.Schema) int {
		if c := cmp.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return -cmp.Compare(versionKey(a.Version), versionKey(b.Version))
	})
}

// versionKey orders "2" before "10"; versions that are not numbers sort as
// text after the numbers.
func versionKey(v string) string {
	if n, err := strconv.Atoi(v); err == nil {
		return fmt.Sprintf("%020d", n)
	}
	return "~" + v
}
