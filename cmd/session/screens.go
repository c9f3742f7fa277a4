package session

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/vault"
)

// backValue is the value of every list's Back option. huh lists need
// values that are not empty: an empty one matches the unset value and
// scrolls the list to it.
const backValue = "\x00back"

// The session's screens. Each returns a screen; choices lead to the next
// one, and every list has a way back home.

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
		huh.NewOption(a.trf("session.referrals", s.openReferrals()), "referrals"),
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
		case "referrals":
			return s.show(s.referralsScreen(""))
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
