package main

import (
	"context"
	"errors"
	"time"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// errSilentQuit and errSilentCancel end fieldvault without a message (a
// quick exit prints nothing anyone could read over a shoulder).
var (
	errSilentQuit   = errors.New("")
	errSilentCancel = errors.New("")
)

// idleLock is --idle-lock, then $FIELDVAULT_IDLE_LOCK, then five minutes.
func (a *app) idleLock() (time.Duration, error) {
	s := a.idleFlag
	if s == "" {
		s = a.getenv("FIELDVAULT_IDLE_LOCK")
	}
	if s == "" {
		return session.DefaultIdleLock, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return 0, usageErr("session.bad_idle_lock", s)
	}
	return d, nil
}

// runSession runs the field session (cmd/session) until the worker quits,
// and says how it ended in exit codes.
func (a *app) runSession(ctx context.Context) error {
	idle, err := a.idleLock()
	if err != nil {
		return err
	}
	path, err := a.vaultPath()
	if err != nil {
		return err
	}
	end, kept, err := session.Run(ctx, session.Config{Path: path, Idle: idle, Plain: a.getenv("NO_COLOR") != "", In: a.in, Out: a.err}, sessionHost{a})
	switch {
	case err != nil:
		return err
	case end == session.EndBusy:
		return errSilentQuit
	case end == session.EndCancelled, end == session.EndInterrupt && kept == "":
		return errSilentCancel
	case end == session.EndInterrupt:
		// Ctrl+C, unlike the quick exit, may say what was kept.
		return &cancelError{withHint(errorf("session.interrupted_interview_kept_as", kept),
			"session.continue_from_home_screen", session.ShortID(kept))}
	}
	return nil
}

// runPlainHome is the field session as numbered plain lines
// (--accessible), on the vault unlocked once.
func (a *app) runPlainHome(ctx context.Context) error {
	return a.withVault(vault.Options{}, func(v *vault.Vault) error {
		err := session.RunPlain(ctx, v, a.in, a.out, sessionHost{a})
		if errors.Is(err, context.Canceled) {
			return errCancelled
		}
		return err
	})
}

// sessionHost answers the session's questions with what the command line
// knows.
type sessionHost struct{ a *app }

func (h sessionHost) Lang() string             { return h.a.lang() }
func (h sessionHost) SetLang(l string)         { h.a.langFlag, h.a.vaultLang = "", l }
func (h sessionHost) Unlocked(v *vault.Vault)  { h.a.unlocked(v) }
func (h sessionHost) WorkFactor() (int, error) { return h.a.workFactor() }
func (h sessionHost) Explain(err error) string { return h.a.explainShort(err) }
func (h sessionHost) InterviewLang(v *vault.Vault, s *schema.Schema) string {
	return h.a.interviewLang(v, s, "")
}
func (h sessionHost) RecordText(v *vault.Vault, r *vault.Record, mask bool) (string, error) {
	return h.a.recordText(v, r, mask)
}
func (h sessionHost) Report(err error) { h.a.report(err) }
func (h sessionHost) Interrupted(sess *intake.Session, err error) error {
	return h.a.interrupted(sess, err)
}
func (h sessionHost) Ends(err error) bool {
	var ce *cancelError
	return errors.As(err, &ce) || errors.Is(err, errCancelled)
}
