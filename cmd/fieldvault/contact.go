package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newContactCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contact",
		Short: "Add, list and remove the partners this vault exchanges bundles with",
	}
	var file string
	add := &cobra.Command{
		Use:   "add [CARD]",
		Short: "Add a partner from their contact card",
		Long: `Add a partner from the contact card they gave you ('fieldvault card' on
their side), as an argument in quotes or from a file with --file. Check the
fingerprint it prints with them before you send them anything.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			line := strings.Join(args, " ")
			if file != "" {
				if line != "" {
					return usageErr("give the card as an argument or with --file, not both")
				}
				data, err := os.ReadFile(file)
				if err != nil {
					return fmt.Errorf("cannot read the card file: %w", err)
				}
				line = string(data)
			}
			if strings.TrimSpace(line) == "" {
				return usageErr("give a contact card, or --file FILE")
			}
			card, err := partnerCard(line)
			if err != nil {
				return err
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				c, err := addPartner(v, card)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.err, "Added %s. Fingerprint: %s\n", c.Name, card.Fingerprint())
				fmt.Fprintln(a.err, "Check the fingerprint with them before sending anything.")
				return nil
			})
		},
	}
	add.Flags().StringVar(&file, "file", "", "read the card from `FILE`")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the partners",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
				cs, err := v.Contacts()
				if err != nil {
					return err
				}
				type item struct {
					Name        string    `json:"name"`
					Fingerprint string    `json:"fingerprint"`
					Card        string    `json:"card"`
					Added       time.Time `json:"added"`
				}
				items := []item{}
				for _, c := range cs {
					card := sync.Card{Name: c.Name, Recipient: c.Recipient, SigningKey: c.SigningKey}
					items = append(items, item{c.Name, card.Fingerprint(), card.String(), c.Added})
				}
				if asJSON {
					return a.printJSON(items)
				}
				if len(items) == 0 {
					fmt.Fprintln(a.err, "No contacts. Add a partner with 'fieldvault contact add CARD'.")
					return nil
				}
				tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tFINGERPRINT\tADDED")
				for _, it := range items {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Name, it.Fingerprint, it.Added.Local().Format(time.DateOnly))
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a partner",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				if err := v.RemoveContact(args[0]); err != nil {
					return err
				}
				fmt.Fprintf(a.err, "Removed %s.\n", args[0])
				return nil
			})
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}

// partnerCard reads a partner's contact card, as typed, pasted or read
// from a file.
func partnerCard(line string) (sync.Card, error) {
	card, err := sync.ParseCard(line)
	if err != nil {
		return card, withHint(err, "copy the whole line that 'fieldvault card' prints on the partner's laptop")
	}
	return card, nil
}

// addPartner stores a partner's card as a contact; this vault's own card
// is refused.
func addPartner(v *vault.Vault, card sync.Card) (*vault.Contact, error) {
	own, err := sync.OwnCard(v)
	if err != nil {
		return nil, err
	}
	if own.Recipient == card.Recipient {
		return nil, errors.New("that is this vault's own card")
	}
	c := &vault.Contact{Name: card.Name, Recipient: card.Recipient, SigningKey: card.SigningKey}
	return c, v.AddContact(c)
}
