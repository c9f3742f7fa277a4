package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// Every catalog has the texts the English one has and no others, each with
// the same format verbs, and a counting text has every plural form its
// language needs under CLDR's rules.
func TestCatalogsAgree(t *testing.T) {
	if len(Languages()) < 2 || Languages()[0] != Default {
		t.Fatalf("languages %v: want English first and at least one other", Languages())
	}
	en := IDs(Default)
	if len(en) < 300 {
		t.Fatalf("the English catalog has only %d texts; is it loaded?", len(en))
	}
	for _, lang := range Languages()[1:] {
		has := map[string]bool{}
		for _, id := range IDs(lang) {
			has[id] = true
			if !Has(Default, id) {
				t.Errorf("%s has %s, which the English catalog does not", lang, id)
			}
		}
		for _, id := range en {
			if !has[id] {
				t.Errorf("%s lacks %s", lang, id)
				continue
			}
			want := verbs(Forms(Default, id)["other"])
			for form, s := range Forms(lang, id) {
				if got := verbs(s); got != want {
					t.Errorf("%s %s (%s) has verbs %q, English has %q", lang, id, form, got, want)
				}
				if strings.Contains(s, "TODO") {
					t.Errorf("%s %s is not translated yet", lang, id)
				}
			}
			counts := len(Forms(Default, id)) > 1
			for n := 0; n <= 1000; n++ {
				if counts && Plural(lang, id, n) == id {
					t.Errorf("%s %s has no plural form for %d", lang, id, n)
					break
				}
			}
		}
	}
}

// The plural forms are CLDR's: English says "1 record" and "2 records",
// Indonesian has one form for every count.
func TestPlural(t *testing.T) {
	id := "plural.records"
	if !Has(Default, id) {
		t.Fatalf("no %s in the catalog", id)
	}
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 records"},
		{"en", 1, "1 record"},
		{"en", 2, "2 records"},
		{"en", 21, "21 records"},
		{"id", 1, "1 catatan"},
		{"id", 5, "5 catatan"},
	} {
		if got := Plural(c.lang, id, c.n, c.n); got != c.want {
			t.Errorf("Plural(%s, %s, %d) = %q, want %q", c.lang, id, c.n, got, c.want)
		}
	}
	if got := Text("xx", "session.quit"); got != Text(Default, "session.quit") {
		t.Errorf("a language without a catalog gets %q, want the English", got)
	}
	if got := Text("id", "no.such.text"); got != "no.such.text" {
		t.Errorf("a missing text shows %q, want its ID", got)
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)

// verbs lists the format verbs of s in order; a translation may reorder
// its arguments only with explicit indexes (%[2]s), which this shows.
func verbs(s string) string {
	return strings.Join(verb.FindAllString(s, -1), " ")
}

// A text is looked up once per row of a long list (a record's status).
func BenchmarkText(b *testing.B) {
	for b.Loop() {
		Text("id", "status.complete")
	}
}
