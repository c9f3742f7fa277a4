package main

import (
	"slices"
	"time"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

// timeline is a person's records and referrals in the order they happened,
// as one line each, shown with any of their records: the first interview,
// every follow-up, every referral and where it stands. Nil when the person
// has nothing but r.
func (a *app) timeline(v *vault.Vault, r *vault.Record) []string {
	root := r.ID
	if r.Follows != "" {
		root = r.Follows
	}
	type event struct {
		at   time.Time
		text string
	}
	var events []event
	sums, err := v.Summaries()
	if err != nil {
		return nil
	}
	mine := map[string]bool{}
	for _, s := range sums {
		if s.ID != root && s.Follows != root {
			continue
		}
		mine[s.ID] = true
		at := time.UnixMicro(s.Born)
		if s.Born == 0 {
			at, _ = time.Parse(time.DateOnly, s.Created)
		}
		kind := "timeline.followup"
		if s.ID == root {
			kind = "timeline.first"
		}
		text := a.tr(kind, s.ID[:8], a.status(string(s.Status)))
		if s.ID == r.ID {
			text += " " + a.tr("timeline.this")
		}
		events = append(events, event{at, text})
	}
	refs, err := sync.Referrals(v, a.now())
	if err != nil {
		return nil
	}
	for _, x := range refs {
		if !mine[x.Record] {
			continue
		}
		way := a.tr("referrals.to", x.Contact)
		if !x.Outgoing {
			way = a.tr("referrals.from", x.Contact)
		}
		events = append(events, event{x.Sent, a.tr("timeline.referral", x.ID[:8], way, x.Service.ID, a.tr("referral.state_"+string(x.State)))})
	}
	if len(events) < 2 {
		return nil
	}
	slices.SortStableFunc(events, func(p, q event) int { return p.at.Compare(q.at) })
	lines := make([]string, len(events))
	for i, e := range events {
		lines[i] = e.at.Local().Format("2006-01-02") + "  " + e.text
	}
	return lines
}
