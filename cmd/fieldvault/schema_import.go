package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
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
		Use:  "import FORM.xlsx --out FILE.json",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("schema.import_needs_out")
			}
			if !strings.EqualFold(filepath.Ext(out), ".json") {
				return usageErr("schema.out_json", out)
			}
			opts := xlsform.Options{Name: strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0])), Gates: gates, Strict: strict}
			for _, name := range consentFiles {
				data, err := os.ReadFile(name)
				if err != nil {
					return errorf("schema.cannot_read_consent", err)
				}
				opts.ConsentText = append(opts.ConsentText, data)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return errorf("schema.cannot_read_form", err)
			}
			res, err := xlsform.Import(f, opts)
			f.Close()
			var se *xlsform.StrictError
			if errors.As(err, &se) {
				for _, n := range se.Notices {
					fmt.Fprintf(a.err, "fieldvault: %s: %s\n", args[0], a.msg(n.Msg()))
				}
				return withHint(errorf("schema.strict_refused", args[0], a.trn("schema.things", len(se.Notices), len(se.Notices))), "hint.strict")
			}
			if err != nil {
				return errorf("schema.invalid_file", args[0], err)
			}
			for _, n := range res.Notices {
				fmt.Fprintf(a.err, "fieldvault: %s: %s\n", args[0], a.msg(n.Msg()))
			}
			for _, n := range res.Unmapped {
				fmt.Fprintf(a.err, "fieldvault: %s: %s\n", args[0], a.msg(n.Msg()))
			}
			w, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return errorf("errors.cannot_write_questionnaire", err)
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
			fmt.Fprintln(a.err, a.trf("schema.wrote_questionnaire_version_pages",
				s.ID, s.Version, out, len(s.Pages), questions, strings.Join(s.Languages, ", ")))
			if len(res.Notices) > 0 {
				fmt.Fprintln(a.err, a.trn("schema.things_form_not_carried", len(res.Notices), len(res.Notices)))
			}
			fmt.Fprintln(a.err, a.trf("schema.check_fieldvault_schema_show", out, out))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "")
	cmd.Flags().StringArrayVar(&gates, "gate", nil, "")
	cmd.Flags().StringArrayVar(&consentFiles, "consent-text", nil, "")
	cmd.Flags().BoolVar(&strict, "strict", false, "")
	return cmd
}

func newSchemaConsentTextCmd(a *app) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:  "consent-text --lang LANG",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			data, err := xlsform.ConsentText(lang)
			if err != nil {
				return usageErr("schema.consent_lang", err)
			}
			_, err = fmt.Fprintf(a.out, "%s\n", data)
			return err
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "")
	return cmd
}

func newSchemaAddCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:  "add FILE.json",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			s, err := loadSchema(args[0])
			if err != nil {
				return err
			}
			if _, err := schema.Lookup(s.ID); err == nil {
				return usageErr("schema.builtin_id", s.ID)
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				replaced, err := v.OfferSchema(s.ID, s.Hash, s.Source)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.trf("schema.added_questionnaire_version_sha256", s.ID, s.Version, s.Hash[:12]))
				if replaced {
					fmt.Fprintln(a.err, a.tr("schema.it_replaces_version_offered"))
				}
				return nil
			})
		},
	}
}

func newSchemaRemoveCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:  "remove ID",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if _, err := schema.Lookup(args[0]); err == nil {
				return usageErr("schema.builtin_remove", args[0])
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				done, err := v.WithdrawSchema(args[0])
				if err != nil {
					return err
				}
				if !done {
					return withHint(usageErr("schema.not_offered", args[0]), "hint.schema_list")
				}
				fmt.Fprintln(a.err, a.trf("schema.questionnaire_no_longer_offered", args[0]))
				return nil
			})
		},
	}
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
		more, oerr := session.Offered(v)
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
