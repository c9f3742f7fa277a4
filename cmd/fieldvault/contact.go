package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newContactCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use: "contact",
	}
	var file string
	add := &cobra.Command{
		Use:  "add [CARD]",
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			line := strings.Join(args, " ")
			if file != "" {
				if line != "" {
					return usageErr("contact.card_twice")
				}
				data, err := os.ReadFile(file)
				if err != nil {
					return errorf("contact.cannot_read_card", err)
				}
				line = string(data)
			}
			if strings.TrimSpace(line) == "" {
				return usageErr("contact.needs_card")
			}
			card, err := session.PartnerCard(line)
			if err != nil {
				return err
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				c, err := session.AddPartner(v, card)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.tr("session.added_fingerprint", c.Name, card.Fingerprint()))
				fmt.Fprintln(a.err, a.tr("contact.check_fingerprint"))
				return nil
			})
		},
	}
	add.Flags().StringVar(&file, "file", "", "")

	var asJSON bool
	list := &cobra.Command{
		Use:  "list",
		Args: cobra.NoArgs,
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
					fmt.Fprintln(a.err, a.tr("contact.none"))
					return nil
				}
				tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, a.tr("contact.header"))
				for _, it := range items {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Name, it.Fingerprint, it.Added.Local().Format(time.DateOnly))
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "")

	remove := &cobra.Command{
		Use:  "remove NAME",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				if err := v.RemoveContact(args[0]); err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.tr("contact.removed", args[0]))
				return nil
			})
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}
