package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/intake/cases"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/sync/postgres"
	"github.com/fieldvault/fieldvault/vault"
)

func newCasesPushCmd(a *app) *cobra.Command {
	var f caseFlags
	cmd := &cobra.Command{
		Use:  "push",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := f.selection(nil); err != nil {
				return err
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				return a.runCasesPush(cmd.Context(), v, &f)
			})
		},
	}
	f.register(cmd, false)
	return cmd
}

func (a *app) runCasesPush(ctx context.Context, v *vault.Vault, f *caseFlags) error {
	card, err := sync.OwnCard(v)
	if err != nil {
		return err
	}
	meta, err := a.caseMeta(v)
	if err != nil {
		return err
	}
	p, err := postgres.Begin(ctx, card.Fingerprint(), f.identified)
	if err != nil {
		return pgErr(err)
	}
	done := false
	defer func() {
		if !done {
			p.Abort(context.Background())
		}
	}()
	current, err := p.Current(ctx)
	if err != nil {
		return pgErr(err)
	}
	var held []string
	sel := cases.Select{Skip: func(s vault.Summary, m cases.Meta) bool {
		held = append(held, s.ID)
		k, ok := current[s.ID]
		return ok && k == postgres.Key{Version: s.Version, Status: string(s.Status), Delivery: m.Delivery, Source: m.Source, Identified: f.identified}
	}}

	// The vault is read on one side, the rows copied on the other.
	type item struct {
		row postgres.Row
		err error
	}
	rows := make(chan item, 256)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(rows)
		var t *cases.Table
		_, err := cases.Scan(v, sel, cases.Options{Identified: f.identified, Multi: f.multi}, meta,
			func(tab *cases.Table) error { t = tab; return nil },
			func(r cases.Row) (postgres.Row, error) {
				data, err := t.AppendJSON(nil, r)
				h := cases.HeadOf(r)
				created, _ := time.Parse(time.DateOnly, h.Created)
				return postgres.Row{ID: h.ID, Version: h.Version, Status: h.Status, Source: h.Source, Delivery: h.Delivery,
					Questionnaire: h.Questionnaire, Created: created, Triage: h.Triage, CaseStatus: h.CaseStatus, Data: data}, err
			},
			func(pr postgres.Row) error {
				select {
				case rows <- item{row: pr}:
					return nil
				case <-stop:
					return errors.New("push stopped")
				}
			})
		if err != nil {
			select {
			case rows <- item{err: err}:
			case <-stop:
			}
		}
	}()
	loaded, err := p.Load(ctx, func() (postgres.Row, bool, error) {
		it, ok := <-rows
		return it.row, ok, it.err
	})
	if err != nil {
		return pgErr(err)
	}
	removed, err := p.Prune(ctx, held)
	if err != nil {
		return pgErr(err)
	}
	if err := p.Commit(ctx); err != nil {
		return pgErr(err)
	}
	done = true
	kind := "pseudonymous"
	if f.identified {
		kind = "identified"
	}
	if err := v.LogAction(fmt.Sprintf("cases pushed to PostgreSQL: %d added or changed, %d removed, %s", loaded, removed, kind)); err != nil {
		return err
	}
	fmt.Fprintln(a.err, a.trf("cases.pushed_postgresql_records_added", loaded, len(held)-int(loaded), removed))
	return nil
}

// pgErr keeps the one sentence and the hint of a PostgreSQL failure.
func pgErr(err error) error {
	var pe *postgres.Error
	if errors.As(err, &pe) && pe.Hint != "" {
		return withHint(pe, "pg.hint_"+pe.Key)
	}
	return err
}
