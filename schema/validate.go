package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema/htcds"
)

// Problem is one thing wrong with a questionnaire, at a JSON location such as
// pages[2].questions[0].when.q. Why is a catalog text (a *catalog.Msg), so
// that a questionnaire's author reads it in the interface language; its
// Error is the English sentence.
type Problem struct {
	Path string
	Why  error
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Why.Error()
	}
	return catalog.Text(catalog.Default, "problem.at", p.Path, p.Why)
}

// Msg is the problem as one catalog text, its location included.
func (p Problem) Msg() *catalog.Msg {
	if p.Path == "" {
		if m, ok := p.Why.(*catalog.Msg); ok {
			return m
		}
	}
	return &catalog.Msg{ID: "problem.at", Args: []any{p.Path, p.Why}}
}

// ValidationError lists every problem found in a questionnaire.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string { return e.Msg().Error() }

// Msg is the error as a catalog text: the first problem, and how many
// there are.
func (e *ValidationError) Msg() *catalog.Msg {
	if len(e.Problems) == 1 {
		return &catalog.Msg{ID: "problem.not_valid_one", Args: []any{e.Problems[0].Msg()}}
	}
	return &catalog.Msg{ID: "problem.not_valid_many", Args: []any{len(e.Problems), e.Problems[0].Msg()}}
}

var (
	schemaIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	// Question IDs allow capitals because forms written for other tools
	// name fields so (HTCDS's prs_Gender), and renaming them would break
	// the link to the form.
	questionIDRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$`)
	// Any BCP 47 language, with an optional region or script: fil, pt-BR.
	langRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// ValidQuestionID reports whether id can name a question.
func ValidQuestionID(id string) bool { return questionIDRe.MatchString(id) }

// ValidLanguage reports whether code can name a questionnaire's language.
func ValidLanguage(code string) bool { return langRe.MatchString(code) }

// decodeProblem turns a JSON decoding error into a Problem with a line and
// column where the decoder can tell.
func decodeProblem(data []byte, err error) Problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, including the offending one.
		line, col := lineCol(data, syn.Offset-1)
		return Problem{Why: catalog.Errorf("problem.json_syntax", line, col, syn.Error())}
	case errors.As(err, &typ):
		line, col := lineCol(data, typ.Offset)
		return Problem{Path: typ.Field, Why: catalog.Errorf("problem.wrong_type", line, col, typ.Type.String())}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return Problem{Why: catalog.Errorf("problem.unknown_field", strings.TrimPrefix(err.Error(), "json: unknown field "))}
	case err.Error() == "EOF":
		return Problem{Why: catalog.Errorf("problem.empty")}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Problem{Why: catalog.Errorf("problem.cut_off")}
	}
	return Problem{Why: catalog.Errorf("problem.json_other", err.Error())}
}

func lineCol(data []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(data))))
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// validator collects problems while walking a questionnaire.
type validator struct {
	s     *Schema
	probs []Problem
	// htcds maps every HTCDS field named so far to its question, since an
	// export has one column per field.
	htcds map[string]string
	// order maps every question ID to its position, for forward references.
	order map[string]int
}

// add records the problem id (a catalog text) at path.
func (v *validator) add(path, id string, args ...any) {
	v.probs = append(v.probs, Problem{Path: path, Why: catalog.Errorf(id, args...)})
}

func (s *Schema) validate() []Problem {
	v := &validator{s: s, order: map[string]int{}}
	if !schemaIDRe.MatchString(s.ID) {
		v.add("id", "problem.id_format", s.ID)
	}
	if strings.TrimSpace(s.Version) == "" {
		v.add("version", "problem.missing")
	}
	if len(s.Languages) == 0 {
		v.add("languages", "problem.languages_none")
	}
	for i, l := range s.Languages {
		if !langRe.MatchString(l) {
			v.add(fmt.Sprintf("languages[%d]", i), "problem.language_code", l)
		}
		if slices.Index(s.Languages, l) != i {
			v.add(fmt.Sprintf("languages[%d]", i), "problem.language_twice", l)
		}
	}
	v.text("title", s.Title, true)
	v.text("consent.script", s.Consent.Script, true)
	if len(s.Pages) == 0 {
		v.add("pages", "problem.no_pages")
	}

	// First pass: IDs and positions, so conditions can be checked against
	// the whole questionnaire.
	pageIDs := map[string]bool{}
	n := 0
	for pi, p := range s.Pages {
		path := fmt.Sprintf("pages[%d]", pi)
		if p.ID == "" {
			v.add(path+".id", "problem.missing")
		} else if pageIDs[p.ID] {
			v.add(path+".id", "problem.page_duplicate", p.ID)
		}
		pageIDs[p.ID] = true
		for qi, q := range p.Questions {
			qpath := fmt.Sprintf("%s.questions[%d].id", path, qi)
			switch {
			case !questionIDRe.MatchString(q.ID):
				v.add(qpath, "problem.question_id", q.ID)
			case v.order[q.ID] != 0:
				v.add(qpath, "problem.question_duplicate", q.ID)
			default:
				n++
				v.order[q.ID] = n
			}
		}
	}

	n = 0
	for pi := range s.Pages {
		p := &s.Pages[pi]
		path := fmt.Sprintf("pages[%d]", pi)
		v.text(path+".title", p.Title, true)
		v.text(path+".intro", p.Intro, false)
		if len(p.Questions) == 0 {
			v.add(path+".questions", "problem.page_empty")
		}
		firstOnPage := n + 1
		if p.When != nil {
			// A page condition may read only earlier pages.
			v.cond(path+".when", p.When, firstOnPage, "")
		}
		for qi := range p.Questions {
			n++
			v.question(fmt.Sprintf("%s.questions[%d]", path, qi), &p.Questions[qi], n, firstOnPage)
		}
	}

	if !slices.Contains(Levels, s.Triage.Default) {
		v.add("triage.default", "problem.one_of", strings.Join(Levels, ", "), s.Triage.Default)
	}
	for i := range s.Triage.Rules {
		r := &s.Triage.Rules[i]
		path := fmt.Sprintf("triage.rules[%d]", i)
		if !slices.Contains(Levels, r.Level) {
			v.add(path+".level", "problem.one_of", strings.Join(Levels, ", "), r.Level)
		}
		v.cond(path+".when", &r.When, n+1, "")
		v.text(path+".reason", r.Reason, true)
		v.text(path+".alert", r.Alert, false)
	}
	return v.probs
}

// text checks that a text is translated into every language.
func (v *validator) text(path string, t Text, required bool) {
	if t == nil {
		if required {
			v.add(path, "problem.missing")
		}
		return
	}
	for _, l := range v.s.Languages {
		if strings.TrimSpace(t[l]) == "" {
			v.add(path, "problem.translation_missing", l)
		}
	}
	for l := range t {
		if !slices.Contains(v.s.Languages, l) {
			v.add(path, "problem.text_unlisted_language", l)
		}
	}
}

func (v *validator) question(path string, q *Question, pos, firstOnPage int) {
	if !slices.Contains(questionTypes, q.Type) {
		v.add(path+".type", "problem.one_of", strings.Join(questionTypes, ", "), q.Type)
		return
	}
	v.text(path+".label", q.Label, true)
	v.text(path+".help", q.Help, false)
	v.text(path+".need", q.Need, false)
	if q.Audience != "" && q.Audience != AudienceWorker {
		v.add(path+".audience", "problem.audience", AudienceWorker, q.Audience)
	}
	if q.When != nil {
		v.cond(path+".when", q.When, pos, "")
	}
	v.text(path+".check_message", q.CheckMessage, false)
	v.text(path+".required_message", q.RequiredMessage, false)
	switch {
	case q.Check != nil && (q.Type == TypeNote):
		v.add(path+".check", "problem.note_check")
	case q.Check != nil:
		v.cond(path+".check", q.Check, firstOnPage, q.ID)
	case q.CheckMessage != nil:
		v.add(path+".check_message", "problem.check_message")
	}
	if q.RequiredMessage != nil && !q.Required {
		v.add(path+".required_message", "problem.required_message")
	}
	if q.Integer && q.Type != TypeNumber {
		v.add(path+".integer", "problem.integer")
	}
	isText := q.Type == TypeText || q.Type == TypeLongText
	hasOptions := q.Type == TypeChoice || q.Type == TypeMulti
	switch {
	case q.Type == TypeNote && (q.Required || q.Gate || q.Need != nil):
		v.add(path, "problem.note_required")
	case q.Gate && (q.Type != TypeYesNo || !q.Required):
		v.add(path+".gate", "problem.gate")
	case (q.Min != nil || q.Max != nil) && q.Type != TypeNumber:
		v.add(path, "problem.min_max")
	case q.Min != nil && q.Max != nil && *q.Min > *q.Max:
		v.add(path+".min", "problem.min_over_max")
	case (q.MinLength != 0 || q.MaxLength != 0 || q.Pattern != "") && !isText:
		v.add(path, "problem.lengths_text")
	case q.MinLength < 0 || q.MaxLength < 0 || (q.MaxLength > 0 && q.MinLength > q.MaxLength):
		v.add(path+".min_length", "problem.lengths")
	case len(q.Options) > 0 && !hasOptions:
		v.add(path+".options", "problem.options_choice")
	case q.OptionsFrom != "" && (q.OptionsFrom != OptionsFromContacts || q.Type != TypeMulti):
		v.add(path+".options_from", "problem.options_from")
	case hasOptions && q.OptionsFrom == "" && len(q.Options) == 0:
		v.add(path+".options", "problem.options_needed", q.Type)
	}
	if q.Pattern != "" {
		if _, err := regexp.Compile(q.Pattern); err != nil {
			v.add(path+".pattern", "problem.regexp", err)
		}
	}
	seen := map[string]bool{}
	for i, o := range q.Options {
		opath := fmt.Sprintf("%s.options[%d]", path, i)
		if o.Value == "" {
			v.add(opath+".value", "problem.missing")
		} else if seen[o.Value] {
			v.add(opath+".value", "problem.option_duplicate", o.Value)
		}
		seen[o.Value] = true
		v.text(opath+".label", o.Label, true)
	}
	v.htcdsField(path, q)
}

// htcdsField checks a question's HTCDS field and its options' codes against
// the standard, so that an export never writes a name or code a partner's
// system does not know.
func (v *validator) htcdsField(path string, q *Question) {
	if q.Identifying && q.Type == TypeNote {
		v.add(path+".identifying", "problem.note_identifying")
	}
	if q.HTCDS == "" {
		for i, o := range q.Options {
			if o.HTCDS != "" {
				v.add(fmt.Sprintf("%s.options[%d].htcds", path, i), "problem.htcds_code_no_field")
			}
		}
		return
	}
	f, ok := htcds.Lookup(q.HTCDS)
	switch {
	case !ok:
		v.add(path+".htcds", "problem.htcds_unknown", q.HTCDS)
		return
	case f.Name != q.HTCDS:
		v.add(path+".htcds", "problem.htcds_spelling", q.HTCDS, f.Name)
		return
	case f.Deprecated():
		v.add(path+".htcds", "problem.htcds_deprecated", f.Name)
		return
	case !htcds.Fits(q.Type, f.Type):
		v.add(path+".htcds", "problem.htcds_type", q.Type, f.Name, f.Type)
		return
	}
	if v.htcds == nil {
		v.htcds = map[string]string{}
	}
	if other, dup := v.htcds[f.Name]; dup {
		v.add(path+".htcds", "problem.htcds_taken", f.Name, other)
	}
	v.htcds[f.Name] = q.ID
	if len(f.Codes) == 0 {
		return
	}
	for i, o := range q.Options {
		if code := o.Code(); !f.HasCode(code) {
			v.add(fmt.Sprintf("%s.options[%d]", path, i), "problem.htcds_code",
				code, f.Name, strings.Join(f.Codes, ", "))
		}
	}
}

// cond checks a condition that may read only questions before position
// limit (in questionnaire order), and self, a check's own question.
func (v *validator) cond(path string, c *Cond, limit int, self string) {
	forms := 0
	for _, used := range []bool{c.Not != nil, c.All != nil, c.Any != nil, c.Count != "", c.Length != "",
		c.Q != "" || c.Equals != nil || c.In != nil || c.Matches != ""} {
		if used {
			forms++
		}
	}
	if forms != 1 {
		v.add(path, "problem.cond_one")
		return
	}
	switch {
	case c.Not != nil:
		v.cond(path+".not", c.Not, limit, self)
		return
	case c.All != nil || c.Any != nil:
		list, name := c.All, "all"
		if c.Any != nil {
			list, name = c.Any, "any"
		}
		if len(list) == 0 {
			v.add(path+"."+name, "problem.cond_empty")
		}
		for i := range list {
			v.cond(fmt.Sprintf("%s.%s[%d]", path, name, i), &list[i], limit, self)
		}
		return
	}
	id, field := c.Q, "q"
	switch {
	case c.Count != "":
		id, field = c.Count, "count"
	case c.Length != "":
		id, field = c.Length, "length"
	}
	pos, ok := v.order[id]
	q, _ := v.s.Question(id)
	switch {
	case !ok:
		v.add(path+"."+field, "problem.cond_unknown", id)
		return
	case pos >= limit && id != self:
		v.add(path+"."+field, "problem.cond_forward", id)
		return
	case q.Type == TypeNote:
		v.add(path+"."+field, "problem.cond_note", id)
		return
	}
	if c.Op != "" || c.Count != "" || c.Length != "" {
		v.comparison(path, c, q)
		return
	}
	if c.Matches != "" {
		if c.Equals != nil || c.In != nil {
			v.add(path, "problem.matches_with")
		} else if _, err := regexp.Compile(c.Matches); err != nil {
			v.add(path+".matches", "problem.regexp", err)
		}
		return
	}
	if c.Value != nil {
		v.add(path+".value", "problem.value_with_op")
		return
	}
	if (c.Equals == nil) == (c.In == nil) {
		v.add(path, "problem.q_one")
		return
	}
	values := c.In
	if c.Equals != nil {
		values = []any{c.Equals}
	}
	for _, val := range values {
		if why := valueFits(q, val); why != nil {
			v.probs = append(v.probs, Problem{Path: path, Why: why})
		}
	}
}

// comparison checks the op form of a condition on question q.
func (v *validator) comparison(path string, c *Cond, q *Question) {
	switch {
	case !slices.Contains(Ops, c.Op):
		v.add(path+".op", "problem.one_of", strings.Join(Ops, " "), c.Op)
	case c.Value == nil:
		v.add(path+".value", "problem.missing")
	case c.Equals != nil || c.In != nil || c.Matches != "":
		v.add(path, "problem.op_with")
	case c.Count != "" && q.Type != TypeMulti:
		v.add(path+".count", "problem.count_multi", q.ID)
	case c.Count != "" || c.Length != "":
		if _, ok := c.Value.(float64); !ok {
			v.add(path+".value", "problem.count_number")
		}
	default:
		switch c.Value.(type) {
		case bool:
			if q.Type != TypeYesNo || (c.Op != "=" && c.Op != "!=") {
				v.add(path, "problem.bool_yesno")
			}
		case float64, string:
			if q.Type == TypeYesNo {
				v.add(path, "problem.yesno_bool", q.ID)
			}
		default:
			v.add(path+".value", "problem.value_kind")
		}
	}
}

// valueFits explains why a condition value can never match q's answers, or
// returns nil.
func valueFits(q *Question, val any) error {
	switch q.Type {
	case TypeYesNo:
		if _, ok := val.(bool); !ok {
			return catalog.Errorf("problem.yesno_bool", q.ID)
		}
	case TypeNumber:
		if _, ok := val.(float64); !ok {
			return catalog.Errorf("problem.number_value", q.ID)
		}
	case TypeChoice, TypeMulti:
		s, ok := val.(string)
		if !ok {
			return catalog.Errorf("problem.option_value", q.ID)
		}
		if q.OptionsFrom == "" {
			if _, ok := q.Option(s); !ok {
				return catalog.Errorf("problem.no_option", q.ID, s)
			}
		}
	case TypeNote:
		return catalog.Errorf("problem.cond_note", q.ID)
	default:
		if _, ok := val.(string); !ok {
			return catalog.Errorf("problem.text_value", q.ID)
		}
	}
	return nil
}
