package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

func newKeyCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use: "key",
	}
	var out string
	export := &cobra.Command{
		Use:  "export --out FILE",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				return usageErr("key.needs_out")
			}
			if _, err := os.Lstat(out); err == nil {
				return usageErr("usage.file_exists", out)
			}
			wf, err := a.workFactor()
			if err != nil {
				return err
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				p, err := a.newPassphrase(newSource(), a.tr("key.passphrase_prompt"))
				if err != nil {
					return err
				}
				defer clear(p)
				data, err := v.ExportIdentity(p, wf)
				if err != nil {
					return err
				}
				f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					return errorf("errors.cannot_write", out, err)
				}
				if _, err := f.Write(data); err != nil {
					f.Close()
					os.Remove(out)
					return errorf("errors.cannot_write", out, err)
				}
				if err := f.Close(); err != nil {
					os.Remove(out)
					return errorf("errors.cannot_write", out, err)
				}
				fmt.Fprintln(a.err, a.tr("key.wrote", out))
				return nil
			})
		},
	}
	export.Flags().StringVar(&out, "out", "", "")
	cmd.AddCommand(export)
	return cmd
}
