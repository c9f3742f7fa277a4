package schema

import "slices"

// Cond is the skip-logic and triage condition language. Exactly one form is
// used per condition:
//
//	{"q": "person.minor", "equals": true}
//	{"q": "consent.referral", "in": ["shelter", "health"]}
//	{"not": {...}}
//	{"all": [{...}, {...}]}
//	{"any": [{...}, {...}]}
//
// A question that was not answered (skipped, or never asked) satisfies no
// equals or in. For a multiple-choice answer, equals means "includes" and in
// means "includes any of".
type Cond struct {
	Q      string `json:"q,omitempty"`
	Equals any    `json:"equals,omitempty"`
	In     []any  `json:"in,omitempty"`
	Not    *Cond  `json:"not,omitempty"`
	All    []Cond `json:"all,omitempty"`
	Any    []Cond `json:"any,omitempty"`
}

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
	}
	v, ok := answers(c.Q)
	if !ok {
		return false
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
	}
	return []string{c.Q}
}
