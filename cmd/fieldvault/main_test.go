package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
	bolt "go.etcd.io/bbolt"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fieldvault": main,
	})
}

// TestScript runs the end-to-end scripts in testdata/script against the real
// binary. Passphrases use scrypt work factor 10 so the suite stays fast; one
// script checks the default.
func TestScript(t *testing.T) {
	testscript.Run(t, scriptParams("testdata/script"))
}

// scriptParams are the settings and commands every script suite shares.
func scriptParams(dir string) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIELDVAULT_KDF_WORK_FACTOR", "10")
			env.Setenv("HOME", filepath.Join(env.WorkDir, "home"))
			env.Setenv("XDG_DATA_HOME", filepath.Join(env.WorkDir, "data"))
			env.Setenv("NO_COLOR", "1")
			testdata, err := filepath.Abs("../../testdata")
			env.Setenv("TESTDATA", testdata)
			if err != nil {
				return err
			}
			// The stock age CLI, for the emergency-access test.
			ageDir, err := stockAge()
			if err != nil {
				return err
			}
			env.Setenv("PATH", ageDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond != "chromium" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			if os.Getenv("FIELDVAULT_REQUIRE_CHROMIUM") != "" {
				return true, nil
			}
			for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
				if _, err := exec.LookPath(name); err == nil {
					return true, nil
				}
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":   cmdExits,
			"perm":    cmdPerm,
			"lock":    cmdLock,
			"unlock":  cmdUnlock,
			"setenv":  cmdSetenvStdout,
			"corrupt": cmdCorrupt,
			"bigline": cmdBigLine,
			"xlsx":    cmdXLSX,
			"sheets":  cmdSheets,
			"browser": cmdBrowser,
			"answers": cmdAnswers,
			"killed":  cmdKilled,
		},
	}
}

// exits N PROG ARGS... runs a program and checks its exact exit code, which
// plain `! exec` cannot.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	start := time.Now()
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
	ts.Logf("exited %d after %v", got, time.Since(start).Round(time.Millisecond))
}

// perm MODE FILE checks a file's permission bits.
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: perm MODE file")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil {
		ts.Fatalf("perm: bad mode %q", args[0])
	}
	fi, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	got := fi.Mode().Perm()
	if (got == os.FileMode(want)) == neg {
		ts.Fatalf("%s has mode %o, want %s%o", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// lock FILE holds the bbolt lock on a vault, as another fieldvault would,
// until `unlock` or the end of the script.
func cmdLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: lock vault")
	}
	db, err := bolt.Open(ts.MkAbs(args[0]), 0o600, &bolt.Options{Timeout: time.Second})
	ts.Check(err)
	held.Store(ts, db)
	ts.Defer(func() { db.Close() })
}

func cmdUnlock(ts *testscript.TestScript, neg bool, args []string) {
	db, ok := held.LoadAndDelete(ts)
	if neg || !ok {
		ts.Fatalf("unlock: no vault is locked")
	}
	ts.Check(db.(*bolt.DB).Close())
}

// held maps a running script to the vault it holds locked; scripts run in
// parallel.
var held gosync.Map

// setenv [-stderr] NAME [REGEXP] sets NAME from the last command's output:
// its first line, or the first match of REGEXP (its first group, if any), so
// a script can use a record ID it was just given.
func cmdSetenvStdout(ts *testscript.TestScript, neg bool, args []string) {
	stream := "stdout"
	if len(args) > 0 && args[0] == "-stderr" {
		stream, args = "stderr", args[1:]
	}
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: setenv [-stderr] NAME [REGEXP]")
	}
	out := ts.ReadFile(stream)
	val, _, _ := strings.Cut(out, "\n")
	if len(args) == 2 {
		m := regexp.MustCompile(args[1]).FindStringSubmatch(out)
		if m == nil {
			ts.Fatalf("setenv: no match for %s in %s", args[1], stream)
		}
		val = m[len(m)-1]
	}
	if val == "" {
		ts.Fatalf("setenv: nothing to set %s to", args[0])
	}
	ts.Setenv(args[0], val)
}

// stockAge builds the age CLI from the age module this project uses, once.
var stockAge = gosync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "fieldvault-age-")
	if err != nil {
		return "", err
	}
	mod, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "filippo.io/age").Output()
	if err != nil {
		return "", fmt.Errorf("find the age module: %w", err)
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "age"), "./cmd/age")
	cmd.Dir = strings.TrimSpace(string(mod))
	// age's go.mod names a newer toolchain than it needs.
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the age CLI: %v\n%s", err, out)
	}
	return dir, nil
})

// corrupt MODE FILE damages a file the way a bad USB stick or an attacker
// would: flip-header, flip-middle and flip-last flip one byte, truncate cuts
// the last 100 bytes, append adds bytes.
func cmdCorrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: corrupt flip-header|flip-middle|flip-last|truncate|append FILE")
	}
	path := ts.MkAbs(args[1])
	data, err := os.ReadFile(path)
	ts.Check(err)
	switch args[0] {
	case "flip-header":
		data[40] ^= 0x01
	case "flip-middle":
		data[len(data)/2] ^= 0x01
	case "flip-last":
		data[len(data)-3] ^= 0x01
	case "truncate":
		data = data[:len(data)-100]
	case "append":
		data = append(data, "extra bytes"...)
	default:
		ts.Fatalf("corrupt: unknown mode %q", args[0])
	}
	ts.Check(os.WriteFile(path, data, 0o600))
}

// bigline FILE N writes a file of one line of N bytes, a JSON string.
func cmdBigLine(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bigline FILE BYTES")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 2 {
		ts.Fatalf("bigline: bad size %q", args[1])
	}
	line := make([]byte, n+1)
	for i := range line {
		line[i] = 'x'
	}
	line[0], line[n-1], line[n] = '"', '"', '\n'
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), line, 0o600))
}

// xlsx OUT.xlsx IN.csv writes a CSV file's rows as the first sheet of an
// XLSX workbook, as a spreadsheet program would save it.
func cmdXLSX(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: xlsx OUT.xlsx IN.csv")
	}
	in, err := os.Open(ts.MkAbs(args[1]))
	ts.Check(err)
	defer in.Close()
	rows, err := csv.NewReader(in).ReadAll()
	ts.Check(err)
	book := excelize.NewFile()
	for i, r := range rows {
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = c
		}
		ts.Check(book.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row))
	}
	ts.Check(book.SaveAs(ts.MkAbs(args[0])))
}

// sheets IN.xlsx OUT.txt reads a workbook with excelize and writes every
// row of every sheet as "sheet: cell|cell|...", for scripts to match.
func cmdSheets(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sheets IN.xlsx OUT.txt")
	}
	book, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer book.Close()
	var b strings.Builder
	for _, sheet := range book.GetSheetList() {
		rows, err := book.GetRows(sheet)
		ts.Check(err)
		for _, r := range rows {
			fmt.Fprintf(&b, "%s: %s\n", sheet, strings.Join(r, "|"))
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o600))
}

// browser PAGE.html SHOT.png DOM.html renders a page in headless Chromium:
// a screenshot, checked to be more than a blank page, and the page as the
// browser parsed it, for the script to match. Without Chromium the script
// is skipped by the [chromium] condition, unless FIELDVAULT_REQUIRE_CHROMIUM
// is set (as in CI), when this fails.
func cmdBrowser(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: browser PAGE.html SHOT.png DOM.html")
	}
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		ts.Fatalf("chromium is not installed (apt-get install chromium)")
	}
	page := "file://" + ts.MkAbs(args[0])
	// A profile of its own, so nothing is read from or left in HOME.
	common := []string{"--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + ts.MkAbs("chromium-profile"),
		"--no-first-run", "--hide-scrollbars"}
	shot := exec.Command(bin, append(common, "--screenshot="+ts.MkAbs(args[1]), "--window-size=900,2400", page)...)
	if out, err := shot.CombinedOutput(); err != nil {
		ts.Fatalf("chromium screenshot: %v\n%s", err, out)
	}
	dom, err := exec.Command(bin, append(common, "--dump-dom", page)...).Output()
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), dom, 0o600))

	f, err := os.Open(ts.MkAbs(args[1]))
	ts.Check(err)
	defer f.Close()
	img, err := png.Decode(f)
	ts.Check(err)
	b := img.Bounds()
	inked := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xc000 || g < 0xc000 || bl < 0xc000 {
				inked++
			}
		}
	}
	// Text and bars: a blank or error page has next to no dark pixels.
	if inked < 2000 {
		ts.Fatalf("the screenshot is blank: %d dark pixels sampled", inked)
	}
	ts.Logf("screenshot %dx%d, %d dark pixels sampled", b.Dx(), b.Dy(), inked)
}

// answers FILE N writes N intakes as JSON Lines, each another person.
func cmdAnswers(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: answers FILE N [QUESTION=JSON]...")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("answers: bad count %q", args[1])
	}
	// Further answers, the same for every person: person.gender="male".
	var more strings.Builder
	for _, kv := range args[2:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !json.Valid([]byte(v)) {
			ts.Fatalf("answers: %q is not QUESTION=JSON", kv)
		}
		fmt.Fprintf(&more, ", %q: %s", k, v)
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": ["shelter"], "consent.followup": false, "person.name": "%s%d"%s}}`+"\n", filepath.Base(args[0]), i, more.String())
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o600))
}

// killed PROG ARGS... runs a program and kills it (SIGKILL) as soon as it
// prints its first line: for fieldvault intake, once a batch is stored.
func cmdKilled(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: killed program [args...]")
	}
	// The script's PATH, where testscript put fieldvault, not this process's.
	path := ""
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if fi, err := os.Stat(filepath.Join(dir, args[0])); err == nil && !fi.IsDir() {
			path = filepath.Join(dir, args[0])
			break
		}
	}
	if path == "" {
		ts.Fatalf("killed: no %s on the script's PATH", args[0])
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Dir = ts.Getenv("WORK")
	for _, kv := range []string{"PATH", "HOME", "XDG_DATA_HOME", "FIELDVAULT_PASSPHRASE", "FIELDVAULT_KDF_WORK_FACTOR", "FIELDVAULT_VAULT", "TMPDIR", "NO_COLOR"} {
		cmd.Env = append(cmd.Env, kv+"="+ts.Getenv(kv))
	}
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		ts.Fatalf("killed: %s printed nothing before it ended", args[0])
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}
