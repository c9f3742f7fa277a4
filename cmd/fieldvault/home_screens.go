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

	"github.com/fieldvault/fieldvault/cmd/catalog"
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
	intro := a.trf("session.fieldvault_keeps_what_survivors", s.path)
	intro = a.tr("session.welcome_fieldvault") + "\n\n" + intro
	sel := huh.NewSelect[string]().
		Options(huh.NewOption(a.tr("session.create_vault"), "create"), huh.NewOption(a.tr("session.quit"), "quit")).Value(&choice)
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
		huh.NewInput().Title(a.tr("session.name_partners_will_see")).
			Description(a.tr("session.your_organization_team_example")).Value(&name).
			Validate(func(v string) error {
				if strings.TrimSpace(v) == "" {
					return errors.New(a.tr("session.give_vault_name"))
				}
				return nil
			}),
		huh.NewInput().Title(a.tr("session.your_name_initials_audit")).Value(&worker),
		huh.NewInput().Title(a.tr("session.passphrase")).
			Description(a.trf("session.at_least_characters_few", vault.MinPassphraseLen)).
			EchoMode(huh.EchoModePassword).Value(&p1).
			Validate(func(v string) error {
				if vault.CheckPassphrase([]byte(v)) != nil {
					return errors.New(a.trf("session.use_at_least_characters", vault.MinPassphraseLen))
				}
				return nil
			}),
		huh.NewInput().Title(a.tr("session.type_passphrase_again")).EchoMode(huh.EchoModePassword).Value(&p2).
			Validate(func(v string) error {
				if v != p1 {
					return errors.New(a.tr("session.the_two_passphrases_do"))
				}
				return nil
			}),
	).Title(a.tr("session.create_vault"))
	return s.form("", func() tea.Cmd {
		wf, err := a.workFactor()
		if err != nil {
			wf = vault.DefaultWorkFactor
		}
		pass := []byte(p1)
		return s.job(a.tr("session.creating_vault"), func() func() tea.Cmd {
			v, err := vault.Create(s.path, pass, vault.CreateOptions{Name: strings.TrimSpace(name), Worker: strings.TrimSpace(worker), WorkFactor: wf, Lang: a.lang()})
			clear(pass)
			return func() tea.Cmd {
				if err != nil {
					return s.show(s.text(a.tr("session.the_vault_could_not"), a.explainShort(err), func() tea.Cmd { return s.quit(endQuit) }))
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
		return s.text(a.tr("session.contact_card"), a.explainShort(err), s.goHome)
	}
	var b strings.Builder
	if first {
		b.WriteString(a.tr("session.the_vault_ready") + "\n\n")
	}
	b.WriteString(a.tr("session.this_vaults_contact_card") + "\n\n")
	b.WriteString(a.trf("session.fingerprint", card.Fingerprint()) + "\n")
	b.WriteString(a.tr("session.read_fingerprint_aloud_partner") + "\n\n")
	line := card.String()
	for w := 72; len(line) > w; line = line[w:] {
		b.WriteString(line[:w] + "\n")
	}
	b.WriteString(line + "\n")
	return s.text(a.tr("session.contact_card"), b.String(), s.goHome)
}

// partnerScreen adds a partner from their contact card, pasted or read
// from a file on a drive, so a worker never has to leave the session (whose
// lock keeps 'fieldvault contact add' out) to do it.
func (s *session) partnerScreen() screen {
	a := s.a
	var line string
	in := huh.NewInput().Title(a.tr("session.paste_partners_contact_card")).
		Description(a.tr("session.the_card_line_fieldvault")).
		Value(&line).CharLimit(4096)
	return s.form("", func() tea.Cmd {
		line = strings.TrimSpace(line)
		if line == "" {
			return s.goHome()
		}
		if !strings.HasPrefix(line, "fieldvault-card-") {
			data, err := os.ReadFile(expandHome(line))
			if err != nil {
				return s.show(s.text(a.tr("session.add_partner"), a.trf("session.cannot_read_neither_contact", line), s.goHome))
			}
			line = string(data)
		}
		card, err := partnerCard(line)
		if err != nil {
			return s.show(s.text(a.tr("session.add_partner"), a.explainShort(err), s.goHome))
		}
		return s.show(s.confirmPartnerScreen(card))
	}, huh.NewGroup(in))
}

// confirmPartnerScreen shows the card's name and fingerprint, to be read
// aloud with the partner, before the card is added.
func (s *session) confirmPartnerScreen(card sync.Card) screen {
	a := s.a
	add := false
	c := huh.NewConfirm().Title(a.trf("session.add", card.Name)).
		Description(a.trf("session.fingerprint", card.Fingerprint()) + "\n" + a.tr("session.read_fingerprint_aloud_partner")).
		Affirmative(a.tr("session.add_2")).Negative(a.tr("session.back")).Value(&add)
	return s.form("", func() tea.Cmd {
		if !add {
			return s.goHome()
		}
		if _, err := addPartner(s.v, card); err != nil {
			return s.home(a.explainShort(err))
		}
		return s.home(a.trf("session.added_fingerprint", card.Name, card.Fingerprint()))
	}, huh.NewGroup(c))
}

// unlockScreen asks for the passphrase. notice says why it is shown.
func (s *session) unlockScreen(notice string) screen {
	a := s.a
	var p string
	in := huh.NewInput().Title(a.tr("session.passphrase")).EchoMode(huh.EchoModePassword).Value(&p)
	head := a.trf("session.unlock_vault_at", s.path)
	if left, warn := attemptsLeft(s.v); warn && left == 1 {
		head += "\n" + a.tr("session.1_attempt_left_before")
	} else if warn {
		head += "\n" + a.trn("session.attempts_left_before_vault", left, left)
	}
	if notice != "" {
		head = notice + "\n\n" + head
	}
	return s.form(head, func() tea.Cmd {
		pass := []byte(p)
		return s.job(a.tr("session.unlocking"), func() func() tea.Cmd {
			err := s.v.Unlock(pass)
			clear(pass)
			return func() tea.Cmd {
				switch {
				case errors.Is(err, vault.ErrErased):
					return s.show(s.text(a.tr("session.the_vault_was_erased"), a.explainShort(err), func() tea.Cmd { return s.quit(endQuit) }))
				case errors.Is(err, vault.ErrWrongPassphrase):
					return s.show(s.unlockScreen(a.tr("session.wrong_passphrase_check_caps")))
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
	opts := []huh.Option[string]{huh.NewOption(a.tr("session.new_intake"), "intake")}
	if drafts > 0 {
		opts = append(opts, huh.NewOption(a.trf("session.resume_draft", drafts), "resume"))
	}
	opts = append(opts,
		huh.NewOption(a.trf("session.records", records), "records"),
		huh.NewOption(a.tr("session.outbox"), "outbox"),
		huh.NewOption(a.tr("session.export_usb"), "export"),
		huh.NewOption(a.tr("session.import_bundle_receipt"), "import"),
		huh.NewOption(a.tr("session.this_vaults_contact_card_2"), "card"),
		huh.NewOption(a.tr("session.add_partner"), "partner"),
		huh.NewOption(a.tr("session.language_english_bahasa_indonesia"), "lang"),
		huh.NewOption(a.tr("session.wipe_this_vault_emergency"), "wipe"),
		huh.NewOption(a.tr("session.lock"), "lock"),
		huh.NewOption(a.tr("session.quit"), "quit"),
	)
	sel := huh.NewSelect[string]().Title(a.tr("session.what_would_you_like")).Options(opts...).Value(&choice)
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
			return s.show(s.folderScreen(a.tr("session.import_from_which_folder"), s.importFileScreen))
		case "card":
			return s.show(s.cardScreen(false))
		case "partner":
			return s.show(s.partnerScreen())
		case "lang":
			return s.show(s.langScreen())
		case "wipe":
			return s.show(s.wipeScreen())
		case "lock":
			return s.lock(a.tr("session.locked"))
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
		return s.text(a.tr("session.new_intake"), a.explainShort(err), s.goHome)
	}
	if len(all) == 1 {
		return s.intakeLangScreen(all[0])
	}
	id := schema.DefaultID
	var opts []huh.Option[string]
	for _, sc := range all {
		opts = append(opts, huh.NewOption(sc.Title.In(a.lang())+" ("+sc.ID+" "+sc.Version+")", sc.ID))
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	sel := huh.NewSelect[string]().Title(a.tr("session.which_questionnaire")).Options(opts...).Value(&id)
	return s.form(a.tr("session.every_questionnaire_opens_same"), func() tea.Cmd {
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
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	sel := huh.NewSelect[string]().Title(a.tr("session.in_which_language_interview")).Options(opts...).Value(&lang)
	return s.form(a.tr("session.the_language_person_most"), func() tea.Cmd {
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
		return s.home(a.trf("session.the_interview_could_not", a.explainShort(err)))
	}
	e := sess.Engine
	if e.Declined() || !e.Consented() {
		if sess.ID == "" {
			return s.home(a.tr("session.the_interview_ended_before"))
		}
		return s.home(a.trf("session.recorded_consent_was_not", shortID(sess.ID)))
	}
	notice := a.trf("session.saved_record_triage", shortID(sess.ID), a.triage(e.Triage().Level))
	return s.show(s.text(a.trf("session.record", shortID(sess.ID)), e.Summary(), func() tea.Cmd { return s.home(notice) }))
}

// resumeScreen lists the drafts.
func (s *session) resumeScreen(sums []vault.Summary) screen {
	a := s.a
	var opts []huh.Option[string]
	for _, x := range sums {
		if x.Status == vault.StatusDraft {
			opts = append(opts, huh.NewOption(a.trf("session.started", shortID(x.ID), x.Created), x.ID))
		}
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	var id string
	sel := huh.NewSelect[string]().Title(a.tr("session.which_draft")).Options(opts...).Value(&id)
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
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s  %-9s  %s  %s", shortID(x.ID), a.status(string(x.Status)), x.Created, dash(a.triage(x.Triage))), x.ID))
	}
	if len(opts) == 0 {
		return s.text(a.tr("session.records_2"), a.tr("session.no_records_yet"), s.goHome)
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	id := selected
	desc := a.tr("session.id_status_day_taken")
	if len(opts) > mostListed {
		desc += " " + a.trn("session.the_newest_listed_fieldvault", mostListed, mostListed)
	}
	sel := huh.NewSelect[string]().Title(a.tr("session.records_2")).Options(opts...).Value(&id)
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
		return s.text(a.tr("session.record_2"), a.explainShort(err), back)
	}
	// Sensitive answers stay hidden until the worker asks for them: others
	// may see the screen.
	t := s.text(a.trf("session.record", shortID(id)), body, back)
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
		return nil, s.text(title, a.tr("session.no_partners_yet_add"), s.goHome)
	}
	return boxes, nil
}

// outboxScreen shows, per partner, what waits and what came back.
func (s *session) outboxScreen() screen {
	a := s.a
	boxes, stop := s.outboxes(a.tr("session.outbox"))
	if stop != nil {
		return stop
	}
	var b strings.Builder
	for _, o := range boxes {
		fmt.Fprintf(&b, "%s  (%s)\n", o.Contact, o.Fingerprint)
		fmt.Fprintf(&b, "  %s\n", a.trf("session.records_waiting_sent", o.Waiting))
		fmt.Fprintf(&b, "  %s\n", a.trf("session.withdrawals_not_yet_confirmed", o.Withdrawals))
		if o.LastSeq > 0 {
			fmt.Fprintf(&b, "  %s\n", a.trf("session.last_bundle", o.LastSeq, day(o.LastSent)))
		} else {
			fmt.Fprintf(&b, "  %s\n", a.tr("session.last_bundle_none_yet"))
		}
		fmt.Fprintf(&b, "  %s\n", a.trf("session.last_receipt", day(o.LastReceipt)))
		if o.NotShared > 0 {
			fmt.Fprintf(&b, "  %s\n", a.trf("session.not_shared_them_no", o.NotShared))
		}
		b.WriteString("\n")
	}
	return s.text(a.tr("session.outbox"), b.String(), s.goHome)
}

// exportScreen chooses the partner, then the folder, then writes the bundle.
func (s *session) exportScreen() screen {
	a := s.a
	boxes, stop := s.outboxes(a.tr("session.export_usb"))
	if stop != nil {
		return stop
	}
	var opts []huh.Option[string]
	for _, o := range boxes {
		opts = append(opts, huh.NewOption(a.trf("session.waiting_withdrawals", o.Contact, o.Waiting, o.Withdrawals), o.Contact))
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	var to string
	sel := huh.NewSelect[string]().Title(a.tr("session.for_which_partner")).Options(opts...).Value(&to)
	return s.form(a.tr("session.only_records_person_agreed"), func() tea.Cmd {
		if to == backValue {
			return s.goHome()
		}
		return s.show(s.folderScreen(a.trf("session.write_bundle_into_which", to), func(dir string) screen {
			return s.exporting(to, dir)
		}))
	}, huh.NewGroup(sel))
}

func (s *session) exporting(to, dir string) screen {
	a := s.a
	return &startScreen{s.job(a.tr("session.writing_bundle"), func() func() tea.Cmd {
		res, err := sync.Export(s.v, to, dir, sync.ExportOptions{})
		return func() tea.Cmd {
			switch {
			case errors.Is(err, sync.ErrNothingToExport):
				return s.home(a.trf("session.nothing_new_send", to))
			case err != nil:
				return s.home(a.trf("session.no_bundle_was_written", a.explainShort(err)))
			}
			m := res.Manifest
			return s.home(a.trf("session.wrote_bundle_records_withdrawal", m.Seq, res.Contact,
				a.trn("plural.records", len(m.Records), len(m.Records)), a.trn("plural.withdrawal_notices", len(m.Withdrawals), len(m.Withdrawals)), res.Path))
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
	opts = append(opts, huh.NewOption(a.tr("session.type_folder"), "\x00type"), huh.NewOption(a.tr("session.back"), backValue))
	var dir string
	desc := a.tr("session.no_removable_drive_was")
	if len(opts) > 2 {
		desc = a.tr("session.removable_drives_found_this")
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
	in := huh.NewInput().Title(title).Description(a.tr("session.a_folder_path_leave")).Value(&dir).
		Validate(func(v string) error {
			if strings.TrimSpace(v) == "" {
				return nil
			}
			fi, err := os.Stat(expandHome(strings.TrimSpace(v)))
			if err != nil || !fi.IsDir() {
				return errors.New(a.tr("session.there_no_folder_there"))
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
		return s.text(a.tr("session.import_bundle_receipt"), a.trf("session.there_no_bundle_receipt", dir), s.goHome)
	}
	var opts []huh.Option[string]
	for _, f := range files {
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s  %s  %s", a.tr("kind."+sync.KindOfName(filepath.Base(f.path))), filepath.Base(f.path), day(f.mod)), f.path))
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	var file string
	sel := huh.NewSelect[string]().Title(a.tr("session.which_file")).Options(opts...).Value(&file)
	return s.form(a.tr("session.everything_checked_before_vault"), func() tea.Cmd {
		if file == backValue {
			return s.goHome()
		}
		return s.importing(file)
	}, huh.NewGroup(sel))
}

func (s *session) importing(file string) tea.Cmd {
	a := s.a
	return s.job(a.tr("session.checking_importing"), func() func() tea.Cmd {
		res, err := sync.Import(s.v, file, sync.ReceiptDir(file))
		return func() tea.Cmd {
			switch {
			case err != nil:
				return s.home(a.trf("session.not_imported", a.explainShort(err)))
			case res.Seen:
				return s.home(a.trf("session.this_from_was_imported", a.tr("kind."+res.Kind), res.Sender.Name))
			case res.Kind == sync.KindReceipt:
				return s.home(a.trf("session.receipt_from_records_delivered", res.Sender.Name,
					a.trn("import.records_delivered", res.Delivered, res.Delivered), a.trn("import.deletions_confirmed", res.Confirmed, res.Confirmed)))
			}
			n := a.trf("session.imported_bundle_from_records", res.Manifest.Seq, res.Sender.Name, res.Added, res.Deleted, res.ReceiptPath)
			if res.Gap > 0 {
				n += "\n" + a.trn("session.earlier_bundles_from_never", res.Gap, res.Gap, res.Sender.Name)
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
	for _, x := range catalog.Languages() {
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
	body := a.tr("session.wiping_destroys_this_vault")
	if n, err := s.v.Unconfirmed(); err != nil {
		return s.text(a.tr("session.wipe_this_vault"), a.explainShort(err), s.goHome)
	} else if n > 0 {
		body += "\n\n" + a.trn("session.records_this_vault_have", n, n) + "."
	}
	next := false
	c := huh.NewConfirm().Title(a.tr("session.wipe_this_vault_2")).
		Affirmative(a.tr("session.continue")).Negative(a.tr("session.back")).Value(&next)
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
		return s.text(a.tr("session.wipe_this_vault"), a.explainShort(err), s.goHome)
	}
	name := wipeWord(info)
	var typed string
	in := huh.NewInput().Title(a.trf("session.type_vaults_name_wipe", name)).
		Description(a.tr("session.leave_empty_go_back")).Value(&typed)
	return s.form("", func() tea.Cmd {
		switch strings.TrimSpace(typed) {
		case "":
			return s.goHome()
		case name:
		default:
			return s.home(a.tr("session.the_name_did_not"))
		}
		return s.job(a.tr("session.wiping"), func() func() tea.Cmd {
			err := s.v.Erase()
			return func() tea.Cmd {
				if err != nil {
					return s.home(a.explainShort(err))
				}
				return s.show(s.text(a.tr("session.wipe_this_vault"), a.trf("session.wiped_vault_at_no", s.path), func() tea.Cmd { return s.quit(endQuit) }))
			}
		})
	}, huh.NewGroup(in))
}
