package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/cmd/catalog"

	"github.com/fieldvault/fieldvault/schema"
)

// Form is the interactive runner: each page of the questionnaire is one huh
// form in a real terminal. huh only renders; the engine decides what is
// asked, validates, and moves between pages. Questions that an answer on
// the same page reveals are asked in a follow-up form of that page.
//
// Keys beyond huh's own: Ctrl+B returns to the previous page, Ctrl+X ends
// the interview at the person's wish, Ctrl+C stops and keeps what was
// completed as a draft.
type Form struct {
	In  io.Reader // the terminal
	UI  io.Writer // where the form is drawn (the terminal)
	Out io.Writer // where the summary is printed
	// Save is called after every completed page and at the end.
	Save func() error
	// Plain drops colours (NO_COLOR).
	Plain bool
	// Reserve is how many terminal lines the program around the interview
	// uses. When set, each page is kept to the lines left and scrolls, so a
	// long page on a small screen still shows the question being answered.
	Reserve int
}

// action is how one form on screen ended.
type action int

const (
	actDone action = iota + 1
	actBack
	actStop
	actCancel
)

// Run asks every page of e until the interview is done, stopped, or
// cancelled, and then prints the summary. The whole interview is one
// Bubble Tea program, so the terminal stays in one mode and no keystroke
// falls between two screens.
func (f *Form) Run(ctx context.Context, e *Engine) error {
	m := f.Interview(e, tea.Quit)
	prog := tea.NewProgram(m, tea.WithInput(f.In), tea.WithOutput(f.UI), tea.WithContext(ctx))
	if _, err := prog.Run(); err != nil {
		if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) || ctx.Err() != nil {
			return context.Canceled
		}
		return fmt.Errorf("terminal form: %w", err)
	}
	switch {
	case m.err != nil:
		return m.err
	case m.cancelled:
		return context.Canceled
	}
	fmt.Fprintf(f.Out, "\n%s", e.Summary())
	return nil
}

// Interview returns the Bubble Tea model of one interview, for a program
// that shows other screens too. When the interview ends (finished, stopped
// at the person's wish, or failed) it returns onEnd's message; Err says
// whether it failed. Keys the model does not own (Ctrl+C, quick exit) are
// for the program around it.
func (f *Form) Interview(e *Engine, onEnd tea.Cmd) *Interview {
	m := &Interview{f: f, e: e, lang: e.Lang(), theme: huh.ThemeCharm(), footer: text(e.Lang(), msgFormKeys), onEnd: onEnd}
	if f.Plain {
		m.theme = huh.ThemeBase()
	}
	if e.State().Consent == nil && len(e.State().History) == 0 {
		m.note(text(m.lang, msgConsentScript), e.Schema().Consent.Script.In(m.lang), m.startPage)
	} else {
		m.startPage()
	}
	return m
}

// Hold keeps what is typed on the page on screen, to be saved with the
// draft: the interview is about to be locked or left mid-page.
func (m *Interview) Hold() {
	if m.e.Done() || m.answers == nil {
		return
	}
	held := map[string]any{}
	for id, a := range m.answers {
		if !a.Skipped {
			held[id] = a.Value
		}
	}
	for id, raw := range m.raws {
		if v := raw(); v != nil {
			held[id] = v
		}
	}
	m.e.Hold(held)
}

// Err is why the interview could not go on (a draft could not be saved).
func (m *Interview) Err() error { return m.err }

// step is one form on screen and what happens when it ends.
type step struct {
	form *huh.Form
	done func(action)
}

// Interview is the Bubble Tea model of a whole interview: a chain of steps
// (consent script, page rounds, alerts, confirmations) driven by the engine.
type Interview struct {
	f      *Form
	e      *Engine
	lang   string
	theme  *huh.Theme
	footer string
	onEnd  tea.Cmd

	cur       *step // nil when the interview is over
	err       error
	cancelled bool

	// The page being asked: tentative answers, which questions were
	// already shown, and how to read the fields of the current round.
	height  int // lines the forms may use; 0: as many as they need
	answers map[string]Answer
	readers []func()
	raws    map[string]func() any // what the fields on screen hold now
}

func (m *Interview) Init() tea.Cmd {
	if m.cur == nil {
		return m.onEnd
	}
	return m.cur.form.Init()
}

func (m *Interview) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.cur == nil {
		return m, m.onEnd
	}
	cur := m.cur
	if ws, ok := msg.(tea.WindowSizeMsg); ok && m.f.Reserve > 0 {
		m.height = max(ws.Height-m.f.Reserve, 8)
		cur.form = cur.form.WithHeight(m.height)
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "ctrl+c":
			return m.end(cur, actCancel)
		case "ctrl+b":
			return m.end(cur, actBack)
		case "ctrl+x":
			return m.end(cur, actStop)
		}
	}
	model, cmd := cur.form.Update(msg)
	cur.form = model.(*huh.Form)
	if cur.form.State == huh.StateCompleted {
		return m.end(cur, actDone)
	}
	return m, cmd
}

// end finishes the current step and starts the next one, if any.
func (m *Interview) end(cur *step, act action) (tea.Model, tea.Cmd) {
	if act == actCancel {
		m.Hold()
		m.cancelled, m.cur = true, nil
		return m, m.onEnd
	}
	cur.done(act)
	if m.cur == nil {
		return m, m.onEnd
	}
	if m.cur == cur {
		// The step did not change (an unhandled key): keep the form.
		return m, nil
	}
	return m, m.cur.form.Init()
}

// View shows the current form; when the interview ends it shows nothing,
// so no answer stays on screen longer than needed.
func (m *Interview) View() string {
	if m.cur == nil {
		return ""
	}
	return m.cur.form.View() + "\n  " + m.footer + "\n"
}

// show makes g the form on screen.
func (m *Interview) show(g *huh.Group, done func(action)) {
	f := huh.NewForm(g).WithShowHelp(true).WithTheme(m.theme).WithKeyMap(KeyMap(m.lang))
	if m.height > 0 {
		f = f.WithHeight(m.height)
	}
	m.cur = &step{form: f, done: done}
}

// KeyMap is huh's keys without list filtering ("/" would start a filter
// that Esc clears, and in the field session Esc is the quick exit), with
// the key hints under each screen in lang.
func KeyMap(lang string) *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Select.Filter.SetEnabled(false)
	km.MultiSelect.Filter.SetEnabled(false)
	localizeKeys(reflect.ValueOf(km).Elem(), lang)
	return km
}

// localizeKeys says the help of every key binding in v, a huh key map or
// one of its parts, in lang. huh writes them in English and has no other
// way to change them; a hint the catalog lacks stays English, and a test
// makes sure none does.
func localizeKeys(v reflect.Value, lang string) {
	for i := range v.NumField() {
		f := v.Field(i)
		if b, ok := f.Addr().Interface().(*key.Binding); ok {
			if h := b.Help(); h.Desc != "" {
				if id := KeyHintID(h.Desc); catalog.Has(catalog.Default, id) {
					b.SetHelp(h.Key, catalog.Text(lang, id))
				}
			}
			continue
		}
		if f.Kind() == reflect.Struct {
			localizeKeys(f, lang)
		}
	}
}

// KeyHintID is the catalog text of huh's key hint desc ("select all" is
// keys.select_all).
func KeyHintID(desc string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.ReplaceAll(desc, "½", "half")) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
			b.WriteByte('_')
		}
	}
	return "keys." + strings.TrimSuffix(b.String(), "_")
}

// note shows a text to read, with a Continue button.
func (m *Interview) note(title, body string, then func()) {
	n := huh.NewNote().Title(title).Description(body).Next(true).NextLabel(text(m.lang, msgNext))
	m.show(huh.NewGroup(n), func(act action) {
		switch act {
		case actStop:
			m.confirmStop(func() { m.note(title, body, then) })
		default:
			then()
		}
	})
}

// startPage begins the engine's current page, or ends the interview.
func (m *Interview) startPage() {
	if m.e.Done() {
		m.cur = nil
		return
	}
	m.answers = map[string]Answer{}
	m.round()
}

// round shows the questions the engine asks next on this page: at first
// those up to the first answer that decides what follows, then, once they
// are answered, the next ones, until the page is complete.
func (m *Interview) round() {
	e, lang := m.e, m.lang
	p := e.Page()
	saved := e.State().Answers
	held := e.State().Held
	var fields []huh.Field
	m.readers, m.raws = nil, map[string]func() any{}
	for _, q := range e.Next(m.answers) {
		prefill := saved[q.ID]
		if v, ok := held[q.ID]; ok {
			prefill = v
		}
		field, read, raw := m.f.field(e, q, prefill, m.answers)
		fields = append(fields, field)
		m.readers = append(m.readers, read)
		m.raws[q.ID] = raw
	}
	if len(fields) == 0 {
		m.submitPage()
		return
	}
	n, total := e.Progress()
	g := huh.NewGroup(fields...).Title(fmt.Sprintf(text(lang, msgPage), n, total, p.Title.In(lang)))
	if p.Intro != nil {
		g = g.Description(p.Intro.In(lang))
	}
	m.show(g, func(act action) {
		switch act {
		case actDone:
			for _, read := range m.readers {
				read()
			}
			m.round()
		case actBack:
			e.Back()
			m.startPage()
		case actStop:
			m.confirmStop(m.startPage)
		}
	})
}

// submitPage hands the page to the engine, saves the draft, and shows any
// alert before the next page.
func (m *Interview) submitPage() {
	alerts, err := m.e.Submit(m.answers)
	if err != nil {
		// Each field was validated as it was typed, so this is a bug:
		// say it and ask the page again rather than lose answers.
		m.note(fmt.Sprintf(text(m.lang, msgTryAgain), err), "", m.startPage)
		return
	}
	if err := m.f.save(); err != nil {
		m.err, m.cur = err, nil
		return
	}
	next := m.startPage
	for i := len(alerts) - 1; i >= 0; i-- {
		a, then := alerts[i], next
		next = func() { m.note("!! "+text(m.e.WorkerLang(), msgAlert), a.Text, then) }
	}
	next()
}

// confirmStop asks the worker to confirm that the person wants to end the
// interview; otherwise it goes back to where it was.
func (m *Interview) confirmStop(resume func()) {
	v := "no"
	sel := huh.NewSelect[string]().Title(text(m.lang, msgConfirmStopTitle)).
		Options(huh.NewOption(text(m.lang, msgKeepGoing), "no"), huh.NewOption(text(m.lang, msgEnd), "yes")).Value(&v)
	m.show(huh.NewGroup(sel), func(act action) {
		if act == actDone && v == "yes" {
			m.e.Stop()
			m.cur = nil
			return
		}
		resume()
	})
}

func (f *Form) save() error {
	if f.Save == nil {
		return nil
	}
	return f.Save()
}

// skipValue is the select value of "prefer not to answer".
const skipValue = "\x00skip"

// field builds the huh field for one question. read stores its value in
// answers once the form is done; raw returns what the field holds now, nil
// if nothing, for Hold.
func (f *Form) field(e *Engine, q *schema.Question, saved any, answers map[string]Answer) (field huh.Field, read func(), raw func() any) {
	lang := e.TextLang(q)
	title := q.Label.In(lang)
	if q.Required {
		title += " " + text(lang, msgRequiredMark)
	}
	desc := q.Help.In(lang)
	if q.Help == nil {
		desc = ""
	}
	skipOpt := huh.NewOption(text(lang, msgPreferNot), skipValue)
	switch q.Type {
	case schema.TypeNote:
		return huh.NewNote().Title(title).Description(desc), func() { answers[q.ID] = Answer{Skipped: true} }, func() any { return nil }
	case schema.TypeYesNo, schema.TypeChoice:
		var opts []huh.Option[string]
		if q.Type == schema.TypeYesNo {
			opts = []huh.Option[string]{huh.NewOption(text(lang, msgYes), "yes"), huh.NewOption(text(lang, msgNo), "no")}
		} else {
			for _, c := range e.options(q) {
				opts = append(opts, huh.NewOption(c.label, c.value))
			}
		}
		if !q.Required {
			opts = append(opts, skipOpt)
		}
		v := skipValue
		switch s := saved.(type) {
		case bool:
			v = map[bool]string{true: "yes", false: "no"}[s]
		case string:
			v = s
		}
		sel := huh.NewSelect[string]().Key(q.ID).Title(title).Description(desc).Options(opts...).Value(&v)
		value := func() any {
			switch {
			case v == skipValue:
				return nil
			case q.Type == schema.TypeYesNo:
				return v == "yes"
			}
			return v
		}
		return sel, func() {
			if val := value(); val != nil {
				answers[q.ID] = Answer{Value: val}
			} else {
				answers[q.ID] = Answer{Skipped: true}
			}
		}, value
	case schema.TypeMulti:
		var opts []huh.Option[string]
		for _, c := range e.options(q) {
			opts = append(opts, huh.NewOption(c.label, c.value))
		}
		if !q.Required {
			opts = append(opts, skipOpt)
		}
		v, _ := saved.([]string)
		desc = strings.TrimSpace(desc + " " + text(lang, msgHowMultiForm))
		if len(opts) == 0 {
			desc += " (" + text(lang, msgNoContacts) + ")"
		}
		// "Prefer not to answer" is exclusive: a limit (of every option)
		// turns off huh's Ctrl+A, which would tick it with the answers.
		ms := huh.NewMultiSelect[string]().Key(q.ID).Title(title).Description(desc).Options(opts...).Value(&v).
			Limit(max(len(opts), 1)).
			Validate(func(vals []string) error {
				if len(vals) > 1 && contains(vals, skipValue) {
					return errors.New(text(lang, msgPreferNotAlone))
				}
				return nil
			})
		return ms, func() {
				if contains(v, skipValue) {
					answers[q.ID] = Answer{Skipped: true}
					return
				}
				answers[q.ID] = Answer{Value: append([]string{}, v...)}
			}, func() any {
				if len(v) == 0 || contains(v, skipValue) {
					return nil
				}
				return append([]string{}, v...)
			}
	}
	// Typed answers: text, long text, number and date.
	var v string
	switch s := saved.(type) {
	case string:
		v = s
	case float64:
		v = strconv.FormatFloat(s, 'f', -1, 64)
	}
	if desc == "" || q.Type == schema.TypeNumber || q.Type == schema.TypeDate {
		desc = strings.TrimSpace(desc + " " + howTo(lang, q))
	}
	if !q.Required {
		desc += " " + text(lang, msgSkipEmpty)
	}
	validate := func(s string) error {
		if strings.TrimSpace(s) == "" {
			if q.Required {
				return errors.New(capitalize(requiredErr(q).Reason(lang)))
			}
			return nil
		}
		if _, msg := e.checkTyped(q, nil, s); msg != "" {
			return errors.New(capitalize(msg))
		}
		return nil
	}
	read = func() {
		if strings.TrimSpace(v) == "" {
			answers[q.ID] = Answer{Skipped: true}
			return
		}
		val, _ := parseTyped(q, nil, v, lang)
		answers[q.ID] = Answer{Value: val}
	}
	// Held as typed, even half-typed: it only fills the field in again.
	raw = func() any {
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return v
	}
	if q.Type == schema.TypeLongText {
		// No external editor (Ctrl+E): huh would write the answer to a
		// plaintext temporary file for $EDITOR.
		return huh.NewText().Key(q.ID).Title(title).Description(desc).Value(&v).Lines(4).ExternalEditor(false).Validate(validate), read, raw
	}
	return huh.NewInput().Key(q.ID).Title(title).Description(desc).Value(&v).Validate(validate), read, raw
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
