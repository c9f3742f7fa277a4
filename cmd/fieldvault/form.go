package main

import (
	"context"
	"errors"

	"github.com/fieldvault/fieldvault/intake"
)

// runForm runs the interactive terminal form.
func (a *app) runForm(ctx context.Context, sess *intake.Session) error {
	return errors.New("the interactive form is not built yet; use --accessible")
}
