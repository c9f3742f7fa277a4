package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"

	"golang.org/x/term"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/vault"
)

// maxPassphraseFile guards against pointing --passphrase-file at a big file
// by mistake.
const maxPassphraseFile = 4 << 10

// passphraseSource says where a passphrase comes from, in the order tried:
// a file named by flag, a file named by environment, the environment itself,
// then a no-echo terminal prompt. Never a flag value: those end up in shell
// history and process lists.
type passphraseSource struct {
	file    string // from a flag
	fileEnv string // name of the variable holding a file path
	env     string // name of the variable holding the passphrase
}

func (a *app) currentSource() passphraseSource {
	return passphraseSource{a.passphraseFile, "FIELDVAULT_PASSPHRASE_FILE", "FIELDVAULT_PASSPHRASE"}
}

// readFrom returns the passphrase from a file or the environment, or nil if
// neither is set.
func (a *app) readFrom(src passphraseSource) ([]byte, error) {
	file := src.file
	if file == "" {
		file = a.getenv(src.fileEnv)
	}
	if file != "" {
		p, err := readPassphraseFile(file)
		if err != nil {
			return nil, usageErr("unlock.cannot_read_file", err)
		}
		if fi, err := os.Stat(file); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			a.warn(a.trf("unlock.can_read_other_users", file, file))
		}
		return p, nil
	}
	if p := a.getenv(src.env); p != "" {
		return []byte(p), nil
	}
	return nil, nil
}

func readPassphraseFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPassphraseFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPassphraseFile {
		return nil, errorf("unlock.file_too_long", name)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil, errorf("unlock.first_line_empty", name)
	}
	return line, nil
}

// errNoPassphrase explains how to give a passphrase without a terminal.
// src names the variables that would have given it.
func errNoPassphrase(what string, src passphraseSource) error {
	if src.fileEnv == "FIELDVAULT_PASSPHRASE_FILE" {
		return withHint(usageErr(what), "hint.passphrase_file")
	}
	return withHint(usageErr(what), "hint.passphrase_env", src.fileEnv, src.env)
}

// promptSecret reads a line from the terminal without echo. Ctrl+C restores
// the terminal before fieldvault exits, so the shell is not left without echo.
func (a *app) promptSecret(prompt string) ([]byte, error) {
	fd := int(a.in.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	defer func() { signal.Stop(sig); close(done) }()
	go func() {
		select {
		case <-sig:
			term.Restore(fd, state)
			fmt.Fprintln(a.err)
			a.report(errCancelled)
			os.Exit(exitCancelled)
		case <-done:
		}
	}()
	fmt.Fprint(a.err, prompt)
	p, err := term.ReadPassword(fd)
	fmt.Fprintln(a.err)
	if err != nil {
		return nil, errorf("unlock.cannot_read_passphrase", err)
	}
	return p, nil
}

// newPassphrase gets a passphrase to protect the vault with: from the given
// source, or asked twice on the terminal.
func (a *app) newPassphrase(src passphraseSource, prompt string) ([]byte, error) {
	p, err := a.readFrom(src)
	if err != nil || p != nil {
		if err == nil {
			err = vault.CheckPassphrase(p)
		}
		return p, err
	}
	if !a.inTTY {
		return nil, errNoPassphrase("unlock.no_new_passphrase", src)
	}
	fmt.Fprintln(a.err, a.tr("unlock.choose", vault.MinPassphraseLen))
	for range 3 {
		p, err := a.promptSecret(prompt + ": ")
		if err != nil {
			return nil, err
		}
		if err := vault.CheckPassphrase(p); err != nil {
			fmt.Fprintln(a.err, a.tr("unlock.too_short", vault.MinPassphraseLen))
			continue
		}
		again, err := a.promptSecret(a.tr("unlock.type_it_again"))
		if err != nil {
			return nil, err
		}
		same := bytes.Equal(p, again)
		clear(again)
		if !same {
			fmt.Fprintln(a.err, a.tr("unlock.no_match"))
			continue
		}
		return p, nil
	}
	return nil, usageErr("unlock.none_set")
}

// workFactor reads FIELDVAULT_KDF_WORK_FACTOR, warning when it is weaker than
// the default.
func (a *app) workFactor() (int, error) {
	s := a.getenv("FIELDVAULT_KDF_WORK_FACTOR")
	if s == "" {
		return vault.DefaultWorkFactor, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < vault.MinWorkFactor || n > vault.MaxWorkFactor {
		return 0, usageErr("unlock.bad_work_factor", vault.MinWorkFactor, vault.MaxWorkFactor, s)
	}
	if n < vault.DefaultWorkFactor {
		a.warn(a.tr("unlock.weak_work_factor", n, vault.DefaultWorkFactor))
	}
	return n, nil
}

// openVault opens and unlocks the vault. The file is locked before the
// passphrase is asked, so a busy vault is reported at once. At a terminal a
// mistyped passphrase may be tried again, three times in all.
func (a *app) openVault(opts vault.Options) (*vault.Vault, error) {
	path, err := a.vaultPath()
	if err != nil {
		return nil, err
	}
	v, err := vault.Open(path, opts)
	if err != nil {
		return nil, err
	}
	p, err := a.readFrom(a.currentSource())
	if err != nil {
		v.Close()
		return nil, err
	}
	if p != nil {
		// The bytes are wiped once used; age's scrypt takes a copy as a
		// string, which cannot be (docs/SECURITY.md).
		defer clear(p)
		if err := v.Unlock(p); err != nil {
			v.Close()
			return nil, err
		}
		a.unlocked(v)
		return v, nil
	}
	if !a.inTTY {
		v.Close()
		return nil, errNoPassphrase("unlock.no_passphrase", a.currentSource())
	}
	for try := 1; ; try++ {
		p, err := a.promptSecret(a.passphrasePrompt(v))
		if err != nil {
			v.Close()
			return nil, err
		}
		err = v.Unlock(p)
		clear(p)
		if err == nil {
			a.unlocked(v)
			return v, nil
		}
		if !errors.Is(err, vault.ErrWrongPassphrase) || errors.Is(err, vault.ErrErased) || try == 3 {
			v.Close()
			return nil, err
		}
		fmt.Fprintln(a.err, a.tr("unlock.wrong_passphrase_try_again"))
	}
}

// passphrasePrompt asks for the passphrase, saying how many attempts are
// left when few are.
func (a *app) passphrasePrompt(v *vault.Vault) string {
	if left, warn := session.AttemptsLeft(v); warn && left == 1 {
		return a.tr("unlock.passphrase_1_attempt_left")
	} else if warn {
		return a.trn("unlock.passphrase_attempts_left_before", left, left)
	}
	return a.tr("unlock.passphrase")
}

// unlocked learns the vault's interface language once its settings can be
// read.
func (a *app) unlocked(v *vault.Vault) {
	if info, err := v.Info(); err == nil && catalog.Supported(info.Lang) {
		a.vaultLang = info.Lang
	}
}

// withVault opens and unlocks the vault, runs fn with it, and closes it.
func (a *app) withVault(opts vault.Options, fn func(v *vault.Vault) error) error {
	v, err := a.openVault(opts)
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v)
}
