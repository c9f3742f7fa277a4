package intake

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fieldvault/fieldvault/schema"
)

// AnswerError says what is wrong with the answer to one question. Msg is a
// message key; Error gives the English text and Localized any language's.
type AnswerError struct {
	Question string
	Msg      msgKey
	Args     []any
	// Custom is the questionnaire's own words for this problem (an
	// XLSForm's constraint or required message), used instead of Msg's.
	Custom schema.Text
}

func (e *AnswerError) Error() string { return e.Localized("en") }

// Localized returns the message in lang.
func (e *AnswerError) Localized(lang string) string {
	return fmt.Sprintf("question %s: %s", e.Question, e.Reason(lang))
}

// Reason returns only the message, for a prompt that already shows the
// question.
func (e *AnswerError) Reason(lang string) string {
	if e.Custom != nil {
		return e.Custom.In(lang)
	}
	args := e.Args
	if e.Msg == msgUnknownOption && len(args) > 0 && args[0] == "" {
		args = append([]any{text(lang, msgTheAnswer)}, args[1:]...)
	}
	return fmt.Sprintf(text(lang, e.Msg), args...)
}

func answerErr(q *schema.Question, key msgKey, args ...any) error {
	return &AnswerError{Question: q.ID, Msg: key, Args: args}
}

// requiredErr says that q needs an answer, in the questionnaire's words if
// it has its own.
func requiredErr(q *schema.Question) *AnswerError {
	return &AnswerError{Question: q.ID, Msg: msgRequired, Custom: q.RequiredMessage}
}

// normalize checks an answer's value against its question, and against the
// question's check, and returns it in canonical form.
func (e *Engine) normalize(q *schema.Question, v any) (any, error) {
	v, err := e.canonical(q, v)
	if err != nil || q.Check == nil {
		return v, err
	}
	// A check reads this answer and those of earlier pages only (the
	// questionnaire's validation sees to it), so a runner checking one
	// field as it is typed and Submit checking the page agree.
	look := e.lookup(map[string]Answer{q.ID: {Value: v}})
	if !q.Check.Eval(look) {
		return nil, &AnswerError{Question: q.ID, Msg: msgCheck, Custom: q.CheckMessage}
	}
	return v, nil
}

// canonical checks an answer's value against its question's type and
// bounds and returns it in canonical form: bool, float64, trimmed string, or
// []string in option order.
func (e *Engine) canonical(q *schema.Question, v any) (any, error) {
	switch q.Type {
	case schema.TypeYesNo:
		b, ok := v.(bool)
		if !ok {
			return nil, answerErr(q, msgWantYesNo)
		}
		return b, nil
	case schema.TypeNumber:
		f, ok := v.(float64)
		if !ok {
			if i, isInt := v.(int); isInt {
				f, ok = float64(i), true
			}
		}
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, answerErr(q, msgWantNumber)
		}
		if q.Integer && f != math.Trunc(f) {
			return nil, answerErr(q, msgWantWhole)
		}
		if q.Min != nil && f < *q.Min || q.Max != nil && f > *q.Max {
			return nil, answerErr(q, msgNumberRange, fmtBound(q.Min, "-∞"), fmtBound(q.Max, "∞"))
		}
		return f, nil
	case schema.TypeChoice:
		s, ok := v.(string)
		if !ok {
			return nil, answerErr(q, msgWantOption, optionValues(q))
		}
		if _, ok := q.Option(s); !ok {
			return nil, answerErr(q, msgUnknownOption, shown(s), optionValues(q))
		}
		return s, nil
	case schema.TypeMulti:
		list, ok := toStrings(v)
		if !ok {
			return nil, answerErr(q, msgWantList)
		}
		allowed := q.Options
		if q.OptionsFrom == schema.OptionsFromContacts {
			return e.contactList(q, list)
		}
		var out []string
		for _, o := range allowed {
			if slices.Contains(list, o.Value) {
				out = append(out, o.Value)
			}
		}
		for _, s := range list {
			if _, ok := q.Option(s); !ok {
				return nil, answerErr(q, msgUnknownOption, shown(s), optionValues(q))
			}
		}
		if out == nil {
			out = []string{}
		}
		return out, nil
	case schema.TypeDate:
		s, ok := v.(string)
		if !ok {
			return nil, answerErr(q, msgWantDate)
		}
		s = strings.TrimSpace(s)
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, answerErr(q, msgWantDate)
		}
		return s, nil
	case schema.TypeText, schema.TypeLongText:
		s, ok := v.(string)
		if !ok {
			return nil, answerErr(q, msgWantText)
		}
		s = strings.TrimSpace(s)
		if q.Type == schema.TypeText && strings.ContainsAny(s, "\r\n") {
			return nil, answerErr(q, msgOneLine)
		}
		n := utf8.RuneCountInString(s)
		if s == "" {
			return nil, answerErr(q, msgEmpty)
		}
		if q.MinLength > 0 && n < q.MinLength || q.MaxLength > 0 && n > q.MaxLength {
			return nil, answerErr(q, msgLength, q.MinLength, q.MaxLength)
		}
		if q.Pattern != "" && !regexp.MustCompile(q.Pattern).MatchString(s) {
			return nil, answerErr(q, msgPattern)
		}
		return s, nil
	}
	return nil, answerErr(q, msgNotAnswerable)
}

// contactList checks that every name is one of the vault's contacts and
// returns them as the contacts spell them.
func (e *Engine) contactList(q *schema.Question, list []string) (any, error) {
	out := []string{}
	for _, name := range list {
		i := slices.IndexFunc(e.opts.Contacts, func(c string) bool { return strings.EqualFold(c, strings.TrimSpace(name)) })
		if i < 0 {
			known := strings.Join(e.opts.Contacts, ", ")
			if known == "" {
				known = text(e.opts.Lang, msgNoContacts)
			}
			return nil, answerErr(q, msgUnknownContact, name, known)
		}
		if !slices.Contains(out, e.opts.Contacts[i]) {
			out = append(out, e.opts.Contacts[i])
		}
	}
	return out, nil
}

func toStrings(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return l, true
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// optionCode is what a mistyped option value looks like.
var optionCode = regexp.MustCompile(`^[a-z0-9_]{1,30}$`)

// shown quotes a wrong option value for an error message only if it looks
// like a mistyped option code: anything else may be personal data put in
// the wrong field, and error messages end up in terminals and logs.
func shown(s string) string {
	if optionCode.MatchString(s) {
		return strconv.Quote(s)
	}
	return "" // Reason puts "the answer" in the interview's language
}

func optionValues(q *schema.Question) string {
	var vals []string
	for _, o := range q.Options {
		vals = append(vals, o.Value)
	}
	return strings.Join(vals, ", ")
}

func fmtBound(b *float64, none string) string {
	if b == nil {
		return none
	}
	return fmt.Sprint(*b)
}
