//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fieldvault/fieldvault/vault/vaulttest"
)

// sessionVault is a vault for the field-session tests: its folder, the
// environment for fieldvault in tmux, and a way to run fieldvault commands
// beside it.
type sessionVault struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

const sessionPass = "correct horse battery"

func newSessionVault(t *testing.T) *sessionVault {
	needTmux(t)
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o700)
	return &sessionVault{t: t, bin: buildBinary(t), dir: dir, env: []string{
		"FIELDVAULT_VAULT=" + filepath.Join(dir, "vault.db"),
		"FIELDVAULT_KDF_WORK_FACTOR=10",
		"TMPDIR=" + tmp,
		"TERM=xterm-256color",
		"NO_COLOR=1",
		"LANG=C.UTF-8",
	}}
}

// run runs a fieldvault command with the passphrase in the environment.
func (sv *sessionVault) run(stdin string, args ...string) string {
	sv.t.Helper()
	cmd := exec.Command(sv.bin, args...)
	cmd.Env = append(os.Environ(), "FIELDVAULT_VAULT="+filepath.Join(sv.dir, "vault.db"), "FIELDVAULT_PASSPHRASE="+sessionPass, "FIELDVAULT_KDF_WORK_FACTOR=10")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		sv.t.Fatalf("fieldvault %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// start runs the field session (fieldvault with no arguments) in tmux.
func (sv *sessionVault) start(args ...string) *tmuxTerm {
	return startTmux(sv.t, sv.env, strings.Join(append([]string{sv.bin}, args...), " "))
}

// unlock types the passphrase on the unlock screen and waits for home.
func (tm *tmuxTerm) unlock() string {
	tm.t.Helper()
	tm.wait(`Unlock the vault at`)
	tm.keys("text:"+sessionPass, "Enter")
	return tm.wait(`What would you like to do\?`)
}

// choose moves down a list to the option matching label and picks it.
func (tm *tmuxTerm) choose(label string) {
	tm.t.Helper()
	rx := regexp.MustCompile(`> ` + label)
	for range 20 {
		if rx.MatchString(tm.screen()) {
			tm.keys("Enter")
			return
		}
		tm.keys("Down")
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("no option %q on screen:\n%s", label, tm.screen())
}

// firstPage answers the consent page as the person who agrees to talk,
// shares with nobody, agrees to shelter and health referrals, and asks that
// withhold be kept from everyone.
func (tm *tmuxTerm) firstPage(withhold string) {
	tm.t.Helper()
	tm.wait(`Read this aloud before any question`)
	tm.keys("Enter")
	tm.wait(`Page 1 of 11: Consent[\s\S]*Do you agree to talk with me now\?`)
	tm.keys("Enter")
	tm.wait(`Who is giving consent\?`)
	tm.keys("Enter", "Down", "Enter", "Enter")
	tm.wait(`Which kinds of help do you agree to be referred to\?`)
	tm.keys("Enter", "x", "Down", "x", "Enter", "Down", "Enter")
	tm.keys("text:"+withhold, "Enter")
	tm.wait(`Page 2 of 11: Safety now`)
}

// toPage3 starts an English interview from the home screen and answers
// the first two pages.
func (tm *tmuxTerm) toPage3(withhold string) {
	tm.t.Helper()
	tm.unlock()
	tm.keys("Enter")
	tm.wait(`In which language is the interview\?`)
	tm.keys("Enter")
	tm.firstPage(withhold)
	tm.keys("Up", "Enter", "Up", "Up", "Enter", "Enter")
	tm.wait(`Page 3 of 11: What matters most`)
}

// assertClear fails if any canary is on the screen or in the scrollback.
func (tm *tmuxTerm) assertClear(when string, canaries ...string) {
	tm.t.Helper()
	h := tm.history()
	for _, c := range canaries {
		if strings.Contains(h, c) {
			tm.t.Errorf("%s, the terminal still holds %s:\n%s", when, c, h)
		}
	}
}

// The first run explains the vault, creates it and shows its card; a full
// intake from the home screen is read back, stored, and viewed; no screen
// ever shows two records; locking clears the terminal.
func TestSessionFirstRunIntakeAndRecords(t *testing.T) {
	sv := newSessionVault(t)
	tm := sv.start()
	tm.wait(`Welcome to fieldvault[\s\S]*Only a passphrase opens it`)
	tm.wait(`Esc: quick exit`)
	tm.keys("Enter")
	tm.wait(`Name partners will see on this vault's card`)
	tm.keys("text:Field team Medan", "Enter")
	tm.wait(`> Field team Medan[\s\S]*┃ Your name or initials`)
	tm.keys("text:Sari", "Enter")
	tm.wait(`┃ Passphrase`)
	tm.keys("text:short", "Enter")
	tm.wait(`Use at least 10 characters`)
	tm.keys("text: enough now", "Enter")
	tm.wait(`┃ Type the passphrase again`)
	tm.keys("text:short enough", "Enter")
	tm.wait(`The two passphrases do not match`)
	tm.keys("text: now", "Enter")
	s := tm.wait(`The vault is ready[\s\S]*Fingerprint: [A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}[\s\S]*fieldvault-card-v1 age1pq1`)
	if strings.Contains(s, "short enough now") {
		t.Error("the passphrase was shown on screen")
	}
	tm.keys("Enter")
	tm.wait(`fieldvault · Field team Medan · Sari[\s\S]*What would you like to do\?[\s\S]*> New intake`)
	tm.choose("Quit")
	tm.wait(`EXIT=0`)
	if strings.TrimSpace(strings.ReplaceAll(tm.history(), "EXIT=0", "")) != "" {
		t.Errorf("quitting left text in the terminal:\n%s", tm.history())
	}

	// The passphrase the first run set opens the vault: it lets a second
	// worker's passphrase in.
	add := exec.Command(sv.bin, "passphrase", "add", "--worker", "Dewi")
	add.Env = append(os.Environ(), "FIELDVAULT_VAULT="+filepath.Join(sv.dir, "vault.db"), "FIELDVAULT_PASSPHRASE=short enough now",
		"FIELDVAULT_NEW_PASSPHRASE="+sessionPass, "FIELDVAULT_KDF_WORK_FACTOR=10")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("passphrase add: %v\n%s", err, out)
	}
	// A second record, from a file, to browse beside the one typed below.
	sv.run(`{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": ["legal"], "consent.followup": false, "person.name": "CanaryRecordTwo"}}`, "intake", "--answers", "-")

	tm = sv.start()
	tm.wait(`Unlock the vault at`)
	tm.keys("text:wrong passphrase", "Enter")
	tm.wait(`Wrong passphrase\. Check Caps Lock`)
	tm.keys("text:"+sessionPass, "Enter")
	tm.wait(`What would you like to do\?[\s\S]*Records \(1\)`)
	tm.keys("Enter") // New intake
	tm.wait(`In which language is the interview\?`)
	tm.choose("English")
	tm.firstPage("CanaryRecordOneWithhold")
	tm.keys("Up", "Enter", "Up", "Up", "Enter", "Enter")
	tm.wait(`Page 3 of 11: What matters most`)
	tm.keys("text:CanaryRecordOne", "Enter")
	tm.wait(`Page 4 of 11: About you`)
	for range 60 {
		if strings.Contains(tm.screen(), "Summary to read back") {
			break
		}
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
	}
	tm.wait(`Record [0-9a-f]{8}[\s\S]*Summary to read back[\s\S]*Agreed referrals: Safe shelter, Health care`)
	tm.keys("Enter")
	tm.wait(`Saved record [0-9a-f]{8} \(triage: [a-z]+\)[\s\S]*Records \(2\)`)

	// Browse: the list shows no answers; a record is shown alone.
	tm.choose(`Records \(2\)`)
	s = tm.wait(`ID, status, day taken, triage`)
	if strings.Contains(s, "CanaryRecord") {
		t.Errorf("the record list shows answers:\n%s", s)
	}
	seen := map[string]bool{}
	for i := range 2 {
		tm.wait(`ID, status, day taken, triage`)
		for range i {
			tm.keys("Down")
		}
		tm.keys("Enter")
		s = tm.wait(`Record [0-9a-f]{8}[\s\S]*s: show or hide sensitive answers`)
		// Names, own words and what to withhold are sensitive: hidden
		// until asked for.
		for range 5 {
			if strings.Contains(s, "CanaryRecord") {
				t.Fatalf("a sensitive answer is shown before it was asked for:\n%s", s)
			}
			tm.keys("PgDn")
			s = tm.screen()
		}
		tm.keys("Home", "s")
		s = tm.wait(`sensitive answers`)
		for range 5 { // every part of a long record, one screen at a time
			one, two := strings.Contains(s, "CanaryRecordOne"), strings.Contains(s, "CanaryRecordTwo")
			if one && two {
				t.Fatalf("two records on one screen:\n%s", s)
			}
			seen["one"] = seen["one"] || one
			seen["two"] = seen["two"] || two
			tm.keys("PgDn")
			s = tm.screen()
		}
		tm.keys("Enter")
	}
	if !seen["one"] || !seen["two"] {
		t.Errorf("browsing did not show both records (seen %v)", seen)
	}
	tm.wait(`ID, status, day taken, triage`)
	tm.choose("Back")
	tm.wait(`What would you like to do\?`)
	tm.choose("Lock")
	tm.wait(`Locked\.[\s\S]*Unlock the vault at`)
	tm.assertClear("after locking", "CanaryRecordOne", "CanaryRecordTwo", "Summary to read back")
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	tm.assertClear("after the quick exit", "CanaryRecordOne", "CanaryRecordTwo")
	vaulttest.Check(t, []string{sv.dir}, []string{"CanaryRecordOne", "CanaryRecordOneWithhold", "CanaryRecordTwo"}, nil)
}

// Idle time locks the session in the middle of an interview: the screen is
// cleared, the pages answered are a draft, and after unlocking the draft
// goes on where it stopped.
func TestSessionIdleLock(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	tm := sv.start("--idle-lock", "3s")
	tm.unlock()
	tm.keys("Enter")
	tm.wait(`In which language is the interview\?`)
	tm.keys("Enter")
	tm.firstPage("CanaryIdleWithhold")
	tm.keys("Up")
	tm.wait(`Safety now`)
	s := tm.wait(`Locked after 3s without use\. The interview is saved as draft ([0-9a-f]{8})\.[\s\S]*Unlock the vault at`)
	draft := regexp.MustCompile(`draft ([0-9a-f]{8})`).FindStringSubmatch(s)[1]
	tm.assertClear("after the idle lock", "CanaryIdleWithhold", "Safety now", "Consent")
	tm.unlock()
	tm.wait(`Resume a draft \(1\)`)
	tm.choose(`Resume a draft`)
	tm.wait(`Which draft\?[\s\S]*` + draft)
	tm.keys("Enter")
	tm.wait(`Page 2 of 11: Safety now`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	out := sv.run("", "show", "--json", draft)
	if !strings.Contains(out, `"consent.withhold": "CanaryIdleWithhold"`) || !strings.Contains(out, `"status": "draft"`) {
		t.Errorf("the draft lacks the first page:\n%s", out)
	}
	vaulttest.Check(t, []string{sv.dir}, []string{"CanaryIdleWithhold"}, nil)
}

// The quick exit in the middle of an interview leaves nothing on screen or
// in the scrollback, and a draft to resume.
func TestSessionQuickExit(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	tm := sv.start()
	tm.toPage3("CanaryQuickWithhold")
	tm.keys("text:CanaryQuickTyping")
	tm.wait(`CanaryQuickTyping`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	tm.assertClear("after the quick exit", "CanaryQuickTyping", "CanaryQuickWithhold", "What matters most", "fieldvault")
	out := sv.run("", "list", "--status", "draft")
	if strings.Count(out, "draft") != 1 {
		t.Fatalf("want one draft after the quick exit:\n%s", out)
	}
	// The draft holds the page being typed, to fill it in again.
	draft := strings.Fields(strings.Split(out, "\n")[1])[0]
	if out := sv.run("", "show", "--json", draft); !regexp.MustCompile(`"held": \{\s*"priority.own_words": "CanaryQuickTyping"\s*\}`).MatchString(out) {
		t.Errorf("the draft does not hold the page being typed:\n%s", out)
	}
	tm = sv.start()
	tm.unlock()
	tm.choose(`Resume a draft`)
	tm.wait(`Which draft\?`)
	tm.keys("Enter")
	tm.wait(`Page 3 of 11: What matters most[\s\S]*CanaryQuickTyping`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	vaulttest.Check(t, []string{sv.dir}, []string{"CanaryQuickTyping", "CanaryQuickWithhold"}, nil)
}

// The interface speaks Bahasa Indonesia with --lang id, and keeps it as the
// vault's setting when chosen on the home screen.
func TestSessionIndonesian(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	tm := sv.start("--lang", "id")
	tm.wait(`Buka brankas di`)
	tm.wait(`Esc: keluar cepat`)
	tm.keys("text:"+sessionPass, "Enter")
	tm.wait(`Apa yang ingin Anda lakukan\?[\s\S]*> Wawancara baru[\s\S]*Kotak keluar[\s\S]*Ekspor ke USB`)
	tm.choose("Kotak keluar")
	tm.wait(`Belum ada mitra`)
	tm.keys("Enter")
	tm.choose("Bahasa: English")
	tm.wait(`Language / Bahasa`)
	tm.choose("Bahasa Indonesia")
	tm.wait(`Apa yang ingin Anda lakukan\?`)
	tm.choose("Keluar")
	tm.wait(`EXIT=0`)

	// The vault's setting now speaks for the next session, and for the
	// commands' help and errors.
	tm = sv.start()
	tm.wait(`Unlock the vault at`) // the setting is sealed: known once unlocked
	tm.keys("text:"+sessionPass, "Enter")
	tm.wait(`Apa yang ingin Anda lakukan\?`)
	tm.keys("Enter")
	tm.wait(`Dalam bahasa apa wawancara ini\?[\s\S]*> Bahasa Indonesia`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	if out := sv.run("", "settings", "--json"); !strings.Contains(out, `"language": "id"`) {
		t.Errorf("settings = %s", out)
	}
}

// From the home screen: the outbox, an export to a folder, and the
// partner's receipt imported back, marking the record delivered.
func TestSessionExportImport(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari", "--name", "Field team")
	partner := &sessionVault{t: t, bin: sv.bin, dir: t.TempDir()}
	partner.run("", "init", "--worker", "Budi", "--name", "Partner NGO")
	usb := t.TempDir()
	for _, x := range [][2]*sessionVault{{sv, partner}, {partner, sv}} {
		card := filepath.Join(t.TempDir(), "card.txt")
		os.WriteFile(card, []byte(x[1].run("", "card")), 0o600)
		x[0].run("", "contact", "add", "--file", card)
	}
	sv.run(`{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": ["Partner NGO"], "consent.referral": ["legal"], "consent.followup": false, "person.name": "CanaryShared"}}`, "intake", "--answers", "-")

	tm := sv.start()
	tm.unlock()
	tm.choose("Outbox")
	tm.wait(`Partner NGO  \([A-Z2-7-]+\)[\s\S]*records waiting to be sent: 1[\s\S]*last bundle: none yet`)
	tm.keys("Enter")
	tm.choose("Export to USB")
	tm.wait(`For which partner\?[\s\S]*Partner NGO: 1 waiting, 0 withdrawals`)
	tm.keys("Enter")
	tm.wait(`Write the bundle for Partner NGO into which folder\?`)
	tm.choose("Type a folder")
	tm.wait(`A folder path`)
	tm.keys("text:"+filepath.Join(usb, "missing"), "Enter")
	tm.wait(`There is no folder there`)
	tm.keys("C-u", "text:"+usb, "Enter")
	tm.wait(`Wrote bundle 1 for Partner NGO: 1 record, 0 withdrawal notices, in\s+` + regexp.QuoteMeta(usb))
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	bundles := bundleFiles(usb)
	if len(bundles) != 1 {
		t.Fatalf("want one bundle in the folder, found %v", bundles)
	}
	partner.run("", "import", bundles[0].path)

	tm = sv.start()
	tm.unlock()
	tm.choose("Import a bundle or receipt")
	tm.choose("Type a folder")
	tm.keys("text:"+usb, "Enter")
	// Only the receipt is offered, told apart by its name: the bundle on
	// the stick is addressed to the partner.
	scr := tm.wait(`Which file\?[\s\S]*receipt  fv-r-[a-z2-7]+\.age`)
	if strings.Contains(scr, filepath.Base(bundles[0].path)) {
		t.Errorf("the picker offers a bundle addressed to another vault:\n%s", scr)
	}
	tm.keys("Enter")
	tm.wait(`Receipt from Partner NGO: 1 record delivered, 0 deletions confirmed\.`)
	tm.choose("Outbox")
	tm.wait(`records waiting to be sent: 0[\s\S]*last bundle: #1 on [0-9-]+ [0-9:]+[\s\S]*last receipt: [0-9-]+ [0-9:]+`)
	tm.keys("Enter")
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	if out := sv.run("", "list", "--status", "delivered"); !strings.Contains(out, "delivered") {
		t.Errorf("the record is not marked delivered:\n%s", out)
	}
	vaulttest.Check(t, []string{sv.dir, partner.dir, usb}, []string{"CanaryShared"}, nil)
}

// A terminal closed mid-interview (SIGHUP) keeps the interview as a draft,
// with the page being typed.
func TestSessionHangup(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	tm := sv.start()
	tm.toPage3("CanaryHangupWithhold")
	tm.keys("text:CanaryHangupTyping")
	tm.wait(`CanaryHangupTyping`)
	signalBinary(t, sv.bin, syscall.SIGHUP)
	tm.wait(`EXIT=130`)
	tm.assertClear("after the hangup", "CanaryHangupTyping", "CanaryHangupWithhold")
	out := sv.run("", "list", "--status", "draft", "--json")
	id := regexp.MustCompile(`"id": "([0-9a-f-]{36})"`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no draft after the hangup:\n%s", out)
	}
	if out := sv.run("", "show", "--json", id[1]); !strings.Contains(out, `"priority.own_words": "CanaryHangupTyping"`) {
		t.Errorf("the draft does not hold the page being typed:\n%s", out)
	}
	vaulttest.Check(t, []string{sv.dir}, []string{"CanaryHangupTyping", "CanaryHangupWithhold"}, nil)
}

// signalBinary sends sig to the process running bin with no arguments,
// found through /proc.
func signalBinary(t *testing.T, bin string, sig syscall.Signal) {
	t.Helper()
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range cmdlines {
		if b, err := os.ReadFile(f); err == nil && string(b) == bin+"\x00" {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no process runs %s", bin)
}

// Ctrl+C mid-interview keeps it as a draft and, unlike the quick exit,
// says so, with how to continue; the answers stay off the screen.
func TestSessionInterruptSaysDraftKept(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	tm := sv.start()
	tm.toPage3("CanaryInterruptWithhold")
	tm.keys("text:CanaryInterruptTyping")
	tm.wait(`CanaryInterruptTyping`)
	tm.keys("C-c")
	s := tm.wait(`EXIT=130`)
	m := regexp.MustCompile(`interrupted; the interview is kept as draft ([0-9a-f-]{36})`).FindStringSubmatch(strings.ReplaceAll(s, "\n", ""))
	if m == nil {
		t.Fatalf("Ctrl+C did not say the interview was kept:\n%s", s)
	}
	if !strings.Contains(s, "fieldvault resume "+m[1][:8]) {
		t.Errorf("no word on how to continue:\n%s", s)
	}
	tm.assertClear("after Ctrl+C", "CanaryInterruptTyping", "CanaryInterruptWithhold")
	if out := sv.run("", "list", "--status", "draft"); !strings.Contains(out, m[1]) {
		t.Errorf("draft %s not listed:\n%s", m[1], out)
	}
}

// A partner is added from the home screen, from a pasted card, after its
// fingerprint is shown: no need to leave the session for 'contact add'.
func TestSessionAddPartner(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	partner := newSessionVault(t)
	partner.run("", "init", "--name", "Yayasan Pelangi", "--worker", "Dewi")
	card := strings.TrimSpace(strings.SplitN(partner.run("", "card"), "\n", 2)[0])
	tm := sv.start()
	tm.unlock()
	tm.choose("Add a partner")
	tm.wait(`Paste the partner's contact card`)
	tm.keys("text:"+card, "Enter")
	tm.wait(`Add Yayasan Pelangi\?[\s\S]*Fingerprint: [A-Z2-7]{4}-`)
	tm.keys("Left", "Enter") // Add
	tm.wait(`Added Yayasan Pelangi\. Fingerprint: [A-Z2-7-]{19}[\s\S]*What would you like to do\?`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	if out := sv.run("", "contact", "list"); !strings.Contains(out, "Yayasan Pelangi") {
		t.Fatalf("the partner was not added:\n%s", out)
	}
}

// An interview in Bahasa Indonesia on an English interface: the person's
// questions in Indonesian, the worker's (who consents, under 18) in English.
func TestSessionWorkerQuestionsInInterfaceLanguage(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	tm := sv.start()
	tm.unlock()
	tm.keys("Enter")
	tm.wait(`In which language is the interview\?`)
	tm.choose("Bahasa Indonesia")
	tm.wait(`Bacakan ini sebelum pertanyaan apa pun`)
	tm.keys("Enter")
	tm.wait(`Apakah Anda setuju untuk berbicara dengan saya sekarang\?`)
	tm.keys("Enter")
	s := tm.wait(`Who is giving consent\?[\s\S]*Is the person under 18\?`)
	if strings.Contains(s, "Siapa yang memberikan persetujuan") {
		t.Errorf("a worker's question is in the interview's language:\n%s", s)
	}
	// An adult who may be recorded, shares with nobody, no referral, no
	// follow-up; then in danger right now: the alert is for the worker.
	tm.keys("Enter", "Down", "Enter", "Enter")
	tm.wait(`Bolehkah kami menghubungi Anda nanti`)
	tm.keys("Enter", "Enter", "Down", "Enter", "Enter")
	tm.wait(`Apakah Anda dalam bahaya saat ini\?`)
	tm.keys("Up", "Up", "Enter", "Enter", "Enter")
	tm.wait(`ACT NOW[\s\S]*Stop and make the person safe first`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
}

// bundleFile is a file fieldvault wrote into a folder.
type bundleFile struct{ path string }

// bundleFiles lists fieldvault's files in dir, fv-<random>.age.
func bundleFiles(dir string) []bundleFile {
	paths, _ := filepath.Glob(filepath.Join(dir, "fv-*.age"))
	out := make([]bundleFile, len(paths))
	for i, p := range paths {
		out[i] = bundleFile{p}
	}
	return out
}
