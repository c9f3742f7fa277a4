package catalog

import (
	"regexp"
	"testing"
)

// Every text of every catalog is translated, not copied from English:
// where a text says something in words (three or more outside its verbs,
// quotes, flags and names), it differs from English. This reaches every
// error and hint, whether or not a test makes it happen.
func TestNothingCopied(t *testing.T) {
	names := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]|'[^']*'|"[^"]*"|\$\{[^}]*\}|--?[a-z][a-z-]*|\S*[._/:][^\s,;:)]+|\b[A-Z0-9_]+\b`)
	word := regexp.MustCompile(`\b[a-z]{2,}\b`)
	for _, lang := range Languages() {
		if lang == Default {
			continue
		}
		for _, id := range IDs(Default) {
			for form, en := range Forms(Default, id) {
				if Forms(lang, id)[form] != en {
					continue
				}
				if n := len(word.FindAllString(names.ReplaceAllString(en, " "), -1)); n >= 3 {
					t.Errorf("%s.toml: %s is the English text: %q", lang, id, en)
				}
			}
		}
	}
}
