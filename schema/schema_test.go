package schema

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinRescueNeeds(t *testing.T) {
	s, err := Lookup(DefaultID)
	if err != nil {
		t.Fatal(err)
	}
	if !s.HasLanguage("en") || !s.HasLanguage("id") {
		t.Errorf("languages = %v, want en and id", s.Languages)
	}
	// The stable IDs partners and tests rely on (DESIGN.md).
	for _, id := range []string{
		"consent.interview", "consent.given_by", "person.minor", "consent.store", "consent.share",
		"consent.referral", "consent.followup", "person.name", "shelter.needed_tonight", "medical.urgent",
	} {
		if _, ok := s.Question(id); !ok {
			t.Errorf("rescue-needs has no question %q", id)
		}
	}
	q, _ := s.Question("consent.referral")
	var values []string
	for _, o := range q.Options {
		values = append(values, o.Value)
	}
	if got := strings.Join(values, ","); got != "shelter,health,psychosocial,legal,protection,livelihoods,family,police" {
		t.Errorf("referral service types = %s", got)
	}
	given, _ := s.Question("consent.given_by")
	if len(given.Options) != 3 {
		t.Errorf("consent.given_by options = %v", given.Options)
	}
	// Only consent questions (and the minor path they need) are required.
	for _, p := range s.Pages {
		for _, q := range p.Questions {
			if q.Required && !strings.HasPrefix(q.ID, "consent.") && q.ID != "person.minor" {
				t.Errorf("%s is required, but only consent questions may be", q.ID)
			}
			if p.ID != "consent" && strings.HasPrefix(q.ID, "consent.") {
				t.Errorf("%s is not on the consent page", q.ID)
			}
		}
	}
	if s.Pages[0].ID != "consent" || s.Pages[0].Questions[0].ID != "consent.interview" {
		t.Error("the first question must be consent.interview")
	}
	if len(s.Hash) != 64 || s.ScriptHash("en") == s.ScriptHash("id") {
		t.Errorf("hashes: %q %q %q", s.Hash, s.ScriptHash("en"), s.ScriptHash("id"))
	}
}

func TestCondEval(t *testing.T) {
	answers := map[string]any{
		"a": true, "b": "x", "n": 3.0, "m": []string{"shelter", "health"},
	}
	get := func(id string) (any, bool) { v, ok := answers[id]; return v, ok }
	parse := func(s string) Cond {
		var c Cond
		if err := json.Unmarshal([]byte(s), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		cond string
		want bool
	}{
		{`{"q":"a","equals":true}`, true},
		{`{"q":"a","equals":false}`, false},
		{`{"q":"b","equals":"x"}`, true},
		{`{"q":"b","in":["y","x"]}`, true},
		{`{"q":"b","in":["y"]}`, false},
		{`{"q":"n","equals":3}`, true},
		{`{"q":"m","equals":"health"}`, true},
		{`{"q":"m","equals":"legal"}`, false},
		{`{"q":"m","in":["legal","shelter"]}`, true},
		{`{"q":"missing","equals":true}`, false},
		{`{"not":{"q":"missing","equals":true}}`, true},
		{`{"all":[{"q":"a","equals":true},{"q":"b","equals":"x"}]}`, true},
		{`{"all":[{"q":"a","equals":true},{"q":"b","equals":"y"}]}`, false},
		{`{"any":[{"q":"a","equals":false},{"q":"b","equals":"x"}]}`, true},
		{`{"any":[{"q":"a","equals":false},{"q":"missing","equals":"x"}]}`, false},
	}
	for _, tc := range tests {
		c := parse(tc.cond)
		if got := c.Eval(get); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.cond, got, tc.want)
		}
	}
}

// The broken questionnaires under testdata each name the problems they must
// produce, one per line, in a "expect" file beside them.
func TestValidateBroken(t *testing.T) {
	files, _ := filepath.Glob("../testdata/schema/broken-*.json")
	if len(files) == 0 {
		t.Fatal("no broken questionnaires in testdata/schema")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := Load(f)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Load = %v, want a ValidationError", err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".expect")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if strings.TrimSpace(string(want)) != strings.Join(got, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
			}
		})
	}
}

func TestValidateGood(t *testing.T) {
	files, _ := filepath.Glob("../testdata/schema/good-*.json")
	if len(files) == 0 {
		t.Fatal("no good questionnaires in testdata/schema")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestResolve(t *testing.T) {
	if s, err := Resolve(""); err != nil || s.ID != DefaultID {
		t.Errorf("Resolve(\"\") = %v, %v", s, err)
	}
	if _, err := Resolve("no-such-form"); !errors.Is(err, ErrUnknown) {
		t.Errorf("Resolve(unknown) err = %v", err)
	}
	if s, err := Resolve("../testdata/schema/good-minimal.json"); err != nil || s.ID != "minimal" {
		t.Errorf("Resolve(file) = %v, %v", s, err)
	}
}

// The op forms compare as XPath does, so that imported forms keep their
// meaning: unanswered is the empty string, numbers compare as numbers.
func TestCondCompare(t *testing.T) {
	answers := map[string]any{"n": 7.0, "t": "abc", "m": []string{"a", "b"}, "y": true, "d": "2026-01-31", "s": "12"}
	look := func(id string) (any, bool) { v, ok := answers[id]; return v, ok }
	for _, c := range []struct {
		cond Cond
		want bool
	}{
		{Cond{Q: "n", Op: ">", Value: 5.0}, true},
		{Cond{Q: "n", Op: "<=", Value: 7.0}, true},
		{Cond{Q: "n", Op: "!=", Value: 7.0}, false},
		{Cond{Q: "s", Op: ">", Value: 9.0}, true}, // "12" > 9 as numbers, not as text
		{Cond{Q: "s", Op: ">", Value: "9"}, true},
		{Cond{Q: "t", Op: "=", Value: "abc"}, true},
		{Cond{Q: "t", Op: "<", Value: 5.0}, false}, // text against a number: false
		{Cond{Q: "t", Op: "!=", Value: 5.0}, true},
		{Cond{Q: "gone", Op: "=", Value: ""}, true}, // unanswered is ""
		{Cond{Q: "gone", Op: "!=", Value: ""}, false},
		{Cond{Q: "gone", Op: "<", Value: 18.0}, false},
		{Cond{Q: "d", Op: ">=", Value: "2026-01-01"}, true},
		{Cond{Q: "y", Op: "=", Value: true}, true},
		{Cond{Q: "y", Op: "!=", Value: true}, false},
		{Cond{Count: "m", Op: ">=", Value: 2.0}, true},
		{Cond{Count: "gone", Op: "=", Value: 0.0}, true},
		{Cond{Length: "t", Op: "=", Value: 3.0}, true},
		{Cond{Length: "gone", Op: ">", Value: 0.0}, false},
		{Cond{Q: "t", Matches: "^a"}, true},
		{Cond{Q: "t", Matches: "^b"}, false},
		{Cond{Q: "gone", Matches: ".*"}, false},     // unanswered matches nothing
		{Cond{Q: "m", Op: "=", Value: "a b"}, true}, // a multiple choice reads as its values, spaced
	} {
		if got := c.cond.Eval(look); got != c.want {
			t.Errorf("%+v: %v, want %v", c.cond, got, c.want)
		}
	}
}

func TestValidateComparisons(t *testing.T) {
	for _, c := range []struct {
		cond string
		want string
	}{
		{`{"q": "a.n", "op": "~", "value": 1}`, `must be one of = != < <= > >=`},
		{`{"q": "a.n", "op": ">"}`, `value: is missing`},
		{`{"count": "a.n", "op": ">", "value": 1}`, `is not a multiple-choice question`},
		{`{"length": "a.t", "op": ">", "value": "x"}`, `compared with a number`},
		{`{"q": "a.y", "op": "<", "value": true}`, `true and false compare only`},
		{`{"q": "a.y", "op": "=", "value": "yes"}`, `compare it with true or false`},
		{`{"q": "a.t", "matches": "("}`, `not a valid regular expression`},
		{`{"q": "a.t", "value": 1}`, `goes with op`},
	} {
		src := `{"id": "x", "version": "1", "languages": ["en"], "title": {"en": "X"}, "consent": {"script": {"en": "S"}},
			"pages": [{"id": "p", "title": {"en": "P"}, "questions": [
				{"id": "a.n", "type": "number", "label": {"en": "N"}},
				{"id": "a.t", "type": "text", "label": {"en": "T"}},
				{"id": "a.y", "type": "yesno", "label": {"en": "Y"}}]},
				{"id": "q", "title": {"en": "Q"}, "questions": [{"id": "b", "type": "text", "label": {"en": "B"}, "when": ` + c.cond + `}]}],
			"triage": {"default": "soon", "rules": []}}`
		_, err := Parse([]byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.cond, err, c.want)
		}
	}
}

// TestValidateHTCDS: a questionnaire may name only HTCDS 2.0 fields, each
// once, from a question that can fill it, with option codes from the
// field's code list.
func TestValidateHTCDS(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{`{"id": "g", "type": "choice", "htcds": "prs_Gendr", "options": [{"value": "f", "label": {"en": "F"}}]}`, `"prs_Gendr" is not a field of HTCDS 2.0`},
		{`{"id": "g", "type": "text", "htcds": "prs_First_Name"}`, `write "prs_FirstName"`},
		{`{"id": "g", "type": "multi", "htcds": "vic_Vulnerabilities", "options": [{"value": "Poverty", "label": {"en": "F"}}]}`, `deprecated`},
		{`{"id": "g", "type": "multi", "htcds": "prs_Gender", "options": [{"value": "Feminine", "label": {"en": "F"}}]}`, `a multi question cannot fill prs_Gender, a Picklist field`},
		{`{"id": "g", "type": "choice", "htcds": "prs_Gender", "options": [{"value": "f", "label": {"en": "F"}}]}`, `"f" is not a code of prs_Gender`},
		{`{"id": "g", "type": "choice", "htcds": "prs_Gender", "options": [{"value": "f", "htcds": "Female", "label": {"en": "F"}}]}`, `"Female" is not a code of prs_Gender`},
		{`{"id": "g", "type": "choice", "options": [{"value": "f", "htcds": "Feminine", "label": {"en": "F"}}]}`, `names no HTCDS field`},
		{`{"id": "g", "type": "note", "identifying": true}`, `cannot identify anyone`},
		{`{"id": "g", "type": "yesno", "htcds": "con_Consent"}`, `con_Consent is already filled by a.c`},
	} {
		src := `{"id": "x", "version": "1", "languages": ["en"], "title": {"en": "X"}, "consent": {"script": {"en": "S"}},
			"pages": [{"id": "p", "title": {"en": "P"}, "questions": [
				{"id": "a.c", "type": "yesno", "htcds": "con_Consent", "label": {"en": "C"}},
				` + strings.Replace(c.q, `"type"`, `"label": {"en": "Q"}, "type"`, 1) + `]}],
			"triage": {"default": "soon", "rules": []}}`
		_, err := Parse([]byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.q, err, c.want)
		}
	}
	good := `{"id": "x", "version": "1", "languages": ["en"], "title": {"en": "X"}, "consent": {"script": {"en": "S"}},
		"pages": [{"id": "p", "title": {"en": "P"}, "questions": [
			{"id": "g", "type": "choice", "htcds": "prs_Gender", "label": {"en": "G"}, "options": [
				{"value": "f", "htcds": "Feminine", "label": {"en": "F"}}, {"value": "NonConforming", "label": {"en": "N"}}]},
			{"id": "d", "type": "date", "htcds": "prs_Birthdate", "identifying": true, "label": {"en": "D"}},
			{"id": "o", "type": "text", "htcds": "cas_ReferredOrganisation", "label": {"en": "O"}}]}],
		"triage": {"default": "soon", "rules": []}}`
	s, err := Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := s.Question("g"); q.Options[0].Code() != "Feminine" || q.Options[1].Code() != "NonConforming" || q.IsIdentifying() {
		t.Errorf("codes %q %q, identifying %v", q.Options[0].Code(), q.Options[1].Code(), q.IsIdentifying())
	}
	if q, _ := s.Question("d"); !q.IsIdentifying() {
		t.Error("a birth date marked identifying is not")
	}
	if q, _ := s.Question("o"); !q.IsIdentifying() {
		t.Error("free text is not counted identifying")
	}
}
