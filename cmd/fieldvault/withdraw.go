package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newWithdrawCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:  "withdraw ID",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				id, err := v.ResolveID(args[0])
				if err != nil {
					return err
				}
				names, err := sync.Withdraw(v, id)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.tr("withdraw.deleted", id))
				if len(names) > 0 {
					fmt.Fprintln(a.err, a.tr("withdraw.notice", strings.Join(names, ", ")))
				}
				return nil
			})
		},
	}
}

func newPurgeCmd(a *app) *cobra.Command {
	var delivered bool
	var olderThan string
	cmd := &cobra.Command{
		Use:  "purge --delivered [--older-than DURATION]",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !delivered {
				return usageErr("purge.needs_delivered")
			}
			age, err := parseAge(olderThan)
			if err != nil {
				return err
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				n, err := sync.Purge(v, age)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.trn("purge.deleted", n, n))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&delivered, "delivered", false, "")
	cmd.Flags().StringVar(&olderThan, "older-than", "", "")
	return cmd
}

// parseAge reads a duration that may be given in days.
func parseAge(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err == nil && n >= 0 && fmt.Sprint(n) == d {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, usageErr("purge.bad_older_than", s)
}
