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
	// Standard input goes through the encrypted copy for the second pass;
	// a ref makes it other intakes than the file's, so they are stored.
	run(strings.ReplaceAll(answers, `{"answers"`, `{"ref": "form 2", "answers"`), true, "intake", "--answers", "-")

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

// TestNoPlaintextAnywhere drives canary strings through every path between
// two vaults — intake by file and accessible prompts, drafts, notes,
// export, import, receipts, withdrawal, purge and bad input — and scans
// both vaults, the USB folder with its bundles and receipts, and the temp
// folder. Answers may appear on stdout only where a person asked to see them
// (show); the passphrase appears nowhere, ever.
func TestNoPlaintextAnywhere(t *testing.T) {
	bin := buildBinary(t)
	root := t.TempDir()
	fieldDir, partnerDir, usb, tmp, inputs := filepath.Join(root, "field"), filepath.Join(root, "partner"), filepath.Join(root, "usb"), filepath.Join(root, "tmp"), t.TempDir()
	for _, d := range []string{fieldDir, partnerDir, usb, tmp} {
		os.Mkdir(d, 0o700)
	}
	const pass = "CanaryPassphraseSecret1"
	answerCanaries := []string{"CanaryNameAyuQ", "CanaryWordsSleepQ", "CanaryNotesHarbourQ", "CanaryDraftQ", "CanaryWithholdQ", "CanaryWrongFieldQ"}
	var printed strings.Builder // every stdout and stderr but show's
	run := func(vaultDir, stdin string, wantOK bool, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--vault", filepath.Join(vaultDir, "vault.db")}, args...)...)
		cmd.Env = append(os.Environ(), "FIELDVAULT_PASSPHRASE="+pass, "FIELDVAULT_KDF_WORK_FACTOR=10", "TMPDIR="+tmp)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if (err == nil) != wantOK {
			t.Fatalf("fieldvault %v: %v\n%s%s", args, err, out.String(), errb.String())
		}
		printed.WriteString(errb.String())
		if args[0] != "show" {
			printed.WriteString(out.String())
		}
		return out.String()
	}
	run(fieldDir, "", true, "init", "--name", "Field team")
	run(partnerDir, "", true, "init", "--name", "Partner NGO")
	fieldCard := strings.TrimSpace(run(fieldDir, "", true, "card"))
	partnerCard := strings.TrimSpace(run(partnerDir, "", true, "card"))
	run(fieldDir, "", true, "contact", "add", strings.Split(partnerCard, "\n")[0])
	run(partnerDir, "", true, "contact", "add", strings.Split(fieldCard, "\n")[0])

	answers := `{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": ["Partner NGO"], "consent.referral": ["legal"], "consent.followup": false, "consent.withhold": "CanaryWithholdQ", "person.name": "CanaryNameAyuQ", "priority.own_words": "CanaryWordsSleepQ", "followup.worker_notes": "CanaryNotesHarbourQ"}}` + "\n"
	file := filepath.Join(inputs, "answers.jsonl")
	os.WriteFile(file, []byte(answers), 0o600)
	ids := strings.Fields(run(fieldDir, "", true, "intake", "--answers", file))
	// Bad input holding a canary in the wrong field: refused, not echoed.
	bad := strings.Replace(answers, `"consent.referral": ["legal"]`, `"consent.referral": ["CanaryWrongFieldQ"]`, 1)
	os.WriteFile(file, []byte(bad), 0o600)
	run(fieldDir, "", false, "intake", "--answers", file)
	// A draft through the accessible runner.
	run(fieldDir, "y\n1\nn\ny\n1\n0\nn\n\nn\ny\n\nCanaryDraftQ\n", false, "intake", "--accessible")

	// The record is really there, or the scan proves nothing.
	if shown := run(fieldDir, "", true, "show", "--json", ids[len(ids)-1]); !strings.Contains(shown, "CanaryNotesHarbourQ") {
		t.Fatalf("the record lacks its canaries:\n%s", shown)
	}

	// Export, import, receipt, withdrawal both ways, purge.
	bundle := strings.Fields(run(fieldDir, "", true, "export", "--to", "Partner NGO", "--out", usb))[0]
	receipt := strings.TrimSpace(run(partnerDir, "", true, "import", bundle))
	if shown := run(partnerDir, "", true, "show", "--json", ids[0]); !strings.Contains(shown, "CanaryNameAyuQ") {
		t.Fatalf("the partner's copy lacks its canaries:\n%s", shown)
	}
	run(fieldDir, "", true, "import", receipt)
	run(fieldDir, "", true, "withdraw", ids[0])
	bundle2 := strings.Fields(run(fieldDir, "", true, "export", "--to", "Partner NGO", "--out", usb))[0]
	run(partnerDir, "", true, "import", bundle2)
	run(fieldDir, "", true, "purge", "--delivered")
	run(partnerDir, "", false, "import", bundle+"-missing")
	run(fieldDir, "", true, "audit")

	vaulttest.Check(t, []string{fieldDir, partnerDir, usb, tmp}, append(answerCanaries, pass), nil)
	for _, c := range append(answerCanaries, pass) {
		if strings.Contains(printed.String(), c) {
			t.Errorf("%s was printed by a command that should not print it", c)
		}
	}
	files, _ := filepath.Glob(filepath.Join(usb, "*"))
	if len(files) < 4 {
		t.Errorf("expected two bundles and two receipts to scan, found %v", files)
	}
}
