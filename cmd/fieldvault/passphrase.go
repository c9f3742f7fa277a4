package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

func newPassphraseCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "passphrase",
		Short: "Add, change, list or remove the passphrases that unlock the vault",
		Long: `Each worker can unlock the vault with a passphrase of their own. Unlocking
takes the current passphrase (asked, or FIELDVAULT_PASSPHRASE_FILE,
--passphrase-file, FIELDVAULT_PASSPHRASE); the new one is asked twice, or
comes from FIELDVAULT_NEW_PASSPHRASE_FILE or FIELDVAULT_NEW_PASSPHRASE.`,
	}
	var worker string
	var duress bool
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a passphrase for another worker, or a duress passphrase",
		Long: `Add a passphrase for another worker.

With --duress, the new passphrase is a duress passphrase for the worker who
holds it: unlocking with it destroys the vault (as 'fieldvault wipe') and
opens, in its place, a new and empty vault with the same name and settings.
Nothing on screen, in the exit code or in how long it takes tells it apart
from a real unlock. It must differ from every passphrase that opens the
vault.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.runPassphraseAdd(worker, duress)
		},
	}
	add.Flags().StringVar(&worker, "worker", "", "name or initials of the worker who will hold it")
	add.Flags().BoolVar(&duress, "duress", false, "a passphrase that destroys the vault and opens an empty one")
	change := &cobra.Command{
		Use:   "change",
		Short: "Change the passphrase you unlock with",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.runPassphraseChange()
		},
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List who holds a passphrase",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.runPassphraseList(asJSON)
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	remove := &cobra.Command{
		Use:   "remove WORKER|ID",
		Short: "Remove a worker's passphrase, by name or ID (see 'passphrase list')",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.runPassphraseRemove(args[0])
		},
	}
	cmd.AddCommand(add, change, list, remove)
	return cmd
}

func newSource() passphraseSource {
	return passphraseSource{"", "FIELDVAULT_NEW_PASSPHRASE_FILE", "FIELDVAULT_NEW_PASSPHRASE"}
}

func (a *app) runPassphraseAdd(worker string, duress bool) error {
	wf, err := a.workFactor()
	if err != nil {
		return err
	}
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		if worker == "" && a.inTTY {
			fmt.Fprint(a.err, "Name or initials of the worker who will hold the new passphrase: ")
			line, err := readLine(a.in)
			if err != nil {
				return errCancelled
			}
			worker = strings.TrimSpace(line)
		}
		prompt := "New passphrase"
		if duress {
			prompt = a.tr("Duress passphrase")
		}
		p, err := a.newPassphrase(newSource(), prompt)
		if err != nil {
			return err
		}
		defer clear(p)
		if duress {
			if err := v.AddDuressPassphrase(worker, p, wf); err != nil {
				return err
			}
			fmt.Fprintln(a.err, a.tr("Added a duress passphrase. Unlocking with it destroys this vault and opens an empty one in its place."))
			return nil
		}
		if err := v.AddPassphrase(worker, p, wf); err != nil {
			return err
		}
		fmt.Fprintln(a.err, "Added a passphrase. Either passphrase now unlocks the vault.")
		return nil
	})
}

func (a *app) runPassphraseChange() error {
	wf, err := a.workFactor()
	if err != nil {
		return err
	}
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		p, err := a.newPassphrase(newSource(), "New passphrase")
		if err != nil {
			return err
		}
		defer clear(p)
		res, err := v.ChangePassphrase(p, wf)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.err, a.tr("Changed the passphrase. The old one no longer unlocks the vault."))
		a.rekeyed(res)
		return nil
	})
}

func (a *app) runPassphraseList(asJSON bool) error {
	return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
		slots, err := v.Passphrases()
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			return enc.Encode(slots)
		}
		tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tWORKER\t")
		for _, s := range slots {
			mark := ""
			if s.Current {
				mark = "(you)"
			}
			if s.Duress {
				mark = a.tr("(duress: destroys the vault)")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.ID, s.Worker, mark)
		}
		return tw.Flush()
	})
}

func (a *app) runPassphraseRemove(id string) error {
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		res, err := v.RemovePassphrase(id)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.err, a.tr("Removed the passphrase."))
		a.rekeyed(res)
		return nil
	})
}

// rekeyed says what changing the master key did, or why it was not changed.
func (a *app) rekeyed(res vault.Rekeyed) {
	if len(res.NotRotated) > 0 {
		a.warn(a.tr("the master key was not changed, because the passphrases of %s were made by an older fieldvault: an older copy of the vault file still opens with the old passphrase. Ask them to unlock the vault once, then change your passphrase again"),
			strings.Join(res.NotRotated, ", "))
		return
	}
	fmt.Fprintln(a.err, a.trf("Changed the master key. Records and drafts encrypted again: %d; other values sealed again: %d; passphrases that open the vault: %d. Older copies of the vault file open nothing written from now on.",
		res.Records, res.Values, res.Passphrases))
}
