package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldvault/fieldvault/vault/vaulttest"
)

// TestNoPlaintextFromRunners drives answers through the answers-file and
// accessible runners of the real binary, interrupted and finished, and scans
// the vault folder and the temp folder for them. (The interactive runner is
// scanned by TestTerminalIntake.)
func TestNoPlaintextFromRunners(t *testing.T) {
	bin := buildBinary(t)
	dir, tmp, inputs := t.TempDir(), t.TempDir(), t.TempDir()
	env := append(os.Environ(),
		"FIELDVAULT_VAULT="+filepath.Join(dir, "vault.db"),
		"FIELDVAULT_PASSPHRASE=correct horse battery",
		"FIELDVAULT_KDF_WORK_FACTOR=10",
		"TMPDIR="+tmp,
	)
	run := func(stdin string, wantOK bool, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if (err == nil) != wantOK {
			t.Fatalf("fieldvault %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("", true, "init", "--worker", "CanaryWorkerRina")

	canaries := []string{"CanaryBulkName01", "CanaryBulkWords02", "CanaryPlainName03", "CanaryPlainNotes04", "CanaryDraftWords05", "CanaryWorkerRina"}
	answers := `{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": ["legal"], "consent.followup": false, "person.name": "CanaryBulkName01", "priority.own_words": "CanaryBulkWords02"}}` + "\n" +
		`{"answers": {"consent.interview": false}}` + "\n"
	file := filepath.Join(inputs, "answers.jsonl")
	os.WriteFile(file, []byte(answers), 0o600)
	run("", true, "intake", "--answers", file)
	run(answers, true, "intake", "--answers", "-")

	// Accessible: interrupted after two pages (a draft), then a full run.
	consent := "y\n1\nn\ny\n0\n0\nn\n\n"
	run(consent+"n\ny\n\nCanaryDraftWords05\n", false, "intake", "--accessible")
	full := consent + "\n\n\n" + "\n" + "CanaryPlainName03\n\n\n\n\n" + strings.Repeat("\n", 17) + "CanaryPlainNotes04\n"
	out := run(full, true, "intake", "--accessible")
	if !strings.Contains(out, "Saved record") {
		t.Fatalf("accessible run did not finish:\n%s", out)
	}
	// The answers are really stored, or the scan proves nothing.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	shown := run("", true, "show", "--json", lines[len(lines)-1])
	for _, c := range []string{"CanaryPlainName03", "CanaryPlainNotes04", "CanaryWorkerRina"} {
		if !strings.Contains(shown, c) {
			t.Fatalf("the accessible record lacks %s:\n%s", c, shown)
		}
	}
	list := run("", true, "list", "--json")
	if strings.Count(list, `"status": "complete"`) != 3 || strings.Count(list, `"status": "draft"`) != 1 {
		t.Fatalf("unexpected records:\n%s", list)
	}
	vaulttest.Check(t, []string{dir, tmp}, canaries, nil)
}
