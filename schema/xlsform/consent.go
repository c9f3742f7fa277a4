package xlsform

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema"
)

// The consent block is the consent page of the built-in rescue-needs
// questionnaire, with the same question IDs, its consent script and its
// triage rules that read only consent questions (a child is seen today).
// Every imported questionnaire opens with it, so no imported form can ask a
// question before consent. Its English and Indonesian come from
// rescue-needs; other languages are consent-text files, like fr.json here
// or one given with --consent-text.

//go:embed consent/*.json
var consentFS embed.FS

// consentIDs are the block's question IDs, which a form may not use. They
// are found once, when a form is first imported, not at every start of
// fieldvault.
var consentIDs = sync.OnceValue(func() map[string]bool {
	ids := map[string]bool{}
	if b, err := rescueBlock(); err == nil {
		for _, q := range b.page.Questions {
			ids[q.ID] = true
		}
	}
	return ids
})

type block struct {
	script schema.Text
	page   schema.Page
	rules  []schema.Rule
	langs  []string
}

// rescueBlock is a fresh copy of the block, in rescue-needs' languages.
func rescueBlock() (*block, error) {
	s, err := schema.Lookup(schema.DefaultID)
	if err != nil {
		return nil, err
	}
	// Parse again: the block is changed in place, and the cached
	// questionnaire must not be.
	s, err = schema.Parse(s.Source)
	if err != nil {
		return nil, err
	}
	b := &block{script: s.Consent.Script, page: s.Pages[0], langs: slices.Clone(s.Languages)}
	ids := map[string]bool{}
	for _, q := range b.page.Questions {
		ids[q.ID] = true
	}
	for _, r := range s.Triage.Rules {
		if !slices.ContainsFunc(r.When.Reads(), func(id string) bool { return !ids[id] }) {
			b.rules = append(b.rules, r)
		}
	}
	return b, nil
}

// each calls fn with every text of the block and its key in a consent-text
// file.
func (b *block) each(fn func(key string, t schema.Text)) {
	fn("script", b.script)
	fn("title", b.page.Title)
	if b.page.Intro != nil {
		fn("intro", b.page.Intro)
	}
	for _, q := range b.page.Questions {
		fn(q.ID+".label", q.Label)
		if q.Help != nil {
			fn(q.ID+".help", q.Help)
		}
		if q.Need != nil {
			fn(q.ID+".need", q.Need)
		}
		for _, o := range q.Options {
			fn(q.ID+".option."+o.Value, o.Label)
		}
	}
	for i, r := range b.rules {
		fn(fmt.Sprintf("triage.%d.reason", i), r.Reason)
		if r.Alert != nil {
			fn(fmt.Sprintf("triage.%d.alert", i), r.Alert)
		}
	}
}

// consentFile is a translation of the consent block into one language.
type consentFile struct {
	Language string            `json:"language"`
	Texts    map[string]string `json:"texts"`
}

// add puts a translation into the block, or says what is wrong with it.
func (b *block) add(data []byte) error {
	var f consentFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return catalog.Errorf("formimport.consent_file", err)
	}
	if !schema.ValidLanguage(f.Language) {
		return catalog.Errorf("formimport.consent_lang_code", f.Language)
	}
	var missing []string
	known := map[string]bool{}
	b.each(func(key string, _ schema.Text) {
		known[key] = true
		if strings.TrimSpace(f.Texts[key]) == "" {
			missing = append(missing, key)
		}
	})
	var unknown []string
	for k := range f.Texts {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	switch {
	case len(missing) > 0:
		return catalog.Errorf("formimport.consent_lacks", f.Language, len(missing), missing[0])
	case len(unknown) > 0:
		return catalog.Errorf("formimport.consent_unknown", f.Language, unknown[0])
	}
	b.each(func(key string, t schema.Text) { t[f.Language] = strings.TrimSpace(f.Texts[key]) })
	if !slices.Contains(b.langs, f.Language) {
		b.langs = append(b.langs, f.Language)
	}
	return nil
}

// consentBlock is the block in every language fieldvault ships, and in
// those of extra.
func consentBlock(extra [][]byte) (*block, error) {
	b, err := rescueBlock()
	if err != nil {
		return nil, err
	}
	entries, err := consentFS.ReadDir("consent")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		data, err := consentFS.ReadFile("consent/" + e.Name())
		if err != nil {
			return nil, err
		}
		if err := b.add(data); err != nil {
			return nil, fmt.Errorf("built-in consent text %s: %w", e.Name(), err)
		}
	}
	for _, data := range extra {
		if err := b.add(data); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// ConsentText returns the consent block's texts in lang, as a file a
// translator copies, translates and gives to --consent-text.
func ConsentText(lang string) ([]byte, error) {
	b, err := consentBlock(nil)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(b.langs, lang) {
		return nil, catalog.Errorf("formimport.consent_block_lang", strings.Join(b.langs, ", "), lang)
	}
	f := consentFile{Language: lang, Texts: map[string]string{}}
	b.each(func(key string, t schema.Text) { f.Texts[key] = t[lang] })
	return json.MarshalIndent(f, "", "  ")
}
