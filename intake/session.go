package intake

import (
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// Session keeps an interview in the vault: an encrypted draft after every
// completed page, the finished record at the end. Before consent is given
// it stores nothing; a refusal stores the decision alone.
type Session struct {
	Vault  *vault.Vault
	Engine *Engine
	// ID is the record's ID once something was stored, or the draft's ID
	// when resuming.
	ID string
	// Follows is the first record of the person, for a follow-up.
	Follows string

	schemaSaved bool
	lastSaved   []byte          // the record as last stored, to skip saving it twice
	contacts    []vault.Contact // whom consent.share may name, bound by key
}

// Start opens a new interview with s in the vault.
func Start(v *vault.Vault, s *schema.Schema, lang string) (*Session, error) {
	contacts, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	e, err := New(s, Options{Lang: lang, Worker: v.Worker(), Contacts: names(contacts)})
	if err != nil {
		return nil, err
	}
	return &Session{Vault: v, Engine: e, contacts: contacts}, nil
}

// Continue opens a draft again. The questionnaire is the one the draft was
// started with, kept in the vault, even if fieldvault has a newer one now.
func Continue(v *vault.Vault, id string) (*Session, error) {
	r, err := v.GetRecord(id)
	if err != nil {
		return nil, err
	}
	src, err := v.Schema(r.Schema.Hash)
	if err != nil {
		return nil, err
	}
	s, err := schema.Parse(src)
	if err != nil {
		return nil, err
	}
	contacts, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	e, err := Resume(s, r, Options{Worker: v.Worker(), Contacts: names(contacts)})
	if err != nil {
		return nil, err
	}
	return &Session{Vault: v, Engine: e, ID: r.ID, Follows: r.Follows, schemaSaved: true, contacts: contacts}, nil
}

// Save stores the interview as it stands. It does nothing before consent.
func (s *Session) Save() error {
	e := s.Engine
	if !e.Consented() && !e.Done() {
		return nil
	}
	if !s.schemaSaved {
		if err := s.Vault.PutSchema(e.s.Hash, e.s.Source); err != nil {
			return err
		}
		s.schemaSaved = true
	}
	rec, err := e.Record(s.ID)
	if err != nil {
		return err
	}
	rec.Share = vault.ShareKeys(s.contacts, rec.Share)
	rec.Follows = s.Follows
	same := string(rec.Status) + string(rec.Body)
	if s.lastSaved != nil && string(s.lastSaved) == same {
		return nil
	}
	if err := s.Vault.PutRecord(rec); err != nil {
		return err
	}
	s.ID, s.lastSaved = rec.ID, []byte(same)
	return nil
}
