package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two fieldvault processes on one vault: while an interview holds it, a
// second command exits 11 within two seconds, with one sentence.
func TestSecondProcessGetsBusy(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	env := append(os.Environ(), "FIELDVAULT_VAULT="+filepath.Join(dir, "vault.db"),
		"FIELDVAULT_PASSPHRASE=correct horse battery", "FIELDVAULT_KDF_WORK_FACTOR=10")
	init := exec.Command(bin, "init")
	init.Env = env
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	first := exec.Command(bin, "intake", "--accessible")
	first.Env = env
	stdin, _ := first.StdinPipe() // held open: the interview waits for answers
	var firstOut strings.Builder
	first.Stdout = &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); first.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(firstOut.String(), "Page 1 of") {
		if time.Now().After(deadline) {
			t.Fatal("the first process never started its interview")
		}
		time.Sleep(20 * time.Millisecond)
	}
	second := exec.Command(bin, "list")
	second.Env = env
	start := time.Now()
	out, err := second.CombinedOutput()
	took := time.Since(start)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 11 {
		t.Fatalf("second process: %v\n%s", err, out)
	}
	if took > 2*time.Second {
		t.Errorf("the second process took %v to give up", took)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "in use by another fieldvault process") {
		t.Errorf("second process said:\n%s", out)
	}
	t.Logf("second process exited 11 after %v", took.Round(time.Millisecond))
}

// A vault on a read-only disk can still be read; writing says why not.
func TestReadOnlyDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting needs root")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	env := append(os.Environ(), "FIELDVAULT_VAULT="+filepath.Join(dir, "vault.db"),
		"FIELDVAULT_PASSPHRASE=correct horse battery", "FIELDVAULT_KDF_WORK_FACTOR=10")
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(`{"answers": {"consent.interview": false}}`)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		return string(out), 0
	}
	if out, code := run("init"); code != 0 {
		t.Fatalf("init: %s", out)
	}
	run("intake", "--answers", "-")
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only: %v %s", err, out)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "vault.db"))
	if out, code := run("list"); code != 0 || !strings.Contains(out, "declined") {
		t.Errorf("list on a read-only disk: exit %d\n%s", code, out)
	}
	out, code := run("intake", "--answers", "-")
	if code != 1 || !strings.Contains(out, "cannot be written: the disk or folder is read-only") || strings.Contains(out, "goroutine") {
		t.Errorf("intake on a read-only disk: exit %d\n%s", code, out)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "vault.db"))
	if string(before) != string(after) {
		t.Error("the vault changed")
	}
}
