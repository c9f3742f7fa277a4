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
		Use:  "init",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runInit(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.name, "name", "", "")
	cmd.Flags().StringVar(&opts.worker, "worker", "", "")
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
		fmt.Fprint(a.err, a.tr("session.your_name_initials_audit")+": ")
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
	p, err := a.newPassphrase(src, a.tr("init.new_passphrase"))
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
	fmt.Fprintln(a.err, a.tr("init.created", path))
	fmt.Fprintln(a.err, a.tr("init.keep_safe"))
	return nil
}
