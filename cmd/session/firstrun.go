package session

import (
	"errors"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

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
		wf, err := a.WorkFactor()
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
		card, err := PartnerCard(line)
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
		if _, err := AddPartner(s.v, card); err != nil {
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
	if left, warn := AttemptsLeft(s.v); warn && left == 1 {
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
				a.Unlocked(s.v)
				s.locked, s.last = false, time.Now()
				return s.goHome()
			}
		})
	}, huh.NewGroup(in))
}
