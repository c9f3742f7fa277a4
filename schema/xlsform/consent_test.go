package xlsform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fieldvault/fieldvault/schema"
)

// A translator starts from the English consent text, translates it, and
// the form's language it was missing becomes an interview language.
func TestConsentTextAddsALanguage(t *testing.T) {
	en, err := ConsentText("en")
	if err != nil {
		t.Fatal(err)
	}
	var f consentFile
	if err := json.Unmarshal(en, &f); err != nil {
		t.Fatal(err)
	}
	f.Language = "tet"
	for k, v := range f.Texts {
		f.Texts[k] = "[tet] " + v
	}
	tet, _ := json.Marshal(f)
	form := `
| survey |
|        | type | name | label::English (en) | label::Tetum (tet) |
|        | text | a    | Name                | Naran              |
`
	res, err := importMD(t, form, Options{ConsentText: [][]byte{tet}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Schema.Languages, ","); got != "en,tet" {
		t.Fatalf("languages %s, want en,tet", got)
	}
	q, _ := res.Schema.Question("consent.interview")
	if q.Label["tet"] != "[tet] Do you agree to talk with me now?" || q.Label["en"] != "Do you agree to talk with me now?" {
		t.Errorf("consent.interview label %v", q.Label)
	}
	if res.Schema.Consent.Script["tet"] == "" || res.Schema.Pages[0].ID != "consent" {
		t.Error("the consent block in tet is not the first page")
	}
	// The languages of rescue-needs the form does not have are not kept.
	if _, ok := q.Label["id"]; ok {
		t.Error("the consent block keeps Indonesian, which the form does not have")
	}

	// A translation missing a text, or with one the block lacks, is refused.
	delete(f.Texts, "consent.store.label")
	short, _ := json.Marshal(f)
	if _, err := importMD(t, form, Options{ConsentText: [][]byte{short}}); err == nil || !strings.Contains(err.Error(), `"consent.store.label"`) {
		t.Errorf("a consent text without consent.store.label: %v", err)
	}
	f.Texts["consent.store.label"], f.Texts["consent.extra"] = "x", "y"
	extra, _ := json.Marshal(f)
	if _, err := importMD(t, form, Options{ConsentText: [][]byte{extra}}); err == nil || !strings.Contains(err.Error(), `"consent.extra"`) {
		t.Errorf("a consent text with consent.extra: %v", err)
	}
	if _, err := ConsentText("tet"); err == nil {
		t.Error("ConsentText of a language the block lacks")
	}
}

// Every imported questionnaire opens with the same consent questions as
// rescue-needs, before any question of the form, in English, Indonesian and
// French.
func TestConsentBlockFirst(t *testing.T) {
	rn, err := schema.Lookup(schema.DefaultID)
	if err != nil {
		t.Fatal(err)
	}
	form := `
| survey |
|        | type | name | label::English (en) | label::Bahasa Indonesia (id) | label::French (fr) |
|        | text | a    | Name                | Nama                         | Nom                |
`
	res, err := importMD(t, form, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Schema.Languages, ","); got != "en,id,fr" {
		t.Fatalf("languages %s", got)
	}
	first := res.Schema.Pages[0]
	if len(first.Questions) != len(rn.Pages[0].Questions) {
		t.Fatalf("the consent page has %d questions, rescue-needs' %d", len(first.Questions), len(rn.Pages[0].Questions))
	}
	for i, q := range first.Questions {
		want := rn.Pages[0].Questions[i]
		if q.ID != want.ID || q.Type != want.Type || q.Gate != want.Gate || q.Required != want.Required || q.Label["en"] != want.Label["en"] || q.Label["id"] != want.Label["id"] {
			t.Errorf("consent question %d is %s, rescue-needs has %s", i, q.ID, want.ID)
		}
		if q.Label["fr"] == "" {
			t.Errorf("%s has no French", q.ID)
		}
	}
	if res.Schema.Consent.Script["fr"] == "" || res.Schema.Consent.Script["en"] != rn.Consent.Script["en"] {
		t.Error("the consent script is not rescue-needs' with French")
	}
}
