package schema

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Cond is the skip-logic, triage and check condition language. Exactly one
// form is used per condition:
//
//	{"q": "person.minor", "equals": true}
//	{"q": "consent.referral", "in": ["shelter", "health"]}
//	{"q": "person.age", "op": "<", "value": 18}
//	{"count": "clothing.items", "op": ">=", "value": 2}
//	{"length": "person.name", "op": "<=", "value": 40}
//	{"q": "person.phone", "matches": "^[0-9 +]+$"}
//	{"not": {...}}
//	{"all": [{...}, {...}]}
//	{"any": [{...}, {...}]}
//
// A question that was not answered (skipped, or never asked) satisfies no
// equals, in or matches. For a multiple-choice answer, equals means
// "includes" and in means "includes any of".
//
// The op forms compare as XPath does, so that forms written for ODK keep
// their meaning: an unanswered question is the empty string (count and
// length 0), a number is compared as a number, anything else as text, and a
// comparison of a number with something that is not one is false (except
// "!=", which is then true).
type Cond struct {
	Q       string `json:"q,omitempty"`
	Equals  any    `json:"equals,omitempty"`
	In      []any  `json:"in,omitempty"`
	Count   string `json:"count,omitempty"`
	Length  string `json:"length,omitempty"`
	Op      string `json:"op,omitempty"`
	Value   any    `json:"value,omitempty"`
	Matches string `json:"matches,omitempty"`
	Not     *Cond  `json:"not,omitempty"`
	All     []Cond `json:"all,omitempty"`
	Any     []Cond `json:"any,omitempty"`
}

// Ops lists the comparisons of the op form.
var Ops = []string{"=", "!=", "<", "<=", ">", ">="}

// Answers gives a condition the answers so far: the value of an answered
// question, or false if it has none.
type Answers func(id string) (any, bool)

// Eval reports whether the condition holds for the given answers.
func (c *Cond) Eval(answers Answers) bool {
	switch {
	case c.Not != nil:
		return !c.Not.Eval(answers)
	case c.All != nil:
		for i := range c.All {
			if !c.All[i].Eval(answers) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for i := range c.Any {
			if c.Any[i].Eval(answers) {
				return true
			}
		}
		return false
	case c.Count != "":
		v, _ := answers(c.Count)
		list, _ := v.([]string)
		return compare(float64(len(list)), c.Op, c.Value)
	case c.Length != "":
		v, _ := answers(c.Length)
		return compare(float64(utf8.RuneCountInString(asText(v))), c.Op, c.Value)
	case c.Op != "":
		v, ok := answers(c.Q)
		if !ok {
			v = ""
		}
		return compare(v, c.Op, c.Value)
	}
	v, ok := answers(c.Q)
	if !ok {
		return false
	}
	if c.Matches != "" {
		re, err := regexp.Compile(c.Matches)
		return err == nil && re.MatchString(asText(v))
	}
	if c.In != nil {
		return slices.ContainsFunc(c.In, func(w any) bool { return matches(v, w) })
	}
	return matches(v, c.Equals)
}

// matches compares an answer with a value from a condition. JSON numbers
// arrive as float64 on both sides.
func matches(answer, want any) bool {
	if list, ok := answer.([]string); ok {
		s, ok := want.(string)
		return ok && slices.Contains(list, s)
	}
	return answer == want
}

// asText is an answer as XPath sees it: a multiple choice is its values
// separated by spaces.
func asText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []string:
		return strings.Join(v, " ")
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// asNumber is an answer as a number, if it is one.
func asNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, !math.IsNaN(v)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil && !math.IsNaN(f)
	}
	return 0, false
}

// compare applies op to an answer and a condition's value.
func compare(answer any, op string, want any) bool {
	var c int
	switch w := want.(type) {
	case bool:
		b, ok := answer.(bool)
		switch {
		case !ok:
			return op == "!="
		case b == w:
			c = 0
		default:
			// Only = and != mean anything for yes and no.
			return op == "!="
		}
	case float64:
		a, ok := asNumber(answer)
		if !ok {
			return op == "!="
		}
		c = cmpFloat(a, w)
	case string:
		if wn, ok := asNumber(w); ok {
			if a, ok := asNumber(answer); ok {
				c = cmpFloat(a, wn)
				break
			}
		}
		c = strings.Compare(asText(answer), w)
	default:
		return false
	}
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Reads lists the questions whose answers the condition reads.
func (c *Cond) Reads() []string {
	switch {
	case c == nil:
		return nil
	case c.Not != nil:
		return c.Not.Reads()
	case c.All != nil || c.Any != nil:
		var out []string
		for _, sub := range append(slices.Clip(c.All), c.Any...) {
			out = append(out, sub.Reads()...)
		}
		return out
	case c.Count != "":
		return []string{c.Count}
	case c.Length != "":
		return []string{c.Length}
	}
	return []string{c.Q}
}
