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

func size(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
