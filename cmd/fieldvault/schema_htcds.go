package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/schema/htcds"
)

func newSchemaHTCDSCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "htcds [FIELD]",
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				f, ok := htcds.Lookup(args[0])
				if !ok {
					return usageErr("schema.not_htcds", args[0])
				}
				if asJSON {
					return a.printJSON(f)
				}
				fmt.Fprintf(a.out, "%s (%s, %s%s)\n", f.Name, f.Section, f.Type, map[bool]string{true: ", " + a.tr("schema.deprecated")}[f.Deprecated()])
				for _, c := range f.Codes {
					fmt.Fprintln(a.out, "  "+c)
				}
				return nil
			}
			all := htcds.Fields()
			if asJSON {
				return a.printJSON(all)
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "FIELD\tSECTION\tTYPE\tCODES")
			for _, f := range all {
				if f.Deprecated() {
					continue
				}
				codes := "-"
				if len(f.Codes) > 0 {
					codes = fmt.Sprintf("%d: %s", len(f.Codes), strings.Join(f.Codes[:min(3, len(f.Codes))], ", "))
					if len(f.Codes) > 3 {
						codes += ", ..."
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, f.Section, f.Type, codes)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	return cmd
}
