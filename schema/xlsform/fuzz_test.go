package xlsform

import (
	"encoding/json"
	"testing"

	"github.com/fieldvault/fieldvault/schema"
)

// FuzzExpression feeds arbitrary relevant expressions to the XPath
// translator: it must refuse them or give a condition that a questionnaire
// accepts, never panic.
func FuzzExpression(f *testing.F) {
	for _, seed := range []string{
		`${a} = 'yes'`, `selected(${m}, 'food')`, `count-selected(${m}) >= 2`,
		`string-length(${t}) > 3`, `not(${a} = 'no') and (${n} > 5 or ${n} < -1)`,
		`${t} != ''`, `'yes' = ${a}`, `${n} <= '10' and ${t}`, `regex(${t}, '^[0-9]{4}$')`,
		`today() > ${t}`, `${n} + 1`, `((${a}`, `${`, `'open`, `..`, `${g} = true()`,
	} {
		f.Add(seed)
	}
	kinds := map[string]string{"a": schema.TypeChoice, "m": schema.TypeMulti, "t": schema.TypeText, "n": schema.TypeNumber, "g": schema.TypeYesNo}
	f.Fuzz(func(t *testing.T, src string) {
		x, err := parse(src)
		if err != nil {
			return
		}
		tr := &translator{
			kinds: func(name string) (string, bool) { k, ok := kinds[name]; return k, ok },
			yes:   func(name, value string) (bool, bool) { return value == "TRUE", name == "g" },
			offers: func(name, value string) bool {
				return name == "a" && (value == "yes" || value == "no") || name == "m" && value == "food"
			},
		}
		c, err := tr.cond(x)
		if err != nil {
			return
		}
		when, _ := json.Marshal(c)
		src2 := `{"id": "f", "version": "1", "languages": ["en"], "title": {"en": "F"}, "consent": {"script": {"en": "S"}},
			"pages": [{"id": "p", "title": {"en": "P"}, "questions": [
				{"id": "a", "type": "choice", "label": {"en": "A"}, "options": [{"value": "yes", "label": {"en": "Y"}}, {"value": "no", "label": {"en": "N"}}]},
				{"id": "m", "type": "multi", "label": {"en": "M"}, "options": [{"value": "food", "label": {"en": "F"}}]},
				{"id": "t", "type": "text", "label": {"en": "T"}},
				{"id": "n", "type": "number", "label": {"en": "N"}},
				{"id": "g", "type": "yesno", "label": {"en": "G"}}]},
				{"id": "q", "title": {"en": "Q"}, "questions": [{"id": "b", "type": "text", "label": {"en": "B"}, "when": ` + string(when) + `}]}],
			"triage": {"default": "soon", "rules": []}}`
		if _, err := schema.Parse([]byte(src2)); err != nil {
			t.Fatalf("%q became %s, which a questionnaire refuses: %v", src, when, err)
		}
	})
}
