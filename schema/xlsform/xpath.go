package xlsform

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema"
)

// The XPath that real forms put in relevant and constraint is a small
// language: references, literals, comparisons, and/or/not and a handful of
// functions. This file parses that subset and translates it into
// fieldvault's conditions; anything else is refused with the reason, never
// approximated.

// expr is a parsed expression.
type expr struct {
	kind string // "ref", "self", "str", "num", "bool", "and", "or", "not", "cmp", "call"
	name string // ref: the question; call: the function; cmp: the operator
	str  string
	num  float64
	args []*expr
}

type token struct {
	kind string // "ref", "self", "str", "num", "op", "word", "(", ")", ","
	text string
}

func tokenize(src string) ([]token, error) {
	var out []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(src[i:], "${"):
			end := strings.IndexByte(src[i:], '}')
			if end < 0 {
				return nil, catalog.Errorf("formimport.x_unclosed_ref")
			}
			out = append(out, token{"ref", strings.TrimSpace(src[i+2 : i+end])})
			i += end + 1
		case c == '\'' || c == '"':
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				return nil, catalog.Errorf("formimport.x_unclosed_quote")
			}
			out = append(out, token{"str", src[i+1 : i+1+end]})
			i += end + 2
		case c == '(' || c == ')' || c == ',':
			out = append(out, token{string(c), string(c)})
			i++
		case c == '!' || c == '<' || c == '>' || c == '=':
			op := string(c)
			if i+1 < len(src) && src[i+1] == '=' {
				op += "="
			}
			if op == "!" {
				return nil, catalog.Errorf("formimport.x_bang")
			}
			if op == "==" {
				op = "="
			}
			out = append(out, token{"op", op})
			i += len(op)
			if op == "=" && strings.HasPrefix(src[i:], "=") {
				i++
			}
		case c == '.' && (i+1 == len(src) || !unicode.IsDigit(rune(src[i+1]))):
			if strings.HasPrefix(src[i:], "..") {
				return nil, catalog.Errorf("formimport.x_parent")
			}
			out = append(out, token{"self", "."})
			i++
		case unicode.IsDigit(rune(c)) || c == '.' || (c == '-' && i+1 < len(src) && unicode.IsDigit(rune(src[i+1])) && wantsOperand(out)):
			j := i + 1
			for j < len(src) && (unicode.IsDigit(rune(src[j])) || src[j] == '.') {
				j++
			}
			out = append(out, token{"num", src[i:j]})
			i = j
		case unicode.IsLetter(rune(c)) || c == '_':
			j := i + 1
			for j < len(src) && (unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j])) || src[j] == '-' || src[j] == '_' || src[j] == ':') {
				j++
			}
			out = append(out, token{"word", src[i:j]})
			i = j
		default:
			return nil, catalog.Errorf("formimport.x_not_here", string(c))
		}
	}
	return out, nil
}

// wantsOperand reports whether a minus sign here starts a negative number.
func wantsOperand(toks []token) bool {
	if len(toks) == 0 {
		return true
	}
	k := toks[len(toks)-1].kind
	return k == "op" || k == "(" || k == "," || (k == "word" && (toks[len(toks)-1].text == "and" || toks[len(toks)-1].text == "or"))
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}

func (p *parser) next() token { t := p.peek(); p.pos++; return t }

// parse reads a whole expression.
func parse(src string) (*expr, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, catalog.Errorf("formimport.x_empty")
	}
	p := &parser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, catalog.Errorf("formimport.x_not_here", p.peek().text)
	}
	return e, nil
}

func (p *parser) or() (*expr, error) { return p.binary("or", p.and) }

func (p *parser) and() (*expr, error) { return p.binary("and", p.cmp) }

// binary reads operands joined by the word op, left to right.
func (p *parser) binary(op string, operand func() (*expr, error)) (*expr, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == "word" && p.peek().text == op {
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = &expr{kind: op, args: []*expr{left, right}}
	}
	return left, nil
}

func (p *parser) cmp() (*expr, error) {
	left, err := p.primary()
	if err != nil {
		return nil, err
	}
	if p.peek().kind == "op" {
		op := p.next().text
		right, err := p.primary()
		if err != nil {
			return nil, err
		}
		return &expr{kind: "cmp", name: op, args: []*expr{left, right}}, nil
	}
	if t := p.peek(); t.kind == "word" && (t.text == "div" || t.text == "mod") || t.text == "+" || t.text == "*" {
		return nil, catalog.Errorf("formimport.x_arithmetic")
	}
	return left, nil
}

func (p *parser) primary() (*expr, error) {
	t := p.next()
	switch t.kind {
	case "ref":
		return &expr{kind: "ref", name: t.text}, nil
	case "self":
		return &expr{kind: "self"}, nil
	case "str":
		return &expr{kind: "str", str: t.text}, nil
	case "num":
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, catalog.Errorf("formimport.x_not_number", t.text)
		}
		return &expr{kind: "num", num: f}, nil
	case "(":
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next().kind != ")" {
			return nil, catalog.Errorf("formimport.x_paren")
		}
		return e, nil
	case "word":
		if p.peek().kind != "(" {
			return nil, catalog.Errorf("formimport.x_path", t.text)
		}
		p.next()
		var args []*expr
		for p.peek().kind != ")" {
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.peek().kind == "," {
				p.next()
			} else if p.peek().kind != ")" {
				return nil, catalog.Errorf("formimport.x_commas", t.text)
			}
		}
		p.next()
		return &expr{kind: "call", name: t.text, args: args}, nil
	case "":
		return nil, catalog.Errorf("formimport.x_early_end")
	}
	return nil, catalog.Errorf("formimport.x_not_here", t.text)
}

// refs lists the names an expression reads; "." is self.
func (e *expr) refs(self string) []string {
	switch e.kind {
	case "ref":
		return []string{e.name}
	case "self":
		return []string{self}
	}
	var out []string
	for _, a := range e.args {
		out = append(out, a.refs(self)...)
	}
	return out
}

// translator turns expressions into conditions; it knows the form's
// questions so that "." and ${name} become question IDs and literals the
// right kind of value.
type translator struct {
	self  string                           // the question "." means
	kinds func(name string) (string, bool) // the fieldvault type of a question
	yes   func(name, value string) (bool, bool)
	// offers reports whether a choice question has the choice.
	offers func(name, value string) bool
}

func (t *translator) cond(e *expr) (*schema.Cond, error) {
	switch e.kind {
	case "and", "or":
		var list []schema.Cond
		for _, a := range e.args {
			c, err := t.cond(a)
			if err != nil {
				return nil, err
			}
			// and(and(a, b), c) reads better as all(a, b, c).
			if e.kind == "and" && c.All != nil {
				list = append(list, c.All...)
			} else if e.kind == "or" && c.Any != nil {
				list = append(list, c.Any...)
			} else {
				list = append(list, *c)
			}
		}
		if e.kind == "and" {
			return &schema.Cond{All: list}, nil
		}
		return &schema.Cond{Any: list}, nil
	case "ref", "self":
		// A bare value is true when it is not empty.
		id, err := t.id(e)
		if err != nil {
			return nil, err
		}
		if k, _ := t.kinds(id); k == schema.TypeYesNo {
			return &schema.Cond{Q: id, Equals: true}, nil
		}
		return &schema.Cond{Q: id, Op: "!=", Value: ""}, nil
	case "cmp":
		return t.compare(e)
	case "call":
		return t.call(e)
	}
	return nil, catalog.Errorf("formimport.x_alone", describe(e))
}

func (t *translator) id(e *expr) (string, error) {
	if e.kind == "self" {
		if t.self == "" {
			return "", catalog.Errorf("formimport.x_self")
		}
		return t.self, nil
	}
	if _, ok := t.kinds(e.name); !ok {
		return "", catalog.Errorf("formimport.x_unknown_ref", e.name)
	}
	return e.name, nil
}

func (t *translator) call(e *expr) (*schema.Cond, error) {
	switch e.name {
	case "not":
		if len(e.args) != 1 {
			return nil, catalog.Errorf("formimport.x_not_args")
		}
		c, err := t.cond(e.args[0])
		if err != nil {
			return nil, err
		}
		return &schema.Cond{Not: c}, nil
	case "selected":
		if len(e.args) != 2 || !isValue(e.args[0]) || e.args[1].kind != "str" {
			return nil, catalog.Errorf("formimport.x_selected_args")
		}
		id, err := t.id(e.args[0])
		if err != nil {
			return nil, err
		}
		if k, _ := t.kinds(id); k != schema.TypeChoice && k != schema.TypeMulti {
			return nil, catalog.Errorf("formimport.x_selected_no_choices", id)
		}
		if !t.offers(id, e.args[1].str) {
			return nil, catalog.Errorf("formimport.x_selected_unknown", e.args[1].str, id)
		}
		return &schema.Cond{Q: id, Equals: e.args[1].str}, nil
	case "regex":
		if len(e.args) != 2 || !isValue(e.args[0]) || e.args[1].kind != "str" || e.args[1].str == "" {
			return nil, catalog.Errorf("formimport.x_regex_args")
		}
		if _, err := regexp.Compile(e.args[1].str); err != nil {
			return nil, catalog.Errorf("formimport.x_regex_bad", err)
		}
		id, err := t.id(e.args[0])
		if err != nil {
			return nil, err
		}
		return &schema.Cond{Q: id, Matches: e.args[1].str}, nil
	case "true", "false":
		return nil, catalog.Errorf("formimport.x_call_alone", e.name)
	}
	return nil, catalog.Errorf("formimport.x_function", e.name)
}

func isValue(e *expr) bool { return e.kind == "ref" || e.kind == "self" }

var flipped = map[string]string{"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

func (t *translator) compare(e *expr) (*schema.Cond, error) {
	left, right, op := e.args[0], e.args[1], e.name
	if isLiteral(left) && !isLiteral(right) {
		left, right, op = right, left, flipped[op]
	}
	for _, side := range []*expr{left, right} {
		if side.kind == "call" && !isLiteral(side) && side.name != "count-selected" && side.name != "string-length" {
			return nil, catalog.Errorf("formimport.x_function", side.name)
		}
	}
	if !isLiteral(right) {
		return nil, catalog.Errorf("formimport.x_two_answers")
	}
	var val any
	switch right.kind {
	case "str":
		val = right.str
	case "num":
		val = right.num
	case "call":
		val = right.name == "true"
	}
	switch {
	case isValue(left):
		id, err := t.id(left)
		if err != nil {
			return nil, err
		}
		if k, _ := t.kinds(id); k == schema.TypeYesNo {
			return t.yesNo(id, op, val)
		}
		if b, ok := val.(bool); ok {
			return nil, catalog.Errorf("formimport.x_not_yesno", id, b)
		}
		if k, _ := t.kinds(id); k == schema.TypeNumber {
			if s, ok := val.(string); ok && s != "" {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, catalog.Errorf("formimport.x_number_never", id, s)
				}
				val = f
			}
		}
		return &schema.Cond{Q: id, Op: op, Value: val}, nil
	case left.kind == "call" && (left.name == "count-selected" || left.name == "string-length") && len(left.args) == 1 && isValue(left.args[0]):
		id, err := t.id(left.args[0])
		if err != nil {
			return nil, err
		}
		f, ok := val.(float64)
		if !ok {
			return nil, catalog.Errorf("formimport.x_call_number", left.name)
		}
		if left.name == "count-selected" {
			if k, _ := t.kinds(id); k != schema.TypeMulti {
				return nil, catalog.Errorf("formimport.x_count_multi", id)
			}
			return &schema.Cond{Count: id, Op: op, Value: f}, nil
		}
		return &schema.Cond{Length: id, Op: op, Value: f}, nil
	}
	return nil, catalog.Errorf("formimport.x_compare_kind", describe(left))
}

// yesNo turns a comparison of a consent gate (a yes/no question that was a
// select_one in the form) with one of its choice names into true or false.
func (t *translator) yesNo(id, op string, val any) (*schema.Cond, error) {
	b, ok := val.(bool)
	if s, isStr := val.(string); isStr {
		b, ok = t.yes(id, s)
	}
	if !ok || (op != "=" && op != "!=") {
		return nil, catalog.Errorf("formimport.x_gate_ops", id)
	}
	if op == "!=" {
		b = !b
	}
	return &schema.Cond{Q: id, Equals: b}, nil
}

func isLiteral(e *expr) bool {
	return e.kind == "str" || e.kind == "num" || (e.kind == "call" && (e.name == "true" || e.name == "false") && len(e.args) == 0)
}

func describe(e *expr) any {
	switch e.kind {
	case "str", "num":
		return catalog.Errorf("formimport.x_literal")
	case "call":
		return e.name + "()"
	case "cmp":
		return catalog.Errorf("formimport.x_comparison")
	}
	return e.kind
}
