package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

func newWipeCmd(a *app) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "wipe",
		Short: "Destroy the vault for good, in an emergency",
		Long: `Destroy the vault at once: the keys that open it are overwritten in place in
the file, then the file is removed. Afterwards no passphrase opens it, nor any
hard link or copy of it made from now on; a copy made before still opens with
its passphrases. Records no partner has confirmed receiving are lost.

It takes a second or two however large the vault is. You type the vault's
name to confirm; --yes skips that, for scripts.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !yes && !a.inTTY {
				return usageErr("wipe asks you to type the vault's name, and there is no terminal; pass --yes to wipe without asking")
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				return a.runWipe(v, yes)
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "wipe without asking for the vault's name")
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
		a.warn(a.tr("%d records in this vault have not been confirmed by any partner; wiping loses them for good"), n)
	}
	if !yes {
		name := wipeWord(info)
		fmt.Fprint(a.err, a.trf("To destroy this vault for good, type its name (%s): ", name))
		line, err := readLine(a.in)
		if err != nil {
			return errCancelled
		}
		if strings.TrimSpace(line) != name {
			return usageErr("%s", a.tr("the name did not match; nothing was wiped"))
		}
	}
	path := v.Path()
	if err := v.Erase(); err != nil {
		return err
	}
	fmt.Fprintln(a.err, a.trf("Wiped the vault at %s: no passphrase opens it any more.", path))
	return nil
}

// wipeWord is what must be typed to wipe the vault: its name, or "wipe"
// for a vault without one.
func wipeWord(info vault.Info) string {
	if info.Name == "" {
		return "wipe"
	}
	return info.Name
}
