package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/vault"
)

func newSettingsCmd(a *app) *cobra.Command {
	var name, language, wipeAfter string
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "settings",
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
			if cmd.Flags().Changed("language") && !catalog.Supported(language) {
				return usageErr("usage.bad_lang", "--language", strings.Join(catalog.Languages(), ", "), language)
			}
			if cmd.Flags().Changed("name") && strings.TrimSpace(name) == "" {
				return usageErr("settings.empty_name")
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
				fmt.Fprintf(a.out, "%s %s\n", a.tr("settings.name"), info.Name)
				fmt.Fprintf(a.out, "%s %s\n", a.tr("settings.language"), session.Dash(info.Lang))
				wipe := a.tr("settings.off")
				if limit > 0 {
					wipe = a.trn("settings.after_wrong_passphrases", limit, limit)
				}
				fmt.Fprintf(a.out, "%s %s\n", a.tr("settings.wipe_after"), wipe)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "")
	cmd.Flags().StringVar(&language, "language", "", "")
	cmd.Flags().StringVar(&wipeAfter, "wipe-after", "", "")
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
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
	return 0, usageErr("settings.bad_wipe_after", s)
}
