package cases

import (
	"cmp"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// Select chooses records by what their summaries say, so that records left
// out are never decrypted.
type Select struct {
	// Statuses to include; empty means every finished record: complete,
	// delivered and declined (a draft is an interview still going on).
	Statuses []vault.Status
	Source   string // only records imported from this contact ID
	Since    string // only records created on or after this day, YYYY-MM-DD
	Triage   string // only records of this triage level
	// Skip, if set, leaves out a chosen record without reading it: a push
	// skips records the database already has as they are.
	Skip func(vault.Summary, Meta) bool
}

// Match reports whether a record with summary s is chosen.
func (sel Select) Match(s vault.Summary) bool {
	switch {
	case len(sel.Statuses) == 0 && s.Status == vault.StatusDraft,
		len(sel.Statuses) > 0 && !slices.Contains(sel.Statuses, s.Status),
		sel.Source != "" && s.Source != sel.Source,
		sel.Since != "" && s.Created < sel.Since,
		sel.Triage != "" && s.Triage != sel.Triage:
		return false
	}
	return true
}

// Scan reads the chosen records and lays each out as a row: begin gets the
// table once its questionnaires are known; prepare turns each row into what
// emit takes (an encoded line, a database row), and emit gets every record
// in the order they were created, oldest first, as a case register reads.
// Records are decrypted, laid out and prepared on every core, a window at a
// time, so memory stays flat however many there are; only emit runs one at
// a time. meta says what a row shows of the record beyond its answers.
func Scan[T any](v *vault.Vault, sel Select, opts Options, meta func(vault.Summary) Meta,
	begin func(*Table) error, prepare func(Row) (T, error), emit func(T) error) (int, error) {
	type chosen struct {
		id   string
		born int64
	}
	var picked []chosen
	metas := map[string]Meta{}
	forms := map[string]bool{}
	err := v.EachSummary(func(s vault.Summary) error {
		if !sel.Match(s) {
			return nil
		}
		m := meta(s)
		if sel.Skip == nil || !sel.Skip(s, m) {
			picked = append(picked, chosen{s.ID, s.Born})
			metas[s.ID] = m
			if s.Form != "" {
				forms[s.Form] = true
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	slices.SortFunc(picked, func(a, b chosen) int {
		return cmp.Or(cmp.Compare(a.born, b.born), strings.Compare(a.id, b.id))
	})
	ids := make([]string, len(picked))
	for i, c := range picked {
		ids[i] = c.id
	}
	schemas := map[string]*schema.Schema{}
	var list []*schema.Schema
	for hash := range forms {
		src, err := v.Schema(hash)
		if err != nil {
			// A record whose questionnaire is missing is still exported
			// with its own columns.
			continue
		}
		s, err := schema.Parse(src)
		if err != nil {
			continue
		}
		schemas[hash] = s
		list = append(list, s)
	}
	SortSchemas(list)
	t := NewTable(list, opts)
	if err := begin(t); err != nil {
		return 0, err
	}
	parse := func(id string, raw []byte) (T, error) {
		var zero T
		r, raw, err := vault.SplitRecord(raw)
		if err != nil {
			return zero, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
		}
		var answers map[string]any
		var declined string
		if len(raw) > 0 {
			if answers, declined, err = intake.BodyAnswers(raw); err != nil {
				return zero, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
			}
		}
		return prepare(t.Row(&r, answers, declined, schemas[r.Schema.Hash], metas[id]))
	}
	// Laying out rows makes much short-lived garbage and keeps little:
	// collecting it less often is a fifth of the time (measured on
	// 100,000 records); the memory limit keeps the heap under 48 MiB all
	// the same.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(48 << 20))
	n := 0
	err = vault.ReadParsed(v, ids, parse, func(_ string, _ []byte, x T) error {
		n++
		return emit(x)
	})
	return n, err
}
