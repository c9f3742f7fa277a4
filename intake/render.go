package intake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fieldvault/fieldvault/schema"
)

// Render writes a record's answers as a person reads them: page by page,
// each question's label and the answer in lang, which the questionnaire
// must have (the interview's own language, or another it offers). Skipped
// questions say so; questions never asked are left out. With mask, the
// answers to questions marked sensitive are hidden, for a screen others
// may see.
func Render(s *schema.Schema, b *Body, lang string, mask bool) string {
	var sb strings.Builder
	if b.EndedEarly {
		fmt.Fprintf(&sb, "           %s\n", text(lang, msgSummaryEndedEarly))
	}
	for _, p := range s.Pages {
		var lines []string
		for _, q := range p.Questions {
			v, answered := b.Answers[q.ID]
			switch {
			case answered && mask && q.Sensitive:
				lines = append(lines, fmt.Sprintf("  %s\n    %s", q.Label.In(lang), text(lang, msgSensitiveHidden)))
			case answered:
				lines = append(lines, fmt.Sprintf("  %s\n    %s", q.Label.In(lang), answerText(&q, v, lang)))
			case slices.Contains(b.Skipped, q.ID):
				lines = append(lines, fmt.Sprintf("  %s\n    (%s)", q.Label.In(lang), strings.ToLower(text(lang, msgPreferNot))))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&sb, "\n%s\n%s\n", p.Title.In(lang), strings.Join(lines, "\n"))
		}
	}
	return sb.String()
}

// answerText shows an answer with option labels instead of values.
func answerText(q *schema.Question, v any, lang string) string {
	switch x := v.(type) {
	case bool:
		if x {
			return text(lang, msgYes)
		}
		return text(lang, msgNo)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		if o, ok := q.Option(x); ok {
			return o.Label.In(lang)
		}
		return x
	case []any, []string:
		list, _ := toStrings(x)
		if len(list) == 0 {
			return strings.ToLower(text(lang, msgNone))
		}
		var out []string
		for _, s := range list {
			if o, ok := q.Option(s); ok {
				s = o.Label.In(lang)
			}
			out = append(out, s)
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprint(v)
}
