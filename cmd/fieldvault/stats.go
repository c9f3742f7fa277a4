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
		Use:  "stats",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !slices.Contains([]string{"text", "csv", "json", "html"}, format) {
				return usageErr("stats.bad_format", format)
			}
			if k < stats.MinK {
				return usageErr("stats.bad_k", stats.MinK, k)
			}
			if out != "" {
				if _, err := os.Lstat(out); err == nil {
					return usageErr("usage.file_exists", out)
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
	cmd.Flags().StringVar(&format, "format", "text", "")
	cmd.Flags().StringVar(&out, "out", "", "")
	cmd.Flags().IntVar(&k, "k", stats.DefaultK, "")
	return cmd
}
