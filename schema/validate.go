package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/fieldvault/fieldvault/schema/htcds"
)

// Problem is one thing wrong with a questionnaire, at a JSON location such as
// pages[2].questions[0].when.q.
type Problem struct {
	Path string `json:"path"`
	Msg  string `json:"problem"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Msg
	}
	return p.Path + ": " + p.Msg
}

// ValidationError lists every problem found in a questionnaire.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "the questionnaire is not valid: " + e.Problems[0].String()
	}
	return fmt.Sprintf("the questionnaire is not valid: %d problems, the first: %s", len(e.Problems), e.Problems[0])
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
		return Problem{Path: lineCol(data, syn.Offset-1), Msg: "not valid JSON: " + syn.Error()}
	case errors.As(err, &typ):
		return Problem{Path: typ.Field, Msg: fmt.Sprintf("%s at %s: expected %s", "wrong type", lineCol(data, typ.Offset), typ.Type)}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return Problem{Msg: strings.TrimPrefix(err.Error(), "json: ") + " (check the spelling)"}
	case err.Error() == "EOF":
		return Problem{Msg: "the file is empty"}
	}
	return Problem{Msg: "not valid JSON: " + err.Error()}
}

func lineCol(data []byte, off int64) string {
	off = max(0, min(off, int64(len(data))))
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
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

func (v *validator) add(path, format string, args ...any) {
	v.probs = append(v.probs, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (s *Schema) validate() []Problem {
	v := &validator{s: s, order: map[string]int{}}
	if !schemaIDRe.MatchString(s.ID) {
		v.add("id", "must be lowercase letters, digits and dashes, not %q", s.ID)
	}
	if strings.TrimSpace(s.Version) == "" {
		v.add("version", "is missing")
	}
	if len(s.Languages) == 0 {
		v.add("languages", "must list at least one language")
	}
	for i, l := range s.Languages {
		if !langRe.MatchString(l) {
			v.add(fmt.Sprintf("languages[%d]", i), "%q is not a language code like \"en\" or \"id\"", l)
		}
		if slices.Index(s.Languages, l) != i {
			v.add(fmt.Sprintf("languages[%d]", i), "%q is listed twice", l)
		}
	}
	v.text("title", s.Title, true)
	v.text("consent.script", s.Consent.Script, true)
	if len(s.Pages) == 0 {
		v.add("pages", "must have at least one page")
	}

	// First pass: IDs and positions, so conditions can be checked against
	// the whole questionnaire.
	pageIDs := map[string]bool{}
	n := 0
	for pi, p := range s.Pages {
		path := fmt.Sprintf("pages[%d]", pi)
		if p.ID == "" {
			v.add(path+".id", "is missing")
		} else if pageIDs[p.ID] {
			v.add(path+".id", "duplicate page ID %q", p.ID)
		}
		pageIDs[p.ID] = true
		for qi, q := range p.Questions {
			qpath := fmt.Sprintf("%s.questions[%d].id", path, qi)
			switch {
			case !questionIDRe.MatchString(q.ID):
				v.add(qpath, "%q is not a question ID like \"shelter.needed_tonight\"", q.ID)
			case v.order[q.ID] != 0:
				v.add(qpath, "duplicate question ID %q", q.ID)
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
			v.add(path+".questions", "a page needs at least one question")
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
		v.add("triage.default", "must be one of %s, not %q", strings.Join(Levels, ", "), s.Triage.Default)
	}
	for i := range s.Triage.Rules {
		r := &s.Triage.Rules[i]
		path := fmt.Sprintf("triage.rules[%d]", i)
		if !slices.Contains(Levels, r.Level) {
			v.add(path+".level", "must be one of %s, not %q", strings.Join(Levels, ", "), r.Level)
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
			v.add(path, "is missing")
		}
		return
	}
	for _, l := range v.s.Languages {
		if strings.TrimSpace(t[l]) == "" {
			v.add(path, "missing translation for %q", l)
		}
	}
	for l := range t {
		if !slices.Contains(v.s.Languages, l) {
			v.add(path, "has text in %q, which the questionnaire does not list in languages", l)
		}
	}
}

func (v *validator) question(path string, q *Question, pos, firstOnPage int) {
	if !slices.Contains(questionTypes, q.Type) {
		v.add(path+".type", "must be one of %s, not %q", strings.Join(questionTypes, ", "), q.Type)
		return
	}
	v.text(path+".label", q.Label, true)
	v.text(path+".help", q.Help, false)
	v.text(path+".need", q.Need, false)
	if q.Audience != "" && q.Audience != AudienceWorker {
		v.add(path+".audience", "must be %q or left out, not %q", AudienceWorker, q.Audience)
	}
	if q.When != nil {
		v.cond(path+".when", q.When, pos, "")
	}
	v.text(path+".check_message", q.CheckMessage, false)
	v.text(path+".required_message", q.RequiredMessage, false)
	switch {
	case q.Check != nil && (q.Type == TypeNote):
		v.add(path+".check", "a note is not answered, so it has nothing to check")
	case q.Check != nil:
		v.cond(path+".check", q.Check, firstOnPage, q.ID)
	case q.CheckMessage != nil:
		v.add(path+".check_message", "there is no check for it to explain")
	}
	if q.RequiredMessage != nil && !q.Required {
		v.add(path+".required_message", "the question is not required")
	}
	if q.Integer && q.Type != TypeNumber {
		v.add(path+".integer", "applies only to number questions")
	}
	isText := q.Type == TypeText || q.Type == TypeLongText
	hasOptions := q.Type == TypeChoice || q.Type == TypeMulti
	switch {
	case q.Type == TypeNote && (q.Required || q.Gate || q.Need != nil):
		v.add(path, "a note is not answered, so it cannot be required, a gate or a need")
	case q.Gate && (q.Type != TypeYesNo || !q.Required):
		v.add(path+".gate", "only a required yes/no question can be a gate")
	case (q.Min != nil || q.Max != nil) && q.Type != TypeNumber:
		v.add(path, "min and max apply only to number questions")
	case q.Min != nil && q.Max != nil && *q.Min > *q.Max:
		v.add(path+".min", "is greater than max")
	case (q.MinLength != 0 || q.MaxLength != 0 || q.Pattern != "") && !isText:
		v.add(path, "min_length, max_length and pattern apply only to text questions")
	case q.MinLength < 0 || q.MaxLength < 0 || (q.MaxLength > 0 && q.MinLength > q.MaxLength):
		v.add(path+".min_length", "lengths must be positive, and min_length at most max_length")
	case len(q.Options) > 0 && !hasOptions:
		v.add(path+".options", "only choice and multi questions have options")
	case q.OptionsFrom != "" && (q.OptionsFrom != OptionsFromContacts || q.Type != TypeMulti):
		v.add(path+".options_from", "only a multi question can take its options from \"contacts\"")
	case hasOptions && q.OptionsFrom == "" && len(q.Options) == 0:
		v.add(path+".options", "a %s question needs options", q.Type)
	}
	if q.Pattern != "" {
		if _, err := regexp.Compile(q.Pattern); err != nil {
			v.add(path+".pattern", "is not a valid regular expression: %v", err)
		}
	}
	seen := map[string]bool{}
	for i, o := range q.Options {
		opath := fmt.Sprintf("%s.options[%d]", path, i)
		if o.Value == "" {
			v.add(opath+".value", "is missing")
		} else if seen[o.Value] {
			v.add(opath+".value", "duplicate option value %q", o.Value)
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
		v.add(path+".identifying", "a note is not answered, so it cannot identify anyone")
	}
	if q.HTCDS == "" {
		for i, o := range q.Options {
			if o.HTCDS != "" {
				v.add(fmt.Sprintf("%s.options[%d].htcds", path, i), "the question names no HTCDS field for this code to belong to")
			}
		}
		return
	}
	f, ok := htcds.Lookup(q.HTCDS)
	switch {
	case !ok:
		v.add(path+".htcds", "%q is not a field of HTCDS 2.0 (see 'fieldvault schema htcds' for the list)", q.HTCDS)
		return
	case f.Name != q.HTCDS:
		v.add(path+".htcds", "%q is the HTCDS toolkit's spelling: write %q, the standard's name", q.HTCDS, f.Name)
		return
	case f.Deprecated():
		v.add(path+".htcds", "%s is deprecated in HTCDS 2.0", f.Name)
		return
	case !htcds.Fits(q.Type, f.Type):
		v.add(path+".htcds", "a %s question cannot fill %s, a %s field", q.Type, f.Name, f.Type)
		return
	}
	if v.htcds == nil {
		v.htcds = map[string]string{}
	}
	if other, dup := v.htcds[f.Name]; dup {
		v.add(path+".htcds", "%s is already filled by %s: an export has one column per field", f.Name, other)
	}
	v.htcds[f.Name] = q.ID
	if len(f.Codes) == 0 {
		return
	}
	for i, o := range q.Options {
		if code := o.Code(); !f.HasCode(code) {
			v.add(fmt.Sprintf("%s.options[%d]", path, i), "%q is not a code of %s: give the option an \"htcds\" code, one of %s",
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
		v.add(path, "a condition needs exactly one of q, count, length, not, all, any")
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
			v.add(path+"."+name, "needs at least one condition")
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
		v.add(path+"."+field, "unknown question %q", id)
		return
	case pos >= limit && id != self:
		v.add(path+"."+field, "refers to %q, which is not asked before this point", id)
		return
	case q.Type == TypeNote:
		v.add(path+"."+field, "%q is a note and has no answer", id)
		return
	}
	if c.Op != "" || c.Count != "" || c.Length != "" {
		v.comparison(path, c, q)
		return
	}
	if c.Matches != "" {
		if c.Equals != nil || c.In != nil {
			v.add(path, "matches cannot go with equals or in")
		} else if _, err := regexp.Compile(c.Matches); err != nil {
			v.add(path+".matches", "is not a valid regular expression: %v", err)
		}
		return
	}
	if c.Value != nil {
		v.add(path+".value", "goes with op")
		return
	}
	if (c.Equals == nil) == (c.In == nil) {
		v.add(path, "q needs exactly one of equals, in, op or matches")
		return
	}
	values := c.In
	if c.Equals != nil {
		values = []any{c.Equals}
	}
	for _, val := range values {
		if msg := valueFits(q, val); msg != "" {
			v.add(path, "%s", msg)
		}
	}
}

// comparison checks the op form of a condition on question q.
func (v *validator) comparison(path string, c *Cond, q *Question) {
	switch {
	case !slices.Contains(Ops, c.Op):
		v.add(path+".op", "must be one of %s, not %q", strings.Join(Ops, " "), c.Op)
	case c.Value == nil:
		v.add(path+".value", "is missing")
	case c.Equals != nil || c.In != nil || c.Matches != "":
		v.add(path, "op cannot go with equals, in or matches")
	case c.Count != "" && q.Type != TypeMulti:
		v.add(path+".count", "%q is not a multiple-choice question", q.ID)
	case c.Count != "" || c.Length != "":
		if _, ok := c.Value.(float64); !ok {
			v.add(path+".value", "a count or a length is compared with a number")
		}
	default:
		switch c.Value.(type) {
		case bool:
			if q.Type != TypeYesNo || (c.Op != "=" && c.Op != "!=") {
				v.add(path, "true and false compare only with a yes/no question, by = or !=")
			}
		case float64, string:
			if q.Type == TypeYesNo {
				v.add(path, "%q is a yes/no question: compare it with true or false", q.ID)
			}
		default:
			v.add(path+".value", "must be a number, a string, true or false")
		}
	}
}

// valueFits explains why a condition value can never match q's answers, or
// returns "".
func valueFits(q *Question, val any) string {
	switch q.Type {
	case TypeYesNo:
		if _, ok := val.(bool); !ok {
			return fmt.Sprintf("%q is a yes/no question: compare it with true or false", q.ID)
		}
	case TypeNumber:
		if _, ok := val.(float64); !ok {
			return fmt.Sprintf("%q is a number question: compare it with a number", q.ID)
		}
	case TypeChoice, TypeMulti:
		s, ok := val.(string)
		if !ok {
			return fmt.Sprintf("%q takes option values: compare it with a string", q.ID)
		}
		if q.OptionsFrom == "" {
			if _, ok := q.Option(s); !ok {
				return fmt.Sprintf("%q has no option %q", q.ID, s)
			}
		}
	case TypeNote:
		return fmt.Sprintf("%q is a note and has no answer", q.ID)
	default:
		if _, ok := val.(string); !ok {
			return fmt.Sprintf("%q is a text question: compare it with a string", q.ID)
		}
	}
	return ""
}
