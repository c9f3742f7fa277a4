// Package schema defines fieldvault's questionnaire format: a JSON document of
// pages of questions, each with labels in every language the questionnaire
// offers, validation, skip logic in a small condition language, and triage
// rules. It loads, validates and hashes questionnaires and embeds the default
// ones; running them belongs to package intake.
package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// Question types.
const (
	TypeText     = "text"     // one line
	TypeLongText = "longtext" // several lines, in the person's own words
	TypeNumber   = "number"   // with optional bounds
	TypeChoice   = "choice"   // one option
	TypeMulti    = "multi"    // any number of options
	TypeYesNo    = "yesno"
	TypeDate     = "date" // YYYY-MM-DD
	TypeNote     = "note" // display only; never answered
)

var questionTypes = []string{TypeText, TypeLongText, TypeNumber, TypeChoice, TypeMulti, TypeYesNo, TypeDate, TypeNote}

// OptionsFromContacts makes a multiple-choice question offer the vault's
// contacts (partner organizations) instead of fixed options.
const OptionsFromContacts = "contacts"

// Triage levels, most urgent first.
const (
	LevelImmediate = "immediate"
	LevelToday     = "today"
	LevelSoon      = "soon"
)

// Levels lists the triage levels, most urgent first.
var Levels = []string{LevelImmediate, LevelToday, LevelSoon}

// Text is a string in several languages, keyed by language code ("en", "id").
type Text map[string]string

// In returns the text in lang, falling back to English, then to any language.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if s, ok := t["en"]; ok {
		return s
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		return t[keys[0]]
	}
	return ""
}

// Schema is one questionnaire.
type Schema struct {
	ID        string   `json:"id"`
	Version   string   `json:"version"`
	Languages []string `json:"languages"`
	Title     Text     `json:"title"`
	Consent   Consent  `json:"consent"`
	Pages     []Page   `json:"pages"`
	Triage    Triage   `json:"triage"`

	// Hash is the hex SHA-256 of the definition's exact bytes. Records
	// store it so that the questionnaire an answer was given to can always
	// be found again.
	Hash string `json:"-"`
	// Source is the definition's exact bytes.
	Source []byte `json:"-"`
}

// Consent is what is read to the person before any question.
type Consent struct {
	// Script says who we are, why we ask, what is written down, where it is
	// kept, who may see it, for how long, and that the person may skip any
	// question, stop at any time and withdraw later without losing help.
	Script Text `json:"script"`
}

// ScriptHash is the hex SHA-256 of the consent script's exact text in lang,
// stored with every consent so that what the person agreed to can be shown.
func (s *Schema) ScriptHash(lang string) string {
	sum := sha256.Sum256([]byte(s.Consent.Script.In(lang)))
	return hex.EncodeToString(sum[:])
}

// Page is a group of questions asked together.
type Page struct {
	ID        string     `json:"id"`
	Title     Text       `json:"title"`
	Intro     Text       `json:"intro,omitempty"`
	When      *Cond      `json:"when,omitempty"`
	Questions []Question `json:"questions"`
}

// Question is one question, or a note when Type is TypeNote.
type Question struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Label Text   `json:"label"`
	Help  Text   `json:"help,omitempty"`
	// Required questions cannot be skipped. Every other question offers
	// "prefer not to answer".
	Required bool `json:"required,omitempty"`
	// Sensitive answers are masked on screen once given.
	Sensitive bool `json:"sensitive,omitempty"`
	// Audience is "worker" for a question or note meant for the worker,
	// not read to the person: it is shown in the interface's language
	// where the questionnaire has it, not the interview's.
	Audience string `json:"audience,omitempty"`
	// Gate marks a yes/no consent question: "no" ends the interview, and
	// only the consent decision is stored.
	Gate        bool     `json:"gate,omitempty"`
	Options     []Option `json:"options,omitempty"`
	OptionsFrom string   `json:"options_from,omitempty"`
	Min         *float64 `json:"min,omitempty"`
	Max         *float64 `json:"max,omitempty"`
	MinLength   int      `json:"min_length,omitempty"`
	MaxLength   int      `json:"max_length,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	When        *Cond    `json:"when,omitempty"`
	// Integer number questions take whole numbers only.
	Integer bool `json:"integer,omitempty"`
	// Check is a condition a given answer must meet (an XLSForm
	// constraint). It may read the question itself and the questions of
	// earlier pages: the runners check each answer as it is typed, before
	// the rest of its page is known. CheckMessage says what is wrong when
	// it fails.
	Check        *Cond `json:"check,omitempty"`
	CheckMessage Text  `json:"check_message,omitempty"`
	// RequiredMessage replaces the standard words when a required question
	// is left unanswered.
	RequiredMessage Text `json:"required_message,omitempty"`
	// Need names the need that a "yes" (or, for other types, any answer)
	// reveals, for the summary read back at the end.
	Need Text `json:"need,omitempty"`
	// HTCDS is the field's name in the IOM/UN Human Trafficking Case Data
	// Standard 2.0 (package htcds), used in exports so partners can line
	// data up; a question without one is exported as fv_ and its ID.
	HTCDS string `json:"htcds,omitempty"`
	// Identifying marks an answer that can pick a person out (a name, a
	// phone number, an exact place or date): exports leave it out unless
	// asked for identified data. Free text always counts as identifying,
	// since nobody can vouch for what a person said in their own words.
	Identifying bool `json:"identifying,omitempty"`
}

// IsIdentifying reports whether an answer to q can pick a person out.
func (q *Question) IsIdentifying() bool {
	return q.Identifying || q.Type == TypeText || q.Type == TypeLongText
}

// AudienceWorker marks a question or note meant for the worker.
const AudienceWorker = "worker"

// Option is one choice of a choice or multi question.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
	// HTCDS is the option's code in its question's HTCDS field, where the
	// value is not already that code.
	HTCDS string `json:"htcds,omitempty"`
}

// Code is the option's value as exports write it: its HTCDS code where it
// has one.
func (o Option) Code() string {
	if o.HTCDS != "" {
		return o.HTCDS
	}
	return o.Value
}

// Option returns the option with the given value.
func (q *Question) Option(value string) (Option, bool) {
	i := slices.IndexFunc(q.Options, func(o Option) bool { return o.Value == value })
	if i < 0 {
		return Option{}, false
	}
	return q.Options[i], true
}

// Triage says how urgent a person's needs are, from their answers.
type Triage struct {
	Default string `json:"default"`
	Rules   []Rule `json:"rules"`
}

// Rule sets a triage level when its condition holds. An Alert is shown to
// the worker at once, before the interview goes on: what to do now.
type Rule struct {
	Level  string `json:"level"`
	When   Cond   `json:"when"`
	Reason Text   `json:"reason"`
	Alert  Text   `json:"alert,omitempty"`
}

// Question returns the question with the given ID.
func (s *Schema) Question(id string) (*Question, bool) {
	for p := range s.Pages {
		for q := range s.Pages[p].Questions {
			if s.Pages[p].Questions[q].ID == id {
				return &s.Pages[p].Questions[q], true
			}
		}
	}
	return nil, false
}

// HasLanguage reports whether the questionnaire is offered in lang.
func (s *Schema) HasLanguage(lang string) bool {
	return slices.Contains(s.Languages, lang)
}

// Parse decodes and validates a questionnaire. On failure the error is a
// *ValidationError listing every problem with its JSON location.
func Parse(data []byte) (*Schema, error) {
	var s Schema
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, &ValidationError{Problems: []Problem{decodeProblem(data, err)}}
	}
	if dec.More() {
		return nil, &ValidationError{Problems: []Problem{{Why: catalog.Errorf("problem.extra_data")}}}
	}
	if probs := s.validate(); len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}
	sum := sha256.Sum256(data)
	s.Hash = hex.EncodeToString(sum[:])
	s.Source = data
	return &s, nil
}
