// Package catalog is every text fieldvault shows people, kept as one TOML
// file per language that a translator edits without reading Go: adding a
// language is adding a file.
//
// Texts are named by ID ("session.quit", "cmd.init.long") and written with
// fmt's verbs (%s, %d). A text that counts something has the plural forms
// its language has under CLDR's rules (English: one and other; Indonesian:
// other only), chosen by go-i18n. A text missing from a catalog falls back
// to English, and tests fail on every such gap.
package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"
)

// Default is the language every other falls back to.
const Default = "en"

//go:embed *.toml
var files embed.FS

var (
	bundle     = i18n.NewBundle(language.English)
	localizers = map[string]*i18n.Localizer{}
	messages   = map[string]map[string]*i18n.Message{}
	languages  []string
)

func init() {
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(files, "*.toml")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		// A broken catalog is a build mistake, caught by the package's
		// tests; failing loudly here keeps it from shipping silently.
		f, err := bundle.LoadMessageFileFS(files, name)
		if err != nil {
			panic(fmt.Sprintf("catalog %s: %v", name, err))
		}
		lang := strings.TrimSuffix(path.Base(name), ".toml")
		byID := map[string]*i18n.Message{}
		for _, m := range f.Messages {
			byID[m.ID] = m
		}
		messages[lang] = byID
		// Only the language itself: a missing text must fall back to
		// English (the bundle's default), never to a third language.
		localizers[lang] = i18n.NewLocalizer(bundle, lang)
		languages = append(languages, lang)
	}
	slices.Sort(languages)
	if i := slices.Index(languages, Default); i > 0 {
		languages = append(append([]string{Default}, languages[:i]...), languages[i+1:]...)
	}
}

// Languages lists the languages there is a catalog for, English first.
func Languages() []string { return slices.Clone(languages) }

// Supported reports whether there is a catalog for lang.
func Supported(lang string) bool { return messages[lang] != nil }

// Has reports whether lang's catalog has text id.
func Has(lang, id string) bool { return messages[lang][id] != nil }

// Text returns the text id in lang, with args filled into its verbs.
func Text(lang, id string, args ...any) string {
	return format(lookup(lang, id, nil), args)
}

// Plural returns the form of text id that lang uses for the count n, with
// args filled into its verbs (n is not filled in unless it is among args).
func Plural(lang, id string, n any, args ...any) string {
	return format(lookup(lang, id, n), args)
}

func lookup(lang, id string, count any) string {
	l := localizers[lang]
	if l == nil || messages[lang][id] == nil {
		l, lang = localizers[Default], Default
	}
	if messages[lang][id] == nil {
		// A text nobody wrote: show its ID rather than nothing, so the
		// gap is visible; the tests make sure none ships.
		return id
	}
	// Texts use fmt's verbs, not templates: the identity parser keeps
	// go-i18n from reading "{{" in a help text as one.
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateParser: template.IdentityParser{}})
	if err != nil {
		return id
	}
	return s
}

func format(s string, args []any) string {
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// IDs lists the IDs of lang's catalog, sorted.
func IDs(lang string) []string {
	var ids []string
	for id := range messages[lang] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Forms returns the plural forms text id has in lang ("other" alone for a
// text that does not count), each with its text.
func Forms(lang, id string) map[string]string {
	m := messages[lang][id]
	if m == nil {
		return nil
	}
	forms := map[string]string{}
	for name, s := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
		if s != "" {
			forms[name] = s
		}
	}
	return forms
}
