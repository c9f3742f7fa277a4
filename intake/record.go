package intake

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// Body is what an intake record holds, as JSON inside the vault record.
type Body struct {
	Answers    map[string]any `json:"answers,omitempty"`
	Skipped    []string       `json:"skipped,omitempty"`
	Consent    *Consent       `json:"consent"`
	Triage     *Triage        `json:"triage,omitempty"`
	EndedEarly bool           `json:"ended_early,omitempty"`
	// Draft holds where an unfinished interview stands.
	Draft *Draft `json:"draft,omitempty"`
}

// Draft is the part of the engine state only an unfinished interview needs.
type Draft struct {
	Page    int   `json:"page"`
	History []int `json:"history,omitempty"`
	// Held are answers typed on that page before the interview was locked
	// or left; see State.Held.
	Held map[string]any `json:"held,omitempty"`
}

// ParseBody decodes a record body.
func ParseBody(raw json.RawMessage) (*Body, error) {
	var b Body
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("record body: %w", err)
	}
	return &b, nil
}

// Record turns the interview into a vault record. A declined consent keeps
// the consent decision and nothing else: no answers, no triage. An
// unfinished interview becomes a draft.
func (e *Engine) Record(id string) (*vault.Record, error) {
	r := &vault.Record{
		ID:     id,
		Schema: vault.SchemaRef{ID: e.s.ID, Version: e.s.Version, Hash: e.s.Hash},
		Lang:   e.opts.Lang,
		Worker: e.opts.Worker,
	}
	var b Body
	switch {
	case e.Consented():
		b.Answers, b.Skipped, b.Consent = e.st.Answers, e.st.Skipped, e.st.Consent
		t := e.Triage()
		b.Triage, r.Triage = &t, t.Level
		b.EndedEarly = e.st.Stopped
		r.Share, _ = e.st.Answers[QShare].([]string)
		r.Status = vault.StatusComplete
		if !e.st.Done {
			r.Status = vault.StatusDraft
			b.Draft = &Draft{Page: e.st.Page, History: e.st.History, Held: e.st.Held}
		}
	case e.st.Done:
		// Refused, or stopped before consent was complete: keep the
		// decision and nothing personal.
		c := Consent{
			Time:       e.opts.Now().UTC(),
			Lang:       e.opts.Lang,
			Worker:     e.opts.Worker,
			ScriptHash: e.s.ScriptHash(e.opts.Lang),
			Declined:   "stopped",
		}
		if e.st.Consent != nil {
			c = *e.st.Consent
			if c.Declined == "" {
				c.Declined = "stopped"
			}
		}
		r.Status, b.Consent = vault.StatusDeclined, &c
	default:
		return nil, ErrNoConsent
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	r.Body = raw
	return r, nil
}

// ErrNoConsent is returned when asked to store an interview whose consent
// questions are not yet answered: before consent, nothing may be stored.
var ErrNoConsent = errors.New("consent has not been given yet, so nothing may be stored")

// Resume rebuilds an engine from a draft record and the questionnaire it
// was started with.
func Resume(s *schema.Schema, r *vault.Record, opts Options) (*Engine, error) {
	if r.Status != vault.StatusDraft {
		return nil, fmt.Errorf("record %s is %s, not a draft: there is nothing to resume", r.ID, r.Status)
	}
	b, err := ParseBody(r.Body)
	if err != nil {
		return nil, err
	}
	if b.Draft == nil {
		return nil, fmt.Errorf("draft %s does not say where the interview stopped", r.ID)
	}
	opts.Lang = r.Lang
	return Restore(s, State{
		Answers: b.Answers,
		Skipped: b.Skipped,
		Consent: b.Consent,
		Page:    b.Draft.Page,
		History: b.Draft.History,
		Held:    b.Draft.Held,
	}, opts)
}

// Summary is the plain text the worker reads back to the person at the end:
// urgency, needs, agreed referrals and who may see the record.
func (e *Engine) Summary() string {
	lang := e.opts.Lang
	var sb strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&sb, format+"\n", args...) }
	if e.Declined() || !e.Consented() {
		if e.st.Stopped && e.st.Consent == nil {
			line("%s", text(lang, msgStopped))
		}
		line("%s", text(lang, msgDeclined))
		return sb.String()
	}
	line("%s", text(lang, msgSummaryTitle))
	line("")
	t := e.Triage()
	triage := fmt.Sprintf(text(lang, msgSummaryTriage), levelName(lang, t.Level))
	if len(t.Reasons) > 0 {
		triage += " — " + strings.Join(t.Reasons, "; ")
	}
	line("%s", triage)
	needs := Needs(e.s, e.st.Answers, lang)
	if len(needs) == 0 {
		line("%s", text(lang, msgSummaryNoNeeds))
	} else {
		line("%s", text(lang, msgSummaryNeeds))
		for _, n := range needs {
			line("  - %s", n)
		}
	}
	if q, ok := e.s.Question(QReferral); ok {
		if vals, ok := e.st.Answers[QReferral].([]string); ok && len(vals) > 0 {
			var labels []string
			for _, v := range vals {
				o, _ := q.Option(v)
				labels = append(labels, o.Label.In(lang))
			}
			line(text(lang, msgSummaryReferrals), strings.Join(labels, ", "))
		}
	}
	if _, ok := e.s.Question(QShare); ok {
		if names, _ := e.st.Answers[QShare].([]string); len(names) > 0 {
			line(text(lang, msgSummaryShare), strings.Join(names, ", "))
		} else {
			line("%s", text(lang, msgSummaryShareNone))
		}
	}
	if v, ok := e.st.Answers[QFollowup].(bool); ok {
		yn := text(lang, msgNo)
		if v {
			yn = text(lang, msgYes)
		}
		line(text(lang, msgSummaryFollowup), strings.ToLower(yn))
	}
	if e.st.Stopped {
		line("%s", text(lang, msgSummaryEndedEarly))
	}
	return sb.String()
}

// Needs lists, in lang, the needs the answers show: every question with a
// need answered yes (or, for other types, answered at all), once each.
func Needs(s *schema.Schema, answers map[string]any, lang string) []string {
	var needs []string
	for _, p := range s.Pages {
		for _, q := range p.Questions {
			v, ok := answers[q.ID]
			if q.Need == nil || !ok || v == false {
				continue
			}
			if need := q.Need.In(lang); !slices.Contains(needs, need) {
				needs = append(needs, need)
			}
		}
	}
	return needs
}
