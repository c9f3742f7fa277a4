package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fieldvault/fieldvault/vault"
)

// TestCrashSafety starts real fieldvault processes (bulk intake, export,
// import, withdraw, purge, and adding and removing a passphrase, which
// changes the master key) and kills them with SIGKILL at random moments.
// After every kill the vaults open, their audit chains verify, every record
// a process reported as stored is there and decrypts, no bundle or receipt
// sits under a final name unless it verifies, and the command run again
// completes. FIELDVAULT_KILLS sets how many kills (default 30; make stress
// runs 300).
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	kills := 30
	if s := os.Getenv("FIELDVAULT_KILLS"); s != "" {
		kills, _ = strconv.Atoi(s)
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	usb := filepath.Join(dir, "usb")
	os.Mkdir(usb, 0o700)
	env := append(os.Environ(), "FIELDVAULT_PASSPHRASE=correct horse battery", "FIELDVAULT_KDF_WORK_FACTOR=10", "TMPDIR="+dir)
	field, partner := filepath.Join(dir, "field.db"), filepath.Join(dir, "partner.db")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if err != nil {
			return out.String(), fmt.Errorf("fieldvault %v: %v\n%s", args, err, errb.String())
		}
		return out.String(), nil
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	must("--vault", field, "init", "--name", "Field")
	must("--vault", partner, "init", "--name", "Partner NGO")
	fieldCard := must("--vault", field, "card")
	partnerCard := must("--vault", partner, "card")
	must("--vault", field, "contact", "add", strings.TrimSpace(partnerCard))
	must("--vault", partner, "contact", "add", strings.TrimSpace(fieldCard))

	var lines strings.Builder
	for i := range 150 {
		fmt.Fprintf(&lines, `{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": ["Partner NGO"], "consent.referral": ["shelter"], "consent.followup": false, "person.name": "P%d"}}`+"\n", i)
	}
	answers := filepath.Join(dir, "answers.jsonl")
	os.WriteFile(answers, []byte(lines.String()), 0o600)

	// stored are the record IDs a process said it stored.
	stored := map[string]bool{}
	verified := map[string]bool{} // bundle and receipt files already checked
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	killed := 0
	killedIn := map[string]int{} // kills per command, for the log
	for round := 0; killed < kills; round++ {
		var args []string
		extraEnv := []string(nil)
		switch round % 7 {
		case 0, 1:
			args = []string{"--vault", field, "intake", "--answers", answers}
		case 2:
			args = []string{"--vault", field, "export", "--to", "Partner NGO", "--out", usb, "--all"}
		case 3:
			bundles, _ := filepath.Glob(filepath.Join(usb, "fv-*.age"))
			if len(bundles) == 0 {
				continue
			}
			args = []string{"--vault", partner, "import", bundles[rng.IntN(len(bundles))]}
		case 4:
			ids := recordIDs(t, must("--vault", field, "list", "--json"))
			switch {
			case rng.IntN(3) == 0:
				args = []string{"--vault", field, "purge", "--delivered"}
			case len(ids) > 0:
				args = []string{"--vault", field, "withdraw", ids[rng.IntN(len(ids))]}
			default:
				continue
			}
		case 5:
			// Receipts come home; a bundle offered here is rejected.
			files, _ := filepath.Glob(filepath.Join(usb, "fv-*.age"))
			if len(files) == 0 {
				continue
			}
			args = []string{"--vault", field, "import", files[rng.IntN(len(files))]}
		case 6:
			// Another worker's passphrase comes and goes; removing it
			// re-encrypts everything under a new master key.
			if strings.Contains(must("--vault", field, "passphrase", "list", "--json"), `"worker": "Budi"`) {
				args = []string{"--vault", field, "passphrase", "remove", "Budi"}
			} else {
				args = []string{"--vault", field, "passphrase", "add", "--worker", "Budi"}
				extraEnv = []string{"FIELDVAULT_NEW_PASSPHRASE=budi's own passphrase"}
			}
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = append(env[:len(env):len(env)], extraEnv...)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.IntN(600)) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
			what := args[2]
			if what == "passphrase" {
				what += " " + args[3]
			}
			killedIn[what]++
		}
		if args[2] == "intake" {
			for _, id := range strings.Fields(out.String()) {
				stored[id] = true
			}
		}
		checkAfterKill(t, run, field, partner, usb, stored, verified)
	}
	// Running the commands again completes.
	must("--vault", field, "intake", "--answers", answers)
	must("--vault", field, "export", "--to", "Partner NGO", "--out", usb, "--all")
	must("--vault", partner, "audit", "--verify")
	declined := filepath.Join(dir, "declined.json")
	os.WriteFile(declined, []byte(`{"answers": {"consent.interview": false}}`), 0o600)
	must("--vault", partner, "intake", "--answers", declined) // a writable open of the partner too
	// Killed compactions left full encrypted copies; writable opens remove them.
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(field), ".*.db.*")); len(left) > 0 {
		t.Errorf("leftovers of killed processes remain: %v", left)
	}
	t.Logf("%d kills (%v), %d records reported stored and found", killed, killedIn, len(stored))
}

// checkAfterKill is what must hold after any crash.
func checkAfterKill(t *testing.T, run func(...string) (string, error), field, partner, usb string, stored, verified map[string]bool) {
	t.Helper()
	for _, v := range []string{field, partner} {
		if _, err := run("--vault", v, "audit", "--verify"); err != nil {
			t.Fatalf("after a kill: %v", err)
		}
	}
	out, err := run("--vault", field, "list", "--json")
	if err != nil {
		t.Fatalf("after a kill: %v", err)
	}
	// A record reported stored is there, or the audit log says it was
	// deleted on purpose (withdrawn or purged).
	log, err := run("--vault", field, "audit", "--json")
	if err != nil {
		t.Fatalf("after a kill: %v", err)
	}
	var entries []struct{ Action, Subject string }
	if err := json.Unmarshal([]byte(log), &entries); err != nil {
		t.Fatal(err)
	}
	deleted := map[string]bool{}
	for _, e := range entries {
		if strings.Contains(e.Action, "deleted") {
			deleted[e.Subject] = true
		}
	}
	present := map[string]bool{}
	for _, id := range recordIDs(t, out) {
		present[id] = true
	}
	for id := range stored {
		if !present[id] && !deleted[id] {
			t.Fatalf("record %s was reported stored but is gone", id)
		}
	}
	// Every record there decrypts.
	v, err := vault.Open(field, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("after a kill: %v", err)
	}
	defer v.Close()
	if err := v.Unlock([]byte("correct horse battery")); err != nil {
		t.Fatal(err)
	}
	ids := recordIDs(t, out)
	n := 0
	if err := v.ReadRecords(ids, func(string, []byte) error { n++; return nil }); err != nil || n != len(ids) {
		t.Fatalf("after a kill, %d of %d records decrypt: %v", n, len(ids), err)
	}
	files, _ := filepath.Glob(filepath.Join(usb, "fv-*.age"))
	for _, f := range files {
		if verified[f] {
			continue
		}
		verified[f] = true
		// A bundle verifies at the partner; a receipt at the field laptop.
		if _, err := run("--vault", partner, "verify", f); err != nil {
			if _, err2 := run("--vault", field, "verify", f); err2 != nil {
				t.Fatalf("%s is under a final name but verifies nowhere: %v", f, err)
			}
		}
	}
}

func recordIDs(t *testing.T, listJSON string) []string {
	t.Helper()
	var items []struct{ ID string }
	if err := json.Unmarshal([]byte(listJSON), &items); err != nil {
		t.Fatalf("list --json: %v", err)
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}

// TestBulkKilledThenRunAgain kills a large bulk intake once its first
// batches are stored, then runs the same file again: every line ends up as
// exactly one record.
func TestBulkKilledThenRunAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const n = 20_000
	bin := buildBinary(t)
	dir := t.TempDir()
	env := append(os.Environ(), "FIELDVAULT_PASSPHRASE=correct horse battery", "FIELDVAULT_KDF_WORK_FACTOR=10", "TMPDIR="+dir,
		"FIELDVAULT_VAULT="+filepath.Join(dir, "vault.db"))
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("fieldvault %v: %v", args, err)
		}
		return string(out)
	}
	run("init")
	var lines strings.Builder
	for i := range n {
		fmt.Fprintf(&lines, `{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": ["shelter"], "consent.followup": false, "person.name": "P%d"}}`+"\n", i)
	}
	answers := filepath.Join(dir, "answers.jsonl")
	os.WriteFile(answers, []byte(lines.String()), 0o600)

	cmd := exec.Command(bin, "intake", "--answers", answers)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first ID printed means a batch is stored: kill now.
	first := make([]byte, 37)
	if _, err := io.ReadFull(stdout, first); err != nil {
		t.Fatalf("no ID before the end: %v", err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before := len(recordIDs(t, run("list", "--json")))
	if before == 0 || before >= n {
		t.Fatalf("the kill left %d of %d records: it came too late or too early", before, n)
	}
	run("intake", "--answers", answers)
	if got := len(recordIDs(t, run("list", "--json"))); got != n {
		t.Fatalf("after the kill (%d stored) and a second run, %d records for %d lines", before, got, n)
	}
	t.Logf("killed with %d of %d stored; the second run stored the rest", before, n)
}

// TestDuressKilled kills a duress unlock at random moments. Whatever the
// moment, the real passphrase opens the vault with its record, or opens
// nothing at all; the duress passphrase never opens the record. A kill
// between the first overwrite of a key slot and the rename of the empty
// vault over the real one would leave neither: the rename follows the
// overwrite at once, so that window is microseconds (none in 80 kills
// here; when it was the sync's length, 4 in 20).
func TestDuressKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	base := append(os.Environ(), "FIELDVAULT_KDF_WORK_FACTOR=10", "TMPDIR="+dir)
	run := func(path, pass string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(base, "FIELDVAULT_VAULT="+path, "FIELDVAULT_PASSPHRASE="+pass)
		if args[0] == "passphrase" {
			cmd.Env = append(cmd.Env, "FIELDVAULT_NEW_PASSPHRASE=blue kettle quiet morning")
		}
		cmd.Stdin = strings.NewReader(`{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": [], "consent.followup": false, "person.name": "Ayu"}}`)
		out, err := cmd.Output()
		return string(out), err
	}
	const real, duress = "correct horse battery", "blue kettle quiet morning"
	pristine := filepath.Join(dir, "pristine.db")
	for _, args := range [][]string{{"init"}, {"intake", "--answers", "-"}, {"passphrase", "add", "--duress"}} {
		if out, err := run(pristine, real, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	data, _ := os.ReadFile(pristine)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	outcomes := map[string]int{}
	for i := range 20 {
		path := filepath.Join(dir, fmt.Sprintf("v%d", i), "vault.db")
		os.MkdirAll(filepath.Dir(path), 0o700)
		os.WriteFile(path, data, 0o600)
		cmd := exec.Command(bin, "list")
		cmd.Env = append(base, "FIELDVAULT_VAULT="+path, "FIELDVAULT_PASSPHRASE="+duress)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(time.Duration(rng.IntN(60)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
		realOut, realErr := run(path, real, "list", "--json")
		duressOut, duressErr := run(path, duress, "list", "--json")
		switch {
		case realErr == nil && len(recordIDs(t, realOut)) == 1:
			outcomes["untouched"]++
		case realErr == nil:
			t.Fatalf("kill %d: the real passphrase opens a vault without its record:\n%s", i, realOut)
		case duressErr == nil && len(recordIDs(t, duressOut)) == 0:
			outcomes["decoy"]++
		case duressErr == nil:
			t.Fatalf("kill %d: the duress passphrase opens the record:\n%s", i, duressOut)
		default:
			outcomes["erased, no decoy"]++
		}
	}
	t.Logf("after 20 duress unlocks killed at random: %v", outcomes)
}
