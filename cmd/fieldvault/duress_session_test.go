//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const sessionDuress = "blue kettle quiet morning"

// with runs a fieldvault command against path with passphrase and returns
// its output and exit code.
func (sv *sessionVault) with(path, passphrase string, args ...string) (string, int) {
	sv.t.Helper()
	cmd := exec.Command(sv.bin, args...)
	cmd.Env = append(os.Environ(), "FIELDVAULT_VAULT="+path, "FIELDVAULT_PASSPHRASE="+passphrase,
		"FIELDVAULT_NEW_PASSPHRASE="+sessionDuress, "FIELDVAULT_KDF_WORK_FACTOR=10")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		sv.t.Fatal(err)
	}
	return string(out), code
}

// withRecord makes the session's vault, named Field team, with one intake,
// and a hard link to its file.
func (sv *sessionVault) withRecord() (vaultPath, link string) {
	sv.t.Helper()
	sv.run("", "init", "--worker", "Sari", "--name", "Field team")
	sv.run(`{"schema": "rescue-needs", "lang": "en", "answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": [], "consent.followup": false, "person.name": "Ayu"}}`,
		"intake", "--answers", "-")
	vaultPath, link = filepath.Join(sv.dir, "vault.db"), filepath.Join(sv.dir, "link.db")
	if err := os.Link(vaultPath, link); err != nil {
		sv.t.Skipf("no hard links here: %v", err)
	}
	return vaultPath, link
}

// The emergency wipe from the home screen takes two deliberate steps: a
// choice whose default goes back, then the vault's name typed.
func TestSessionWipe(t *testing.T) {
	sv := newSessionVault(t)
	path, link := sv.withRecord()
	tm := sv.start()
	tm.unlock()
	tm.choose(`Wipe this vault`)
	tm.wait(`1 record in this vault has not been confirmed by any partner[\s\S]*Wipe this vault\?`)
	tm.keys("Enter") // the default: Back
	tm.wait(`What would you like to do\?`)
	tm.choose(`Wipe this vault`)
	tm.wait(`Wipe this vault\?`)
	tm.keys("Left", "Enter") // Continue
	tm.wait(`Type the vault's name \(Field team\) to wipe it now`)
	tm.keys("text:Field tea", "Enter")
	tm.wait(`the name did not match; nothing was wiped[\s\S]*What would you like to do\?`)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("a mistyped name wiped the vault: %v", err)
	}
	tm.choose(`Wipe this vault`)
	tm.wait(`Wipe this vault\?`)
	tm.keys("Left", "Enter")
	tm.wait(`Type the vault's name`)
	tm.keys("text:Field team", "Enter")
	tm.wait(`Wiped the vault at .*vault\.db: no passphrase opens it any more\.`)
	tm.keys("Enter")
	tm.wait(`EXIT=0`)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the vault file is still there: %v", err)
	}
	if out, code := sv.with(link, sessionPass, "list"); code == 0 {
		t.Errorf("a hard link taken before the wipe still opens:\n%s", out)
	}
}

// A duress passphrase typed on the unlock screen opens the home screen of
// an empty vault, as a real passphrase opens a vault with nothing in it.
func TestSessionDuressUnlock(t *testing.T) {
	sv := newSessionVault(t)
	path, link := sv.withRecord()
	if out, code := sv.with(path, sessionPass, "passphrase", "add", "--duress", "--worker", "Sari"); code != 0 {
		t.Fatalf("passphrase add --duress: %s", out)
	}
	tm := sv.start()
	tm.unlock() // with the real passphrase: the record is there
	tm.wait(`Records \(1\)`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)

	tm = sv.start()
	tm.wait(`Unlock the vault at`)
	tm.keys("text:"+sessionDuress, "Enter")
	home := tm.wait(`What would you like to do\?`)
	if !strings.Contains(home, "Records (0)") || strings.Contains(home, "Resume a draft") {
		t.Errorf("the duress unlock does not show an empty vault:\n%s", home)
	}
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	for _, p := range []string{path, link} {
		if out, code := sv.with(p, sessionPass, "list"); code == 0 {
			t.Errorf("%s still opens with the real passphrase:\n%s", p, out)
		}
	}
	if out, code := sv.with(path, sessionDuress, "list"); code != 0 || strings.Contains(out, "Ayu") {
		t.Errorf("the duress passphrase does not open the empty vault (exit %d):\n%s", code, out)
	}
}

// Under a failed-unlock limit the unlock screen says how many attempts are
// left once 3 or fewer are.
func TestSessionAttemptsLeft(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari", "--name", "Field team")
	sv.run("", "settings", "--wipe-after", "5")
	tm := sv.start()
	s := tm.wait(`Unlock the vault at`)
	if strings.Contains(s, "attempts left") {
		t.Fatalf("the count shows with 5 attempts left:\n%s", s)
	}
	tm.keys("text:not the passphrase", "Enter")
	s = tm.wait(`Wrong passphrase[\s\S]*Unlock the vault at`)
	if strings.Contains(s, "attempts left") {
		t.Fatalf("the count shows with 4 attempts left:\n%s", s)
	}
	tm.keys("text:not the passphrase", "Enter")
	tm.wait(`Unlock the vault at [^\n]*\n\s*3 attempts left before the vault is erased\.`)
	tm.keys("text:"+sessionPass, "Enter")
	tm.wait(`What would you like to do\?`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
}

// The accessible home offers the same two-step wipe, as numbered lines.
func TestSessionAccessibleWipe(t *testing.T) {
	sv := newSessionVault(t)
	path, link := sv.withRecord()
	tm := startTmux(t, append(sv.env, "FIELDVAULT_PASSPHRASE='"+sessionPass+"'"), sv.bin+" --accessible")
	send := func(lines ...string) {
		for _, l := range lines {
			if l != "" {
				tm.keys("text:" + l)
			}
			tm.keys("Enter")
		}
	}
	tm.wait(`9\) Wipe this vault \(emergency\)`)
	send("9")
	tm.wait(`1 record in this vault has not been confirmed by any partner[\s\S]*1\) Continue`)
	send("") // back
	tm.wait(`9\) Wipe this vault \(emergency\)[\s\S]*Type a number`)
	send("9", "1")
	tm.wait(`Type the vault's name \(Field team\) to wipe it now`)
	send("Field team")
	tm.wait(`Wiped the vault at .*vault\.db: no passphrase opens it any more\.[\s\S]*EXIT=0`)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the vault file is still there: %v", err)
	}
	if out, code := sv.with(link, sessionPass, "list"); code == 0 {
		t.Errorf("a hard link taken before the wipe still opens:\n%s", out)
	}
}
