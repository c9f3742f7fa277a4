package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

// plainHome is `fieldvault --accessible` in a terminal: the home menu as
// numbered plain lines, for screen readers and basic terminals. It unlocks
// once and reads every line, its own and the interviews', through one
// reader, so nothing typed for one is taken by the other.
type plainHome struct {
	a     voice
	v     *vault.Vault
	out   io.Writer
	lines *intake.Lines
}

// RunPlain runs the plain home on the unlocked vault v until the worker
// quits or the input ends. Ctrl+C returns context.Canceled, or what
// Host.Interrupted made of an interview it stopped.
func RunPlain(ctx context.Context, v *vault.Vault, in io.Reader, out io.Writer, host Host) error {
	h := &plainHome{a: voice{host}, v: v, out: out, lines: intake.NewLines(in)}
	return h.loop(ctx)
}

// plainMenu is the home menu's choices, in order, by catalog ID.
// Referrals came later than the rest and come last, so that the numbers
// people learnt did not change.
var plainMenu = []string{"menu.intake", "menu.resume", "menu.records", "menu.outbox", "menu.export", "menu.import", "menu.card", "menu.quit", "menu.wipe", "menu.referrals"}

func (h *plainHome) loop(ctx context.Context) error {
	a := h.a
	for {
		info, _ := h.v.Info()
		fmt.Fprintf(h.out, "\n%s — %s\n", "fieldvault", info.Name)
		for i, item := range plainMenu {
			fmt.Fprintf(h.out, "%d) %s\n", i+1, a.tr(item))
		}
		n, err := h.choose(ctx, len(plainMenu))
		if err != nil {
			return h.ended(err)
		}
		switch n {
		case 1:
			err = h.intake(ctx)
		case 2:
			err = h.resume(ctx)
		case 3:
			err = h.records(ctx)
		case 4:
			err = h.outbox()
		case 5:
			err = h.export(ctx)
		case 6:
			err = h.importFile(ctx)
		case 7:
			card, cerr := sync.OwnCard(h.v)
			if cerr != nil {
				return cerr
			}
			fmt.Fprintf(h.out, "%s\n%s\n", card.String(), a.trf("session.fingerprint", card.Fingerprint()))
		case 8:
			fmt.Fprintln(h.out, a.tr("session.locked"))
			return nil
		case 9:
			var wiped bool
			if wiped, err = h.wipe(ctx); wiped {
				return nil
			}
		case 10:
			err = h.referrals(ctx)
		}
		switch {
		case err == nil:
		case a.Ends(err) || errors.Is(err, intake.ErrInputEnded) || errors.Is(err, context.Canceled):
			return h.ended(err)
		default:
			// One sentence, and back to the menu: nothing was changed.
			a.Report(err)
		}
	}
}

// ended: the input ended (nothing more to do) or Ctrl+C (exit 130, saying
// where an interrupted interview was kept).
func (h *plainHome) ended(err error) error {
	switch {
	case errors.Is(err, intake.ErrInputEnded):
		return nil
	}
	return err
}

// ask prints a prompt and reads the answer line.
func (h *plainHome) ask(ctx context.Context, prompt string) (string, error) {
	fmt.Fprintf(h.out, "%s\n> ", prompt)
	line, err := h.lines.Read(ctx)
	return strings.TrimSpace(line), err
}

// choose reads a number from 1 to n; 0 or an empty line is "back" (0).
func (h *plainHome) choose(ctx context.Context, n int) (int, error) {
	for {
		line, err := h.ask(ctx, h.a.trf("session.type_number_from_1", n))
		if err != nil {
			return 0, err
		}
		if line == "" || line == "0" {
			return 0, nil
		}
		if i, err := strconv.Atoi(line); err == nil && i >= 1 && i <= n {
			return i, nil
		}
		fmt.Fprintln(h.out, h.a.trf("session.is_not_one_numbers", line))
	}
}

func (h *plainHome) interview(ctx context.Context, sess *intake.Session) error {
	sess.Engine.SetWorkerLang(h.a.lang()) // alerts and worker questions in the interface's language
	p := &intake.Plain{Out: h.out, Save: sess.Save, Lines: h.lines}
	if err := p.Run(ctx, sess.Engine); err != nil {
		return h.a.Interrupted(sess, err)
	}
	if err := sess.Save(); err != nil {
		return err
	}
	fmt.Fprintln(h.out, h.a.trf("session.saved_record", sess.ID))
	return nil
}

func (h *plainHome) intake(ctx context.Context) error {
	all, err := Questionnaires(h.v)
	if err != nil {
		return err
	}
	s := all[0]
	if len(all) > 1 {
		fmt.Fprintln(h.out, h.a.tr("session.which_questionnaire"))
		for i, sc := range all {
			fmt.Fprintf(h.out, "%d) %s (%s %s)\n", i+1, sc.Title.In(h.a.lang()), sc.ID, sc.Version)
		}
		n, err := h.choose(ctx, len(all))
		if err != nil || n == 0 {
			return err
		}
		s = all[n-1]
	}
	langs := s.Languages
	fmt.Fprintln(h.out, h.a.tr("session.in_which_language_interview"))
	for i, l := range langs {
		fmt.Fprintf(h.out, "%d) %s\n", i+1, LanguageName(l))
	}
	n, err := h.choose(ctx, len(langs))
	if err != nil || n == 0 {
		return err
	}
	sess, err := intake.Start(h.v, s, langs[n-1])
	if err != nil {
		return err
	}
	return h.interview(ctx, sess)
}

func (h *plainHome) resume(ctx context.Context) error {
	sums, err := h.v.Summaries()
	if err != nil {
		return err
	}
	var drafts []vault.Summary
	for _, s := range sums {
		if s.Status == vault.StatusDraft {
			drafts = append(drafts, s)
		}
	}
	if len(drafts) == 0 {
		fmt.Fprintln(h.out, h.a.tr("session.no_drafts"))
		return nil
	}
	for i, d := range drafts {
		fmt.Fprintf(h.out, "%d) %s %s\n", i+1, ShortID(d.ID), d.Created)
	}
	n, err := h.choose(ctx, len(drafts))
	if err != nil || n == 0 {
		return err
	}
	sess, err := intake.Continue(h.v, drafts[n-1].ID)
	if err != nil {
		return err
	}
	return h.interview(ctx, sess)
}

func (h *plainHome) records(ctx context.Context) error {
	sums, err := h.v.Summaries()
	if err != nil {
		return err
	}
	if len(sums) == 0 {
		fmt.Fprintln(h.out, h.a.tr("session.no_records"))
		return nil
	}
	for i, s := range sums {
		fmt.Fprintf(h.out, "%d) %s %s %s %s\n", i+1, ShortID(s.ID), h.a.status(string(s.Status)), s.Created, Dash(h.a.triage(s.Triage)))
	}
	fmt.Fprintln(h.out, h.a.tr("session.which_record_0_enter"))
	n, err := h.choose(ctx, len(sums))
	if err != nil || n == 0 {
		return err
	}
	r, err := h.v.GetRecord(sums[n-1].ID)
	if err != nil {
		return err
	}
	if err := h.v.LogView(r.ID); err != nil {
		return err
	}
	text, err := h.a.RecordText(h.v, r, false)
	if err != nil {
		return err
	}
	fmt.Fprint(h.out, text)
	return nil
}
