package session

import (
	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// Host is what the session asks of the program around it: the interface
// language, and what the command line knows how to say or decide.
type Host interface {
	// Lang is the interface language now.
	Lang() string
	// SetLang makes lang the interface language, as the vault's setting.
	SetLang(lang string)
	// Unlocked learns the settings of a vault just unlocked.
	Unlocked(v *vault.Vault)
	// WorkFactor is the scrypt work factor for a new passphrase.
	WorkFactor() (int, error)
	// InterviewLang is the language an interview with s is held in.
	InterviewLang(v *vault.Vault, s *schema.Schema) string
	// Explain is err as one sentence and its hint, in the interface
	// language.
	Explain(err error) string
	// RecordText is a record as people read it; with mask, sensitive
	// answers hidden.
	RecordText(v *vault.Vault, r *vault.Record, mask bool) (string, error)
	// Report says err in one sentence and its hint, and the home goes on.
	Report(err error)
	// Interrupted is what an interview that did not finish ends with,
	// having kept what was typed as a draft.
	Interrupted(sess *intake.Session, err error) error
	// Ends reports whether err ends the plain home (an interview stopped
	// by Ctrl+C), rather than being said and left behind.
	Ends(err error) bool
}

// voice is the host, with the catalog's texts in its language.
type voice struct{ Host }

func (a voice) tr(id string, args ...any) string  { return catalog.Text(a.Lang(), id, args...) }
func (a voice) trf(id string, args ...any) string { return catalog.Text(a.Lang(), id, args...) }
func (a voice) trn(id string, n any, args ...any) string {
	return catalog.Plural(a.Lang(), id, n, args...)
}
func (a voice) lang() string                  { return a.Lang() }
func (a voice) status(s string) string        { return a.tr("status." + s) }
func (a voice) explainShort(err error) string { return a.Explain(err) }

// triage is a triage level's name, or "" for none.
func (a voice) triage(level string) string {
	if level == "" {
		return ""
	}
	return a.tr("triage." + level)
}
