package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// BodyAnswers reads a record body's answers, and the consent question a
// refusal names, without decoding the rest of it: a case table reads every
// body of a vault and needs nothing else, and encoding/json spent four
// fifths of that time (measured on 100,000 records). Values are what
// encoding/json gives: bool, float64, string, []any. A body of any shape
// this reader does not expect is decoded by ParseBody instead, so for every
// body ParseBody reads the result is the same (FuzzBodyAnswers checks it).
// Bodies are authenticated as the vault wrote them; one with a field of the
// wrong type that this reader skips is not refused here.
func BodyAnswers(raw []byte) (answers map[string]any, declined string, err error) {
	r := bodyReader{b: raw}
	if answers, declined, ok := r.body(); ok {
		return answers, declined, nil
	}
	b, err := ParseBody(raw)
	if err != nil {
		return nil, "", err
	}
	if b.Consent != nil {
		declined = b.Consent.Declined
	}
	return b.Answers, declined, nil
}

type bodyReader struct {
	b []byte
	p int
}

var errShape = errors.New("unexpected shape")

func (r *bodyReader) ws() {
	for r.p < len(r.b) {
		switch r.b[r.p] {
		case ' ', '\t', '\n', '\r':
			r.p++
		default:
			return
		}
	}
}

func (r *bodyReader) peek() byte {
	r.ws()
	if r.p < len(r.b) {
		return r.b[r.p]
	}
	return 0
}

func (r *bodyReader) eat(c byte) bool {
	if r.peek() == c {
		r.p++
		return true
	}
	return false
}

// body reads the top-level object; ok is false for anything unexpected.
func (r *bodyReader) body() (answers map[string]any, declined string, ok bool) {
	err := r.object(func(key string) error {
		switch key {
		case "answers":
			if r.peek() == 'n' {
				answers = nil
				return r.literal("null")
			}
			// A repeated key fills the same map, as encoding/json does.
			if answers == nil {
				answers = map[string]any{}
			}
			return r.object(func(q string) error {
				v, err := r.value()
				answers[q] = v
				return err
			})
		case "consent":
			// null drops the consent; a repeated object fills the same one.
			if r.peek() == 'n' {
				declined = ""
				return r.literal("null")
			}
			return r.object(func(k string) error {
				switch {
				case k == "declined":
					s, err := r.str()
					declined = s
					return err
				case bytes.EqualFold([]byte(k), []byte("declined")):
					return errShape
				}
				return r.skip()
			})
		}
		// encoding/json matches field names without regard to case.
		if bytes.EqualFold([]byte(key), []byte("answers")) || bytes.EqualFold([]byte(key), []byte("consent")) {
			return errShape
		}
		return r.skip()
	})
	r.ws()
	return answers, declined, err == nil && r.p == len(r.b)
}

func (r *bodyReader) object(field func(key string) error) error {
	if !r.eat('{') {
		return errShape
	}
	if r.eat('}') {
		return nil
	}
	for {
		key, err := r.str()
		if err != nil {
			return err
		}
		if !r.eat(':') {
			return errShape
		}
		if err := field(key); err != nil {
			return err
		}
		if r.eat(',') {
			continue
		}
		if r.eat('}') {
			return nil
		}
		return errShape
	}
}

// str reads a string; one with escapes or bytes beyond ASCII is left to
// encoding/json, which knows its rules for both.
func (r *bodyReader) str() (string, error) {
	if r.peek() != '"' {
		return "", errShape
	}
	start := r.p
	r.p++
	plain := true
	for r.p < len(r.b) {
		c := r.b[r.p]
		switch {
		case c == '"':
			r.p++
			if plain {
				return string(r.b[start+1 : r.p-1]), nil
			}
			var s string
			if err := json.Unmarshal(r.b[start:r.p], &s); err != nil {
				return "", err
			}
			return s, nil
		case c == '\\':
			plain = false
			r.p += 2
			continue
		case c < 0x20:
			return "", errShape
		case c >= utf8.RuneSelf:
			plain = false
		}
		r.p++
	}
	return "", errShape
}

func (r *bodyReader) literal(word string) error {
	r.ws()
	if !bytes.HasPrefix(r.b[r.p:], []byte(word)) {
		return errShape
	}
	r.p += len(word)
	return nil
}

// value reads an answer: a literal, number, string or array of them.
func (r *bodyReader) value() (any, error) {
	switch c := r.peek(); {
	case c == '"':
		return r.str()
	case c == 't':
		return true, r.literal("true")
	case c == 'f':
		return false, r.literal("false")
	case c == 'n':
		return nil, r.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case c == '[':
		r.p++
		list := []any{}
		if r.eat(']') {
			return list, nil
		}
		for {
			v, err := r.value()
			if err != nil {
				return nil, err
			}
			if _, nested := v.([]any); nested {
				return nil, errShape
			}
			list = append(list, v)
			if r.eat(',') {
				continue
			}
			if r.eat(']') {
				return list, nil
			}
			return nil, errShape
		}
	}
	return nil, errShape
}

// number reads a JSON number, checking its grammar as encoding/json does.
func (r *bodyReader) number() (float64, error) {
	start := r.p
	if r.b[r.p] == '-' {
		r.p++
	}
	digits := func() int {
		n := 0
		for r.p < len(r.b) && r.b[r.p] >= '0' && r.b[r.p] <= '9' {
			r.p++
			n++
		}
		return n
	}
	if r.p < len(r.b) && r.b[r.p] == '0' {
		r.p++
	} else if digits() == 0 {
		return 0, errShape
	}
	if r.p < len(r.b) && r.b[r.p] == '.' {
		r.p++
		if digits() == 0 {
			return 0, errShape
		}
	}
	if r.p < len(r.b) && (r.b[r.p] == 'e' || r.b[r.p] == 'E') {
		r.p++
		if r.p < len(r.b) && (r.b[r.p] == '+' || r.b[r.p] == '-') {
			r.p++
		}
		if digits() == 0 {
			return 0, errShape
		}
	}
	f, err := strconv.ParseFloat(string(r.b[start:r.p]), 64)
	if err != nil {
		return 0, errShape
	}
	return f, nil
}

// skip passes over any JSON value, checking only what it must to find its
// end; a value it cannot pass sends the body to encoding/json.
func (r *bodyReader) skip() error {
	switch c := r.peek(); {
	case c == '"':
		_, err := r.str()
		return err
	case c == '{':
		return r.object(func(string) error { return r.skip() })
	case c == '[':
		r.p++
		if r.eat(']') {
			return nil
		}
		for {
			if err := r.skip(); err != nil {
				return err
			}
			if r.eat(',') {
				continue
			}
			if r.eat(']') {
				return nil
			}
			return errShape
		}
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		_, err := r.number()
		return err
	}
	return errShape
}
