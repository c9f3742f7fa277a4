package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A child's intake in a real terminal, on the guardian and the
// best-interest path, in English and in Bahasa Indonesia: the consent page
// is answered as a hurried worker would, mostly by pressing Enter, and the
// interview must end stored — never loop back to page 1.
func TestTerminalChildIntake(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	for _, tc := range []struct {
		name, lang, basis string
		page1, basisQ     string
	}{
		{"en-guardian", "en", "guardian", `Page 1 of \d+: Consent`, `On what basis is a child interviewed\?`},
		{"en-best-interest", "en", "best_interest", `Page 1 of \d+: Consent`, `On what basis is a child interviewed\?`},
		{"id-guardian", "id", "guardian", `Halaman 1 dari \d+`, `Atas dasar apa anak ini diwawancarai\?`},
		{"id-best-interest", "id", "best_interest", `Halaman 1 dari \d+`, `Atas dasar apa anak ini diwawancarai\?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			run := childVault(t, bin, dir)
			tm := startTmux(t, childEnv(dir), bin+" intake --lang "+tc.lang)
			tm.wait(`Read this aloud|Bacakan`)
			tm.keys("Enter")
			tm.wait(tc.page1)
			tm.keys("Enter") // agrees to talk
			tm.wait(tc.basisQ + `|` + regexp.QuoteMeta("Who is giving consent?") + `|Siapa yang memberikan`)
			if tc.basis == "guardian" {
				tm.keys("Down", "Enter", "Enter") // a caregiver; under 18: yes (the default)
			} else {
				tm.keys("Down", "Down", "Enter", "Enter") // someone else; under 18: yes
			}
			tm.wait(tc.basisQ)
			if tc.basis == "best_interest" {
				tm.keys("Down")
			}
			id := enterThrough(t, tm)
			rec := childRecord(t, run, id)
			want := map[string]any{"consent.minor_basis": tc.basis, "consent.assent": true, "person.minor": true, "consent.store": true}
			for k, v := range want {
				if rec.Body.Answers[k] != v {
					t.Errorf("%s = %v, want %v", k, rec.Body.Answers[k], v)
				}
			}
			if rec.Status != "complete" || rec.Lang != tc.lang {
				t.Errorf("record is %s in %s, want complete in %s", rec.Status, rec.Lang, tc.lang)
			}
		})
	}
}

// Pressing Enter through every default, as a hurried worker does, finishes
// the interview and stores it. "Under 18?" defaults to yes (when unsure, a
// person is taken as a child), so this is the child's path.
func TestTerminalEnterThroughDefaults(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	run := childVault(t, bin, dir)
	tm := startTmux(t, childEnv(dir), bin+" intake --lang en")
	tm.wait(`Read this aloud before any question`)
	id := enterThrough(t, tm)
	rec := childRecord(t, run, id)
	if rec.Status != "complete" || rec.Body.Answers["person.minor"] != true || rec.Body.Answers["consent.minor_basis"] != "guardian" {
		t.Errorf("Enter through the defaults stored %s with %v", rec.Status, rec.Body.Answers)
	}
}

func childEnv(dir string) []string {
	return []string{
		"FIELDVAULT_VAULT=" + filepath.Join(dir, "vault.db"),
		"FIELDVAULT_PASSPHRASE='correct horse battery'",
		"FIELDVAULT_KDF_WORK_FACTOR=10",
		"TMPDIR=" + filepath.Join(dir, "tmp"),
		"TERM=xterm-256color",
		"NO_COLOR=1",
	}
}

// childVault makes a vault in dir and returns a way to run commands on it.
func childVault(t *testing.T, bin, dir string) func(args ...string) string {
	os.Mkdir(filepath.Join(dir, "tmp"), 0o700)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "FIELDVAULT_VAULT="+filepath.Join(dir, "vault.db"), "FIELDVAULT_PASSPHRASE=correct horse battery", "FIELDVAULT_KDF_WORK_FACTOR=10")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fieldvault %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("init", "--worker", "Sari")
	return run
}

// enterThrough presses Enter until the interview ends, and returns the ID
// of the record it stored. Page 1 must never come back once left.
func enterThrough(t *testing.T, tm *tmuxTerm) string {
	t.Helper()
	leftPage1 := false
	page1 := regexp.MustCompile(`(Page|Halaman) 1 (of|dari)`)
	for range 150 {
		s := tm.screen()
		if strings.Contains(s, "EXIT=") {
			break
		}
		if strings.Contains(s, "cannot be skipped") || strings.Contains(s, "tidak dapat dilewati") {
			t.Fatalf("a required answer was lost:\n%s", s)
		}
		onPage1 := page1.MatchString(s)
		if leftPage1 && onPage1 {
			t.Fatalf("the interview went back to page 1:\n%s", s)
		}
		leftPage1 = leftPage1 || (!onPage1 && regexp.MustCompile(`(Page|Halaman) \d+ (of|dari)`).MatchString(s))
		tm.keys("Enter")
	}
	s := tm.wait(`EXIT=\d+`)
	if !strings.Contains(s, "EXIT=0") {
		t.Fatalf("the interview did not end well:\n%s", s)
	}
	m := regexp.MustCompile(`(?m)^([0-9a-f]{8}-[0-9a-f-]{27})$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no record ID on screen:\n%s", s)
	}
	return m[1]
}

type childRec struct {
	Status string `json:"status"`
	Lang   string `json:"lang"`
	Body   struct {
		Answers map[string]any `json:"answers"`
	} `json:"body"`
}

func childRecord(t *testing.T, run func(...string) string, id string) childRec {
	t.Helper()
	out := run("show", "--json", id)
	var rec childRec
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("show --json: %v\n%s", err, out)
	}
	return rec
}

// Ctrl+E on a long-text field must not hand the answer to an external
// editor: huh would write it to a plaintext temporary file first.
func TestTerminalNoExternalEditor(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	run := childVault(t, bin, dir)
	called := filepath.Join(dir, "editor-called")
	editor := filepath.Join(dir, "editor.sh")
	os.WriteFile(editor, []byte("#!/bin/sh\necho \"$@\" >> "+called+"\n"), 0o700)
	tm := startTmux(t, append(childEnv(dir), "EDITOR="+editor, "VISUAL="+editor), bin+" intake --lang en")
	toReferral(tm)
	tm.keys("Enter", "Enter", "Enter") // no partner, no referral, follow-up yes
	tm.wait(`Is there anything we must not share`)
	tm.keys("text:CanaryEditorSecret", "C-e")
	tm.keys("text: more", "Enter")
	tm.wait(`Page 2 of \d+: Safety now`)
	id := enterThrough(t, tm)
	if b, err := os.ReadFile(called); err == nil {
		t.Fatalf("Ctrl+E started the editor on %s", b)
	}
	rec := childRecord(t, run, id)
	if got := rec.Body.Answers["consent.withhold"]; got != "CanaryEditorSecret more" {
		t.Errorf("consent.withhold = %q", got)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) > 0 {
		t.Errorf("files left in TMPDIR: %v", left)
	}
}

// `fieldvault --accessible` alone is the home menu as numbered plain lines:
// one unlock, an intake, the records, and quit, all typed as a screen
// reader user would.
func TestTerminalAccessibleHome(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	run := childVault(t, bin, dir)
	tm := startTmux(t, childEnv(dir), bin+" --accessible")
	tm.wait(`1\) New intake[\s\S]*8\) Lock and quit`)
	send := func(lines ...string) {
		for _, l := range lines {
			if l != "" {
				tm.keys("text:" + l)
			}
			tm.keys("Enter")
		}
	}
	send("1")
	tm.wait(`In which language is the interview\?`)
	send("1")
	tm.wait(`Do you agree to talk with me now\?`)
	// Consent: yes, self, adult, store, no partner, shelter, no follow-up,
	// nothing withheld; then the person stops on page 2.
	send("y", "1", "n", "y", "0", "1", "n", "")
	tm.wait(`Are you in danger right now\?`)
	send("/stop", "y")
	s := tm.wait(`Saved record [0-9a-f-]{36}\.[\s\S]*8\) Lock and quit`)
	id := regexp.MustCompile(`Saved record ([0-9a-f-]{36})\.`).FindStringSubmatch(s)[1]
	send("3")
	tm.wait(`1\) ` + id[:8] + ` complete`)
	send("1")
	// The record, then the menu again: its first lines may have scrolled
	// above a 40-line screen.
	tm.wait(`10\) Referrals[\s\S]*Type a number`)
	if !regexp.MustCompile(`Record +` + id).MatchString(tm.history()) {
		t.Errorf("the record %s was never shown:\n%s", id, tm.history())
	}
	send("8")
	tm.wait(`Locked\.[\s\S]*EXIT=0`)
	if out := run("show", "--json", id); !strings.Contains(out, `"consent.referral": [`) || !strings.Contains(out, `"ended_early": true`) {
		t.Errorf("the record from the accessible home:\n%s", out)
	}
}

// Ctrl+A on a multiple choice, in a real terminal, ticks nothing: it would
// tick "prefer not to answer" with the answers, which are exclusive.
func TestTerminalSelectAllOff(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	run := childVault(t, bin, dir)
	tm := startTmux(t, childEnv(dir), bin+" intake --lang en")
	toReferral(tm)
	tm.keys("Enter", "Enter", "Down", "Enter", "Enter") // no partner, no referral, no follow-up, nothing withheld
	for range 60 {
		if strings.Contains(tm.screen(), "Do you need clothes now?") {
			break
		}
		tm.keys("Enter")
	}
	tm.wait(`Do you need clothes now\?`)
	tm.keys("Up", "Up", "Enter") // yes
	tm.wait(`What do you need\?`)
	tm.keys("C-a", "Enter")
	id := enterThrough(t, tm)
	rec := childRecord(t, run, id)
	items, ok := rec.Body.Answers["clothing.items"].([]any)
	if !ok || len(items) != 0 {
		t.Fatalf("after Ctrl+A, clothing.items = %v (want none ticked)", rec.Body.Answers["clothing.items"])
	}
}

// toReferral answers the start of an English consent page as an adult who
// agrees to talk and to be recorded, up to the referral question.
func toReferral(tm *tmuxTerm) {
	tm.t.Helper()
	tm.wait(`Read this aloud`)
	tm.keys("Enter", "Enter")
	tm.wait(`Who is giving consent\?`)
	tm.keys("Enter", "Down", "Enter", "Enter") // self, adult, may store
	tm.wait(`Which kinds of help`)
}
