package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/schema/xlsform"
	"github.com/fieldvault/fieldvault/vault"
)

// The questionnaires a vault offers besides the built-in ones: imported
// from an XLSForm or written by hand, added with 'schema add'.

func newSchemaImportCmd(a *app) *cobra.Command {
	var out string
	var gates, consentFiles []string
	var strict bool
	cmd := &cobra.Command{
		Use:   "import FORM.xlsx --out FILE.json",
		Short: "Turn an XLSForm into a questionnaire that opens with the consent block",
		Long: `Turn an XLSForm (ODK, KoboToolbox, SurveyCTO) into a fieldvault
questionnaire. It always opens with fieldvault's consent block, with the
same question IDs as rescue-needs, so no question is asked before consent.

Carried: text, integer, decimal, select_one, select_multiple, date and
note; groups (a top-level group is a page, a nested one a titled section);
labels, hints, constraint and required messages in every language column
(label::English (en)); required; relevant and constraint in the XPath that
forms use (${q}, ., comparisons, selected, count-selected, string-length,
regex, and, or, not); settings form_id, form_title, version and
default_language.

Not carried, and listed on standard error with their sheet, row and name:
repeats, calculations, choice filters, metadata, locations, media, and any
question that depends on them. --strict refuses the form instead.

The consent block is in English, Bahasa Indonesia and French; a form
language it lacks is left out until a translation of the block is given
with --consent-text (start from 'fieldvault schema consent-text --lang en').`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("schema import needs --out FILE.json")
			}
			if !strings.EqualFold(filepath.Ext(out), ".json") {
				return usageErr("--out must name a .json file, not %q", out)
			}
			opts := xlsform.Options{Name: strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0])), Gates: gates, Strict: strict}
			for _, name := range consentFiles {
				data, err := os.ReadFile(name)
				if err != nil {
					return fmt.Errorf("cannot read the consent text: %w", err)
				}
				opts.ConsentText = append(opts.ConsentText, data)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("cannot read the form: %w", err)
			}
			res, err := xlsform.Import(f, opts)
			f.Close()
			var se *xlsform.StrictError
			if errors.As(err, &se) {
				for _, n := range se.Notices {
					fmt.Fprintf(a.err, "fieldvault: %s: %s\n", args[0], n)
				}
				return withHint(fmt.Errorf("%s has %d %s fieldvault cannot carry; nothing was written", args[0], len(se.Notices), plural(len(se.Notices), "thing", "things")),
					"run without --strict to leave them out, or change the form")
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			for _, n := range res.Notices {
				fmt.Fprintf(a.err, "fieldvault: %s: %s\n", args[0], n)
			}
			for _, n := range res.Unmapped {
				fmt.Fprintf(a.err, "fieldvault: %s: %s\n", args[0], n)
			}
			w, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return fmt.Errorf("cannot write the questionnaire: %w", err)
			}
			if _, err := w.Write(res.JSON); err != nil {
				w.Close()
				os.Remove(out)
				return err
			}
			if err := w.Close(); err != nil {
				os.Remove(out)
				return err
			}
			s := res.Schema
			questions := 0
			for _, p := range s.Pages {
				questions += len(p.Questions)
			}
			fmt.Fprintln(a.err, a.trf("Wrote questionnaire %s version %s to %s: %d pages, %d questions (the first page is the consent block), languages %s.",
				s.ID, s.Version, out, len(s.Pages), questions, strings.Join(s.Languages, ", ")))
			if len(res.Notices) > 0 {
				fmt.Fprintln(a.err, a.trf("%d things of the form are not carried; they are listed above.", len(res.Notices)))
			}
			fmt.Fprintln(a.err, a.trf("Check it with 'fieldvault schema show %s', then offer it with 'fieldvault schema add %s'.", out, out))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the questionnaire `FILE.json` to write; it must not exist")
	cmd.Flags().StringArrayVar(&gates, "gate", nil, "make the form's yes/no question `NAME` a consent gate: no ends the interview")
	cmd.Flags().StringArrayVar(&consentFiles, "consent-text", nil, "a translation of the consent block, from `FILE` (JSON)")
	cmd.Flags().BoolVar(&strict, "strict", false, "refuse the form if anything of it cannot be carried")
	return cmd
}

func newSchemaConsentTextCmd(a *app) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "consent-text --lang LANG",
		Short: "Print the consent block's texts, for a translator",
		Long: `Print every text of the consent block that opens an imported
questionnaire, in one language, as JSON. Translate each text, change
"language" to the new language's code, and give the file to
'fieldvault schema import --consent-text FILE'.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			data, err := xlsform.ConsentText(lang)
			if err != nil {
				return usageErr("%v", err)
			}
			_, err = fmt.Fprintf(a.out, "%s\n", data)
			return err
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "the `LANGUAGE` to start from: en, id or fr")
	return cmd
}

func newSchemaAddCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "add FILE.json",
		Short: "Offer a questionnaire for new interviews in this vault",
		Long: `Keep a questionnaire in the vault, encrypted and pinned by its SHA-256,
and offer it for new interviews: in 'schema list', 'intake --schema ID'
and the home screen's new intake. A newer version of the same ID takes
the older one's place; records keep the version they were taken with.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			s, err := loadSchema(args[0])
			if err != nil {
				return err
			}
			if _, err := schema.Lookup(s.ID); err == nil {
				return usageErr("%s is the ID of a built-in questionnaire; give yours another ID", s.ID)
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				replaced, err := v.OfferSchema(s.ID, s.Hash, s.Source)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.trf("Added questionnaire %s version %s (sha256 %s).", s.ID, s.Version, s.Hash[:12]))
				if replaced {
					fmt.Fprintln(a.err, a.tr("It replaces the version offered before; records taken with that one keep it."))
				}
				return nil
			})
		},
	}
}

func newSchemaRemoveCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "remove ID",
		Short: "Stop offering a questionnaire for new interviews",
		Long: `Stop offering a questionnaire added with 'schema add'. It stays in the
vault, so records taken with it stay readable and drafts can be finished.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if _, err := schema.Lookup(args[0]); err == nil {
				return usageErr("%s is built in and cannot be removed", args[0])
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				done, err := v.WithdrawSchema(args[0])
				if err != nil {
					return err
				}
				if !done {
					return withHint(usageErr("this vault offers no questionnaire %q", args[0]), "run 'fieldvault schema list' to see them")
				}
				fmt.Fprintln(a.err, a.trf("Questionnaire %s is no longer offered for new interviews; its records and drafts keep it.", args[0]))
				return nil
			})
		},
	}
}

// offered returns the questionnaires the vault offers besides the built-in
// ones.
func offered(v *vault.Vault) ([]*schema.Schema, error) {
	srcs, err := v.OfferedSchemas()
	if err != nil {
		return nil, err
	}
	var out []*schema.Schema
	for _, src := range srcs {
		s, err := schema.Parse(src)
		if err != nil {
			return nil, fmt.Errorf("a questionnaire kept in the vault is not valid: %w", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// questionnaires lists the built-in questionnaires and, with a vault, those
// it offers.
func questionnaires(v *vault.Vault) ([]*schema.Schema, error) {
	all, err := schema.Builtin()
	if err != nil || v == nil {
		return all, err
	}
	more, err := offered(v)
	return append(append([]*schema.Schema(nil), all...), more...), err
}

// vaultSchema resolves --schema when the vault is open: a file, a built-in
// questionnaire, or one the vault offers.
func vaultSchema(v *vault.Vault, idOrFile string) (*schema.Schema, error) {
	if idOrFile != "" && !schema.IsFile(idOrFile) {
		if s, err := lookupIn(v)(idOrFile); !errors.Is(err, schema.ErrUnknown) {
			return s, err
		}
	}
	return loadSchema(idOrFile) // a file, or the unknown ID said plainly
}

// schemaArg resolves a command's questionnaire argument: a file, a
// built-in questionnaire, or one the vault offers (which needs the
// passphrase: it is kept encrypted).
func (a *app) schemaArg(idOrFile string) (*schema.Schema, error) {
	if !a.storedLater(idOrFile) {
		return loadSchema(idOrFile)
	}
	var s *schema.Schema
	err := a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
		var err error
		s, err = vaultSchema(v, idOrFile)
		return err
	})
	return s, err
}

// lookupIn finds a questionnaire an answers file names by ID: built in, or
// offered by the vault.
func lookupIn(v *vault.Vault) func(id string) (*schema.Schema, error) {
	return func(id string) (*schema.Schema, error) {
		s, err := schema.Lookup(id)
		if !errors.Is(err, schema.ErrUnknown) {
			return s, err
		}
		more, oerr := offered(v)
		if oerr != nil {
			return nil, oerr
		}
		for _, m := range more {
			if m.ID == id {
				return m, nil
			}
		}
		return nil, err
	}
}

// storedLater reports whether --schema may name a questionnaire the vault
// offers, to be looked up once it is open.
func (a *app) storedLater(idOrFile string) bool {
	if idOrFile == "" || schema.IsFile(idOrFile) {
		return false // the default is built in; a file is read as it is
	}
	_, err := schema.Lookup(idOrFile)
	return errors.Is(err, schema.ErrUnknown) && a.vaultExists()
}

// vaultExists reports whether there is a vault to open.
func (a *app) vaultExists() bool {
	path, err := a.vaultPath()
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}
