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
		Use:  "export --to NAME --out DIR",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if to == "" || out == "" {
				return usageErr("export.needs_to_out")
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				p := a.progress(a.tr("export.exporting"))
				res, err := sync.Export(v, to, out, sync.ExportOptions{All: all, Progress: p.update})
				p.done()
				if errors.Is(err, sync.ErrNothingToExport) {
					fmt.Fprintln(a.err, a.tr("export.nothing_new", to))
					return nil
				}
				if err != nil {
					return err
				}
				m := res.Manifest
				fmt.Fprintln(a.out, res.Path)
				fmt.Fprintln(a.err, a.tr("export.wrote_bundle", m.Seq, res.Contact,
					a.trn("plural.records", len(m.Records), len(m.Records)), a.trn("plural.withdrawal_notices", len(m.Withdrawals), len(m.Withdrawals))))
				if res.Cases > 0 {
					fmt.Fprintln(a.err, a.trn("case.exported", res.Cases, res.Cases))
				}
				if res.Directory {
					fmt.Fprintln(a.err, a.tr("services.exported"))
				}
				if res.Referrals > 0 {
					fmt.Fprintln(a.err, a.trn("referrals.exported", res.Referrals, res.Referrals))
				}
				if res.NotShared > 0 {
					fmt.Fprintln(a.err, a.trn("export.not_shared", res.NotShared, res.NotShared, res.Contact))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "")
	cmd.Flags().StringVar(&out, "out", "", "")
	cmd.Flags().BoolVar(&all, "all", false, "")
	return cmd
}
