package session

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
)

// Interviews from the home screen.

// intakeScreen asks which questionnaire, when the vault offers more than
// the built-in one, then in which language the interview will be.
func (s *session) intakeScreen() screen {
	a := s.a
	all, err := Questionnaires(s.v)
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
	lang := a.InterviewLang(s.v, sc)
	var opts []huh.Option[string]
	for _, l := range sc.Languages {
		opts = append(opts, huh.NewOption(LanguageName(l), l))
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

func LanguageName(l string) string {
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
		return s.home(a.trf("session.recorded_consent_was_not", ShortID(sess.ID)))
	}
	notice := a.trf("session.saved_record_triage", ShortID(sess.ID), a.triage(e.Triage().Level))
	home := func() tea.Cmd { return s.home(notice) }
	next := home
	if scr, ok := s.suggestScreen(sess.ID, home); ok {
		next = func() tea.Cmd { return s.show(scr) }
	}
	return s.show(s.text(a.trf("session.record", ShortID(sess.ID)), e.Summary(), next))
}
