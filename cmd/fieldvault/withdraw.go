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
		Use:   "withdraw ID",
		Short: "Consent was withdrawn: delete a record here and tell the partners",
		Long: `The survivor withdrew consent. The record and its drafts are deleted from
this laptop at once, and the vault is rewritten so nothing of it lingers.
Every partner that was sent the record gets a withdrawal notice in its next
bundle, and confirms the deletion in its receipt.`,
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
				fmt.Fprintf(a.err, "Deleted record %s.\n", id)
				if len(names) > 0 {
					fmt.Fprintf(a.err, "The next bundle to %s will ask them to delete it too.\n", strings.Join(names, ", "))
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
		Use:   "purge --delivered [--older-than DURATION]",
		Short: "Delete local copies that partners have confirmed receiving",
		Long: `Delete the records that partners have confirmed receiving, so that a lost or
seized laptop holds as little as possible. --older-than keeps recent ones:
a number of days (30d), hours (12h) or minutes (90m).`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !delivered {
				return usageErr("purge needs --delivered: only delivered records are purged")
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
				fmt.Fprintf(a.err, "Deleted %d delivered %s.\n", n, plural(n, "record", "records"))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&delivered, "delivered", false, "purge records partners confirmed receiving")
	cmd.Flags().StringVar(&olderThan, "older-than", "", "only those delivered longer ago than `DURATION` (30d, 12h)")
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
	return 0, usageErr("--older-than takes a duration like 30d, 12h or 90m, not %q", s)
}
