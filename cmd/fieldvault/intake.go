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

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

type intakeOptions struct {
	schema  string
	lang    string
	answers string
}

func newIntakeCmd(a *app) *cobra.Command {
	var opts intakeOptions
	cmd := &cobra.Command{
		Use:   "intake",
		Short: "Interview a survivor, with their consent, about what they need now",
		Long: `Interview a survivor about their immediate needs, consent first.

In a terminal the questionnaire is asked one page at a time, and an
encrypted draft is saved after every page: if the interview is interrupted,
'fieldvault resume ID' continues it. --accessible (or FIELDVAULT_ACCESSIBLE=1,
or TERM=dumb) asks line by line instead, for screen readers and basic
terminals.

--answers FILE enters intakes from a file (- for standard input): one JSON
object, or JSON Lines with one intake per line, for example

  {"schema": "rescue-needs", "lang": "en", "answers": {
     "consent.interview": true, "consent.given_by": "self", "person.minor": false,
     "consent.store": true, "consent.share": [], "consent.referral": ["shelter"],
     "consent.followup": false, "person.name": "Ayu", "shelter.needed_tonight": true}}

A FILE ending in .csv or .xlsx is a spreadsheet: a first row of question
IDs (and optionally the columns schema, lang and ref), then one intake per
row. Yes/no cells take yes, no, true, false, 1, 0, ya or tidak; several
choices are joined with ";"; empty cells are skipped. 'fieldvault schema
template' writes a blank one.

A question left out is skipped ("prefer not to answer") unless it is
required. If any intake is wrong, every mistake is listed and nothing is
stored. Intakes are then stored in batches; one already stored (the same
answers, from an earlier run of a file) is not stored again, so a file can
be run again after a crash or a correction. The same answers twice in one
file are two people, with a warning; give each paper form a "ref" (its
number) to tell them apart. The new record IDs are printed, one per line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runIntake(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.schema, "schema", "", "questionnaire `ID or FILE` (default rescue-needs)")
	cmd.Flags().StringVar(&opts.lang, "lang", "", "the interview's `LANGUAGE`, one the questionnaire has (default: the interface's, else its first)")
	cmd.Flags().StringVar(&opts.answers, "answers", "", "enter intakes from `FILE` (- for standard input) instead of asking")
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
		return usageErr("questionnaire %s is not available in %q; it has %s", s.ID, lang, strings.Join(s.Languages, ", "))
	}
	return nil
}

// loadSchema resolves --schema, turning its errors into plain sentences.
func loadSchema(idOrFile string) (*schema.Schema, error) {
	s, err := schema.Resolve(idOrFile)
	var ve *schema.ValidationError
	switch {
	case errors.Is(err, schema.ErrUnknown):
		return nil, withHint(usageErr("there is no questionnaire %q", idOrFile), "run 'fieldvault schema list' to see the questionnaires, or give a questionnaire file")
	case errors.As(err, &ve):
		return nil, withHint(fmt.Errorf("%s: %w", idOrFile, err), fmt.Sprintf("run 'fieldvault schema validate %s' to see every problem", idOrFile))
	case err != nil:
		return nil, fmt.Errorf("read questionnaire: %w", err)
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
	if a.langFlag == "" && supportedLang(opts.lang) {
		// intake's --lang, the interview's language, speaks for the interface too.
		a.langFlag = opts.lang
	}
	if opts.answers != "" {
		return a.runBulkIntake(s, opts)
	}
	if err := a.needTerminal("use --answers FILE to enter answers from a file, or --accessible for plain line-by-line prompts"); err != nil {
		return err
	}
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		s, err := resolveIn(v, s, opts)
		if err != nil {
			return err
		}
		sess, err := intake.Start(v, s, a.interviewLang(v, s, opts.lang))
		if err != nil {
			return err
		}
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
	return withHint(usageErr("an interview needs a terminal"), hint)
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
		fmt.Fprintf(a.err, "Recorded that consent was not given: %s\n", sess.ID)
	default:
		fmt.Fprintf(a.err, "Saved record %s (triage: %s)\n", sess.ID, e.Triage().Level)
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
		return withHint(errors.New("the input ended before consent was given; nothing was stored"),
			"give an answer to every consent question, or use --answers for a file")
	}
	what := "interrupted"
	if !cancelled {
		what = "the input ended"
	}
	msg := fmt.Errorf("%s; the pages answered so far are saved as draft %s", what, sess.ID)
	hint := "continue with 'fieldvault resume " + sess.ID + "'"
	if cancelled {
		return &cancelError{withHint(msg, hint)}
	}
	return withHint(msg, hint)
}

// cancelError is an interrupted interview: exit 130, with its own message.
type cancelError struct{ error }

func (e *cancelError) Unwrap() error { return e.error }

func (a *app) runBulkIntake(s *schema.Schema, opts intakeOptions) error {
	var r io.Reader
	name := opts.answers
	if name == "-" {
		r, name = a.in, a.tr("standard input")
	} else {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("cannot read the answers file: %w", err)
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
			return fmt.Errorf("cannot read %s: %w", name, err)
		}
		defer closeBook()
		table = rows
	}
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		s, err := resolveIn(v, s, opts)
		if err != nil {
			return err
		}
		checking, bar := a.progress(a.tr("Checking intakes")), a.progress(a.tr("Storing intakes"))
		bo := intake.BulkOptions{
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
					fmt.Fprintf(a.err, "fieldvault: %s\n", a.trf("... and %d more", len(be.Errors)-most+be.More))
					break
				}
				fmt.Fprintf(a.err, "fieldvault: %s: %v\n", name, e)
			}
			n := be.Intakes
			return withHint(fmt.Errorf("%d %s in %s %s errors; nothing was stored", n, plural(n, "intake", "intakes"), name, plural(n, "has", "have")),
				"correct the lines above and run the same command again")
		case err != nil && res != nil && res.Stored > 0:
			return withHint(fmt.Errorf("stored %d %s, then: %w", res.Stored, plural(res.Stored, "intake", "intakes"), err),
				"run the same command again: what is stored already is not stored twice")
		case err != nil:
			return err
		}
		for i, rep := range res.Repeats {
			if i == 20 {
				a.warn(a.tr("... and %d more lines repeat an earlier one"), len(res.Repeats)-20)
				break
			}
			a.warn(a.tr("%s: line %d has the same answers as line %d; stored as another person. If it is the same person, withdraw one of the two; give each paper form a \"ref\" to tell them apart"), name, rep.Line, rep.Of)
		}
		fmt.Fprintf(a.err, "Stored %d %s.\n", res.Stored, plural(res.Stored, "intake", "intakes"))
		if res.Present > 0 {
			fmt.Fprintln(a.err, a.trf("%d intakes of %s were stored already, by an earlier run; they were left as they are.", res.Present, name))
		}
		return nil
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// accessible reports whether to use plain line-by-line prompts.
func (a *app) accessible() bool {
	return a.accessibleFlag || a.getenv("FIELDVAULT_ACCESSIBLE") == "1" || a.getenv("TERM") == "dumb"
}
