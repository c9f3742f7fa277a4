package session

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// The interface language, and the emergency wipe.

// langScreen switches the interface language and keeps it as the vault's
// setting.
func (s *session) langScreen() screen {
	a := s.a
	l := a.lang()
	var opts []huh.Option[string]
	for _, x := range catalog.Languages() {
		opts = append(opts, huh.NewOption(LanguageName(x), x))
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
		a.SetLang(l)
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
	name := WipeWord(info)
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
