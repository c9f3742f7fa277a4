package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/intake/cases"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newListCmd(a *app) *cobra.Command {
	var status string
	f := caseFlags{multi: cases.MultiHTCDS}
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "list",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if status != "" && !vault.Status(status).Valid() {
				return usageErr("usage.bad_status", status)
			}
			if _, err := f.selection(nil); err != nil {
				return err
			}
			return a.runList(vault.Status(status), &f, asJSON)
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "")
	cmd.Flags().StringVar(&f.from, "from", "", "")
	cmd.Flags().StringVar(&f.since, "since", "", "")
	cmd.Flags().StringVar(&f.triage, "triage", "", "")
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{"draft", "complete", "declined", "delivered"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (a *app) runList(status vault.Status, f *caseFlags, asJSON bool) error {
	return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
		all, err := v.Summaries()
		if err != nil {
			return err
		}
		sel, err := f.selection(v)
		if err != nil {
			return err
		}
		names := map[string]string{}
		if sel.Source != "" || !asJSON {
			cs, err := v.Contacts()
			if err != nil {
				return err
			}
			for _, c := range cs {
				names[c.ID] = c.Name
			}
		}
		// A list shows drafts too, unlike a case table.
		sel.Statuses = []vault.Status{vault.StatusDraft, vault.StatusComplete, vault.StatusDeclined, vault.StatusDelivered}
		if status != "" {
			sel.Statuses = []vault.Status{status}
		}
		sums := all[:0]
		for _, s := range all {
			if sel.Match(s) {
				sums = append(sums, s)
			}
		}
		book, err := sync.NewDeliveryBook(v)
		if err != nil {
			return err
		}
		// Delivery is per partner: only records this vault created go to
		// partners, and each must reach every partner consent names.
		deliveryOf := func(s vault.Summary) []sync.PartnerDelivery {
			if s.Source != "" || s.Status != vault.StatusComplete && s.Status != vault.StatusDelivered {
				return nil
			}
			return book.Of(s.ID, s.Version, s.Share)
		}
		if asJSON {
			type item struct {
				ID       string                 `json:"id"`
				Version  int                    `json:"version"`
				Status   string                 `json:"status"`
				Created  string                 `json:"created"`
				Triage   string                 `json:"triage,omitempty"`
				Schema   string                 `json:"schema,omitempty"`
				Source   string                 `json:"source,omitempty"`
				Delivery []sync.PartnerDelivery `json:"delivery,omitempty"`
			}
			items := make([]item, len(sums))
			for i, s := range sums {
				items[i] = item{s.ID, s.Version, string(s.Status), s.Created, s.Triage, s.Schema, s.Source, deliveryOf(s)}
			}
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			return enc.Encode(items)
		}
		if len(sums) == 0 {
			fmt.Fprintln(a.err, a.tr("session.no_records"))
			return nil
		}
		tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, a.tr("list.header"))
		for _, s := range sums {
			from := names[s.Source]
			if s.Source != "" && from == "" {
				from = s.Source[:8] // a contact since removed
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, a.status(string(s.Status)), s.Created, session.Dash(a.triage(s.Triage)), session.Dash(s.Schema), session.Dash(from), a.confirmedBy(deliveryOf(s)))
		}
		return tw.Flush()
	})
}

// confirmedBy says how many of the partners a record must reach confirmed
// its current version: "1/2", or "-" for a record that goes to nobody.
func (a *app) confirmedBy(ds []sync.PartnerDelivery) string {
	if len(ds) == 0 {
		return "-"
	}
	return confirmedCount(ds)
}

// confirmedCount is "1/2": partners that confirmed, of those a record goes to.
func confirmedCount(ds []sync.PartnerDelivery) string {
	n := 0
	for _, d := range ds {
		if d.Delivered {
			n++
		}
	}
	return fmt.Sprintf("%d/%d", n, len(ds))
}
