package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

func newSchemaCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use: "schema",
	}
	var asJSON bool
	list := &cobra.Command{
		Use:  "list",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			var v *vault.Vault
			if a.vaultExists() {
				// The vault's own questionnaires are encrypted with it.
				var err error
				if v, err = a.openVault(vault.Options{ReadOnly: true}); err != nil {
					return err
				}
				defer v.Close()
			}
			all, err := session.Questionnaires(v)
			if err != nil {
				return err
			}
			if asJSON {
				type item struct {
					ID        string   `json:"id"`
					Version   string   `json:"version"`
					Languages []string `json:"languages"`
					Title     string   `json:"title"`
					Hash      string   `json:"sha256"`
				}
				var items []item
				for _, s := range all {
					items = append(items, item{s.ID, s.Version, s.Languages, s.Title.In("en"), s.Hash})
				}
				return a.printJSON(items)
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, a.tr("schema.header"))
			for _, s := range all {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.ID, s.Version, strings.Join(s.Languages, ","), s.Title.In(a.lang()))
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "")

	var showJSON bool
	var lang string
	show := &cobra.Command{
		Use:  "show ID|FILE",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			s, err := a.schemaArg(args[0])
			if err != nil {
				return err
			}
			if showJSON {
				_, err := a.out.Write(s.Source)
				return err
			}
			if lang == "" {
				lang = s.Languages[0]
			}
			if !s.HasLanguage(lang) {
				return usageErr("schema.no_language", s.ID, lang, strings.Join(s.Languages, ", "))
			}
			a.printSchema(s, lang)
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "")
	show.Flags().StringVar(&lang, "lang", "", "")

	validate := &cobra.Command{
		Use:  "validate FILE",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			s, err := schema.Load(args[0])
			var ve *schema.ValidationError
			switch {
			case errors.As(err, &ve):
				for _, p := range ve.Problems {
					fmt.Fprintf(a.out, "%s: %s\n", args[0], a.msg(p.Msg()))
				}
				n := len(ve.Problems)
				return errorf("schema.not_valid", args[0], a.trn("schema.problems", n, n))
			case err != nil:
				return errorf("schema.cannot_read", err)
			}
			questions := 0
			for _, p := range s.Pages {
				questions += len(p.Questions)
			}
			fmt.Fprintln(a.out, a.tr("schema.valid", args[0], s.ID, s.Version, len(s.Pages), questions, strings.Join(s.Languages, ", ")))
			return nil
		},
	}
	var out, tlang string
	template := &cobra.Command{
		Use:  "template ID|FILE --out FILE.xlsx",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("schema.template_needs_out")
			}
			if !strings.EqualFold(filepath.Ext(out), ".xlsx") {
				return usageErr("schema.out_xlsx", out)
			}
			s, err := a.schemaArg(args[0])
			if err != nil {
				return err
			}
			if tlang == "" {
				tlang = s.Languages[0]
			}
			if !s.HasLanguage(tlang) {
				return usageErr("schema.no_language", s.ID, tlang, strings.Join(s.Languages, ", "))
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return errorf("errors.cannot_write_template", err)
			}
			if err := intake.WriteTemplate(f, s, tlang); err != nil {
				f.Close()
				os.Remove(out)
				return err
			}
			if err := f.Close(); err != nil {
				os.Remove(out)
				return err
			}
			fmt.Fprintln(a.err, a.trf("schema.wrote_blank_answers_file", s.ID, out, out))
			return nil
		},
	}
	template.Flags().StringVar(&out, "out", "", "")
	template.Flags().StringVar(&tlang, "lang", "", "")
	cmd.AddCommand(list, show, validate, template, newSchemaImportCmd(a), newSchemaConsentTextCmd(a), newSchemaAddCmd(a), newSchemaRemoveCmd(a), newSchemaHTCDSCmd(a))
	return cmd
}

func (a *app) printSchema(s *schema.Schema, lang string) {
	fmt.Fprintf(a.out, "%s %s: %s\n", s.ID, s.Version, s.Title.In(lang))
	fmt.Fprintf(a.out, "sha256 %s\n", s.Hash)
	for i, p := range s.Pages {
		fmt.Fprintf(a.out, "\n%d. %s\n", i+1, p.Title.In(lang))
		tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
		for _, q := range p.Questions {
			var marks []string
			if q.Required {
				marks = append(marks, a.tr("schema.mark_required"))
			}
			if q.Gate {
				marks = append(marks, a.tr("schema.mark_gate"))
			}
			if q.When != nil {
				marks = append(marks, a.tr("schema.mark_conditional"))
			}
			if q.Sensitive {
				marks = append(marks, a.tr("schema.mark_sensitive"))
			}
			fmt.Fprintf(tw, "   %s\t%s\t%s\t%s\n", q.ID, q.Type, strings.Join(marks, ", "), q.Label.In(lang))
			// Each choice's value, which an answers file must use, beside
			// the label a person sees.
			for _, o := range q.Options {
				fmt.Fprintf(tw, "   \t\t  = %s\t%s\n", o.Value, o.Label.In(lang))
			}
			if q.OptionsFrom == schema.OptionsFromContacts {
				fmt.Fprintf(tw, "   \t\t  = %s\t%s\n", a.tr("schema.name_word"), a.tr("schema.a_partners_name_as"))
			}
			if q.Type == schema.TypeYesNo {
				yes, no := intake.YesNo(lang)
				fmt.Fprintf(tw, "   \t\t  = true\t%s\n   \t\t  = false\t%s\n", yes, no)
			}
		}
		tw.Flush()
	}
}
