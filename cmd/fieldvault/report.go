package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

// Exit codes, documented in --help and README.
const (
	exitOK         = 0
	exitError      = 1
	exitUsage      = 2
	exitNoVault    = 10
	exitBusy       = 11
	exitPassphrase = 12
	exitRejected   = 13
	exitCancelled  = 130
)

// usageError is a mistake in how fieldvault was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// errSilentUsage exits 2 without a message: help was already printed.
var errSilentUsage = errors.New("")

// errCancelled is returned when the person pressed Ctrl+C at a prompt.
var errCancelled = errors.New("cancelled")

// hintError attaches advice on what to do next.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func withHint(err error, hint string) error { return &hintError{err, hint} }

// report prints err as one sentence and a hint, in age's style, and returns
// the exit code. This is the only place errors become exit codes.
func (a *app) report(err error) int {
	if errors.Is(err, errSilentUsage) {
		return exitUsage
	}
	path, _ := a.vaultPath()
	code, msg, hint := exitError, err.Error(), ""
	var ue *usageError
	var he *hintError
	var ce *vault.ChainError
	var cancel *cancelError
	var rej *sync.RejectError
	switch {
	case errors.As(err, &rej):
		code, msg, hint = exitRejected, "rejected: "+rej.Reason+"; nothing was changed", rej.Hint
	case errors.As(err, &cancel):
		code = exitCancelled
	case errors.Is(err, errCancelled):
		code, msg = exitCancelled, "cancelled; nothing was changed"
	case errors.As(err, &ue):
		code, hint = exitUsage, "run 'fieldvault help' to see the commands and their flags"
	case errors.Is(err, vault.ErrNoVault):
		code, msg = exitNoVault, "no vault at "+path
		hint = "run 'fieldvault init' to create one, or point --vault or FIELDVAULT_VAULT at an existing vault"
	case errors.Is(err, vault.ErrBusy):
		code, msg = exitBusy, "the vault at "+path+" is in use by another fieldvault process"
		hint = "finish or close the other fieldvault, then try again"
	case errors.Is(err, vault.ErrWrongPassphrase):
		code, msg = exitPassphrase, "wrong passphrase; the vault was not unlocked"
		hint = "check Caps Lock and the keyboard layout; each worker unlocks with their own passphrase"
	case errors.Is(err, vault.ErrWeakPassphrase):
		code, msg = exitUsage, "that passphrase is too short: "+vault.ErrWeakPassphrase.Error()
		hint = "a few unrelated words make a passphrase that is long and easy to remember"
	case errors.Is(err, vault.ErrExists):
		msg = "a vault already exists at " + path
		hint = "use it, or choose another file with --vault"
	case errors.Is(err, vault.ErrCannotWrite):
		msg = "the vault at " + path + " cannot be written: the disk or folder is read-only, or the file belongs to another user"
		hint = "reading still works ('fieldvault list'); to write, move the vault to a writable folder or fix its permissions"
	case errors.Is(err, vault.ErrNotVault):
		msg = path + " is not a fieldvault vault, or it is damaged"
		hint = "check the path; if the vault is damaged, keep the file and restore your last backup"
	case errors.As(err, &ce):
		hint = "the vault file was changed outside fieldvault; keep a copy of it and tell your coordinator"
	case errors.Is(err, vault.ErrCorrupt):
		msg = "the vault file at " + path + " is damaged or was altered outside fieldvault"
		hint = "keep the file as it is, and restore your last backup onto another path"
	case errors.Is(err, vault.ErrNotFound):
		hint = "run 'fieldvault list' to see what is in the vault"
		if strings.HasPrefix(msg, "contact ") {
			hint = "run 'fieldvault contact list' to see the partners"
		}
	case errors.Is(err, vault.ErrDuplicate):
		hint = "run 'fieldvault contact list' to see the partners"
	}
	if errors.As(err, &he) {
		hint = he.hint
	}
	fmt.Fprintf(a.err, "fieldvault: error: %s\n", sentence(msg))
	if hint != "" {
		fmt.Fprintf(a.err, "fieldvault: hint: %s\n", hint)
	}
	return code
}

// sentence makes an error one lowercase line without a trailing period.
func sentence(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
	return strings.TrimSuffix(s, ".")
}

// warn prints a warning that does not stop the command.
func (a *app) warn(format string, args ...any) {
	fmt.Fprintf(a.err, "fieldvault: warning: "+format+"\n", args...)
}
