package main

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"syscall"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/sync/postgres"
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

// The errors whose sentence is a catalog text (cmd/catalog), by their
// short names here.
type (
	msgError   = catalog.Msg
	usageError = catalog.UsageError
	hintError  = catalog.HintError
)

func errorf(id string, args ...any) error   { return catalog.Errorf(id, args...) }
func usageErr(id string, args ...any) error { return catalog.Usage(id, args...) }

// errSilentUsage exits 2 without a message: help was already printed.
var errSilentUsage = errors.New("")

// errCancelled is returned when the person pressed Ctrl+C at a prompt.
var errCancelled = errors.New("cancelled")

func withHint(err error, id string, args ...any) error { return catalog.WithHint(err, id, args...) }

// text is err's sentence in the interface language: catalog texts are
// translated, with the errors they name; other errors (the operating
// system's) are shown as they are.
func (a *app) text(err error) string {
	switch e := err.(type) {
	case *hintError:
		return a.text(e.Err)
	case *cancelError:
		return a.text(e.error)
	case *vault.NotFoundError:
		return a.tr("notfound."+e.Kind, e.Name)
	case *schema.ValidationError:
		return a.msg(e.Msg())
	case *vault.ChainError:
		return a.tr("chain.broken", e.Seq, a.tr("chain."+e.Key, e.Args...))
	case *postgres.Error:
		// The server's own words are an argument and stay as it said them.
		args := slices.Clone(e.Args)
		if e.Key == "failed" {
			args[0] = a.tr("pg.step_" + args[0].(string))
		}
		return a.tr("pg."+e.Key, args...)
	case *fs.PathError:
		// The operating system's words are English; the common ones are
		// said again in the interface language.
		for _, c := range []struct {
			err error
			id  string
		}{
			{fs.ErrNotExist, "oserr.not_exist"}, {fs.ErrExist, "oserr.exist"}, {fs.ErrPermission, "oserr.permission"},
			{syscall.ENOSPC, "oserr.no_space"}, {syscall.EROFS, "oserr.read_only"}, {syscall.EISDIR, "oserr.is_dir"},
		} {
			if errors.Is(e.Err, c.err) {
				return a.tr(c.id, e.Path)
			}
		}
	case *usageError:
		return a.msg(&e.Msg)
	case *msgError:
		return a.msg(e)
	}
	return err.Error()
}

func (a *app) msg(e *msgError) string {
	args := make([]any, len(e.Args))
	for i, x := range e.Args {
		if err, ok := x.(error); ok {
			x = a.text(err)
		}
		args[i] = x
	}
	return a.tr(e.ID, args...)
}

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
	fmt.Fprintf(a.err, "fieldvault: %s: %s\n", a.tr("report.error"), msg)
	if hint != "" {
		fmt.Fprintf(a.err, "fieldvault: %s: %s\n", a.tr("report.hint"), hint)
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
	code, msg = exitError, a.text(err)
	var ue *usageError
	var he *hintError
	var ce *vault.ChainError
	var cancel *cancelError
	var rej *sync.RejectError
	var attempts *vault.AttemptsError
	switch {
	case errors.As(err, &rej):
		code = exitRejected
		msg = a.trf("report.rejected_nothing_was_changed", a.trf("reject."+rej.Key, rej.Args...))
		hint = a.trf("reject.hint_"+rej.HintKey, rej.HintArgs...)
	case errors.As(err, &cancel):
		code = exitCancelled
	case errors.Is(err, errCancelled):
		code, msg = exitCancelled, a.tr("report.cancelled_nothing_was_changed")
	case errors.As(err, &ue):
		code, hint = exitUsage, a.tr("report.run_fieldvault_help_see")
	case errors.Is(err, vault.ErrNoVault):
		code, msg = exitNoVault, a.trf("report.no_vault_at", path)
		hint = a.tr("report.run_fieldvault_init_create")
	case errors.Is(err, vault.ErrBusy):
		code, msg = exitBusy, a.trf("report.the_vault_at_use", path)
		hint = a.tr("report.finish_close_other_fieldvault")
	case errors.Is(err, vault.ErrErased):
		code, msg = exitPassphrase, a.tr("report.wrong_passphrase_was_last")
		hint = a.tr("report.nothing_can_opened_any")
	case errors.As(err, &attempts) && attempts.Left <= session.AttemptsWarnAt:
		code, msg = exitPassphrase, a.trn("report.wrong_passphrase_attempts_left", attempts.Left, attempts.Left)
		if attempts.Left == 1 {
			msg = a.tr("report.wrong_passphrase_1_attempt")
		}
		hint = a.tr("report.check_caps_lock_keyboard")
	case errors.Is(err, vault.ErrWrongPassphrase):
		code, msg = exitPassphrase, a.tr("report.wrong_passphrase_vault_was")
		hint = a.tr("report.check_caps_lock_keyboard")
	case errors.Is(err, vault.ErrPassphraseTaken):
		code, msg = exitUsage, a.tr("report.a_duress_passphrase_must")
		hint = a.tr("report.choose_another_passphrase")
	case errors.Is(err, vault.ErrWeakPassphrase):
		code, msg = exitUsage, a.trf("report.that_passphrase_too_short", vault.MinPassphraseLen)
		hint = a.tr("report.a_few_unrelated_words")
	case errors.Is(err, vault.ErrExists):
		msg = a.trf("report.a_vault_already_exists", path)
		hint = a.tr("report.use_choose_another_file")
	case errors.Is(err, vault.ErrCannotWrite):
		msg = a.trf("report.the_vault_at_cannot", path)
		hint = a.tr("report.reading_still_works_fieldvault")
	case errors.Is(err, vault.ErrNotVault):
		msg = a.trf("report.is_not_fieldvault_vault", path)
		hint = a.tr("report.check_path_if_vault")
	case errors.As(err, &ce):
		hint = a.tr("report.the_vault_file_was")
	case errors.Is(err, vault.ErrCorrupt):
		msg = a.trf("report.the_vault_file_at", path)
		hint = a.tr("report.keep_file_as_restore")
	case errors.Is(err, vault.ErrNotFound):
		hint = a.tr("report.run_fieldvault_list_see")
		var nf *vault.NotFoundError
		if errors.As(err, &nf) && nf.Kind == "contact" {
			hint = a.tr("report.run_fieldvault_contact_list")
		}
	case errors.Is(err, vault.ErrDuplicate):
		hint = a.tr("report.run_fieldvault_contact_list")
	}
	if errors.As(err, &he) {
		hint = a.msg(&he.Hint)
	}
	return code, sentence(msg), hint
}

// sentence makes an error one lowercase line without a trailing period.
func sentence(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
	return strings.TrimSuffix(s, ".")
}

// warn prints a warning that does not stop the command.
func (a *app) warn(msg string) {
	fmt.Fprintf(a.err, "fieldvault: %s: %s\n", a.tr("report.warning"), msg)
}
