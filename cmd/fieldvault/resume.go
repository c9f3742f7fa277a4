package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/vault"
)

func newResumeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:  "resume ID",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.needTerminal("hint.accessible"); err != nil {
				return err
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				id, err := v.ResolveID(args[0])
				if err != nil {
					return err
				}
				sess, err := intake.Continue(v, id)
				if err != nil {
					return err
				}
				n, total := sess.Engine.Progress()
				fmt.Fprintln(a.err, a.tr("resume.continuing", id, n, total))
				return a.interview(cmd.Context(), sess)
			})
		},
	}
}
