package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fieldvault/fieldvault/vault/vaulttest"
)

// tmuxTerm drives the real fieldvault binary in a real terminal: tmux runs
// it, send-keys types, capture-pane reads the screen.
type tmuxTerm struct {
	t      *testing.T
	socket string
	name   string
}

// binDir is where the test binary goes: apart from the folders that are
// scanned for canaries.
func binDir(t *testing.T) string { return t.TempDir() }

// buildBinary compiles fieldvault for a test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir(t), "fieldvault")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func needTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("FIELDVAULT_REQUIRE_TMUX") != "" {
			t.Fatal("tmux is required for the terminal tests but not installed")
		}
		t.Skip("tmux not installed")
	}
}

// start runs command in a new 100x40 terminal. The shell prints EXIT=n when
// the command ends, and keeps the pane open.
func startTmux(t *testing.T, env []string, command string) *tmuxTerm {
	t.Helper()
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("fv-test-%d", time.Now().UnixNano()), name: "fv"}
	script := "env " + strings.Join(env, " ") + " " + command + "; echo EXIT=$?; sleep 600"
	tm.tmux("new-session", "-d", "-s", tm.name, "-x", "100", "-y", "40", script)
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmuxTerm) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, Down, C-c) or, with -l, literal text.
func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		if strings.HasPrefix(k, "text:") {
			tm.tmux("send-keys", "-t", tm.name, "-l", strings.TrimPrefix(k, "text:"))
		} else {
			tm.tmux("send-keys", "-t", tm.name, k)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

func (tm *tmuxTerm) screen() string {
	return tm.tmux("capture-pane", "-p", "-J", "-t", tm.name)
}

// wait returns the screen once it matches re, or fails after 15 s.
func (tm *tmuxTerm) wait(re string) string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := tm.screen()
		if rx.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q; it shows:\n%s", re, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTerminalIntake holds an interview in a real terminal: types answers,
// presses Ctrl+C mid-way, resumes the draft and finishes. No answer may
// stay on screen after its page, or reach disk unencrypted.
func TestTerminalIntake(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	env := childEnv(dir)
	run := childVault(t, bin, dir)

	tm := startTmux(t, env, bin+" intake")
	tm.wait(`Read this aloud before any question`)
	tm.keys("Enter")
	tm.wait(`Page 1 of 11: Consent[\s\S]*Do you agree to talk with me now\?`)
	tm.keys("Enter") // yes
	tm.wait(`Who is giving consent\?`)
	tm.keys("Enter", "Down", "Enter", "Enter") // self, not a minor, may store
	tm.wait(`Which kinds of help do you agree to be referred to\?`)
	tm.keys("Enter", "x", "Down", "x", "Enter", "Down", "Enter") // no partners; shelter and health; no follow-up
	tm.keys("text:CanaryWithholdRina", "Enter")
	tm.wait(`Page 2 of 11: Safety now`)
	if strings.Contains(tm.screen(), "CanaryWithholdRina") {
		t.Error("an answer stayed on screen after its page")
	}
	tm.keys("Up", "Enter", "Up", "Up", "Enter", "Enter") // not in danger, safe here, skip
	tm.wait(`Page 3 of 11: What matters most`)
	tm.keys("text:CanaryOwnWordsSleep", "Enter")
	tm.wait(`Page 4 of 11: About you`)
	tm.keys("text:CanaryNameAyu")
	tm.wait(`CanaryNameAyu`)
	tm.keys("C-c")
	s := tm.wait(`EXIT=130`)
	m := regexp.MustCompile(`saved as draft ([0-9a-f-]{36})`).FindStringSubmatch(strings.ReplaceAll(s, "\n", ""))
	if m == nil {
		t.Fatalf("no draft ID on screen:\n%s", s)
	}
	draft := m[1]
	if strings.Contains(s, "CanaryNameAyu") {
		t.Errorf("the page being typed stayed on screen after Ctrl+C:\n%s", s)
	}
	if out := run("list", "--status", "draft"); !strings.Contains(out, draft) {
		t.Fatalf("draft %s not listed:\n%s", draft, out)
	}

	tm = startTmux(t, env, bin+" resume "+draft[:8])
	tm.wait(`Continuing draft .* at page 4 of 11`)
	// What was typed on the page when Ctrl+C was pressed is there again.
	tm.wait(`What would you like us to call you\?[\s\S]*> CanaryNameAyu`)
	tm.keys("Enter", "Enter", "Enter", "Enter", "Enter")
	tm.wait(`Page 5 of 11: A safe place`)
	tm.keys("Up", "Up", "Enter", "Enter") // a safe place tonight: yes; nobody with them: skip
	// The follow-up questions that "yes" reveals come in a second round
	// of the same page.
	tm.wait(`Page 5 of 11: A safe place[\s\S]*Do you need a place that the people who held you do not know\?`)
	for !strings.Contains(tm.screen(), "EXIT=") {
		tm.keys("Enter")
	}
	s = tm.wait(`EXIT=0`)
	for _, want := range []string{"Urgency: today — Needs a safe place tonight", "Agreed referrals: Safe shelter, Health care", "Saved record " + draft} {
		if !strings.Contains(strings.ReplaceAll(s, "\n", ""), want) {
			t.Errorf("the end of the interview does not show %q:\n%s", want, s)
		}
	}
	out := run("show", "--json", draft)
	for _, want := range []string{`"status": "complete"`, `"person.name": "CanaryNameAyu"`, `"priority.own_words": "CanaryOwnWordsSleep"`, `"consent.withhold": "CanaryWithholdRina"`} {
		if !strings.Contains(out, want) {
			t.Errorf("record lacks %s:\n%s", want, out)
		}
	}
	if list := run("list", "--status", "draft"); strings.Contains(list, draft) {
		t.Error("the finished interview is still a draft")
	}
	vaulttest.Check(t, []string{dir}, []string{"CanaryWithholdRina", "CanaryOwnWordsSleep", "CanaryNameAyu"}, nil)
}

// history is everything the terminal holds: the screen and its scrollback.
func (tm *tmuxTerm) history() string {
	return tm.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", tm.name)
}
