package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

type initOptions struct {
	name   string
	worker string
}

func newInitCmd(a *app) *cobra.Command {
	var opts initOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a vault and set its first passphrase",
		Long: `Create an encrypted vault on this laptop and set its first passphrase.

The passphrase is asked twice in a terminal. Without one, it comes from
FIELDVAULT_NEW_PASSPHRASE_FILE, FIELDVAULT_PASSPHRASE_FILE (or
--passphrase-file), or FIELDVAULT_PASSPHRASE. It needs at least 10 characters.
Nobody can recover a vault whose passphrases are all forgotten.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runInit(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.name, "name", "", "name partners will see on this vault's contact card")
	cmd.Flags().StringVar(&opts.worker, "worker", "", "your name or initials, recorded in the audit log")
	return cmd
}

func (a *app) runInit(_ context.Context, opts initOptions) error {
	path, err := a.vaultPath()
	if err != nil {
		return err
	}
	wf, err := a.workFactor()
	if err != nil {
		return err
	}
	// Refuse before asking for a passphrase; Create checks again.
	if _, err := os.Lstat(path); err == nil {
		return vault.ErrExists
	}
	if opts.worker == "" && a.inTTY {
		fmt.Fprint(a.err, "Your name or initials, for the audit log: ")
		line, err := readLine(a.in)
		if err != nil {
			return errCancelled
		}
		opts.worker = strings.TrimSpace(line)
	}
	src := passphraseSource{"", "FIELDVAULT_NEW_PASSPHRASE_FILE", "FIELDVAULT_NEW_PASSPHRASE"}
	if p, err := a.readFrom(src); err != nil {
		return err
	} else if p == nil {
		src = a.currentSource()
	}
	p, err := a.newPassphrase(src, "New passphrase")
	if err != nil {
		return err
	}
	defer clear(p)
	name := opts.name
	if name == "" {
		name = "fieldvault"
	}
	v, err := vault.Create(path, p, vault.CreateOptions{Name: name, Worker: opts.worker, WorkFactor: wf})
	if err != nil {
		return err
	}
	defer v.Close()
	fmt.Fprintf(a.err, "Created an encrypted vault at %s\n", path)
	fmt.Fprintln(a.err, "Keep the passphrase safe: without it nobody, not even fieldvault's makers, can open the vault.")
	return nil
}
