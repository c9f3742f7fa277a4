package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newOutboxCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "outbox",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
				boxes, err := sync.Outboxes(v)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(boxes)
				}
				if len(boxes) == 0 {
					fmt.Fprintln(a.err, a.tr("session.no_partners_yet_add"))
					return nil
				}
				tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, a.tr("outbox.partner_waiting_unconfirmed_withdrawals"))
				for _, o := range boxes {
					last := "-"
					if o.LastSeq > 0 {
						last = fmt.Sprintf("#%d %s", o.LastSeq, session.Day(o.LastSent))
					}
					fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\n", o.Contact, o.Waiting, o.Unconfirmed, o.Withdrawals, o.Referrals, last, session.Day(o.LastReceipt))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	return cmd
}
