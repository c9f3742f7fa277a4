package catalog

import (
	_ "embed"
	"regexp"
	"strings"
	"testing"
)

//go:embed GLOSSARY.md
var glossary string

// term is one row of the glossary: the English word, its translation, and
// words a translation must not use.
type term struct {
	en, id string
	not    []string
}

func glossaryTerms(t *testing.T) []term {
	t.Helper()
	var terms []term
	for _, line := range strings.Split(glossary, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|"), "|")
		if len(cells) != 4 || strings.HasPrefix(cells[0], "---") || strings.TrimSpace(cells[0]) == "English" {
			continue
		}
		tm := term{en: strings.TrimSpace(cells[0]), id: strings.TrimSpace(cells[1])}
		for _, w := range strings.Split(cells[3], ",") {
			if w = strings.TrimSpace(w); w != "" {
				tm.not = append(tm.not, w)
			}
		}
		terms = append(terms, tm)
	}
	if len(terms) < 9 {
		t.Fatalf("the glossary has %d terms; is its table broken?", len(terms))
	}
	return terms
}

// named are the parts of a text that name rather than say: flags,
// environment variables, quoted commands and values.
var named = regexp.MustCompile(`--[a-z-]+|\b[A-Z]+_[A-Z_]+\b|'[^']*'|"[^"]*"|\bfieldvault [a-z]+( [a-z]+)?`)

// The catalogs use the glossary's words: where the English text says a
// term, the Indonesian says its translation, and never a word the glossary
// rules out.
func TestGlossaryKept(t *testing.T) {
	for _, tm := range glossaryTerms(t) {
		word := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(tm.en) + `s?\b`)
		checked := 0
		for _, id := range IDs(Default) {
			for form, en := range Forms(Default, id) {
				in := Forms("id", id)[form]
				if in == "" {
					in = Forms("id", id)["other"]
				}
				lower := strings.ToLower(strings.Join(strings.Fields(named.ReplaceAllString(in, " ")), " "))
				for _, not := range tm.not {
					if regexp.MustCompile(`\b` + regexp.QuoteMeta(not) + `\b`).MatchString(lower) {
						t.Errorf("%s says %q, which the glossary rules out for %q: %s", id, not, tm.en, in)
					}
				}
				if !word.MatchString(named.ReplaceAllString(en, " ")) {
					continue
				}
				checked++
				said := false
				for _, alt := range strings.Split(tm.id, " / ") {
					said = said || strings.Contains(lower, alt)
				}
				if !said {
					t.Errorf("%s says %q in English but not %q in Bahasa Indonesia:\n  %s\n  %s", id, tm.en, tm.id, en, in)
				}
			}
		}
		if checked == 0 && tm.en != "error" {
			t.Errorf("no text says %q; is the term right?", tm.en)
		}
	}
}
