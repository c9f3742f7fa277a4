package session

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/vault"
)

// Drafts and records, one at a time.

// resumeScreen lists the drafts.
func (s *session) resumeScreen(sums []vault.Summary) screen {
	a := s.a
	var opts []huh.Option[string]
	for _, x := range sums {
		if x.Status == vault.StatusDraft {
			opts = append(opts, huh.NewOption(a.trf("session.started", ShortID(x.ID), x.Created), x.ID))
		}
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	var id string
	sel := huh.NewSelect[string]().Title(a.tr("session.which_draft")).Options(opts...).Value(&id)
	return s.form("", func() tea.Cmd {
		if id == backValue {
			return s.goHome()
		}
		sess, err := intake.Continue(s.v, id)
		if err != nil {
			return s.home(a.explainShort(err))
		}
		return s.startInterview(sess)
	}, huh.NewGroup(sel))
}

// mostListed caps the record list; 'fieldvault list' shows every record.
const mostListed = 500

// recordsScreen lists records by their summaries (never their answers);
// choosing one shows it alone.
func (s *session) recordsScreen(sums []vault.Summary, selected string) screen {
	a := s.a
	var opts []huh.Option[string]
	for _, x := range sums {
		if x.Status == vault.StatusDraft {
			continue
		}
		if len(opts) == mostListed {
			break
		}
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s  %-9s  %s  %s", ShortID(x.ID), a.status(string(x.Status)), x.Created, Dash(a.triage(x.Triage))), x.ID))
	}
	if len(opts) == 0 {
		return s.text(a.tr("session.records_2"), a.tr("session.no_records_yet"), s.goHome)
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	id := selected
	desc := a.tr("session.id_status_day_taken")
	if len(opts) > mostListed {
		desc += " " + a.trn("session.the_newest_listed_fieldvault", mostListed, mostListed)
	}
	sel := huh.NewSelect[string]().Title(a.tr("session.records_2")).Options(opts...).Value(&id)
	return s.form(desc, func() tea.Cmd {
		if id == backValue {
			return s.goHome()
		}
		return s.show(s.recordScreen(sums, id))
	}, huh.NewGroup(sel))
}

// recordScreen shows one record. Leaving it drops the text.
func (s *session) recordScreen(sums []vault.Summary, id string) screen {
	a := s.a
	back := func() tea.Cmd { return s.show(s.recordsScreen(sums, id)) }
	r, err := s.v.GetRecord(id)
	if err == nil {
		err = s.v.LogView(id)
	}
	var body string
	if err == nil {
		body, err = a.RecordText(s.v, r, true)
	}
	if err != nil {
		return s.text(a.tr("session.record_2"), a.explainShort(err), back)
	}
	// Sensitive answers stay hidden until the worker asks for them: others
	// may see the screen.
	t := s.text(a.trf("session.record", ShortID(id)), body, back)
	t.reveal = func(show bool) string {
		text, err := a.RecordText(s.v, r, !show)
		if err != nil {
			return a.explainShort(err)
		}
		return text
	}
	return t
}
