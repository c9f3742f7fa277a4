package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

// backValue is the value of every list's Back option. huh lists need
// values that are not empty: an empty one matches the unset value and
// scrolls the list to it.
const backValue = "\x00back"

// The session's screens. Each returns a screen; choices lead to the next
// one, and every list has a way back home.

// welcomeScreen is the first run: what the vault is, then creating it.
func (s *session) welcomeScreen() screen {
	a := s.a
	choice := "create"
	intro := a.trf(`fieldvault keeps what survivors tell you, with their consent, in an encrypted
vault on this laptop: %s

Only a passphrase opens it. Nobody can recover a vault whose passphrases are
all forgotten, not even fieldvault's makers. Records leave this laptop only in
sealed bundles that just the partner you choose can open.`, s.path)
	intro = a.tr("Welcome to fieldvault") + "\n\n" + intro
	sel := huh.NewSelect[string]().
		Options(huh.NewOption(a.tr("Create the vault"), "create"), huh.NewOption(a.tr("Quit"), "quit")).Value(&choice)
	return s.form(intro, func() tea.Cmd {
		if choice == "quit" {
			return s.quit(endQuit)
		}
		return s.show(s.createScreen())
	}, huh.NewGroup(sel))
}

// createScreen asks for the vault's name, the worker and a passphrase.
func (s *session) createScreen() screen {
	a := s.a
	name, worker, p1, p2 := "", "", "", ""
	g := huh.NewGroup(
		huh.NewInput().Title(a.tr("Name partners will see on this vault's card")).
			Description(a.tr("Your organization or team, for example Field team Medan.")).Value(&name).
			Validate(func(v string) error {
				if strings.TrimSpace(v) == "" {
					return errors.New(a.tr("Give the vault a name."))
				}
				return nil
			}),
		huh.NewInput().Title(a.tr("Your name or initials, for the audit log")).Value(&worker),
		huh.NewInput().Title(a.tr("Passphrase")).
			Description(a.trf("At least %d characters. A few unrelated words are easy to remember and hard to guess.", vault.MinPassphraseLen)).
			EchoMode(huh.EchoModePassword).Value(&p1).
			Validate(func(v string) error {
				if vault.CheckPassphrase([]byte(v)) != nil {
					return errors.New(a.trf("Use at least %d characters.", vault.MinPassphraseLen))
				}
				return nil
			}),
		huh.NewInput().Title(a.tr("Type the passphrase again")).EchoMode(huh.EchoModePassword).Value(&p2).
			Validate(func(v string) error {
				if v != p1 {
					return errors.New(a.tr("The two passphrases do not match."))
				}
				return nil
			}),
	).Title(a.tr("Create the vault"))
	return s.form("", func() tea.Cmd {
		wf, err := a.workFactor()
		if err != nil {
			wf = vault.DefaultWorkFactor
		}
		pass := []byte(p1)
		return s.job(a.tr("Creating the vault…"), func() func() tea.Cmd {
			v, err := vault.Create(s.path, pass, vault.CreateOptions{Name: strings.TrimSpace(name), Worker: strings.TrimSpace(worker), WorkFactor: wf, Lang: a.lang()})
			clear(pass)
			return func() tea.Cmd {
				if err != nil {
					return s.show(s.text(a.tr("The vault could not be created"), a.explainShort(err), func() tea.Cmd { return s.quit(endQuit) }))
				}
				s.v = v
				return s.show(s.cardScreen(true))
			}
		})
	}, g)
}

// cardScreen shows this vault's contact card, for partners.
func (s *session) cardScreen(first bool) screen {
	a := s.a
	card, err := sync.OwnCard(s.v)
	if err != nil {
		return s.text(a.tr("Contact card"), a.explainShort(err), s.goHome)
	}
	var b strings.Builder
	if first {
		b.WriteString(a.tr("The vault is ready.") + "\n\n")
	}
	b.WriteString(a.tr("This is the vault's contact card. A partner adds it with 'fieldvault contact add';\n'fieldvault card > card.txt' writes it to a file to carry to them.") + "\n\n")
	b.WriteString(a.trf("Fingerprint: %s", card.Fingerprint()) + "\n")
	b.WriteString(a.tr("Read the fingerprint aloud to the partner: theirs must be the same.") + "\n\n")
	line := card.String()
	for w := 72; len(line) > w; line = line[w:] {
		b.WriteString(line[:w] + "\n")
	}
	b.WriteString(line + "\n")
	return s.text(a.tr("Contact card"), b.String(), s.goHome)
}

// partnerScreen adds a partner from their contact card, pasted or read
// from a file on a drive, so a worker never has to leave the session (whose
// lock keeps 'fieldvault contact add' out) to do it.
func (s *session) partnerScreen() screen {
	a := s.a
	var line string
	in := huh.NewInput().Title(a.tr("Paste the partner's contact card, or type the path of a file holding it")).
		Description(a.tr("The card is the line 'fieldvault card' prints on their laptop. Leave it empty to go back.")).
		Value(&line).CharLimit(4096)
	return s.form("", func() tea.Cmd {
		line = strings.TrimSpace(line)
		if line == "" {
			return s.goHome()
		}
		if !strings.HasPrefix(line, "fieldvault-card-") {
			data, err := os.ReadFile(expandHome(line))
			if err != nil {
				return s.show(s.text(a.tr("Add a partner"), a.trf("Cannot read %s: it is neither a contact card nor a file holding one.", line), s.goHome))
			}
			line = string(data)
		}
		card, err := partnerCard(line)
		if err != nil {
			return s.show(s.text(a.tr("Add a partner"), a.explainShort(err), s.goHome))
		}
		return s.show(s.confirmPartnerScreen(card))
	}, huh.NewGroup(in))
}

// confirmPartnerScreen shows the card's name and fingerprint, to be read
// aloud with the partner, before the card is added.
func (s *session) confirmPartnerScreen(card sync.Card) screen {
	a := s.a
	add := false
	c := huh.NewConfirm().Title(a.trf("Add %s?", card.Name)).
		Description(a.trf("Fingerprint: %s", card.Fingerprint()) + "\n" + a.tr("Read the fingerprint aloud to the partner: theirs must be the same.")).
		Affirmative(a.tr("Add")).Negative(a.tr("Back")).Value(&add)
	return s.form("", func() tea.Cmd {
		if !add {
			return s.goHome()
		}
		if _, err := addPartner(s.v, card); err != nil {
			return s.home(a.explainShort(err))
		}
		return s.home(a.trf("Added %s. Fingerprint: %s", card.Name, card.Fingerprint()))
	}, huh.NewGroup(c))
}

// unlockScreen asks for the passphrase. notice says why it is shown.
func (s *session) unlockScreen(notice string) screen {
	a := s.a
	var p string
	in := huh.NewInput().Title(a.tr("Passphrase")).EchoMode(huh.EchoModePassword).Value(&p)
	head := a.trf("Unlock the vault at %s", s.path)
	if left, warn := attemptsLeft(s.v); warn && left == 1 {
		head += "\n" + a.tr("1 attempt left before the vault is erased.")
	} else if warn {
		head += "\n" + a.trf("%d attempts left before the vault is erased.", left)
	}
	if notice != "" {
		head = notice + "\n\n" + head
	}
	return s.form(head, func() tea.Cmd {
		pass := []byte(p)
		return s.job(a.tr("Unlocking…"), func() func() tea.Cmd {
			err := s.v.Unlock(pass)
			clear(pass)
			return func() tea.Cmd {
				switch {
				case errors.Is(err, vault.ErrErased):
					return s.show(s.text(a.tr("The vault was erased"), a.explainShort(err), func() tea.Cmd { return s.quit(endQuit) }))
				case errors.Is(err, vault.ErrWrongPassphrase):
					return s.show(s.unlockScreen(a.tr("Wrong passphrase. Check Caps Lock and the keyboard layout, and try again.")))
				case err != nil:
					return s.show(s.unlockScreen(a.explainShort(err)))
				}
				a.unlocked(s.v)
				s.locked, s.last = false, time.Now()
				return s.goHome()
			}
		})
	}, huh.NewGroup(in))
}

func (s *session) goHome() tea.Cmd { return s.home("") }

// home is the home screen; notice says what just happened.
func (s *session) home(notice string) tea.Cmd {
	a := s.a
	sums, err := s.v.Summaries()
	if err != nil {
		notice = a.explainShort(err)
	}
	var drafts, records int
	for _, x := range sums {
		if x.Status == vault.StatusDraft {
			drafts++
		} else {
			records++
		}
	}
	choice := "intake"
	opts := []huh.Option[string]{huh.NewOption(a.tr("New intake"), "intake")}
	if drafts > 0 {
		opts = append(opts, huh.NewOption(a.trf("Resume a draft (%d)", drafts), "resume"))
	}
	opts = append(opts,
		huh.NewOption(a.trf("Records (%d)", records), "records"),
		huh.NewOption(a.tr("Outbox"), "outbox"),
		huh.NewOption(a.tr("Export to USB"), "export"),
		huh.NewOption(a.tr("Import a bundle or receipt"), "import"),
		huh.NewOption(a.tr("This vault's contact card"), "card"),
		huh.NewOption(a.tr("Add a partner"), "partner"),
		huh.NewOption(a.tr("Language: English / Bahasa Indonesia"), "lang"),
		huh.NewOption(a.tr("Wipe this vault (emergency)"), "wipe"),
		huh.NewOption(a.tr("Lock"), "lock"),
		huh.NewOption(a.tr("Quit"), "quit"),
	)
	sel := huh.NewSelect[string]().Title(a.tr("What would you like to do?")).Options(opts...).Value(&choice)
	return s.show(s.form(notice, func() tea.Cmd {
		switch choice {
		case "intake":
			return s.show(s.intakeScreen())
		case "resume":
			return s.show(s.resumeScreen(sums))
		case "records":
			return s.show(s.recordsScreen(sums, ""))
		case "outbox":
			return s.show(s.outboxScreen())
		case "export":
			return s.show(s.exportScreen())
		case "import":
			return s.show(s.folderScreen(a.tr("Import from which folder?"), s.importFileScreen))
		case "card":
			return s.show(s.cardScreen(false))
		case "partner":
			return s.show(s.partnerScreen())
		case "lang":
			return s.show(s.langScreen())
		case "wipe":
			return s.show(s.wipeScreen())
		case "lock":
			return s.lock(a.tr("Locked."))
		}
		return s.quit(endQuit)
	}, huh.NewGroup(sel)))
}

// intakeScreen asks which questionnaire, when the vault offers more than
// the built-in one, then in which language the interview will be.
func (s *session) intakeScreen() screen {
	a := s.a
	all, err := questionnaires(s.v)
	if err != nil {
		return s.text(a.tr("New intake"), a.explainShort(err), s.goHome)
	}
	if len(all) == 1 {
		return s.intakeLangScreen(all[0])
	}
	id := schema.DefaultID
	var opts []huh.Option[string]
	for _, sc := range all {
		opts = append(opts, huh.NewOption(sc.Title.In(a.lang())+" ("+sc.ID+" "+sc.Version+")", sc.ID))
	}
	opts = append(opts, huh.NewOption(a.tr("Back"), backValue))
	sel := huh.NewSelect[string]().Title(a.tr("Which questionnaire?")).Options(opts...).Value(&id)
	return s.form(a.tr("Every questionnaire opens with the same consent questions."), func() tea.Cmd {
		for _, sc := range all {
			if sc.ID == id {
				return s.show(s.intakeLangScreen(sc))
			}
		}
		return s.goHome()
	}, huh.NewGroup(sel))
}

// intakeLangScreen asks in which language the interview will be, then
// starts it.
func (s *session) intakeLangScreen(sc *schema.Schema) screen {
	a := s.a
	lang := a.interviewLang(s.v, sc, "")
	var opts []huh.Option[string]
	for _, l := range sc.Languages {
		opts = append(opts, huh.NewOption(languageName(l), l))
	}
	opts = append(opts, huh.NewOption(a.tr("Back"), backValue))
	sel := huh.NewSelect[string]().Title(a.tr("In which language is the interview?")).Options(opts...).Value(&lang)
	return s.form(a.tr("The language the person is most at ease in. The questions and the consent script are shown in it."), func() tea.Cmd {
		if lang == backValue {
			return s.goHome()
		}
		sess, err := intake.Start(s.v, sc, lang)
		if err != nil {
			return s.home(a.explainShort(err))
		}
		return s.startInterview(sess)
	}, huh.NewGroup(sel))
}

func languageName(l string) string {
	switch l {
	case "en":
		return "English"
	case "id":
		return "Bahasa Indonesia"
	case "fr":
		return "Français"
	}
	return l
}

// startInterview runs an interview inside the session.
func (s *session) startInterview(sess *intake.Session) tea.Cmd {
	// The session's header and footer take 6 lines, the interview's keys 2.
	f := &intake.Form{Save: sess.Save, Plain: s.plain, Reserve: 8}
	sess.Engine.SetWorkerLang(s.a.lang()) // alerts and worker questions in the interface's language
	s.isess = sess
	s.iv = f.Interview(sess.Engine, func() tea.Msg { return ivEnded{} })
	return s.show(&interviewScreen{s})
}

type interviewScreen struct{ s *session }

func (i *interviewScreen) init() tea.Cmd { return i.s.iv.Init() }

func (i *interviewScreen) update(msg tea.Msg) tea.Cmd {
	if i.s.iv == nil {
		return nil
	}
	_, cmd := i.s.iv.Update(msg)
	return cmd
}

func (i *interviewScreen) view() string {
	if i.s.iv == nil {
		return ""
	}
	return i.s.iv.View()
}

// interviewEnded saves the record and reads its summary back.
func (s *session) interviewEnded() tea.Cmd {
	a := s.a
	sess, iv := s.isess, s.iv
	if sess == nil {
		return nil // locked or quit meanwhile
	}
	s.iv, s.isess = nil, nil
	err := iv.Err()
	if err == nil {
		err = sess.Save()
	}
	if err != nil {
		return s.home(a.trf("The interview could not be saved: %s.", a.explainShort(err)))
	}
	e := sess.Engine
	if e.Declined() || !e.Consented() {
		if sess.ID == "" {
			return s.home(a.tr("The interview ended before consent; nothing was stored."))
		}
		return s.home(a.trf("Recorded that consent was not given (%s).", shortID(sess.ID)))
	}
	notice := a.trf("Saved record %s (triage: %s).", shortID(sess.ID), e.Triage().Level)
	return s.show(s.text(a.trf("Record %s", shortID(sess.ID)), e.Summary(), func() tea.Cmd { return s.home(notice) }))
}

// resumeScreen lists the drafts.
func (s *session) resumeScreen(sums []vault.Summary) screen {
	a := s.a
	var opts []huh.Option[string]
	for _, x := range sums {
		if x.Status == vault.StatusDraft {
			opts = append(opts, huh.NewOption(a.trf("%s  started %s", shortID(x.ID), x.Created), x.ID))
		}
	}
	opts = append(opts, huh.NewOption(a.tr("Back"), backValue))
	var id string
	sel := huh.NewSelect[string]().Title(a.tr("Which draft?")).Options(opts...).Value(&id)
	return s.form("", func() tea.Cmd {
		if id == backValue {
			return s.goHome()
		}
		sess, err := intake.Continue(s.v, id)
		if err != nil {
			return s.home(a.explainShort(err))
		}
		return s.startInterview(sess)
	}, huh.NewGroup(sel))
}

// mostListed caps the record list; 'fieldvault list' shows every record.
const mostListed = 500

// recordsScreen lists records by their summaries (never their answers);
// choosing one shows it alone.
func (s *session) recordsScreen(sums []vault.Summary, selected string) screen {
	a := s.a
	var opts []huh.Option[string]
	for _, x := range sums {
		if x.Status == vault.StatusDraft {
			continue
		}
		if len(opts) == mostListed {
			break
		}
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s  %-9s  %s  %s", shortID(x.ID), a.trValue(string(x.Status)), x.Created, dash(x.Triage)), x.ID))
	}
	if len(opts) == 0 {
		return s.text(a.tr("Records"), a.tr("No records yet."), s.goHome)
	}
	opts = append(opts, huh.NewOption(a.tr("Back"), backValue))
	id := selected
	desc := a.tr("ID, status, day taken, triage. Choose one to see it.")
	if len(opts) > mostListed {
		desc += " " + a.trf("The newest %d are listed; 'fieldvault list' shows all.", mostListed)
	}
	sel := huh.NewSelect[string]().Title(a.tr("Records")).Options(opts...).Value(&id)
	return s.form(desc, func() tea.Cmd {
		if id == backValue {
			return s.goHome()
		}
		return s.show(s.recordScreen(sums, id))
	}, huh.NewGroup(sel))
}

// recordScreen shows one record. Leaving it drops the text.
func (s *session) recordScreen(sums []vault.Summary, id string) screen {
	a := s.a
	back := func() tea.Cmd { return s.show(s.recordsScreen(sums, id)) }
	r, err := s.v.GetRecord(id)
	if err == nil {
		err = s.v.LogView(id)
	}
	var body string
	if err == nil {
		body, err = a.recordText(s.v, r, true)
	}
	if err != nil {
		return s.text(a.tr("Record"), a.explainShort(err), back)
	}
	// Sensitive answers stay hidden until the worker asks for them: others
	// may see the screen.
	t := s.text(a.trf("Record %s", shortID(id)), body, back)
	t.reveal = func(show bool) string {
		text, err := a.recordText(s.v, r, !show)
		if err != nil {
			return a.explainShort(err)
		}
		return text
	}
	return t
}

// outboxes reads the outbox of every partner, or returns the screen to show
// instead: the error, or that there are no partners yet.
func (s *session) outboxes(title string) ([]sync.Outbox, screen) {
	a := s.a
	boxes, err := sync.Outboxes(s.v)
	if err != nil {
		return nil, s.text(title, a.explainShort(err), s.goHome)
	}
	if len(boxes) == 0 {
		return nil, s.text(title, a.tr("No partners yet: add one with 'fieldvault contact add'."), s.goHome)
	}
	return boxes, nil
}

// outboxScreen shows, per partner, what waits and what came back.
func (s *session) outboxScreen() screen {
	a := s.a
	boxes, stop := s.outboxes(a.tr("Outbox"))
	if stop != nil {
		return stop
	}
	var b strings.Builder
	for _, o := range boxes {
		fmt.Fprintf(&b, "%s  (%s)\n", o.Contact, o.Fingerprint)
		fmt.Fprintf(&b, "  %s\n", a.trf("records waiting to be sent: %d", o.Waiting))
		fmt.Fprintf(&b, "  %s\n", a.trf("withdrawals not yet confirmed: %d", o.Withdrawals))
		if o.LastSeq > 0 {
			fmt.Fprintf(&b, "  %s\n", a.trf("last bundle: #%d on %s", o.LastSeq, day(o.LastSent)))
		} else {
			fmt.Fprintf(&b, "  %s\n", a.tr("last bundle: none yet"))
		}
		fmt.Fprintf(&b, "  %s\n", a.trf("last receipt: %s", day(o.LastReceipt)))
		if o.NotShared > 0 {
			fmt.Fprintf(&b, "  %s\n", a.trf("not shared with them (no consent): %d", o.NotShared))
		}
		b.WriteString("\n")
	}
	return s.text(a.tr("Outbox"), b.String(), s.goHome)
}

// exportScreen chooses the partner, then the folder, then writes the bundle.
func (s *session) exportScreen() screen {
	a := s.a
	boxes, stop := s.outboxes(a.tr("Export to USB"))
	if stop != nil {
		return stop
	}
	var opts []huh.Option[string]
	for _, o := range boxes {
		opts = append(opts, huh.NewOption(a.trf("%s: %d waiting, %d withdrawals", o.Contact, o.Waiting, o.Withdrawals), o.Contact))
	}
	opts = append(opts, huh.NewOption(a.tr("Back"), backValue))
	var to string
	sel := huh.NewSelect[string]().Title(a.tr("For which partner?")).Options(opts...).Value(&to)
	return s.form(a.tr("Only records the person agreed to share with that partner go in. Drafts and refusals never leave."), func() tea.Cmd {
		if to == backValue {
			return s.goHome()
		}
		return s.show(s.folderScreen(a.trf("Write the bundle for %s into which folder?", to), func(dir string) screen {
			return s.exporting(to, dir)
		}))
	}, huh.NewGroup(sel))
}

func (s *session) exporting(to, dir string) screen {
	a := s.a
	return &startScreen{s.job(a.tr("Writing the bundle…"), func() func() tea.Cmd {
		res, err := sync.Export(s.v, to, dir, sync.ExportOptions{})
		return func() tea.Cmd {
			switch {
			case errors.Is(err, sync.ErrNothingToExport):
				return s.home(a.trf("Nothing new to send to %s.", to))
			case err != nil:
				return s.home(a.trf("No bundle was written: %s.", a.explainShort(err)))
			}
			m := res.Manifest
			return s.home(a.trf("Wrote bundle %d for %s: %d records, %d withdrawal notices, in %s", m.Seq, res.Contact, len(m.Records), len(m.Withdrawals), res.Path))
		}
	})}
}

// startScreen is a screen that only starts background work.
type startScreen struct{ cmd tea.Cmd }

func (j *startScreen) init() tea.Cmd          { return j.cmd }
func (j *startScreen) update(tea.Msg) tea.Cmd { return nil }
func (j *startScreen) view() string           { return "" }

// folderScreen chooses a folder: a removable drive the OS shows, or one
// typed in.
func (s *session) folderScreen(title string, then func(dir string) screen) screen {
	a := s.a
	var opts []huh.Option[string]
	for _, d := range removableDrives() {
		opts = append(opts, huh.NewOption(d, d))
	}
	opts = append(opts, huh.NewOption(a.tr("Type a folder…"), "\x00type"), huh.NewOption(a.tr("Back"), backValue))
	var dir string
	desc := a.tr("No removable drive was found; plug in the USB stick, or type a folder.")
	if len(opts) > 2 {
		desc = a.tr("Removable drives found on this laptop.")
	}
	sel := huh.NewSelect[string]().Title(title).Options(opts...).Value(&dir)
	return s.form(desc, func() tea.Cmd {
		switch dir {
		case backValue:
			return s.goHome()
		case "\x00type":
			return s.show(s.typeFolderScreen(title, then))
		}
		return s.show(then(dir))
	}, huh.NewGroup(sel))
}

func (s *session) typeFolderScreen(title string, then func(dir string) screen) screen {
	a := s.a
	var dir string
	in := huh.NewInput().Title(title).Description(a.tr("A folder path. Leave it empty to go back.")).Value(&dir).
		Validate(func(v string) error {
			if strings.TrimSpace(v) == "" {
				return nil
			}
			fi, err := os.Stat(expandHome(strings.TrimSpace(v)))
			if err != nil || !fi.IsDir() {
				return errors.New(a.tr("There is no folder there."))
			}
			return nil
		})
	return s.form("", func() tea.Cmd {
		if strings.TrimSpace(dir) == "" {
			return s.goHome()
		}
		return s.show(then(expandHome(strings.TrimSpace(dir))))
	}, huh.NewGroup(in))
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// importFileScreen lists the bundles and receipts in dir, newest first.
func (s *session) importFileScreen(dir string) screen {
	a := s.a
	files := s.importable(bundleFiles(dir))
	if len(files) == 0 {
		return s.text(a.tr("Import a bundle or receipt"), a.trf("There is no bundle or receipt for this vault in %s that was not imported already.", dir), s.goHome)
	}
	var opts []huh.Option[string]
	for _, f := range files {
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s  %s  %s", a.trValue(sync.KindOfName(filepath.Base(f.path))), filepath.Base(f.path), day(f.mod)), f.path))
	}
	opts = append(opts, huh.NewOption(a.tr("Back"), backValue))
	var file string
	sel := huh.NewSelect[string]().Title(a.tr("Which file?")).Options(opts...).Value(&file)
	return s.form(a.tr("Everything is checked before the vault changes; a file that is not addressed to this vault, not signed by a known partner, or altered is refused."), func() tea.Cmd {
		if file == backValue {
			return s.goHome()
		}
		return s.importing(file)
	}, huh.NewGroup(sel))
}

func (s *session) importing(file string) tea.Cmd {
	a := s.a
	return s.job(a.tr("Checking and importing…"), func() func() tea.Cmd {
		res, err := sync.Import(s.v, file, sync.ReceiptDir(file))
		return func() tea.Cmd {
			switch {
			case err != nil:
				return s.home(a.trf("Not imported: %s.", a.explainShort(err)))
			case res.Seen:
				return s.home(a.trf("This %s from %s was imported before; nothing changed.", a.trValue(res.Kind), res.Sender.Name))
			case res.Kind == sync.KindReceipt:
				return s.home(a.trf("Receipt from %s: %d records delivered, %d deletions confirmed.", res.Sender.Name, res.Delivered, res.Confirmed))
			}
			n := a.trf("Imported bundle %d from %s: %d records new or updated, %d deleted by withdrawal. Receipt: %s", res.Manifest.Seq, res.Sender.Name, res.Added, res.Deleted, res.ReceiptPath)
			if res.Gap > 0 {
				n += "\n" + a.trf("%d earlier bundles from %s never arrived (a lost USB stick?); ask them to export again with --all.", res.Gap, res.Sender.Name)
			}
			return s.home(n)
		}
	})
}

type bundleFile struct {
	path string
	mod  time.Time
}

// bundleFiles finds fieldvault's files in dir: fv-<random>.age.
// importable keeps the files addressed to this vault that it has not
// imported yet. Whether a file was imported shows only once it is read
// whole, so that is checked for files up to 4 MiB (a few thousand
// records); a larger one is listed, and importing it again changes
// nothing.
func (s *session) importable(files []bundleFile) []bundleFile {
	var out []bundleFile
	for _, f := range files {
		if !sync.ForThisVault(s.v, f.path) {
			continue
		}
		if fi, err := os.Stat(f.path); err == nil && fi.Size() <= 4<<20 {
			if ck, err := sync.Verify(s.v, f.path); err == nil && ck.Seen {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

func bundleFiles(dir string) []bundleFile {
	entries, _ := os.ReadDir(dir)
	var out []bundleFile
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), "fv-") && strings.HasSuffix(e.Name(), ".age") {
			if fi, err := e.Info(); err == nil {
				out = append(out, bundleFile{filepath.Join(dir, e.Name()), fi.ModTime()})
			}
		}
	}
	slices.SortFunc(out, func(x, y bundleFile) int { return y.mod.Compare(x.mod) })
	return out
}

// langScreen switches the interface language and keeps it as the vault's
// setting.
func (s *session) langScreen() screen {
	a := s.a
	l := a.lang()
	var opts []huh.Option[string]
	for _, x := range uiLanguages {
		opts = append(opts, huh.NewOption(languageName(x), x))
	}
	sel := huh.NewSelect[string]().Title("Language / Bahasa").Options(opts...).Value(&l)
	return s.form("", func() tea.Cmd {
		info, err := s.v.Info()
		if err == nil {
			info.Lang = l
			err = s.v.SetInfo(info)
		}
		if err != nil {
			return s.home(a.explainShort(err))
		}
		a.langFlag, a.vaultLang = "", l
		return s.goHome()
	}, huh.NewGroup(sel))
}

// wipeScreen is the first of the two deliberate steps before an emergency
// wipe: what it does and what it loses, then a choice whose default is to
// go back.
func (s *session) wipeScreen() screen {
	a := s.a
	body := a.tr("Wiping destroys this vault for good: the keys that open it are overwritten, then the file is removed. No passphrase opens it afterwards, nor any copy made from now on.")
	if n, err := s.v.Unconfirmed(); err != nil {
		return s.text(a.tr("Wipe this vault"), a.explainShort(err), s.goHome)
	} else if n > 0 {
		body += "\n\n" + a.trf("%d records in this vault have not been confirmed by any partner; wiping loses them for good", n) + "."
	}
	next := false
	c := huh.NewConfirm().Title(a.tr("Wipe this vault?")).
		Affirmative(a.tr("Continue")).Negative(a.tr("Back")).Value(&next)
	return s.form(body, func() tea.Cmd {
		if !next {
			return s.goHome()
		}
		return s.show(s.wipeNameScreen())
	}, huh.NewGroup(c))
}

// wipeNameScreen is the second step: typing the vault's name wipes it.
func (s *session) wipeNameScreen() screen {
	a := s.a
	info, err := s.v.Info()
	if err != nil {
		return s.text(a.tr("Wipe this vault"), a.explainShort(err), s.goHome)
	}
	name := wipeWord(info)
	var typed string
	in := huh.NewInput().Title(a.trf("Type the vault's name (%s) to wipe it now", name)).
		Description(a.tr("Leave it empty to go back.")).Value(&typed)
	return s.form("", func() tea.Cmd {
		switch strings.TrimSpace(typed) {
		case "":
			return s.goHome()
		case name:
		default:
			return s.home(a.tr("the name did not match; nothing was wiped"))
		}
		return s.job(a.tr("Wiping…"), func() func() tea.Cmd {
			err := s.v.Erase()
			return func() tea.Cmd {
				if err != nil {
					return s.home(a.explainShort(err))
				}
				return s.show(s.text(a.tr("Wipe this vault"), a.trf("Wiped the vault at %s: no passphrase opens it any more.", s.path), func() tea.Cmd { return s.quit(endQuit) }))
			}
		})
	}, huh.NewGroup(in))
}
