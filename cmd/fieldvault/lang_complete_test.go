//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// englishFragments are the pieces of the English catalog that a text in
// another language must not show: each text's words between its verbs and
// line breaks, where a piece is three words or more (shorter ones, "ID" or
// "fieldvault card", are the same in both) and the Indonesian catalog does
// not say it too (a command a text quotes).
func englishFragments(t *testing.T, lang string) map[string]string {
	t.Helper()
	var other strings.Builder
	for _, id := range catalog.IDs(lang) {
		for _, s := range catalog.Forms(lang, id) {
			other.WriteString(s)
			other.WriteString("\n")
		}
	}
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]|\n|'[^']*'|"[^"]*"|\([^)]*\)`)
	frags := map[string]string{}
	for _, id := range catalog.IDs(catalog.Default) {
		for form, en := range catalog.Forms(catalog.Default, id) {
			if catalog.Forms(lang, id)[form] == en {
				continue // the same in both, such as a language's own name
			}
			for _, piece := range verb.Split(en, -1) {
				piece = strings.Trim(piece, " .,;:!?—-…·•/→")
				if len(strings.Fields(piece)) < 3 || strings.Contains(other.String(), piece) {
					continue
				}
				frags[piece] = id
			}
		}
	}
	if len(frags) < 500 {
		t.Fatalf("only %d English fragments; is the catalog scan broken?", len(frags))
	}
	return frags
}

// english reports the English fragments in out, with the text each is from.
func english(frags map[string]string, out string) []string {
	out = strings.Join(strings.Fields(out), " ") // wrapped help lines
	var found []string
	for f, id := range frags {
		if strings.Contains(out, strings.Join(strings.Fields(f), " ")) {
			found = append(found, id+": "+f)
		}
	}
	sort.Strings(found)
	return found
}

const langPass = "correct horse battery"

// commonEnglish are words an English sentence can hardly do without and an
// Indonesian one never uses: they catch English that is in no catalog, the
// words of a library or of the operating system.
var commonEnglish = words("the not is was are cannot found unknown received exists such with this that and of for no or from")

// valueWords are the values a person types after a flag (--status draft),
// English in every language; where a command shows them as a state, they
// must be translated.
var valueWords = words("draft complete declined delivered immediate today soon time worker action record")

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// quotedOrFlag is what a text names rather than says: flags, quoted names,
// commands, paths and IDs.
var quotedOrFlag = regexp.MustCompile(`--?[a-z][a-z-]*|'[^']*'|"[^"]*"|\S*/\S*|[0-9a-f]{8}-[0-9a-f-]{27}|\b[A-Z]+_[A-Z_]+\b|\b[a-z]+_[a-z_]+\b|fieldvault(-card-v1)?`)

// englishWords lists the English words of set in out.
func englishWords(out string, set map[string]bool) []string {
	var found []string
	// Whole words only: a key, a card or a fingerprint (67NO) holds
	// letters that are no word.
	for _, w := range regexp.MustCompile(`[A-Za-z0-9]+`).FindAllString(quotedOrFlag.ReplaceAllString(out, " "), -1) {
		if set[strings.ToLower(w)] && !slices.Contains(found, w) {
			found = append(found, w)
		}
	}
	return found
}

// langRun is the real binary in a home of its own, spoken to in a language.
type langRun struct {
	t    *testing.T
	bin  string
	dir  string
	env  []string
	lang string
}

func newLangRun(t *testing.T, lang string) *langRun {
	dir := t.TempDir()
	bin := os.Getenv("FIELDVAULT_LANG_TEST_BIN") // to measure another build
	if bin == "" {
		bin = buildBinary(t)
	}
	return &langRun{t: t, bin: bin, dir: dir, lang: lang, env: append(os.Environ(),
		"FIELDVAULT_VAULT="+filepath.Join(dir, "vault.db"),
		"FIELDVAULT_KDF_WORK_FACTOR=10",
		"FIELDVAULT_PASSPHRASE="+langPass,
		"FIELDVAULT_ACCESSIBLE=1",
		"HOME="+dir, "XDG_DATA_HOME="+dir,
		"LANG="+lang+"_ID.UTF-8", "NO_COLOR=1",
	)}
}

// run runs fieldvault with --lang and args, and returns its output and
// exit code.
func (r *langRun) run(stdin string, env []string, args ...string) (string, int) {
	r.t.Helper()
	cmd := exec.Command(r.bin, append([]string{"--lang", r.lang}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(append([]string{}, r.env...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	return string(out), code
}

// commandPaths lists every command a person can call, with "" for the
// top level.
func commandPaths() [][]string {
	root := newRootCmd(&app{streams: &streams{getenv: func(string) string { return "" }}})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		paths = append(paths, strings.Fields(c.CommandPath())[1:])
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return paths
}

// In Bahasa Indonesia, no command's help, no error or hint of any exit
// code, and none of the everyday outputs shows a text of the English
// catalog.
func TestIndonesianComplete(t *testing.T) {
	frags := englishFragments(t, "id")
	r := newLangRun(t, "id")
	check := func(what, out string, code, want int) {
		t.Helper()
		if os.Getenv("FV_DEBUG") != "" {
			t.Logf("%s (exit %d):\n%s", what, code, out)
		}
		if code != want {
			t.Errorf("%s: exit %d, want %d:\n%s", what, code, want, out)
		}
		for _, f := range english(frags, out) {
			t.Errorf("%s shows English (%s):\n%s", what, f, out)
		}
		for _, w := range englishWords(out, commonEnglish) {
			t.Errorf("%s shows the English word %q:\n%s", what, w, out)
		}
	}
	// checkValues also fails on states shown in English.
	checkValues := func(what, out string, code, want int) {
		t.Helper()
		check(what, out, code, want)
		for _, w := range englishWords(out, valueWords) {
			t.Errorf("%s shows the English word %q:\n%s", what, w, out)
		}
	}

	paths := commandPaths()
	if len(paths) < 30 {
		t.Fatalf("only %d commands", len(paths))
	}
	for _, p := range paths {
		out, code := r.run("", nil, append(p, "--help")...)
		check("fieldvault "+strings.Join(p, " ")+" --help", out, code, exitOK)
	}

	// Exit 10: no vault yet.
	out, code := r.run("", nil, "list")
	check("list without a vault", out, code, exitNoVault)

	out, code = r.run("", nil, "init", "--worker", "Sari")
	check("init", out, code, exitOK)

	// Exit 2: mistakes in how fieldvault was called.
	for _, args := range [][]string{
		{"frobnicate"}, {"list", "--bogus"}, {"show"}, {"wipe"},
		{"list", "--status", "lost"}, {"export"}, {"settings", "--language", "fr"},
		{"intake", "--answers", "nowhere.csv", "--lang", "xx"},
	} {
		out, code = r.run("", nil, args...)
		check(strings.Join(args, " "), out, code, exitUsage)
	}

	// Exit 12: a wrong passphrase.
	out, code = r.run("", []string{"FIELDVAULT_PASSPHRASE=wrong wrong wrong"}, "list")
	check("list with a wrong passphrase", out, code, exitPassphrase)

	// Exit 13: a file that is no bundle.
	os.WriteFile(filepath.Join(r.dir, "junk.age"), []byte("not a bundle"), 0o600)
	out, code = r.run("", nil, "import", "junk.age")
	check("import of junk", out, code, exitRejected)
	out, code = r.run("", nil, "verify", "junk.age")
	check("verify of junk", out, code, exitRejected)

	// Exit 1: what the vault does not hold, and files that are in the way.
	os.WriteFile(filepath.Join(r.dir, "taken.xlsx"), nil, 0o600)
	for _, args := range [][]string{
		{"show", "6f1c7a52-0000-4000-8000-000000000000"},
		{"contact", "remove", "Nobody"},
		{"withdraw", "6f1c7a52-0000-4000-8000-000000000000"},
		{"schema", "template", "rescue-needs", "--out", "taken.xlsx"},
		{"import", "nowhere.age"},
	} {
		out, code = r.run("", nil, args...)
		check(strings.Join(args, " "), out, code, exitError)
	}

	// A PostgreSQL server that is not there.
	out, code = r.run("", []string{"PGHOST=" + filepath.Join(r.dir, "no-server"), "PGDATABASE=cases"}, "cases", "push")
	check("cases push with no server", out, code, exitError)

	// An interview through the screen reader's prompts, its record, and
	// the everyday commands that show it.
	out, code = r.run(interviewAnswers(t), nil, "intake")
	check("an interview", out, code, exitOK)
	for _, args := range [][]string{
		{"list"}, {"outbox"}, {"card"}, {"audit"}, {"settings"}, {"stats"}, {"schema", "list"},
		{"passphrase", "list"},
	} {
		out, code = r.run("", nil, args...)
		checkValues(strings.Join(args, " "), out, code, exitOK)
	}
	if ids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}`).FindString(mustList(t, r)); ids != "" {
		out, code = r.run("", nil, "show", ids)
		checkValues("show", out, code, exitOK)
	}

	// A questionnaire's author: every broken questionnaire of testdata,
	// and a form with many things fieldvault cannot carry.
	broken, err := filepath.Glob("../../testdata/schema/broken-*.json")
	if err != nil || len(broken) < 5 {
		t.Fatalf("broken questionnaires: %v %v", broken, err)
	}
	for _, f := range broken {
		out, code = r.run("", nil, "schema", "validate", mustAbs(t, f))
		check("schema validate "+filepath.Base(f), out, code, exitError)
	}
	writeForm(t, filepath.Join(r.dir, "form.xlsx"), awkwardForm)
	out, code = r.run("", nil, "schema", "import", "form.xlsx", "--out", "form.json")
	check("schema import of an awkward form", out, code, exitOK)
	if n := strings.Count(out, "form.xlsx: "); n < 12 {
		t.Errorf("schema import said %d notices, want 12 or more:\n%s", n, out)
	}
	for _, args := range [][]string{
		{"schema", "import", "form.xlsx", "--out", "strict.json", "--strict"},
		{"schema", "import", "form.xlsx", "--out", "gate.json", "--gate", "nosuch"},
		{"schema", "import", "form.xlsx", "--out", "gate.json", "--gate", "safe"},
		{"schema", "import", "junk.age", "--out", "junk.json"},
	} {
		out, code = r.run("", nil, args...)
		check(strings.Join(args, " "), out, code, exitError)
	}

	// Services, referrals, follow-up and the case: what they say, and
	// what they refuse.
	os.WriteFile(filepath.Join(r.dir, "directory.csv"), []byte("id,name,type,organisation,area\nshelter,Rumah Aman,shelter,Yayasan Pelangi,Medan\nlbh,LBH Medan,legal,,Medan\n"), 0o600)
	out, code = r.run("", nil, "services", "import", "directory.csv")
	check("services import", out, code, exitOK)
	out, code = r.run("", nil, "services", "import", "junk.age")
	check("services import of junk", out, code, exitError)
	out, code = r.run("", nil, "services", "list")
	checkValues("services list", out, code, exitOK)
	out, code = r.run(`{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": ["shelter"], "consent.followup": true, "person.name": "Ayu", "shelter.needed_tonight": true}}
{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": [], "consent.followup": false, "person.name": "Budi"}}`, nil, "intake", "--answers", "-")
	check("intake of two people", out, code, exitOK)
	people := regexp.MustCompile(`(?m)^[0-9a-f-]{36}$`).FindAllString(out, -1)
	if len(people) != 2 {
		t.Fatalf("two people stored: %q", out)
	}
	for _, args := range [][]string{
		{"refer", people[0], "--service", "shelter"}, // no partner vault of that name
		{"refer", people[0], "--service", "lbh"},     // legal was not agreed
		{"refer", people[1], "--service", "nowhere"},
		{"followup", people[1], "--answers", "-"}, // declined follow-up
		{"referrals", "accept", "deadbeef"},
	} {
		out, code = r.run("", nil, args...)
		check(strings.Join(args, " "), out, code, exitError)
	}
	for _, args := range [][]string{{"refer", people[0]}, {"case", people[0], "--set", "Open"}, {"referrals", "list", "--state", "lost"}} {
		out, code = r.run("", nil, args...)
		check(strings.Join(args, " "), out, code, exitUsage)
	}
	out, code = r.run(`{"answers": {"consent.interview": true, "progress.shelter": "partly", "progress.wellbeing": "better"}}`, nil, "followup", people[0], "--answers", "-")
	check("followup", out, code, exitOK)
	out, code = r.run("", nil, "case", people[0], "--set", "FollowUp")
	check("case --set", out, code, exitOK)
	for _, args := range [][]string{{"case", people[0]}, {"referrals", "list"}, {"show", people[0]}} {
		out, code = r.run("", nil, args...)
		checkValues(strings.Join(args, " "), out, code, exitOK)
	}

	// Exit 11: another process holds the vault.
	db, err := bolt.Open(filepath.Join(r.dir, "vault.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	out, code = r.run("", nil, "list")
	db.Close()
	check("list while the vault is busy", out, code, exitBusy)

	// Exit 130: Ctrl+C in the middle of an interview.
	out, code = r.interrupt(t)
	check("an interview interrupted", out, code, exitCancelled)
}

func mustAbs(t *testing.T, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// awkwardForm is an XLSForm with one of most things the importer leaves
// out or changes, so that every kind of notice is said.
var awkwardForm = map[string][][]string{
	"survey": {
		{"type", "name", "label", "relevant", "required", "default", "constraint", "calculation"},
		{"text", "first-name", "First name"},
		{"begin_repeat", "kids", "Children"},
		{"text", "kid", "Name of the child"},
		{"end_repeat"},
		{"calculate", "total", "", "", "", "", "", "1+1"},
		{"geopoint", "where", "Where are you?"},
		{"select_one yn or_other", "safe", "Do you feel safe?"},
		{"select_one yn", "fed", "Have you eaten?", "", "${first_name} != ''"},
		{"text", "nolabel"},
		{"text", "later", "Later", "${future} = 'a'"},
		{"integer", "age", "Age", "", "", "3", ". > 200 + 1"},
		{"text", "missing", "Missing", "${nowhere} = 'a'"},
		{"select_one nolist", "pick", "Pick one"},
		{"text", "future", "Future"},
		{"begin_group", "g", "A group", "random() > 1"},
		{"text", "inside", "Inside"},
		{"end_group"},
		{"end_group"},
		{"", "typeless", "No type"},
		{"rank", "order", "Put these in order"},
	},
	"choices": {
		{"list_name", "name", "label"},
		{"yn", "yes", "Yes"},
		{"yn", "no", "No"},
		{"", "maybe", "Maybe"},
	},
	"settings": {
		{"form_id", "default_language"},
		{"My_Form", "Klingon"},
	},
}

// writeForm saves sheets as an XLSX workbook, as a form author's
// spreadsheet program would.
func writeForm(t *testing.T, path string, sheets map[string][][]string) {
	t.Helper()
	book := excelize.NewFile()
	for name, rows := range sheets {
		if _, err := book.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			row := make([]any, len(r))
			for j, c := range r {
				row[j] = c
			}
			if err := book.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := book.DeleteSheet("Sheet1"); err != nil {
		t.Fatal(err)
	}
	if err := book.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func mustList(t *testing.T, r *langRun) string {
	out, code := r.run("", nil, "list")
	if code != 0 {
		t.Fatalf("list: %s", out)
	}
	return out
}

// interrupt starts an interview, answers the consent page, and presses
// Ctrl+C (SIGINT) on the next.
func (r *langRun) interrupt(t *testing.T) (string, int) {
	cmd := exec.Command(r.bin, "--lang", r.lang, "intake")
	cmd.Dir, cmd.Env = r.dir, r.env
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in.Write([]byte("\ny\n1\n1\n\n\n"))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Halaman 2") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	in.Close()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	return out.String(), code
}

// interviewAnswers is the whole interview the accessible script types,
// answered in Bahasa Indonesia: "t" (tidak) for no.
func interviewAnswers(t *testing.T) string {
	a, err := txtar.ParseFile("testdata/script/intake_accessible.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		if f.Name == "full.txt" {
			lines := strings.Split(string(f.Data), "\n")
			for i, l := range lines {
				if l == "n" {
					lines[i] = "t"
				}
			}
			return strings.Join(lines, "\n")
		}
	}
	t.Fatal("no full.txt in intake_accessible.txt")
	return ""
}

// syncBuffer is output two goroutines write and a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// noEnglish fails if out shows a fragment of the English catalog or a
// word of one of sets.
func noEnglish(t *testing.T, frags map[string]string, what, out string, sets ...map[string]bool) {
	t.Helper()
	for _, f := range english(frags, out) {
		t.Errorf("%s shows English (%s):\n%s", what, f, out)
	}
	for _, set := range sets {
		for _, w := range englishWords(out, set) {
			t.Errorf("%s shows the English word %q:\n%s", what, w, out)
		}
	}
}

// Every screen of the field session, from the first run to the wipe
// question, in Bahasa Indonesia with no English: the texts, the key hints
// under them and the states in the record list.
func TestSessionIndonesianComplete(t *testing.T) {
	frags := englishFragments(t, "id")
	// The key hints are words, too short for fragments.
	keyWords := map[string]bool{}
	for _, id := range catalog.IDs(catalog.Default) {
		if strings.HasPrefix(id, "keys.") && catalog.Text("id", id) != catalog.Text(catalog.Default, id) {
			for _, w := range strings.Fields(strings.ToLower(catalog.Text(catalog.Default, id))) {
				keyWords[w] = true
			}
		}
	}
	sv := newSessionVault(t)
	var tm *tmuxTerm
	look := func(what, re string) {
		t.Helper()
		noEnglish(t, frags, what, tm.wait(re), commonEnglish, valueWords, keyWords)
	}

	tm = sv.start("--lang", "id")
	look("the welcome", `Selamat datang di fieldvault[\s\S]*Esc: keluar cepat`)
	tm.keys("Enter")
	look("the vault's name", `Nama yang akan dilihat mitra`)
	tm.keys("text:Tim lapangan Medan", "Enter")
	look("the worker's name", `Nama atau inisial Anda`)
	tm.keys("text:Sari", "Enter")
	look("the passphrase", `┃ Frasa sandi`)
	tm.keys("text:pendek", "Enter")
	look("a short passphrase", `Gunakan paling sedikit 10 karakter`)
	tm.keys("C-u", "text:"+sessionPass, "Enter")
	look("the passphrase again", `Ketik frasa sandi sekali lagi`)
	tm.keys("text:"+sessionPass+"x", "Enter")
	look("passphrases that differ", `Kedua frasa sandi tidak sama`)
	tm.keys("BSpace", "Enter")
	look("the vault's card", `Brankas sudah siap[\s\S]*Sidik jari`)
	tm.keys("Enter")
	look("the home screen", `Apa yang ingin Anda lakukan\?[\s\S]*> Wawancara baru`)
	tm.keys("Enter")
	look("the interview's language", `Dalam bahasa apa wawancara ini\?`)
	tm.choose("Bahasa Indonesia")
	look("the consent script", `Bacakan ini sebelum pertanyaan apa pun`)
	tm.keys("Enter")
	look("the first question", `Halaman 1 dari 11: Persetujuan[\s\S]*Apakah Anda setuju untuk berbicara`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)

	// A partner, a record shared with them and a draft, to browse.
	partner := &sessionVault{t: t, bin: sv.bin, dir: t.TempDir()}
	partner.run("", "init", "--worker", "Budi", "--name", "Yayasan Pelangi")
	for _, x := range [][2]*sessionVault{{sv, partner}, {partner, sv}} {
		card := filepath.Join(t.TempDir(), "card.txt")
		os.WriteFile(card, []byte(x[1].run("", "card")), 0o600)
		x[0].run("", "contact", "add", "--file", card)
	}
	sv.run(`{"lang": "id", "answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": ["Yayasan Pelangi"], "consent.referral": ["legal"], "consent.followup": false, "person.name": "Ayu", "shelter.needed_tonight": true}}`, "intake", "--answers", "-")
	usb := t.TempDir()

	tm = sv.start("--lang", "id")
	look("the unlock screen", `Buka brankas di`)
	tm.keys("text:salah sekali ini", "Enter")
	look("a wrong passphrase", `Frasa sandi salah`)
	tm.keys("C-u", "text:"+sessionPass, "Enter")
	look("the home screen with a record", `Apa yang ingin Anda lakukan\?[\s\S]*Catatan \(1\)`)
	tm.choose(`Catatan \(1\)`)
	look("the record list", `ID, status, tanggal diambil`)
	tm.keys("Enter")
	look("a record", `Triase +hari ini[\s\S]*s: tampilkan atau sembunyikan`)
	tm.keys("Enter")
	tm.wait(`ID, status, tanggal diambil`)
	tm.choose("Kembali")
	tm.wait(`Apa yang ingin Anda lakukan\?`)
	tm.choose("Kotak keluar")
	look("the outbox", `Yayasan Pelangi`)
	tm.keys("Enter")
	tm.wait(`Apa yang ingin Anda lakukan\?`)
	tm.choose("Ekspor ke USB")
	look("the export", `Yayasan Pelangi: 1`)
	tm.keys("Enter")
	look("the export's folder", `Yayasan Pelangi`)
	tm.choose("Ketik")
	look("a folder to type", `┃`)
	tm.keys("text:"+filepath.Join(usb, "missing"), "Enter")
	look("a folder that is not there", `Tidak ada folder`)
	tm.keys("C-u", "text:"+usb, "Enter")
	look("the bundle written", `Bundel 1 untuk Yayasan Pelangi ditulis: 1 catatan`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
	bundles := bundleFiles(usb)
	if len(bundles) != 1 {
		t.Fatalf("want one bundle in the folder, found %v", bundles)
	}
	partner.run("", "import", bundles[0].path)

	tm = sv.start("--lang", "id")
	tm.wait(`Buka brankas di`)
	tm.keys("text:"+sessionPass, "Enter")
	tm.wait(`Apa yang ingin Anda lakukan\?`)
	tm.choose("Impor bundel atau tanda terima")
	look("the import", `┃`)
	tm.choose("Ketik")
	tm.keys("text:"+usb, "Enter")
	look("the files to import", `fv-r-[a-z2-7]+\.age`)
	tm.keys("Enter")
	look("the receipt imported", `Tanda terima dari Yayasan Pelangi: 1 catatan`)
	tm.choose("Kartu kontak brankas ini")
	look("the card", `Sidik jari`)
	tm.keys("Enter")
	tm.wait(`Apa yang ingin Anda lakukan\?`)
	tm.choose(`Hapus brankas ini`)
	look("the wipe question", `┃`)
	tm.keys("Escape")
	tm.wait(`EXIT=0`)
}
