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
// the exit code.
func (a *app) report(err error) int {
	switch {
	case errors.Is(err, errSilentUsage):
		return exitUsage
	case errors.Is(err, errSilentQuit):
		return exitOK
	case errors.Is(err, errSilentCancel):
		return exitCancelled
	}
	code, msg, hint := a.explain(err)
	fmt.Fprintf(a.err, "fieldvault: %s: %s\n", a.tr("error"), msg)
	if hint != "" {
		fmt.Fprintf(a.err, "fieldvault: %s: %s\n", a.tr("hint"), hint)
	}
	return code
}

// explainShort is err as the session shows it: the sentence, then the hint.
func (a *app) explainShort(err error) string {
	_, msg, hint := a.explain(err)
	if hint != "" {
		return msg + "; " + hint
	}
	return msg
}

// explain turns err into its exit code, one sentence and a hint, in the
// interface language. This is the only place errors become exit codes.
func (a *app) explain(err error) (code int, msg, hint string) {
	path, _ := a.vaultPath()
	code, msg = exitError, err.Error()
	var ue *usageError
	var he *hintError
	var ce *vault.ChainError
	var cancel *cancelError
	var rej *sync.RejectError
	var attempts *vault.AttemptsError
	switch {
	case errors.As(err, &rej):
		code, msg, hint = exitRejected, a.trf("rejected: %s; nothing was changed", rej.Reason), rej.Hint
	case errors.As(err, &cancel):
		code = exitCancelled
	case errors.Is(err, errCancelled):
		code, msg = exitCancelled, a.tr("cancelled; nothing was changed")
	case errors.As(err, &ue):
		code, hint = exitUsage, a.tr("run 'fieldvault help' to see the commands and their flags")
	case errors.Is(err, vault.ErrNoVault):
		code, msg = exitNoVault, a.trf("no vault at %s", path)
		hint = a.tr("run 'fieldvault init' to create one, or point --vault or FIELDVAULT_VAULT at an existing vault")
	case errors.Is(err, vault.ErrBusy):
		code, msg = exitBusy, a.trf("the vault at %s is in use by another fieldvault process", path)
		hint = a.tr("finish or close the other fieldvault, then try again")
	case errors.Is(err, vault.ErrErased):
		code, msg = exitPassphrase, a.tr("wrong passphrase; that was the last attempt, and the vault has been erased")
		hint = a.tr("nothing in it can be opened any more; records already confirmed by a partner are safe with them")
	case errors.As(err, &attempts) && attempts.Left <= attemptsWarnAt:
		code, msg = exitPassphrase, a.trf("wrong passphrase; %d attempts left before the vault is erased", attempts.Left)
		if attempts.Left == 1 {
			msg = a.tr("wrong passphrase; 1 attempt left before the vault is erased")
		}
		hint = a.tr("check Caps Lock and the keyboard layout; each worker unlocks with their own passphrase")
	case errors.Is(err, vault.ErrWrongPassphrase):
		code, msg = exitPassphrase, a.tr("wrong passphrase; the vault was not unlocked")
		hint = a.tr("check Caps Lock and the keyboard layout; each worker unlocks with their own passphrase")
	case errors.Is(err, vault.ErrPassphraseTaken):
		code, msg = exitUsage, a.tr("a duress passphrase must differ from every passphrase that opens the vault")
		hint = a.tr("choose another passphrase")
	case errors.Is(err, vault.ErrWeakPassphrase):
		code, msg = exitUsage, a.trf("that passphrase is too short: it needs at least %d characters", vault.MinPassphraseLen)
		hint = a.tr("a few unrelated words make a passphrase that is long and easy to remember")
	case errors.Is(err, vault.ErrExists):
		msg = a.trf("a vault already exists at %s", path)
		hint = a.tr("use it, or choose another file with --vault")
	case errors.Is(err, vault.ErrCannotWrite):
		msg = a.trf("the vault at %s cannot be written: the disk or folder is read-only, or the file belongs to another user", path)
		hint = a.tr("reading still works ('fieldvault list'); to write, move the vault to a writable folder or fix its permissions")
	case errors.Is(err, vault.ErrNotVault):
		msg = a.trf("%s is not a fieldvault vault, or it is damaged", path)
		hint = a.tr("check the path; if the vault is damaged, keep the file and restore your last backup")
	case errors.As(err, &ce):
		hint = a.tr("the vault file was changed outside fieldvault; keep a copy of it and tell your coordinator")
	case errors.Is(err, vault.ErrCorrupt):
		msg = a.trf("the vault file at %s is damaged or was altered outside fieldvault", path)
		hint = a.tr("keep the file as it is, and restore your last backup onto another path")
	case errors.Is(err, vault.ErrNotFound):
		hint = a.tr("run 'fieldvault list' to see what is in the vault")
		if strings.HasPrefix(msg, "contact ") {
			hint = a.tr("run 'fieldvault contact list' to see the partners")
		}
	case errors.Is(err, vault.ErrDuplicate):
		hint = a.tr("run 'fieldvault contact list' to see the partners")
	}
	if errors.As(err, &he) {
		hint = he.hint
	}
	return code, sentence(msg), hint
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
