package cases

import (
	"cmp"
	"encoding/json"
	"fmt"
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
// table once its questionnaires are known, row every record in the order
// they were created, oldest first, as a case register reads. Records are
// decrypted and laid out on every core, a window at a time, so memory stays
// flat however many there are. meta says what a row shows of the record
// beyond its answers.
func Scan(v *vault.Vault, sel Select, opts Options, meta func(vault.Summary) Meta,
	begin func(*Table) error, row func(Row) error) (int, error) {
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
	parse := func(id string, raw []byte) (Row, error) {
		var r vault.Record
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
		}
		s := schemas[r.Schema.Hash]
		var body *intake.Body
		if len(r.Body) > 0 {
			var err error
			if body, err = intake.ParseBody(r.Body); err != nil {
				return nil, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
			}
		}
		return t.Row(&r, body, s, metas[id]), nil
	}
	n := 0
	err = vault.ReadParsed(v, ids, parse, func(_ string, _ []byte, r Row) error {
		n++
		return row(r)
	})
	return n, err
}
