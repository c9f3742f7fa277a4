// Package session is the field session: `fieldvault` with no arguments in a
// terminal. One unlock, then a home screen from which the day's work is
// done — interviews, records, outbox, USB export and import, the card — with
// a quick exit and an idle lock on every screen. It draws with Bubble Tea
// and huh, and knows nothing of the command line: the program around it
// answers what it asks through Host.
package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/vault"
)

// The session is one Bubble Tea program on the terminal's alternate screen,
// so what it shows never enters the scrollback, and it owns two ways out
// that work on every screen: the quick exit key, and locking after idle
// time.

// quickExitKey at once clears the screen, keeps an interview as a draft,
// locks and exits. Esc is one key on every keyboard and reaches the program
// in every terminal (unlike Ctrl+S and Ctrl+Q, which flow control takes).
const quickExitKey = "esc"

// DefaultIdleLock is how long the session waits for a key before it locks.
const DefaultIdleLock = 5 * time.Minute

// clearTerminal clears the screen and its scrollback and homes the cursor.
const clearTerminal = "\x1b[H\x1b[2J\x1b[3J"

// session is the Bubble Tea model of the field session.
type session struct {
	a     voice
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

// Config is what a session starts from.
type Config struct {
	Path  string        // the vault file, made on the first run
	Idle  time.Duration // time without a key before the session locks
	Plain bool          // no colours (NO_COLOR)
	In    io.Reader     // the terminal's keys
	Out   io.Writer     // the terminal's screen
}

// End is how a session ended.
type End int

const (
	EndQuit      End = iota // the worker chose Quit, or the quick exit key
	EndBusy                 // quick exit while an export or import still ran
	EndInterrupt            // Ctrl+C: Kept names the draft, if an interview was kept
	EndCancelled            // a signal, or the terminal went away
)

// Run runs the field session until the worker quits. It returns how the
// session ended, and the draft an interrupted interview was kept as.
func Run(ctx context.Context, cfg Config, host Host) (end End, kept string, err error) {
	s := &session{a: voice{host}, path: cfg.Path, idle: cfg.Idle, last: time.Now(), plain: cfg.Plain}
	s.theme = huh.ThemeCharm()
	if s.plain {
		s.theme = huh.ThemeBase()
	}
	if _, err := os.Stat(cfg.Path); errors.Is(err, os.ErrNotExist) {
		s.scr = s.welcomeScreen()
	} else {
		v, err := vault.Open(cfg.Path, vault.Options{})
		if err != nil {
			return EndQuit, "", err
		}
		s.v = v
		s.scr = s.unlockScreen("")
		s.locked = true
	}
	// A closed terminal (SIGHUP) or a shutdown (SIGTERM) ends the session
	// like Ctrl+C: the interview is kept as a draft before fieldvault exits.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGHUP, syscall.SIGTERM)
	defer stop()
	prog := tea.NewProgram(s, tea.WithInput(cfg.In), tea.WithOutput(cfg.Out), tea.WithAltScreen(), tea.WithContext(ctx))
	_, err = prog.Run()
	// Whatever happened, nothing the session showed may stay on screen.
	fmt.Fprint(cfg.Out, clearTerminal)
	if s.busy != "" {
		// Work still runs in the background (quick exit during an export
		// or import). The vault survives a process ending at any point, so
		// leave without waiting for it; the exit releases the file.
		return EndBusy, "", nil
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
		return EndCancelled, "", nil
	case err != nil:
		return EndQuit, "", catalog.Errorf("session.terminal_failed", err)
	case s.end == endInterrupt:
		return EndInterrupt, s.kept, nil
	}
	return EndQuit, "", nil
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
		notice += " " + s.a.trf("session.the_interview_saved_as", ShortID(id))
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
