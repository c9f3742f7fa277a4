//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fieldvault/fieldvault/vault"
)

// testPostgres is a real PostgreSQL server of its own, on a Unix socket in a
// temporary folder with no TCP listener, started for the push scripts.
type testPostgres struct {
	bin, dir string
	asUser   []string // runuser -u postgres --, when running as root
}

// startPostgres initialises and starts a server, or skips the test when
// PostgreSQL is not installed, unless FIELDVAULT_REQUIRE_POSTGRES is set
// (as in CI), when it fails.
func startPostgres(t *testing.T) *testPostgres {
	t.Helper()
	pg := &testPostgres{}
	if p, err := exec.LookPath("initdb"); err == nil {
		pg.bin = filepath.Dir(p)
	} else if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(m) > 0 {
		pg.bin = filepath.Dir(m[len(m)-1])
	}
	if pg.bin == "" {
		if os.Getenv("FIELDVAULT_REQUIRE_POSTGRES") != "" {
			t.Fatal("PostgreSQL is not installed (apt-get install postgresql)")
		}
		t.Skip("PostgreSQL is not installed")
	}
	dir, err := os.MkdirTemp("", "fieldvault-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// PostgreSQL refuses to run as root: as root, run it as postgres.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		pg.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	pg.dir = dir
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("superpass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pg.run(t, "initdb", "-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=scram-sha-256",
		"--pwfile="+pw, "-E", "UTF8", "--no-sync")
	conf := fmt.Sprintf("\nlisten_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\nsynchronous_commit = off\n", dir)
	f, err := os.OpenFile(filepath.Join(dir, "data", "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(conf)
	f.Close()
	pg.ctl(t, "start")
	t.Cleanup(func() { pg.ctl(t, "stop") })
	return pg
}

func (pg *testPostgres) command(name string, args ...string) *exec.Cmd {
	full := append(append([]string{}, pg.asUser...), append([]string{filepath.Join(pg.bin, name)}, args...)...)
	return exec.Command(full[0], full[1:]...)
}

func (pg *testPostgres) run(t testing.TB, name string, args ...string) {
	if out, err := pg.command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// ctl starts or stops the server ("start", "stop").
func (pg *testPostgres) ctl(t testing.TB, what string) error {
	args := []string{"-D", filepath.Join(pg.dir, "data"), "-w", "-l", filepath.Join(pg.dir, "log")}
	if what == "stop" {
		args = append(args, "-m", "fast")
	}
	out, err := pg.command("pg_ctl", append(args, what)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %v\n%s", what, err, out)
	}
	return nil
}

// TestPushScripts runs the scripts in testdata/pgscript against a real
// PostgreSQL: push, re-push, a newer version, a withdrawal, wrong
// credentials, a stopped server and a schema owned by someone else.
func TestPushScripts(t *testing.T) {
	pg := startPostgres(t)
	p := scriptParams("testdata/pgscript")
	setup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		if err := setup(env); err != nil {
			return err
		}
		env.Setenv("PGHOST", pg.dir)
		env.Setenv("PGUSER", "postgres")
		env.Setenv("PGPASSWORD", "superpass")
		env.Setenv("PGDATABASE", "postgres")
		env.Setenv("PGPASSFILE", filepath.Join(env.WorkDir, "no-pgpass"))
		// psql, from the same installation as the server.
		env.Setenv("PATH", pg.bin+string(os.PathListSeparator)+env.Getenv("PATH"))
		return nil
	}
	// pg stop|start stops or starts the server.
	p.Cmds["pg"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 || args[0] != "stop" && args[0] != "start" {
			ts.Fatalf("usage: pg stop|start")
		}
		if err := pg.ctl(t, args[0]); err != nil {
			ts.Fatalf("%v", err)
		}
	}
	// bump VAULT ID saves a record again: a newer version, as a resumed
	// draft or a correction from the field makes.
	p.Cmds["bump"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: bump VAULT ID")
		}
		v, err := vault.Open(ts.MkAbs(args[0]), vault.Options{})
		ts.Check(err)
		defer v.Close()
		ts.Check(v.Unlock([]byte(ts.Getenv("FIELDVAULT_PASSPHRASE"))))
		r, err := v.GetRecord(args[1])
		ts.Check(err)
		ts.Check(v.PutRecord(r))
		ts.Logf("record %s is now version %d", r.ID, r.Version)
	}
	testscript.Run(t, p)
}
