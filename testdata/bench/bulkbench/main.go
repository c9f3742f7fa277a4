// Command bulkbench measures the real fieldvault binary storing 10,000 and
// 100,000 answers-file intakes against SQLCipher inserting the same JSON
// under random UUID keys in one transaction, in the same run: time, peak
// resident memory and file size. It prints benchmark lines that `make
// bench` turns into its budget table. Run from the repository root:
//
//	go run ./testdata/bench/bulkbench
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

const passphrase = "correct horse battery"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bulkbench:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "bulkbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "fieldvault")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/fieldvault").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	sqlcipher, _ := exec.LookPath("sqlcipher")
	metrics := []string{}
	add := func(v float64, unit string) { metrics = append(metrics, fmt.Sprintf("%.3f %s", v, unit)) }
	for _, n := range []int{10_000, 100_000} {
		answers, sql := filepath.Join(dir, fmt.Sprintf("a%d.jsonl", n)), filepath.Join(dir, fmt.Sprintf("s%d.sql", n))
		if err := generate(n, answers, sql); err != nil {
			return err
		}
		vaultPath := filepath.Join(dir, fmt.Sprintf("v%d", n), "vault.db")
		env := append(os.Environ(), "FIELDVAULT_VAULT="+vaultPath, "FIELDVAULT_PASSPHRASE="+passphrase, "FIELDVAULT_KDF_WORK_FACTOR=10")
		if _, _, err := measure(exec.Command(bin, "init"), env, ""); err != nil {
			return err
		}
		took, rss, err := measure(exec.Command(bin, "intake", "--answers", answers), env, "")
		if err != nil {
			return err
		}
		k := n / 1000
		if n == 100_000 {
			if err := partnerDesk(bin, dir, env, add); err != nil {
				return err
			}
		}
		add(took.Seconds(), fmt.Sprintf("fv-%dk-s", k))
		add(float64(rss)/1024, fmt.Sprintf("fv-%dk-MiB", k))
		add(float64(size(vaultPath))/(1<<20), fmt.Sprintf("fv-file-%dk-MiB", k))
		if sqlcipher == "" {
			fmt.Fprintln(os.Stderr, "bulkbench: sqlcipher is not installed (apt-get install sqlcipher): no comparison")
			continue
		}
		db := filepath.Join(dir, fmt.Sprintf("s%d.db", n))
		sqlTook, sqlRSS, err := measure(exec.Command(sqlcipher, db), nil, sql)
		if err != nil {
			return err
		}
		add(sqlTook.Seconds(), fmt.Sprintf("sqlcipher-%dk-s", k))
		add(float64(sqlRSS)/1024, fmt.Sprintf("sqlcipher-%dk-MiB", k))
		add(float64(size(db))/(1<<20), fmt.Sprintf("sqlcipher-file-%dk-MiB", k))
		add(took.Seconds()/sqlTook.Seconds(), fmt.Sprintf("time-ratio-%dk", k))
		add(float64(size(vaultPath))/float64(size(db)), fmt.Sprintf("file-ratio-%dk", k))
	}
	fmt.Printf("BenchmarkBulkBinary 1 %s\n", strings.Join(metrics, " "))
	return nil
}

// generate writes n intakes as JSON Lines, and the same JSON as SQL for
// SQLCipher: a keyed database, one table, one transaction.
func generate(n int, answers, sql string) error {
	af, err := os.Create(answers)
	if err != nil {
		return err
	}
	defer af.Close()
	sf, err := os.Create(sql)
	if err != nil {
		return err
	}
	defer sf.Close()
	aw, sw := bufio.NewWriter(af), bufio.NewWriter(sf)
	fmt.Fprintf(sw, "PRAGMA key = '%s';\nCREATE TABLE records (id TEXT PRIMARY KEY, body TEXT);\nBEGIN;\n", passphrase)
	for i := range n {
		line, _ := json.Marshal(map[string]any{"schema": "rescue-needs", "lang": "en", "answers": map[string]any{
			"consent.interview": true, "consent.given_by": "self", "person.minor": false,
			"consent.store": true, "consent.share": []string{}, "consent.referral": []string{"shelter", "health"},
			"consent.followup": i%2 == 0, "person.name": fmt.Sprintf("Person %d", i),
			"person.age_range": "18_20", "safety.danger_now": i%10 == 0, "shelter.needed_tonight": true,
			"food.needed_now": true, "medical.injured": false, "priority.own_words": "a safe place to sleep and something to eat",
		}})
		aw.Write(line)
		aw.WriteByte('\n')
		fmt.Fprintf(sw, "INSERT INTO records VALUES ('%s', '%s');\n", uuid(), strings.ReplaceAll(string(line), "'", "''"))
	}
	sw.WriteString("COMMIT;\n")
	if err := aw.Flush(); err != nil {
		return err
	}
	return sw.Flush()
}

func uuid() string {
	var b [16]byte
	rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// measure runs cmd, with stdin from a file if given, and returns how long
// it took and its peak resident size in KiB.
func measure(cmd *exec.Cmd, env []string, stdin string) (time.Duration, int64, error) {
	cmd.Env = env
	if stdin != "" {
		f, err := os.Open(stdin)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		cmd.Stdin = f
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s: %v\n%s", cmd.Path, err, errb.String())
	}
	took := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = int64(ru.Maxrss)
	}
	return took, rss, nil
}

// partnerDesk measures, on the 100,000-record vault, 'cases export' to CSV
// against 'list --json' (time and peak memory), and 'cases push' into a
// PostgreSQL of its own, then the same push again.
func partnerDesk(bin, dir string, env []string, add func(float64, string)) error {
	// One run of either swings by a quarter on this machine: the median
	// of three, taken in turns.
	var lists, exports []time.Duration
	var exportRSS int64
	for i := range 3 {
		took, _, err := measure(exec.Command(bin, "list", "--json"), env, "")
		if err != nil {
			return err
		}
		lists = append(lists, took)
		out := filepath.Join(dir, fmt.Sprintf("cases%d.csv", i))
		took, rss, err := measure(exec.Command(bin, "cases", "export", "--out", out), env, "")
		if err != nil {
			return err
		}
		os.Remove(out)
		exports = append(exports, took)
		exportRSS = max(exportRSS, rss)
	}
	slices.Sort(lists)
	slices.Sort(exports)
	listTook, exportTook := lists[1], exports[1]
	add(listTook.Seconds(), "list-json-100k-s")
	add(exportTook.Seconds(), "cases-export-100k-s")
	add(exportTook.Seconds()/listTook.Seconds(), "cases-export-list-ratio")
	add(float64(exportRSS)/1024, "cases-export-100k-MiB")

	pgEnv, stop, err := startPostgres(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bulkbench: no PostgreSQL to push to:", err)
		return nil
	}
	defer stop()
	env = append(env, pgEnv...)
	pushTook, _, err := measure(exec.Command(bin, "cases", "push"), env, "")
	if err != nil {
		return err
	}
	repushTook, _, err := measure(exec.Command(bin, "cases", "push"), env, "")
	if err != nil {
		return err
	}
	add(pushTook.Seconds(), "cases-push-100k-s")
	add(repushTook.Seconds(), "cases-repush-100k-s")
	return nil
}

// startPostgres starts a server of its own on a Unix socket in dir (as the
// postgres user when run as root: PostgreSQL refuses root), trusting local
// connections, and returns the environment that reaches it.
func startPostgres(dir string) ([]string, func(), error) {
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
		if len(m) == 0 {
			return nil, nil, fmt.Errorf("initdb not found")
		}
		initdb = m[len(m)-1]
	}
	bindir := filepath.Dir(initdb)
	pgdir := filepath.Join(dir, "pg")
	if err := os.Mkdir(pgdir, 0o755); err != nil {
		return nil, nil, err
	}
	var as []string
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres:", pgdir).CombinedOutput(); err != nil {
			return nil, nil, fmt.Errorf("chown: %v %s", err, out)
		}
		os.Chmod(dir, 0o755)
		as = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) error {
		full := append(append([]string{}, as...), append([]string{filepath.Join(bindir, name)}, args...)...)
		if out, err := exec.Command(full[0], full[1:]...).CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(pgdir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync"); err != nil {
		return nil, nil, err
	}
	conf := fmt.Sprintf("\nlisten_addresses = ''\nunix_socket_directories = '%s'\n", pgdir)
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, err
	}
	f.WriteString(conf)
	f.Close()
	if err := run("pg_ctl", "-D", data, "-w", "-l", filepath.Join(pgdir, "log"), "start"); err != nil {
		return nil, nil, err
	}
	stop := func() { run("pg_ctl", "-D", data, "-m", "fast", "stop") }
	return []string{"PGHOST=" + pgdir, "PGUSER=postgres", "PGDATABASE=postgres"}, stop, nil
}

func size(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
