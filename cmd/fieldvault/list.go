package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

func newListCmd(a *app) *cobra.Command {
	var status string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the records in the vault, newest first",
		Long: `List the records in the vault, newest first: ID, status, the day it was
created, triage level and questionnaire. No answers are shown; use
'fieldvault show ID' for one record.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if status != "" && !vault.Status(status).Valid() {
				return usageErr("--status must be draft, complete, declined or delivered, not %q", status)
			}
			return a.runList(vault.Status(status), asJSON)
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only records with this `status`: draft, complete, declined or delivered")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{"draft", "complete", "declined", "delivered"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (a *app) runList(status vault.Status, asJSON bool) error {
	return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
		all, err := v.Summaries()
		if err != nil {
			return err
		}
		sums := all[:0]
		for _, s := range all {
			if status == "" || s.Status == status {
				sums = append(sums, s)
			}
		}
		if asJSON {
			type item struct {
				ID      string `json:"id"`
				Version int    `json:"version"`
				Status  string `json:"status"`
				Created string `json:"created"`
				Triage  string `json:"triage,omitempty"`
				Schema  string `json:"schema,omitempty"`
			}
			items := make([]item, len(sums))
			for i, s := range sums {
				items[i] = item{s.ID, s.Version, string(s.Status), s.Created, s.Triage, s.Schema}
			}
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			return enc.Encode(items)
		}
		if len(sums) == 0 {
			fmt.Fprintln(a.err, "No records.")
			return nil
		}
		tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tCREATED\tTRIAGE\tQUESTIONNAIRE")
		for _, s := range sums {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Status, s.Created, dash(s.Triage), dash(s.Schema))
		}
		return tw.Flush()
	})
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
