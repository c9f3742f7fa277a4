package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newShowCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "show ID",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.runShow(args[0], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	return cmd
}

func (a *app) runShow(idArg string, asJSON bool) error {
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		id, err := v.ResolveID(idArg)
		if err != nil {
			return err
		}
		r, err := v.GetRecord(id)
		if err != nil {
			return err
		}
		if err := v.LogView(id); err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		text, err := a.recordText(v, r, false)
		if err != nil {
			return err
		}
		fmt.Fprint(a.out, text)
		return nil
	})
}

// recordText is one record as people read it: its bookkeeping, then its
// answers with the questions they answer; with mask, sensitive answers
// hidden.
func (a *app) recordText(v *vault.Vault, r *vault.Record, mask bool) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %s\n", a.tr("session.record_2"), r.ID)
	fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.status"), a.trf("show.version", a.status(string(r.Status)), r.Version))
	if r.Schema.ID != "" {
		fmt.Fprintf(&b, "%-10s %s %s\n", a.tr("show.form"), r.Schema.ID, r.Schema.Version)
	}
	fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.created"), a.trf("show.by", r.Created.Local().Format(time.DateTime), session.Dash(r.Worker)))
	if r.Source != "" {
		from := r.Source
		if cs, err := v.Contacts(); err == nil {
			for _, c := range cs {
				if c.ID == r.Source {
					from = c.Name
				}
			}
		}
		fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.from"), from)
	}
	fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.updated"), r.Updated.Local().Format(time.DateTime))
	if r.Source == "" && (r.Status == vault.StatusComplete || r.Status == vault.StatusDelivered) && len(r.Share) > 0 {
		if book, err := sync.NewDeliveryBook(v); err == nil {
			var parts []string
			for _, d := range book.Of(r.ID, r.Version, r.Share) {
				name := d.Partner
				if name == "" {
					name = a.tr("show.a_removed_contact")
				}
				state := a.tr("show.waiting")
				switch {
				case d.Delivered:
					state = a.tr("show.confirmed")
				case d.Confirmed > 0:
					state = a.trf("show.confirmed_version", d.Confirmed)
				}
				parts = append(parts, name+": "+state)
			}
			fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.partners"), strings.Join(parts, "; "))
		}
	}
	if r.Triage != "" {
		fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.triage"), a.triage(r.Triage))
	}
	for i, line := range a.caseLines(v, r.ID) {
		label := ""
		if i == 0 {
			label = a.tr("show.case")
		}
		fmt.Fprintf(&b, "%-10s %s\n", label, line)
	}
	for i, line := range a.timeline(v, r) {
		label := ""
		if i == 0 {
			label = a.tr("show.timeline")
		}
		fmt.Fprintf(&b, "%-10s %s\n", label, line)
	}
	if len(r.Body) == 0 {
		return b.String(), nil
	}
	body, err := intake.ParseBody(r.Body)
	if err != nil {
		return "", errorf("show.unreadable", r.ID, vault.ErrCorrupt)
	}
	// The record is shown with the questionnaire it was taken with, even if
	// fieldvault has a newer one now.
	var s *schema.Schema
	if src, err := v.Schema(r.Schema.Hash); err == nil {
		s, _ = schema.Parse(src)
	}
	if s == nil {
		// Without its questionnaire the record is still readable as data.
		var buf bytes.Buffer
		json.Indent(&buf, r.Body, "", "  ")
		fmt.Fprintf(&b, "\n%s\n", buf.Bytes())
		return b.String(), nil
	}
	if c := body.Consent; c != nil {
		fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.consent"), a.trf("show.consent_by", c.Time.Local().Format("2006-01-02 15:04"), c.Lang, c.Worker, c.ScriptHash))
		if c.Declined != "" {
			fmt.Fprintf(&b, "%-10s %s\n", "", a.trf("show.declined_at", c.Declined))
		}
	}
	if body.Triage != nil && len(body.Triage.Reasons) > 0 {
		// The reasons were written in the interview's language when it
		// was triaged, and are shown as they were written.
		fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.reasons"), strings.Join(body.Triage.Reasons, "; "))
	}
	// Questions in the interface language when the questionnaire has it;
	// the answers are as they were given.
	lang := r.Lang
	if s.HasLanguage(a.lang()) {
		lang = a.lang()
	}
	fmt.Fprintf(&b, "%-10s %s\n", a.tr("show.interview_lang"), r.Lang)
	b.WriteString(intake.Render(s, body, lang, mask))
	return b.String(), nil
}
