package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

type intakeOptions struct {
	schema  string
	lang    string
	answers string
	// follows, for a follow-up, checks the person's first record once the
	// vault is open and returns its ID, which the new record links to.
	follows func(v *vault.Vault) (string, error)
}

func newIntakeCmd(a *app) *cobra.Command {
	var opts intakeOptions
	cmd := &cobra.Command{
		Use:  "intake",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.schema == schema.FollowUpID {
				return usageErr("followup.not_intake")
			}
			return a.runIntake(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.schema, "schema", "", "")
	cmd.Flags().StringVar(&opts.lang, "lang", "", "")
	cmd.Flags().StringVar(&opts.answers, "answers", "", "")
	return cmd
}

// resolveIn finds --schema in the open vault when it was not found before.
func resolveIn(v *vault.Vault, s *schema.Schema, opts intakeOptions) (*schema.Schema, error) {
	if s != nil {
		return s, nil
	}
	s, err := vaultSchema(v, opts.schema)
	if err != nil {
		return nil, err
	}
	return s, checkLang(s, opts.lang)
}

// checkLang refuses an interview language the questionnaire does not have.
func checkLang(s *schema.Schema, lang string) error {
	if lang != "" && !s.HasLanguage(lang) {
		return usageErr("schema.no_language", s.ID, lang, strings.Join(s.Languages, ", "))
	}
	return nil
}

// loadSchema resolves --schema, turning its errors into plain sentences.
func loadSchema(idOrFile string) (*schema.Schema, error) {
	s, err := schema.Resolve(idOrFile)
	var ve *schema.ValidationError
	switch {
	case errors.Is(err, schema.ErrUnknown):
		return nil, withHint(usageErr("schema.unknown", idOrFile), "hint.schema_list_or_file")
	case errors.As(err, &ve):
		return nil, withHint(errorf("schema.invalid_file", idOrFile, err), "hint.schema_validate", idOrFile)
	case err != nil:
		return nil, errorf("schema.cannot_read", err)
	}
	return s, nil
}

func (a *app) runIntake(ctx context.Context, opts intakeOptions) error {
	// A questionnaire the vault offers is found once it is open; any
	// other mistake in --schema is said before the passphrase is asked.
	var s *schema.Schema
	if !a.storedLater(opts.schema) {
		var err error
		if s, err = loadSchema(opts.schema); err != nil {
			return err
		}
		if err := checkLang(s, opts.lang); err != nil {
			return err
		}
	}
	if a.langFlag == "" && catalog.Supported(opts.lang) {
		// intake's --lang, the interview's language, speaks for the interface too.
		a.langFlag = opts.lang
	}
	if opts.answers != "" {
		return a.runBulkIntake(s, opts)
	}
	if err := a.needTerminal("hint.answers_or_accessible"); err != nil {
		return err
	}
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		s, err := resolveIn(v, s, opts)
		if err != nil {
			return err
		}
		first, err := opts.first(v)
		if err != nil {
			return err
		}
		sess, err := intake.Start(v, s, a.interviewLang(v, s, opts.lang))
		if err != nil {
			return err
		}
		sess.Follows = first
		return a.interview(ctx, sess)
	})
}

// interviewLang is --lang if given, else the interface language (the
// vault's setting, then the OS locale) if the questionnaire has it, else
// English, else the questionnaire's first.
func (a *app) interviewLang(v *vault.Vault, s *schema.Schema, requested string) string {
	if requested != "" {
		return requested
	}
	a.unlocked(v)
	if l := a.lang(); s.HasLanguage(l) {
		return l
	}
	if s.HasLanguage("en") {
		return "en"
	}
	return s.Languages[0]
}

func (a *app) needTerminal(hint string) error {
	if a.inTTY || a.accessible() {
		return nil
	}
	return withHint(usageErr("intake.needs_terminal"), hint)
}

// interview runs a session with the runner this terminal calls for, and
// says where the record is.
func (a *app) interview(ctx context.Context, sess *intake.Session) error {
	sess.Engine.SetWorkerLang(a.lang()) // alerts and worker questions in the interface's language
	var err error
	if a.accessible() {
		p := &intake.Plain{In: a.in, Out: a.out, Save: sess.Save}
		err = p.Run(ctx, sess.Engine)
	} else {
		err = a.runForm(ctx, sess)
	}
	if err != nil {
		return a.interrupted(sess, err)
	}
	if err := sess.Save(); err != nil {
		return err
	}
	e := sess.Engine
	switch {
	case e.Declined() || !e.Consented():
		fmt.Fprintln(a.err, a.tr("intake.declined", sess.ID))
	default:
		fmt.Fprintln(a.err, a.tr("intake.saved", sess.ID, a.tr("triage."+e.Triage().Level)))
	}
	fmt.Fprintln(a.out, sess.ID)
	return nil
}

// interrupted explains what was kept when an interview did not finish.
func (a *app) interrupted(sess *intake.Session, err error) error {
	cancelled := errors.Is(err, context.Canceled) || errors.Is(err, errCancelled)
	if !cancelled && !errors.Is(err, intake.ErrInputEnded) {
		return err
	}
	// Keep what was typed on the page being asked, too (after consent).
	if err := sess.Save(); err != nil {
		return err
	}
	if sess.ID == "" {
		if cancelled {
			return errCancelled
		}
		return withHint(errorf("intake.ended_before_consent"), "hint.answer_consent")
	}
	if cancelled {
		return &cancelError{withHint(errorf("intake.interrupted_draft", sess.ID), "hint.resume", sess.ID)}
	}
	return withHint(errorf("intake.ended_draft", sess.ID), "hint.resume", sess.ID)
}

// cancelError is an interrupted interview: exit 130, with its own message.
type cancelError struct{ error }

func (e *cancelError) Unwrap() error { return e.error }

func (a *app) runBulkIntake(s *schema.Schema, opts intakeOptions) error {
	var r io.Reader
	name := opts.answers
	if name == "-" {
		r, name = a.in, a.tr("intake.standard_input")
	} else {
		f, err := os.Open(name)
		if err != nil {
			return errorf("intake.cannot_read_answers", err)
		}
		defer f.Close()
		r = f
	}
	table := intake.Rows(nil)
	switch strings.ToLower(filepath.Ext(opts.answers)) {
	case ".csv":
		table = intake.CSVRows(r)
	case ".xlsx":
		rows, closeBook, err := intake.XLSXRows(r)
		if err != nil {
			return errorf("errors.cannot_read", name, err)
		}
		defer closeBook()
		table = rows
	}
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		s, err := resolveIn(v, s, opts)
		if err != nil {
			return err
		}
		first, err := opts.first(v)
		if err != nil {
			return err
		}
		checking, bar := a.progress(a.tr("intake.checking_intakes")), a.progress(a.tr("intake.storing_intakes"))
		bo := intake.BulkOptions{
			Follows: first,
			Schema:  s,
			Lookup:  lookupIn(v),
			Lang:    a.interviewLang(v, s, opts.lang),
			Stored:  func(id string) { fmt.Fprintln(a.out, id) },
			Checked: checking.count,
			Progress: func(done, total int) {
				checking.done()
				bar.update(done, total)
			},
			Rows: table != nil,
		}
		if table != nil {
			r = intake.TableAnswers(table, bo)
		}
		res, err := intake.Bulk(v, r, bo)
		checking.done()
		bar.done()
		var be *intake.BulkError
		switch {
		case errors.As(err, &be):
			const most = 50
			for i, e := range be.Errors {
				if i == most {
					fmt.Fprintf(a.err, "fieldvault: %s\n", a.trn("intake.and_more", len(be.Errors)-most+be.More, len(be.Errors)-most+be.More))
					break
				}
				fmt.Fprintf(a.err, "fieldvault: %s: %v\n", name, e)
			}
			n := be.Intakes
			return withHint(errorf("intake.errors_nothing_stored", a.trn("intake.intakes_in_have_errors", n, n, name)), "hint.correct_lines")
		case err != nil && res != nil && res.Stored > 0:
			return withHint(errorf("intake.stored_then", a.trn("intake.stored_intakes", res.Stored, res.Stored), err), "hint.run_again")
		case err != nil:
			return err
		}
		for i, rep := range res.Repeats {
			if i == 20 {
				a.warn(a.trn("intake.and_more_lines_repeat", len(res.Repeats)-20, len(res.Repeats)-20))
				break
			}
			a.warn(a.trf("intake.line_has_same_answers", name, rep.Line, rep.Of))
		}
		fmt.Fprintln(a.err, a.trn("intake.stored", res.Stored, res.Stored))
		if res.Present > 0 {
			fmt.Fprintln(a.err, a.trn("intake.intakes_were_stored_already", res.Present, res.Present, name))
		}
		return nil
	})
}

// accessible reports whether to use plain line-by-line prompts.
func (a *app) accessible() bool {
	return a.accessibleFlag || a.getenv("FIELDVAULT_ACCESSIBLE") == "1" || a.getenv("TERM") == "dumb"
}
