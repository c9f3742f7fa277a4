package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

func newSettingsCmd(a *app) *cobra.Command {
	var name, language, wipeAfter string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "settings",
		Short: "Show or change the vault's name, language and failed-unlock limit",
		Long: `Show the vault's settings, or change them: --name is the name partners see
on this vault's contact card; --language (en or id) is the language of the
interface and, by default, of interviews. The name and language are kept
encrypted in the vault.

--wipe-after 5, 10 or 20 erases the vault (as 'fieldvault wipe') after that
many wrong passphrases in a row; off turns it off. Once 3 or fewer attempts
are left, every prompt and error says so. The limit and the count are kept
in the clear, since they are needed before the vault is unlocked: someone who
copies the file first can still guess offline, so a long passphrase remains
the real protection. While a limit is set, only one fieldvault at a time can
open the vault.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			change := cmd.Flags().Changed("name") || cmd.Flags().Changed("language") || cmd.Flags().Changed("wipe-after")
			limit := -1
			if cmd.Flags().Changed("wipe-after") {
				var err error
				if limit, err = parseWipeAfter(wipeAfter); err != nil {
					return err
				}
			}
			if cmd.Flags().Changed("language") && !supportedLang(language) {
				return usageErr("--language must be en or id, not %q", language)
			}
			if cmd.Flags().Changed("name") && strings.TrimSpace(name) == "" {
				return usageErr("--name cannot be empty")
			}
			return a.withVault(vault.Options{ReadOnly: !change}, func(v *vault.Vault) error {
				info, err := v.Info()
				if err != nil {
					return err
				}
				if change {
					if cmd.Flags().Changed("name") {
						info.Name = strings.TrimSpace(name)
					}
					if cmd.Flags().Changed("language") {
						info.Lang = language
					}
					if cmd.Flags().Changed("name") || cmd.Flags().Changed("language") {
						if err := v.SetInfo(info); err != nil {
							return err
						}
					}
					if limit >= 0 {
						if err := v.SetWipeAfter(limit); err != nil {
							return err
						}
					}
					a.unlocked(v)
				}
				limit, _ := v.Attempts()
				if asJSON {
					return a.printJSON(map[string]any{"name": info.Name, "language": info.Lang, "wipe_after": limit})
				}
				fmt.Fprintf(a.out, "%s %s\n", a.tr("name:      "), info.Name)
				fmt.Fprintf(a.out, "%s %s\n", a.tr("language:  "), dash(info.Lang))
				wipe := a.tr("off")
				if limit > 0 {
					wipe = a.trf("after %d wrong passphrases", limit)
				}
				fmt.Fprintf(a.out, "%s %s\n", a.tr("wipe after:"), wipe)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the `name` partners see on this vault's contact card")
	cmd.Flags().StringVar(&language, "language", "", "interface and interview `language`: en or id")
	cmd.Flags().StringVar(&wipeAfter, "wipe-after", "", "erase the vault after `N` wrong passphrases in a row: 5, 10, 20 or off")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// parseWipeAfter reads --wipe-after: 5, 10, 20, or off (0).
func parseWipeAfter(s string) (int, error) {
	if s == "off" || s == "0" {
		return 0, nil
	}
	for _, n := range vault.WipeAfterChoices {
		if n > 0 && s == strconv.Itoa(n) {
			return n, nil
		}
	}
	return 0, usageErr("--wipe-after must be 5, 10, 20 or off, not %q", s)
}
