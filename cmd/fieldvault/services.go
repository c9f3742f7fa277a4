package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/intake/services"
	"github.com/fieldvault/fieldvault/vault"
)

func newServicesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "services", Args: cobra.NoArgs}
	cmd.AddCommand(&cobra.Command{
		Use:  "import FILE",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			// The file is read and checked before the passphrase is
			// asked: a mistake in it is said at once.
			f, err := os.Open(args[0])
			if err != nil {
				return errorf("services.cannot_read", err)
			}
			list, err := services.Read(f, args[0])
			f.Close()
			if err != nil {
				return errorf("services.invalid", args[0], err)
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				cs, err := v.Contacts()
				if err != nil {
					return err
				}
				partners := 0
				for _, s := range list {
					if slices.ContainsFunc(cs, func(c vault.Contact) bool { return strings.EqualFold(c.Name, s.Organisation) }) {
						partners++
					}
				}
				data, err := (&services.Directory{Services: list}).Encode()
				if err != nil {
					return err
				}
				if err := v.SetDirectory(data, fmt.Sprintf("service directory imported: %d services", len(list))); err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.trn("services.imported", len(list), len(list), partners))
				return nil
			})
		},
	})
	var typ, area string
	var asJSON bool
	list := &cobra.Command{
		Use:  "list",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if typ != "" && !slices.Contains(services.Types, typ) {
				return usageErr("services.bad_type_flag", typ, strings.Join(services.Types, ", "))
			}
			return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
				d, err := directory(v)
				if err != nil {
					return err
				}
				found := d.Filter(typ, area)
				if asJSON {
					return a.printJSON(orNone(found))
				}
				if len(d.Services) == 0 {
					fmt.Fprintln(a.err, a.tr("services.none"))
					return nil
				}
				if len(found) == 0 {
					fmt.Fprintln(a.err, a.tr("services.none_match"))
					return nil
				}
				tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, a.tr("services.header"))
				for _, s := range found {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, a.tr("servicetype."+s.Type), s.Name, dash(s.Organisation), dash(s.Area), dash(s.Phone), dash(s.From))
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&typ, "type", "", "")
	list.Flags().StringVar(&area, "area", "", "")
	list.Flags().BoolVar(&asJSON, "json", false, "")
	list.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(services.Types, cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(list)
	return cmd
}

// directory is the vault's service directory, then the services of the
// directories partners sent that it does not list itself.
func directory(v *vault.Vault) (*services.Directory, error) {
	data, err := v.Directory()
	if err != nil {
		return nil, err
	}
	d, err := services.Decode(data)
	if err != nil {
		return nil, err
	}
	theirs, err := v.PartnerDirectories()
	if err != nil || len(theirs) == 0 {
		return d, err
	}
	cs, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	for _, c := range cs { // in the contacts' order, so a list reads the same each time
		raw, ok := theirs[c.ID]
		if !ok {
			continue
		}
		pd, err := services.Decode(raw)
		if err != nil {
			return nil, err
		}
		for _, s := range pd.Services {
			if _, dup := d.Find(s.ID); !dup {
				s.From = c.Name
				d.Services = append(d.Services, s)
			}
		}
	}
	return d, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// orNone is an empty list rather than null in JSON.
func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
