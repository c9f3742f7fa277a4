package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/vault"
)

func newWipeCmd(a *app) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:  "wipe",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !yes && !a.inTTY {
				return usageErr("wipe.needs_terminal")
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				return a.runWipe(v, yes)
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "")
	return cmd
}

func (a *app) runWipe(v *vault.Vault, yes bool) error {
	info, err := v.Info()
	if err != nil {
		return err
	}
	n, err := v.Unconfirmed()
	if err != nil {
		return err
	}
	if n > 0 {
		a.warn(a.trn("session.records_this_vault_have", n, n))
	}
	if !yes {
		name := session.WipeWord(info)
		fmt.Fprint(a.err, a.trf("wipe.to_destroy_this_vault", name))
		line, err := readLine(a.in)
		if err != nil {
			return errCancelled
		}
		if strings.TrimSpace(line) != name {
			return usageErr("session.the_name_did_not")
		}
	}
	path := v.Path()
	if err := v.Erase(); err != nil {
		return err
	}
	fmt.Fprintln(a.err, a.trf("session.wiped_vault_at_no", path))
	return nil
}
