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
			return nil, usageErr("cannot read the passphrase file: %v", err)
		}
		if fi, err := os.Stat(file); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			a.warn(a.tr("%s can be read by other users of this computer; make it yours alone: chmod 600 %s"), file, file)
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
		return nil, fmt.Errorf("%s is longer than a passphrase file should be", name)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil, fmt.Errorf("the first line of %s is empty", name)
	}
	return line, nil
}

// errNoPassphrase explains how to give a passphrase without a terminal.
// src names the variables that would have given it.
func errNoPassphrase(what string, src passphraseSource) error {
	hint := fmt.Sprintf("set %s to a file holding it (or %s to the passphrase itself), or run fieldvault in a terminal", src.fileEnv, src.env)
	if src.fileEnv == "FIELDVAULT_PASSPHRASE_FILE" {
		hint = "set FIELDVAULT_PASSPHRASE_FILE to a file holding it (or pass --passphrase-file), or run fieldvault in a terminal"
	}
	return withHint(usageErr("no %s given, and there is no terminal to ask for it", what), hint)
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
		return nil, fmt.Errorf("read passphrase: %w", err)
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
		return nil, errNoPassphrase("new passphrase", src)
	}
	fmt.Fprintf(a.err, "Choose a passphrase of at least %d characters. A few unrelated words are easy to remember and hard to guess.\n", vault.MinPassphraseLen)
	for range 3 {
		p, err := a.promptSecret(prompt + ": ")
		if err != nil {
			return nil, err
		}
		if err := vault.CheckPassphrase(p); err != nil {
			fmt.Fprintf(a.err, "Too short: %v. Try again.\n", err)
			continue
		}
		again, err := a.promptSecret("Type it again: ")
		if err != nil {
			return nil, err
		}
		same := bytes.Equal(p, again)
		clear(again)
		if !same {
			fmt.Fprintln(a.err, "The two did not match. Try again.")
			continue
		}
		return p, nil
	}
	return nil, usageErr("no passphrase was set")
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
		return 0, usageErr("FIELDVAULT_KDF_WORK_FACTOR must be a whole number from %d to %d, not %q",
			vault.MinWorkFactor, vault.MaxWorkFactor, s)
	}
	if n < vault.DefaultWorkFactor {
		a.warn("key derivation work factor %d is below the default %d: a stolen vault is easier to break", n, vault.DefaultWorkFactor)
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
		return nil, errNoPassphrase("passphrase", a.currentSource())
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
		fmt.Fprintln(a.err, a.tr("Wrong passphrase. Try again."))
	}
}

// attemptsWarnAt is how few attempts must be left before every prompt and
// error says how many.
const attemptsWarnAt = 3

// attemptsLeft returns how many wrong passphrases the vault still takes
// before it erases itself, and whether that is few enough to say so.
func attemptsLeft(v *vault.Vault) (int, bool) {
	limit, failed := v.Attempts()
	left := limit - failed
	return left, limit > 0 && left <= attemptsWarnAt
}

// passphrasePrompt asks for the passphrase, saying how many attempts are
// left when few are.
func (a *app) passphrasePrompt(v *vault.Vault) string {
	if left, warn := attemptsLeft(v); warn && left == 1 {
		return a.tr("Passphrase (1 attempt left before the vault is erased): ")
	} else if warn {
		return a.trf("Passphrase (%d attempts left before the vault is erased): ", left)
	}
	return a.tr("Passphrase: ")
}

// unlocked learns the vault's interface language once its settings can be
// read.
func (a *app) unlocked(v *vault.Vault) {
	if info, err := v.Info(); err == nil && supportedLang(info.Lang) {
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
