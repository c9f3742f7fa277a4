package session

import (
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/intake"
)

// The two kinds of screen: a huh form, and a text to scroll.

// form wraps a huh form as a screen: done runs when it is submitted.
type formScreen struct {
	form  *huh.Form
	head  string // lines above the form
	width int    // the terminal's, to wrap head
	done  func() tea.Cmd
}

func (s *session) form(head string, done func() tea.Cmd, groups ...*huh.Group) *formScreen {
	f := huh.NewForm(groups...).WithTheme(s.theme).WithShowHelp(true).WithKeyMap(intake.KeyMap(s.a.lang()))
	if s.width > 0 {
		f = f.WithWidth(min(s.width-4, 100))
	}
	return &formScreen{form: f, head: head, done: done, width: s.width}
}

func (f *formScreen) init() tea.Cmd { return f.form.Init() }

func (f *formScreen) update(msg tea.Msg) tea.Cmd {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		f.width = ws.Width
	}
	m, cmd := f.form.Update(msg)
	f.form = m.(*huh.Form)
	if f.form.State == huh.StateCompleted {
		return f.done()
	}
	return cmd
}

func (f *formScreen) view() string {
	v := f.form.View()
	if f.head != "" {
		v = indent(wrap(f.head, f.width-4)) + "\n\n" + v
	}
	return v
}

// wrap breaks text into lines of at most width characters, at spaces where
// it can, so that nothing is cut off at the terminal's edge.
func wrap(text string, width int) string {
	if width < 20 {
		width = 76
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		if utf8.RuneCountInString(para) <= width {
			out = append(out, para) // as it is, spacing and all
			continue
		}
		line := ""
		for _, word := range strings.Fields(para) {
			for utf8.RuneCountInString(word) > width {
				// A long path: break it where it must.
				if line != "" {
					out, line = append(out, line), ""
				}
				r := []rune(word)
				out, word = append(out, string(r[:width])), string(r[width:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width:
				out, line = append(out, line), word
			default:
				line += " " + word
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// textScreen shows text that may be longer than the terminal, scrolled
// with the arrow and page keys; Enter or Ctrl+B leaves it.
type textScreen struct {
	s     *session
	title string
	lines []string
	top   int
	back  func() tea.Cmd
	rows  int
	width int
	body  string
	// reveal, if set, renders the text with sensitive parts shown or not;
	// the s key switches.
	reveal   func(show bool) string
	revealed bool
}

func (s *session) text(title, body string, back func() tea.Cmd) *textScreen {
	t := &textScreen{s: s, title: title, back: back, rows: 20, width: s.width}
	t.setText(body)
	return t
}

// setText lays body out in lines that fit the terminal; a wrapped line
// keeps its indent.
func (t *textScreen) setText(body string) {
	t.body = body
	t.lines = t.lines[:0]
	for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		rest := strings.TrimLeft(l, " ")
		pad := strings.Repeat(" ", len(l)-len(rest))
		if rest == "" {
			t.lines = append(t.lines, "")
			continue
		}
		for _, w := range strings.Split(wrap(rest, t.width-4-len(pad)), "\n") {
			t.lines = append(t.lines, pad+w)
		}
	}
}

func (t *textScreen) init() tea.Cmd { return tea.WindowSize() }

func (t *textScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		t.rows = max(msg.Height-12, 3)
		if msg.Width != t.width {
			t.width = msg.Width
			t.setText(t.body)
		}
	case tea.KeyMsg:
		switch msg.String() {
		case "enter", "ctrl+b", "q", "backspace":
			return t.back()
		case "down", "j":
			t.top++
		case "up", "k":
			t.top--
		case "pgdown", " ", "f":
			t.top += t.rows
		case "pgup", "b":
			t.top -= t.rows
		case "home", "g":
			t.top = 0
		case "end", "G":
			t.top = len(t.lines)
		case "s":
			if t.reveal != nil {
				t.revealed = !t.revealed
				t.setText(t.reveal(t.revealed))
			}
		}
		t.top = max(0, min(t.top, len(t.lines)-t.rows))
	}
	return nil
}

func (t *textScreen) view() string {
	var b strings.Builder
	b.WriteString("  " + t.title + "\n\n")
	end := min(len(t.lines), t.top+t.rows)
	for _, l := range t.lines[t.top:end] {
		b.WriteString("  " + l + "\n")
	}
	keys := t.s.a.tr("session.enter_ctrl_b_back")
	if t.reveal != nil {
		keys = t.s.a.tr("session.s_show_hide_sensitive") + " · " + keys
	}
	if len(t.lines) > t.rows {
		keys = t.s.a.trf("session.lines_pgup_pgdn_scroll", t.top+1, end, len(t.lines)) + keys
	}
	b.WriteString("\n" + indent(wrap(keys, t.width-4)) + "\n")
	return b.String()
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// ShortID is enough of a record ID to tell records apart on screen.
func ShortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
