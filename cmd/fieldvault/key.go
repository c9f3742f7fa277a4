package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

func newKeyCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Emergency access to bundles without fieldvault",
	}
	var out string
	export := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write this vault's age identity, protected by a passphrase",
		Long: `Write this vault's age identity into FILE, encrypted with a new passphrase
(asked twice, or FIELDVAULT_NEW_PASSPHRASE_FILE / FIELDVAULT_NEW_PASSPHRASE).
With it, the stock age CLI opens any bundle sent to this vault:

  age -d -i FILE BUNDLE | tar x

Keep it offline and apart from the passphrase; anyone with both can read
every bundle ever sent to this vault.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				return usageErr("key export needs --out FILE")
			}
			if _, err := os.Lstat(out); err == nil {
				return fmt.Errorf("%s already exists; choose a new file", out)
			}
			wf, err := a.workFactor()
			if err != nil {
				return err
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				p, err := a.newPassphrase(newSource(), "Passphrase for the identity file")
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
					return fmt.Errorf("cannot write %s: %w", out, err)
				}
				if _, err := f.Write(data); err != nil {
					f.Close()
					os.Remove(out)
					return fmt.Errorf("cannot write %s: %w", out, err)
				}
				if err := f.Close(); err != nil {
					os.Remove(out)
					return fmt.Errorf("cannot write %s: %w", out, err)
				}
				fmt.Fprintf(a.err, "Wrote the vault's identity to %s, encrypted with the passphrase.\n", out)
				return nil
			})
		},
	}
	export.Flags().StringVar(&out, "out", "", "identity `FILE` to write")
	cmd.AddCommand(export)
	return cmd
}
