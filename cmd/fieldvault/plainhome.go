package main

import (
	"context"
	"errors"
	"fmt"
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
	a     *app
	v     *vault.Vault
	lines *intake.Lines
}

func (a *app) runPlainHome(ctx context.Context) error {
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		h := &plainHome{a: a, v: v, lines: intake.NewLines(a.in)}
		return h.loop(ctx)
	})
}

// plainMenu is the home menu's choices, in order (translated where shown;
// listed in computedTexts for the catalog test).
var plainMenu = []string{"New intake", "Resume a draft", "Records", "Outbox", "Export to USB", "Import a bundle or receipt", "This vault's contact card", "Lock and quit", "Wipe this vault (emergency)"}

func (h *plainHome) loop(ctx context.Context) error {
	a := h.a
	for {
		info, _ := h.v.Info()
		fmt.Fprintf(a.out, "\n%s — %s\n", "fieldvault", info.Name)
		for i, item := range plainMenu {
			fmt.Fprintf(a.out, "%d) %s\n", i+1, a.trValue(item))
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
			fmt.Fprintf(a.out, "%s\n%s\n", card.String(), a.trf("Fingerprint: %s", card.Fingerprint()))
		case 8:
			fmt.Fprintln(a.out, a.tr("Locked."))
			return nil
		case 9:
			var wiped bool
			if wiped, err = h.wipe(ctx); wiped {
				return nil
			}
		}
		var ce *cancelError
		switch {
		case err == nil:
		case errors.As(err, &ce) || errors.Is(err, intake.ErrInputEnded) || errors.Is(err, context.Canceled) || errors.Is(err, errCancelled):
			return h.ended(err)
		default:
			// One sentence, and back to the menu: nothing was changed.
			a.report(err)
		}
	}
}

// ended: the input ended (nothing more to do) or Ctrl+C (exit 130, saying
// where an interrupted interview was kept).
func (h *plainHome) ended(err error) error {
	switch {
	case errors.Is(err, intake.ErrInputEnded):
		return nil
	case errors.Is(err, context.Canceled):
		return errCancelled
	}
	return err
}

// ask prints a prompt and reads the answer line.
func (h *plainHome) ask(ctx context.Context, prompt string) (string, error) {
	fmt.Fprintf(h.a.out, "%s\n> ", prompt)
	line, err := h.lines.Read(ctx)
	return strings.TrimSpace(line), err
}

// choose reads a number from 1 to n; 0 or an empty line is "back" (0).
func (h *plainHome) choose(ctx context.Context, n int) (int, error) {
	for {
		line, err := h.ask(ctx, h.a.trf("Type a number from 1 to %d, then Enter.", n))
		if err != nil {
			return 0, err
		}
		if line == "" || line == "0" {
			return 0, nil
		}
		if i, err := strconv.Atoi(line); err == nil && i >= 1 && i <= n {
			return i, nil
		}
		fmt.Fprintln(h.a.out, h.a.trf("%q is not one of the numbers.", line))
	}
}

func (h *plainHome) interview(ctx context.Context, sess *intake.Session) error {
	sess.Engine.SetWorkerLang(h.a.lang()) // alerts and worker questions in the interface's language
	p := &intake.Plain{Out: h.a.out, Save: sess.Save, Lines: h.lines}
	if err := p.Run(ctx, sess.Engine); err != nil {
		return h.a.interrupted(sess, err)
	}
	if err := sess.Save(); err != nil {
		return err
	}
	fmt.Fprintln(h.a.out, h.a.trf("Saved record %s.", sess.ID))
	return nil
}

func (h *plainHome) intake(ctx context.Context) error {
	all, err := questionnaires(h.v)
	if err != nil {
		return err
	}
	s := all[0]
	if len(all) > 1 {
		fmt.Fprintln(h.a.out, h.a.tr("Which questionnaire?"))
		for i, sc := range all {
			fmt.Fprintf(h.a.out, "%d) %s (%s %s)\n", i+1, sc.Title.In(h.a.lang()), sc.ID, sc.Version)
		}
		n, err := h.choose(ctx, len(all))
		if err != nil || n == 0 {
			return err
		}
		s = all[n-1]
	}
	langs := s.Languages
	fmt.Fprintln(h.a.out, h.a.tr("In which language is the interview?"))
	for i, l := range langs {
		fmt.Fprintf(h.a.out, "%d) %s\n", i+1, languageName(l))
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
		fmt.Fprintln(h.a.out, h.a.tr("No drafts."))
		return nil
	}
	for i, d := range drafts {
		fmt.Fprintf(h.a.out, "%d) %s %s\n", i+1, shortID(d.ID), d.Created)
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
		fmt.Fprintln(h.a.out, h.a.tr("No records."))
		return nil
	}
	for i, s := range sums {
		fmt.Fprintf(h.a.out, "%d) %s %s %s %s\n", i+1, shortID(s.ID), h.a.trValue(string(s.Status)), s.Created, dash(s.Triage))
	}
	fmt.Fprintln(h.a.out, h.a.tr("Which record? 0 or Enter goes back."))
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
	text, err := h.a.recordText(h.v, r, false)
	if err != nil {
		return err
	}
	fmt.Fprint(h.a.out, text)
	return nil
}

func (h *plainHome) outbox() error {
	boxes, err := sync.Outboxes(h.v)
	if err != nil {
		return err
	}
	if len(boxes) == 0 {
		fmt.Fprintln(h.a.out, h.a.tr("No partners yet: add one with 'fieldvault contact add'."))
	}
	for _, o := range boxes {
		fmt.Fprintln(h.a.out, h.a.trf("%s: %d waiting to be sent, %d not confirmed yet, %d withdrawals to confirm.", o.Contact, o.Waiting, o.Unconfirmed, o.Withdrawals))
	}
	return nil
}

func (h *plainHome) partner(ctx context.Context) (string, error) {
	cs, err := h.v.Contacts()
	if err != nil || len(cs) == 0 {
		if err == nil {
			fmt.Fprintln(h.a.out, h.a.tr("No partners yet: add one with 'fieldvault contact add'."))
		}
		return "", err
	}
	fmt.Fprintln(h.a.out, h.a.tr("For which partner?"))
	for i, c := range cs {
		fmt.Fprintf(h.a.out, "%d) %s\n", i+1, c.Name)
	}
	n, err := h.choose(ctx, len(cs))
	if err != nil || n == 0 {
		return "", err
	}
	return cs[n-1].Name, nil
}

func (h *plainHome) export(ctx context.Context) error {
	to, err := h.partner(ctx)
	if err != nil || to == "" {
		return err
	}
	dir := ""
	if drives := removableDrives(); len(drives) > 0 {
		dir = drives[0]
	}
	prompt := h.a.tr("Into which folder? Type its path.")
	if dir != "" {
		prompt = h.a.trf("Into which folder? Enter for the USB drive at %s, or type a path.", dir)
	}
	line, err := h.ask(ctx, prompt)
	if err != nil {
		return err
	}
	if line != "" {
		dir = line
	}
	if dir == "" {
		return nil
	}
	res, err := sync.Export(h.v, to, dir, sync.ExportOptions{})
	if errors.Is(err, sync.ErrNothingToExport) {
		fmt.Fprintln(h.a.out, h.a.trf("Nothing new to send to %s.", to))
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(h.a.out, h.a.trf("Wrote %s for %s: %d records, %d withdrawal notices.", res.Path, res.Contact, len(res.Manifest.Records), len(res.Manifest.Withdrawals)))
	return nil
}

func (h *plainHome) importFile(ctx context.Context) error {
	path, err := h.ask(ctx, h.a.tr("Which file? Type its path."))
	if err != nil || path == "" {
		return err
	}
	res, err := sync.Import(h.v, path, sync.ReceiptDir(path))
	if err != nil {
		return err
	}
	switch {
	case res.Seen:
		fmt.Fprintln(h.a.out, h.a.tr("This file was imported before; nothing changed."))
	case res.Kind == sync.KindReceipt:
		fmt.Fprintln(h.a.out, h.a.trf("Receipt from %s: %d records delivered, %d deletions confirmed.", res.Sender.Name, res.Delivered, res.Confirmed))
	default:
		fmt.Fprintln(h.a.out, h.a.trf("Imported from %s: %d records new or updated. Receipt for them: %s", res.Sender.Name, res.Added, res.ReceiptPath))
	}
	return nil
}

// wipe is the emergency wipe in two deliberate steps: what it does and
// loses, with going back as the default, then the vault's name typed.
func (h *plainHome) wipe(ctx context.Context) (bool, error) {
	a := h.a
	fmt.Fprintln(a.out, a.tr("Wiping destroys this vault for good: the keys that open it are overwritten, then the file is removed. No passphrase opens it afterwards, nor any copy made from now on."))
	if n, err := h.v.Unconfirmed(); err != nil {
		return false, err
	} else if n > 0 {
		fmt.Fprintln(a.out, a.trf("%d records in this vault have not been confirmed by any partner; wiping loses them for good", n)+".")
	}
	fmt.Fprintf(a.out, "1) %s\n", a.tr("Continue"))
	if n, err := h.choose(ctx, 1); err != nil || n == 0 {
		return false, err
	}
	info, err := h.v.Info()
	if err != nil {
		return false, err
	}
	name := wipeWord(info)
	typed, err := h.ask(ctx, a.trf("Type the vault's name (%s) to wipe it now", name)+" "+a.tr("Leave it empty to go back."))
	switch {
	case err != nil || typed == "":
		return false, err
	case typed != name:
		fmt.Fprintln(a.out, a.tr("the name did not match; nothing was wiped"))
		return false, nil
	}
	path := h.v.Path()
	if err := h.v.Erase(); err != nil {
		return false, err
	}
	fmt.Fprintln(a.out, a.trf("Wiped the vault at %s: no passphrase opens it any more.", path))
	return true, nil
}
