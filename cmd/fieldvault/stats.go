package main

import (
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/intake/stats"
	"github.com/fieldvault/fieldvault/vault"
)

func newStatsCmd(a *app) *cobra.Command {
	var format, out string
	var k int
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count the records for publication, with no number small enough to point at anyone",
		Long: `Count the finished records by need, triage level, age band (CTDC's bands),
gender, consent, referral type agreed to, month and source, as text, CSV,
JSON or a self-contained HTML report (--format html: charts drawn in the
page, nothing loaded from elsewhere, printable).

No published count is below k (default 11, as the Counter Trafficking Data
Collaborative publishes; --k may raise it, and never go below 5). Where a
table's rows add up to its total, more rows are withheld, smallest first,
until the withheld rows add up to at least k, so the total minus the
published rows reveals nothing; a total below k is withheld too.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !slices.Contains([]string{"text", "csv", "json", "html"}, format) {
				return usageErr("--format must be text, csv, json or html, not %q", format)
			}
			if k < stats.MinK {
				return usageErr("--k must be at least %d, not %d: smaller counts can point at a person", stats.MinK, k)
			}
			if out != "" {
				if _, err := os.Lstat(out); err == nil {
					return usageErr("%s already exists; choose another name or remove it first", out)
				}
			}
			return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
				meta, err := a.caseMeta(v)
				if err != nil {
					return err
				}
				rep, err := stats.Compute(v, k, func(s vault.Summary) string { return meta(s).Source })
				if err != nil {
					return err
				}
				write := func(w io.Writer) error {
					switch format {
					case "csv":
						return rep.CSV(w)
					case "json":
						return rep.JSON(w)
					case "html":
						return rep.HTML(w, a.lang())
					}
					return rep.Text(w, a.lang())
				}
				if out == "" {
					return write(a.out)
				}
				if err := writeNewFile(out, write); err != nil {
					return err
				}
				fmt.Fprintln(a.out, out)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, csv, json or html")
	cmd.Flags().StringVar(&out, "out", "", "write to this `FILE` (it must not exist) instead of standard output")
	cmd.Flags().IntVar(&k, "k", stats.DefaultK, "the smallest count shown (at least 5)")
	return cmd
}
