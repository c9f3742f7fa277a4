package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newExportCmd(a *app) *cobra.Command {
	var to, out string
	var all bool
	cmd := &cobra.Command{
		Use:   "export --to NAME --out DIR",
		Short: "Write a sealed bundle for a partner, for example onto a USB stick",
		Long: `Write one sealed bundle for a partner into DIR: the records whose sharing
consent names that partner and that it has not been sent yet (--all for
every one), and notices of withdrawn consent. Only that partner can open it,
and it proves it came from this vault. Drafts and refusals never leave.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if to == "" || out == "" {
				return usageErr("export needs --to NAME and --out DIR")
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				p := a.progress("Exporting")
				res, err := sync.Export(v, to, out, sync.ExportOptions{All: all, Progress: p.update})
				p.done()
				if errors.Is(err, sync.ErrNothingToExport) {
					fmt.Fprintf(a.err, "Nothing new to send to %s.\n", to)
					return nil
				}
				if err != nil {
					return err
				}
				m := res.Manifest
				fmt.Fprintln(a.out, res.Path)
				fmt.Fprintf(a.err, "Wrote bundle %d for %s: %d %s, %d withdrawal %s.\n", m.Seq, res.Contact,
					len(m.Records), plural(len(m.Records), "record", "records"), len(m.Withdrawals), plural(len(m.Withdrawals), "notice", "notices"))
				if res.NotShared > 0 {
					fmt.Fprintf(a.err, "%d %s not included: the person did not agree to share with %s.\n",
						res.NotShared, plural(res.NotShared, "record was", "records were"), res.Contact)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the partner (contact `NAME`)")
	cmd.Flags().StringVar(&out, "out", "", "folder to write the bundle into (`DIR`)")
	cmd.Flags().BoolVar(&all, "all", false, "send every record the partner may have, not only new ones")
	return cmd
}
