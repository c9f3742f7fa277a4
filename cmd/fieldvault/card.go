package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newCardCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "card",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
				card, err := sync.OwnCard(v)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(map[string]string{"card": card.String(), "name": card.Name, "fingerprint": card.Fingerprint()})
				}
				fmt.Fprintln(a.out, card.String())
				fmt.Fprintf(a.err, "%s: %s\n", a.tr("card.fingerprint"), card.Fingerprint())
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	return cmd
}
