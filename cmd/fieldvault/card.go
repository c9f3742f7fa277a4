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
		Use:   "card",
		Short: "Print this vault's contact card, to give to a partner",
		Long: `Print this vault's contact card: one line with the vault's name, the key
partners encrypt to, and the key that signs what it sends. Give it to a
partner in person or on USB; they add it with 'fieldvault contact add'. Read
the fingerprint aloud to each other to check that it arrived unaltered.`,
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
				fmt.Fprintf(a.err, "Fingerprint: %s\n", card.Fingerprint())
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
