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
		Use: "passphrase",
	}
	var worker string
	var duress bool
	add := &cobra.Command{
		Use:  "add",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.runPassphraseAdd(worker, duress)
		},
	}
	add.Flags().StringVar(&worker, "worker", "", "")
	add.Flags().BoolVar(&duress, "duress", false, "")
	change := &cobra.Command{
		Use:  "change",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.runPassphraseChange()
		},
	}
	var asJSON bool
	list := &cobra.Command{
		Use:  "list",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.runPassphraseList(asJSON)
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "")
	remove := &cobra.Command{
		Use:  "remove WORKER|ID",
		Args: cobra.ExactArgs(1),
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
			fmt.Fprint(a.err, a.tr("passphrase.worker_prompt"))
			line, err := readLine(a.in)
			if err != nil {
				return errCancelled
			}
			worker = strings.TrimSpace(line)
		}
		prompt := a.tr("init.new_passphrase")
		if duress {
			prompt = a.tr("passphrase.duress_passphrase")
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
			fmt.Fprintln(a.err, a.tr("passphrase.added_duress_passphrase_unlocking"))
			return nil
		}
		if err := v.AddPassphrase(worker, p, wf); err != nil {
			return err
		}
		fmt.Fprintln(a.err, a.tr("passphrase.added"))
		return nil
	})
}

func (a *app) runPassphraseChange() error {
	wf, err := a.workFactor()
	if err != nil {
		return err
	}
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		p, err := a.newPassphrase(newSource(), a.tr("init.new_passphrase"))
		if err != nil {
			return err
		}
		defer clear(p)
		res, err := v.ChangePassphrase(p, wf)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.err, a.tr("passphrase.changed_passphrase_old_one"))
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
		fmt.Fprintln(tw, a.tr("passphrase.header"))
		for _, s := range slots {
			mark := ""
			if s.Current {
				mark = a.tr("passphrase.you")
			}
			if s.Duress {
				mark = a.tr("passphrase.duress_destroys_vault")
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
		fmt.Fprintln(a.err, a.tr("passphrase.removed_passphrase"))
		a.rekeyed(res)
		return nil
	})
}

// rekeyed says what changing the master key did, or why it was not changed.
func (a *app) rekeyed(res vault.Rekeyed) {
	if len(res.NotRotated) > 0 {
		a.warn(a.tr("passphrase.the_master_key_was", strings.Join(res.NotRotated, ", ")))
		return
	}
	fmt.Fprintln(a.err, a.trf("passphrase.changed_master_key_records",
		res.Records, res.Values, res.Passphrases))
}
