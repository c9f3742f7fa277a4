package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/intake/services"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/sync/referral"
)

// Referrals: the list, one referral and what this vault may do with it,
// and the services suggested at the end of an interview.

// openReferrals counts the referrals not yet over, for the home screen.
func (s *session) openReferrals() int {
	all, err := sync.Referrals(s.v, time.Now())
	if err != nil {
		return 0
	}
	n := 0
	for _, r := range all {
		if !r.State.Final() {
			n++
		}
	}
	return n
}

// referralLine is one referral as a list shows it.
func referralLine(a voice, r *sync.Referral) string {
	way := a.trf("referrals.to", r.Contact)
	if !r.Outgoing {
		way = a.trf("referrals.from", r.Contact)
	}
	line := ShortID(r.ID) + "  " + way + "  " + r.Service.Name + "  " + a.tr("referral.state_"+string(r.State))
	if r.Overdue {
		line += "  " + a.tr("referrals.overdue")
	}
	return line
}

// referralsScreen lists every referral, sent and received.
func (s *session) referralsScreen(notice string) screen {
	a := s.a
	all, err := sync.Referrals(s.v, time.Now())
	if err != nil {
		return s.text(a.tr("session.referrals_title"), a.explainShort(err), s.goHome)
	}
	if len(all) == 0 {
		return s.text(a.tr("session.referrals_title"), a.tr("session.no_referrals"), s.goHome)
	}
	var opts []huh.Option[string]
	for _, r := range all {
		opts = append(opts, huh.NewOption(referralLine(a, r), r.ID))
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	var id string
	sel := huh.NewSelect[string]().Title(a.tr("session.referrals_title")).Options(opts...).Value(&id)
	return s.form(notice, func() tea.Cmd {
		for _, r := range all {
			if r.ID == id {
				return s.show(s.referralScreen(r))
			}
		}
		return s.goHome()
	}, huh.NewGroup(sel))
}

// referralScreen shows one referral and offers the changes this vault has
// a say over: the receiver accepts, declines and marks done; the sender
// revokes.
func (s *session) referralScreen(r *sync.Referral) screen {
	a := s.a
	var opts []huh.Option[string]
	switch {
	case !r.Outgoing && r.State == referral.Sent:
		opts = append(opts, huh.NewOption(a.tr("session.referral_accept"), string(referral.Accepted)),
			huh.NewOption(a.tr("session.referral_decline"), string(referral.Declined)))
	case !r.Outgoing && r.State == referral.Accepted:
		opts = append(opts, huh.NewOption(a.tr("session.referral_done"), string(referral.Done)))
	case r.Outgoing && !r.State.Final():
		opts = append(opts, huh.NewOption(a.tr("session.referral_revoke"), string(referral.Revoked)))
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	desc := a.trf("session.referral_about", ShortID(r.Record), r.Service.Name, a.tr("priority."+string(r.Priority)), Day(r.Sent))
	if r.Note != "" {
		desc += "\n" + a.trf("session.referral_note", r.Note)
	}
	if r.Text != "" {
		desc += "\n" + a.trf("session.referral_answer", r.Text)
	}
	var next, text string
	sel := huh.NewSelect[string]().Title(referralLine(a, r)).Options(opts...).Value(&next)
	// The reason or the note is asked only for the changes that take one.
	in := huh.NewInput().Title(a.tr("session.referral_text")).Value(&text).CharLimit(500).
		Validate(func(t string) error {
			if next == string(referral.Declined) && strings.TrimSpace(t) == "" {
				return errors.New(a.tr("session.referral_needs_reason"))
			}
			return nil
		})
	groups := []*huh.Group{huh.NewGroup(sel), huh.NewGroup(in).WithHideFunc(func() bool {
		return next != string(referral.Declined) && next != string(referral.Done)
	})}
	return s.form(desc, func() tea.Cmd {
		if next == backValue {
			return s.show(s.referralsScreen(""))
		}
		moved, err := sync.Move(s.v, r.ID, referral.State(next), text, time.Now())
		if err != nil {
			return s.show(s.referralsScreen(a.explainShort(err)))
		}
		return s.show(s.referralsScreen(a.trf("referrals.moved", ShortID(moved.ID), a.tr("referral.state_"+string(moved.State)), moved.Contact)))
	}, groups...)
}

// suggestScreen offers, after an interview, the services that meet a need
// it found among those the person agreed to be referred to; the worker
// picks which, if any, and how urgent. then is where the session goes
// next.
func (s *session) suggestScreen(recordID string, then func() tea.Cmd) (screen, bool) {
	a := s.a
	data, err := s.v.Directory()
	if err != nil {
		return nil, false
	}
	dir, err := services.Decode(data)
	if err != nil {
		return nil, false
	}
	found, err := sync.Suggest(s.v, recordID, dir.Services)
	if err != nil || len(found) == 0 {
		return nil, false
	}
	var opts []huh.Option[string]
	for _, svc := range found {
		opts = append(opts, huh.NewOption(svc.Name+" ("+a.tr("servicetype."+svc.Type)+", "+svc.Organisation+")", svc.ID))
	}
	var picked []string
	priority := string(referral.Normal)
	var popts []huh.Option[string]
	for _, p := range referral.Priorities {
		popts = append(popts, huh.NewOption(a.tr("priority."+string(p)), string(p)))
	}
	multi := huh.NewMultiSelect[string]().Title(a.tr("session.suggest_title")).
		Description(a.tr("session.suggest_help")).Options(opts...).Value(&picked)
	prio := huh.NewSelect[string]().Title(a.tr("session.suggest_priority")).Options(popts...).Value(&priority)
	return s.form(a.trf("session.suggest_head", ShortID(recordID)), func() tea.Cmd {
		made := 0
		for _, id := range picked {
			svc, _ := dir.Find(id)
			if _, err := sync.Refer(s.v, sync.ReferOptions{Record: recordID, Service: svc, Priority: referral.Priority(priority), Now: time.Now()}); err != nil {
				return s.home(a.explainShort(err))
			}
			made++
		}
		if made == 0 {
			return then()
		}
		return s.home(a.trn("session.referrals_made", made, made))
	}, huh.NewGroup(multi), huh.NewGroup(prio).WithHideFunc(func() bool { return len(picked) == 0 })), true
}

// referrals is the accessible home's referrals: a numbered list, then one
// referral and the changes this vault may make to it.
func (h *plainHome) referrals(ctx context.Context) error {
	a := h.a
	all, err := sync.Referrals(h.v, time.Now())
	if err != nil {
		return err
	}
	if len(all) == 0 {
		fmt.Fprintln(h.out, a.tr("session.no_referrals"))
		return nil
	}
	for i, r := range all {
		fmt.Fprintf(h.out, "%d) %s\n", i+1, referralLine(a, r))
	}
	n, err := h.choose(ctx, len(all))
	if err != nil || n == 0 {
		return err
	}
	r := all[n-1]
	fmt.Fprintln(h.out, a.trf("session.referral_about", ShortID(r.Record), r.Service.Name, a.tr("priority."+string(r.Priority)), Day(r.Sent)))
	var moves []referral.State
	switch {
	case !r.Outgoing && r.State == referral.Sent:
		moves = []referral.State{referral.Accepted, referral.Declined}
	case !r.Outgoing && r.State == referral.Accepted:
		moves = []referral.State{referral.Done}
	case r.Outgoing && !r.State.Final():
		moves = []referral.State{referral.Revoked}
	}
	if len(moves) == 0 {
		return nil
	}
	label := map[referral.State]string{referral.Accepted: "session.referral_accept", referral.Declined: "session.referral_decline",
		referral.Done: "session.referral_done", referral.Revoked: "session.referral_revoke"}
	for i, m := range moves {
		fmt.Fprintf(h.out, "%d) %s\n", i+1, a.tr(label[m]))
	}
	if n, err = h.choose(ctx, len(moves)); err != nil || n == 0 {
		return err
	}
	next, text := moves[n-1], ""
	for next == referral.Declined || next == referral.Done {
		if text, err = h.ask(ctx, a.tr("session.referral_text")); err != nil {
			return err
		}
		if text != "" || next == referral.Done {
			break
		}
		fmt.Fprintln(h.out, a.tr("session.referral_needs_reason"))
	}
	moved, err := sync.Move(h.v, r.ID, next, text, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(h.out, a.trf("referrals.moved", ShortID(moved.ID), a.tr("referral.state_"+string(moved.State)), moved.Contact))
	return nil
}
