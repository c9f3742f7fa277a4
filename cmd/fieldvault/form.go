package main

import (
	"context"

	"github.com/fieldvault/fieldvault/intake"
)

// runForm runs the interactive terminal form, drawn on standard error so
// that standard output carries only the summary and the record ID.
func (a *app) runForm(ctx context.Context, sess *intake.Session) error {
	f := &intake.Form{
		In:    a.in,
		UI:    a.err,
		Out:   a.out,
		Save:  sess.Save,
		Plain: a.getenv("NO_COLOR") != "",
	}
	return f.Run(ctx, sess.Engine)
}
