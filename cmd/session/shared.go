package session

import (
	"time"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

// What the session and the commands decide the same way.

// PartnerCard reads a partner's contact card, as typed, pasted or read
// from a file.
func PartnerCard(line string) (sync.Card, error) {
	card, err := sync.ParseCard(line)
	if err != nil {
		return card, catalog.WithHint(err, "hint.copy_card")
	}
	return card, nil
}

// AddPartner stores a partner's card as a contact; this vault's own card
// is refused.
func AddPartner(v *vault.Vault, card sync.Card) (*vault.Contact, error) {
	own, err := sync.OwnCard(v)
	if err != nil {
		return nil, err
	}
	if own.Recipient == card.Recipient {
		return nil, catalog.Errorf("contact.own_card")
	}
	c := &vault.Contact{Name: card.Name, Recipient: card.Recipient, SigningKey: card.SigningKey}
	return c, v.AddContact(c)
}

// AttemptsWarnAt is how few wrong passphrases left before the vault erases
// itself are worth a warning.
const AttemptsWarnAt = 3

// AttemptsLeft returns how many wrong passphrases the vault still takes
// before it erases itself, and whether that is few enough to say so.
func AttemptsLeft(v *vault.Vault) (int, bool) {
	limit, failed := v.Attempts()
	left := limit - failed
	return left, limit > 0 && left <= AttemptsWarnAt
}

// Offered parses the questionnaires the vault offers besides the built-in
// ones.
func Offered(v *vault.Vault) ([]*schema.Schema, error) {
	srcs, err := v.OfferedSchemas()
	if err != nil {
		return nil, err
	}
	var out []*schema.Schema
	for _, src := range srcs {
		s, err := schema.Parse(src)
		if err != nil {
			return nil, catalog.Errorf("schema.stored_invalid", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Questionnaires lists the built-in questionnaires and, with a vault, those
// it offers.
func Questionnaires(v *vault.Vault) ([]*schema.Schema, error) {
	all, err := schema.Builtin()
	if err != nil || v == nil {
		return all, err
	}
	more, err := Offered(v)
	return append(append([]*schema.Schema(nil), all...), more...), err
}

// Dash is s, or "-" for nothing.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Day prints a time as a local date and minute, or "-" for none.
func Day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// WipeWord is what must be typed to wipe the vault: its name, or "wipe"
// for a vault without one.
func WipeWord(info vault.Info) string {
	if info.Name == "" {
		return "wipe"
	}
	return info.Name
}
