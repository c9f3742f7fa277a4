package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newCaseCmd(a *app) *cobra.Command {
	var set string
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "case ID",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if set != "" && !slices.Contains(sync.CaseStatuses, set) {
				return usageErr("case.bad_status", set)
			}
			opts := vault.Options{ReadOnly: set == ""}
			return a.withVault(opts, func(v *vault.Vault) error {
				id, err := v.ResolveID(args[0])
				if err != nil {
					return err
				}
				if set != "" {
					root, err := sync.SetCaseStatus(v, id, set, a.now())
					if err != nil {
						return err
					}
					fmt.Fprintln(a.err, a.tr("case.set", root[:8], a.tr("casestatus."+set)))
					return nil
				}
				states, err := sync.CaseStatus(v, id)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(orNone(states))
				}
				if len(states) == 0 {
					fmt.Fprintln(a.err, a.tr("case.none"))
					return nil
				}
				tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, a.tr("case.header"))
				for _, s := range states {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", a.caseHolder(s), a.tr("casestatus."+s.Status), session.Day(s.At))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&set, "set", "", "")
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	cmd.RegisterFlagCompletionFunc("set", cobra.FixedCompletions(sync.CaseStatuses, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// caseHolder names the organisation a case status is of.
func (a *app) caseHolder(s sync.CaseState) string {
	if s.By == "" {
		return a.tr("case.this_vault")
	}
	return s.By
}

// caseLines are the case statuses of a record's person, for the timeline.
func (a *app) caseLines(v *vault.Vault, id string) []string {
	states, err := sync.CaseStatus(v, id)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range states {
		out = append(out, strings.TrimSpace(a.tr("case.line", a.caseHolder(s), a.tr("casestatus."+s.Status), session.Day(s.At))))
	}
	return out
}
