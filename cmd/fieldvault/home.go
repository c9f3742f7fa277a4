package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/vault"
)

// The field session is `fieldvault` with no arguments in a terminal: one
// unlock, then a home screen from which the day's work is done. It is one
// Bubble Tea program on the terminal's alternate screen, so what it shows
// never enters the scrollback, and it owns two ways out that work on every
// screen: the quick exit key, and locking after idle time.

// quickExitKey at once clears the screen, keeps an interview as a draft,
// locks and exits. Esc is one key on every keyboard and reaches the program
// in every terminal (unlike Ctrl+S and Ctrl+Q, which flow control takes).
const quickExitKey = "esc"

// defaultIdleLock is how long the session waits for a key before it locks.
const defaultIdleLock = 5 * time.Minute

// clearTerminal clears the screen and its scrollback and homes the cursor.
const clearTerminal = "\x1b[H\x1b[2J\x1b[3J"

// session is the Bubble Tea model of the field session.
type session struct {
	a     *app
	path  string
	v     *vault.Vault // open for the whole session; unlocked or not
	idle  time.Duration
	last  time.Time // the last key pressed
	theme *huh.Theme
	plain bool

	scr    screen
	title  string // the header, once unlocked
	width  int
	height int
	busy   string // what runs in the background, if anything
	locked bool   // keys dropped; the unlock screen is up
	// lockDue is set when idle time ran out while work ran in the background.
	lockDue bool

	// The interview in progress, if any.
	iv    *intake.Interview
	isess *intake.Session

	end  sessionEnd
	kept string // the draft an interrupted interview was kept as
}

type sessionEnd int

const (
	endNone      sessionEnd = iota
	endQuit                 // the worker chose Quit
	endQuick                // the quick exit key
	endInterrupt            // Ctrl+C or a signal
)

// screen is one screen of the session. init starts it (a huh form's first
// command), update takes every message the session does not handle itself.
type screen interface {
	init() tea.Cmd
	update(tea.Msg) tea.Cmd
	view() string
}

type (
	idleMsg struct{}
	jobDone struct{ then func() tea.Cmd }
	ivEnded struct{}
)

// idleLock is --idle-lock, then $FIELDVAULT_IDLE_LOCK, then five minutes.
func (a *app) idleLock() (time.Duration, error) {
	s := a.idleFlag
	if s == "" {
		s = a.getenv("FIELDVAULT_IDLE_LOCK")
	}
	if s == "" {
		return defaultIdleLock, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return 0, usageErr("session.bad_idle_lock", s)
	}
	return d, nil
}

// runSession runs the field session until the worker quits.
func (a *app) runSession(ctx context.Context) error {
	idle, err := a.idleLock()
	if err != nil {
		return err
	}
	path, err := a.vaultPath()
	if err != nil {
		return err
	}
	s := &session{a: a, path: path, idle: idle, last: time.Now(), plain: a.getenv("NO_COLOR") != ""}
	s.theme = huh.ThemeCharm()
	if s.plain {
		s.theme = huh.ThemeBase()
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		s.scr = s.welcomeScreen()
	} else {
		v, err := vault.Open(path, vault.Options{})
		if err != nil {
			return err
		}
		s.v = v
		s.scr = s.unlockScreen("")
		s.locked = true
	}
	// A closed terminal (SIGHUP) or a shutdown (SIGTERM) ends the session
	// like Ctrl+C: the interview is kept as a draft before fieldvault exits.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGHUP, syscall.SIGTERM)
	defer stop()
	prog := tea.NewProgram(s, tea.WithInput(a.in), tea.WithOutput(a.err), tea.WithAltScreen(), tea.WithContext(ctx))
	_, err = prog.Run()
	// Whatever happened, nothing the session showed may stay on screen.
	fmt.Fprint(a.err, clearTerminal)
	if s.busy != "" {
		// Work still runs in the background (quick exit during an export
		// or import). The vault survives a process ending at any point, so
		// leave without waiting for it; the exit releases the file.
		return errSilentQuit
	}
	if s.end == endNone {
		// The terminal went away or a signal came: keep the interview.
		s.keepDraft()
	}
	if s.v != nil {
		s.v.Close()
	}
	switch {
	case errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) || ctx.Err() != nil:
		return errSilentCancel
	case err != nil:
		return errorf("session.terminal_failed", err)
	case s.end == endInterrupt && s.kept != "":
		// Ctrl+C, unlike the quick exit, may say what was kept.
		return &cancelError{withHint(errors.New(a.trf("session.interrupted_interview_kept_as", s.kept)),
			a.trf("session.continue_from_home_screen", shortID(s.kept)))}
	case s.end == endInterrupt:
		return errSilentCancel
	}
	return nil
}

func (s *session) Init() tea.Cmd {
	return tea.Batch(s.scr.init(), s.tick(s.idle))
}

func (s *session) tick(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return idleMsg{} })
}

func (s *session) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s.end != endNone {
		return s, tea.Quit
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		s.width, s.height = msg.Width, msg.Height
	case tea.KeyMsg:
		s.last = time.Now()
		switch msg.String() {
		case quickExitKey:
			return s, s.quit(endQuick)
		case "ctrl+c":
			return s, s.quit(endInterrupt)
		}
	case idleMsg:
		return s, s.checkIdle()
	case jobDone:
		s.busy = ""
		cmd := msg.then()
		if s.lockDue {
			return s, s.lock(s.a.tr("session.locked_after_time_without"))
		}
		return s, cmd
	case ivEnded:
		return s, s.interviewEnded()
	}
	if s.busy != "" {
		return s, nil
	}
	return s, s.scr.update(msg)
}

// View draws the current screen with the session's own lines around it.
// When the session ends it draws nothing.
func (s *session) View() string {
	if s.end != endNone {
		return ""
	}
	var b strings.Builder
	b.WriteString(s.header())
	b.WriteString("\n\n")
	if s.busy != "" {
		b.WriteString("  " + s.busy + "\n")
	} else {
		b.WriteString(s.scr.view())
	}
	b.WriteString("\n" + indent(wrap(s.a.trf("session.esc_quick_exit_saves", short(s.idle)), s.width-4)) + "\n")
	return b.String()
}

// header names the vault and the worker once unlocked. It is drawn on
// every frame, so the vault's name is read once, not every time.
func (s *session) header() string {
	if s.v == nil || s.locked {
		s.title = ""
		return "  fieldvault"
	}
	if s.title == "" {
		s.title = "  fieldvault"
		if info, err := s.v.Info(); err == nil {
			s.title += " · " + info.Name
		}
		if w := s.v.Worker(); w != "" {
			s.title += " · " + w
		}
	}
	return s.title
}

// short prints a duration as people say it: 5m, 90s, 1h30m.
func short(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	if s == "" {
		return "0s"
	}
	return s
}

// show makes scr the screen and starts it.
func (s *session) show(scr screen) tea.Cmd {
	s.scr = scr
	return scr.init()
}

// job runs work in the background, showing label meanwhile; then runs on
// the session's goroutine with work's outcome.
func (s *session) job(label string, work func() func() tea.Cmd) tea.Cmd {
	s.busy = label
	return func() tea.Msg { return jobDone{work()} }
}

// checkIdle locks the session when no key was pressed for the idle time.
func (s *session) checkIdle() tea.Cmd {
	if s.locked || s.v == nil {
		return s.tick(s.idle)
	}
	left := s.idle - time.Since(s.last)
	if left > 0 {
		return s.tick(left)
	}
	if s.busy != "" {
		// Work in the background needs the keys; lock when it is done.
		s.lockDue = true
		return s.tick(s.idle)
	}
	return tea.Batch(s.lock(s.a.trf("session.locked_after_without_use", short(s.idle))), s.tick(s.idle))
}

// lock keeps an interview in progress as a draft, drops the keys and what
// was decrypted, clears the screen and asks for the passphrase again.
func (s *session) lock(notice string) tea.Cmd {
	if id, err := s.keepDraft(); err != nil {
		notice += " " + s.a.trf("session.the_interview_could_not", s.a.explainShort(err))
	} else if id != "" {
		notice += " " + s.a.trf("session.the_interview_saved_as", shortID(id))
	}
	s.v.Lock()
	s.locked, s.lockDue = true, false
	return tea.Sequence(tea.ClearScreen, s.show(s.unlockScreen(strings.TrimSpace(notice))))
}

// keepDraft saves the interview in progress, if any, and forgets it: every
// completed page is saved already, and what is typed on the page on screen
// is held in the draft, so nobody is asked the same thing twice.
func (s *session) keepDraft() (string, error) {
	if s.isess == nil {
		return "", nil
	}
	sess := s.isess
	s.iv.Hold()
	s.iv, s.isess = nil, nil
	err := sess.Save()
	return sess.ID, err
}

// quit ends the session: any interview is kept as a draft, the vault is
// locked, and the program ends drawing nothing.
func (s *session) quit(end sessionEnd) tea.Cmd {
	if s.busy == "" {
		if id, err := s.keepDraft(); err == nil && end == endInterrupt {
			s.kept = id
		}
		if s.v != nil {
			s.v.Lock()
		}
	}
	s.end = end
	s.scr = nil
	return tea.Quit
}

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

// shortID is enough of a record ID to tell records apart on screen.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// errSilentQuit and errSilentCancel end fieldvault without a message (a
// quick exit prints nothing anyone could read over a shoulder).
var (
	errSilentQuit   = errors.New("")
	errSilentCancel = errors.New("")
)
