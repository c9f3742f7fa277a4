package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/vault"
)

func newSettingsCmd(a *app) *cobra.Command {
	var name, language string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "settings",
		Short: "Show or change the vault's name and language",
		Long: `Show the vault's settings, or change them: --name is the name partners see
on this vault's contact card; --language (en or id) is the language of the
interface and, by default, of interviews. The settings are kept encrypted in
the vault.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			change := cmd.Flags().Changed("name") || cmd.Flags().Changed("language")
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
					if err := v.SetInfo(info); err != nil {
						return err
					}
					a.unlocked(v)
				}
				if asJSON {
					return a.printJSON(map[string]string{"name": info.Name, "language": info.Lang})
				}
				fmt.Fprintf(a.out, "%s %s\n", a.tr("name:    "), info.Name)
				fmt.Fprintf(a.out, "%s %s\n", a.tr("language:"), dash(info.Lang))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the `name` partners see on this vault's contact card")
	cmd.Flags().StringVar(&language, "language", "", "interface and interview `language`: en or id")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
