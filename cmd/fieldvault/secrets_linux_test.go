package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Once fieldvault has unlocked the vault, its passphrase is in neither
// /proc/PID/environ nor the environment a child process would inherit, and
// the process writes no core file.
func TestPassphraseLeavesTheEnvironment(t *testing.T) {
	bin := buildBinary(t)
	t.Run("this user", func(t *testing.T) { environScrubbed(t, bin, nil) })
	// An ordinary user's process may open its own /proc/self/mem only
	// while it is dumpable: the scrubbing must come first.
	t.Run("an ordinary user", func(t *testing.T) {
		if os.Getuid() != 0 {
			t.Skip("needs root to run fieldvault as another user")
		}
		environScrubbed(t, bin, &syscall.Credential{Uid: 65534, Gid: 65534})
	})
}

func environScrubbed(t *testing.T, bin string, as *syscall.Credential) {
	dir := t.TempDir()
	if as != nil {
		// A folder and a binary the other user can reach.
		var err error
		if dir, err = os.MkdirTemp("", "fv-other-user-"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		os.Chmod(dir, 0o777)
		data, _ := os.ReadFile(bin)
		bin = filepath.Join(dir, "fieldvault")
		os.WriteFile(bin, data, 0o755)
	}
	command := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		if as != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: as}
		}
		return cmd
	}
	const pass = "CanaryPassphraseEnviron"
	env := append(os.Environ(), "FIELDVAULT_VAULT="+filepath.Join(dir, "vault.db"), "FIELDVAULT_KDF_WORK_FACTOR=10")
	init := command("init", "--worker", "Sari")
	init.Env = append(env, "FIELDVAULT_NEW_PASSPHRASE="+pass)
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	// Allow core files, as a system may, so that fieldvault must refuse them.
	var lim unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_CORE, &lim)
	defer unix.Setrlimit(unix.RLIMIT_CORE, &lim)
	if lim.Max == 0 {
		t.Log("core files are not allowed here at all; their limit is not tested")
	}
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: lim.Max, Max: lim.Max})
	cmd := command("intake", "--accessible", "--lang", "en")
	cmd.Env = append(env, "FIELDVAULT_PASSPHRASE="+pass)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	// The first question shows once the vault is unlocked.
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Do you agree to talk with me now?") {
				found <- true
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		if !ok {
			t.Fatal("the interview never started")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the interview never started")
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	environ, err := os.ReadFile("/proc/" + pid + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(environ), pass) || strings.Contains(string(environ), "FIELDVAULT_PASSPHRASE=") {
		t.Error("the passphrase is readable in /proc/PID/environ")
	}
	limits, err := os.ReadFile("/proc/" + pid + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(line, "Max core file size") && !strings.Contains(line, " 0 ") {
			t.Errorf("core files are allowed: %s", line)
		}
	}
}
