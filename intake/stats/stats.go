// Package stats counts a vault's records for publication — by need, triage
// level, age band, gender, consent, referral type, month and source — so
// that no published number describes fewer than k people and none can be
// recovered by subtracting published numbers from a total.
package stats

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

// DefaultK is CTDC's k: no published count below 11.
const DefaultK = 11

// MinK is the lowest k a report may use.
const MinK = 5

// Method says how counts are protected, in the report itself.
const Method = "Counts below k are withheld. In a table whose rows add up to its total, further rows are withheld, smallest first, until the withheld rows add up to at least k, so no withheld count can be found by subtraction. A total below k is withheld with every row."

// Report is what 'fieldvault stats' publishes.
type Report struct {
	K      int     `json:"k"`
	Method string  `json:"method"`
	Tables []Table `json:"tables"`
	// labels name categories in each language, for text and HTML; order
	// lists each dimension's categories as the questionnaires ask them.
	labels map[string]schema.Text
	order  map[string][]string
}

// Table is counts by one dimension.
type Table struct {
	By    []string `json:"by"`
	Rows  []Cell   `json:"rows"`
	Total *int     `json:"total"`
	// partition: every record counts in exactly one row, so the rows add
	// up to the total; false where a record may count in several (needs).
	partition bool
}

// Cell is one category's count; Count is nil when withheld.
type Cell struct {
	Values map[string]string `json:"values"`
	Count  *int              `json:"count"`
}

// CTDC's age bands.
var AgeBands = []string{"0_8", "9_17", "18_20", "21_23", "24_26", "27_29", "30_38", "39_47", "48_plus"}

// Unknown is the category of a record that does not say.
const Unknown = "unknown"

// facts are what one record contributes to the counts.
type facts struct {
	consented bool
	month     string
	source    string
	triage    string
	age       string
	gender    string
	needs     []string
	referrals []string
}

var bandRe = regexp.MustCompile(`^(\d+)_(\d+|plus)$`)

// ageBand is the CTDC band of an age in whole years.
func ageBand(years int) string {
	for _, b := range AgeBands {
		m := bandRe.FindStringSubmatch(b)
		var hi int
		if m[2] == "plus" {
			return b
		}
		fmt.Sscan(m[2], &hi)
		if years <= hi {
			return b
		}
	}
	return Unknown
}

// Compute counts the vault's finished records. source names the vault a
// record came from ("" for this vault's own); lang is the language of the
// labels kept for text and HTML.
func Compute(v *vault.Vault, k int, source func(vault.Summary) string) (*Report, error) {
	if k < MinK {
		return nil, fmt.Errorf("k must be at least %d", MinK)
	}
	var ids []string
	sums := map[string]vault.Summary{}
	hashes := map[string]bool{}
	err := v.EachSummary(func(s vault.Summary) error {
		if s.Status == vault.StatusDraft {
			return nil
		}
		ids = append(ids, s.ID)
		sums[s.ID] = s
		hashes[s.Form] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	schemas := map[string]*schema.Schema{}
	for h := range hashes {
		if src, err := v.Schema(h); err == nil {
			if s, err := schema.Parse(src); err == nil {
				schemas[h] = s
			}
		}
	}
	rep := &Report{K: k, Method: Method, labels: map[string]schema.Text{}, order: map[string][]string{}}
	rep.learnLabels(schemas)
	var all []facts
	err = vault.ReadParsed(v, ids, func(id string, raw []byte) (facts, error) {
		var r vault.Record
		if err := json.Unmarshal(raw, &r); err != nil {
			return facts{}, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
		}
		s := sums[id]
		f := facts{month: s.Created[:min(7, len(s.Created))], source: source(s), triage: s.Triage,
			consented: r.Status != vault.StatusDeclined, age: Unknown, gender: Unknown}
		if !f.consented || len(r.Body) == 0 {
			return f, nil
		}
		body, err := intake.ParseBody(r.Body)
		if err != nil {
			return facts{}, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
		}
		if sc := schemas[r.Schema.Hash]; sc != nil {
			f.read(sc, body, r.Created)
		}
		return f, nil
	}, func(_ string, _ []byte, f facts) error {
		all = append(all, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.count(all)
	return rep, nil
}

// read takes from a record's answers what the tables count.
func (f *facts) read(s *schema.Schema, b *intake.Body, created time.Time) {
	for _, p := range s.Pages {
		for i := range p.Questions {
			q := &p.Questions[i]
			v, ok := b.Answers[q.ID]
			if !ok {
				continue
			}
			switch {
			case q.Need != nil && v != false:
				f.needs = append(f.needs, q.ID)
			case q.ID == intake.QReferral:
				f.referrals = strs(v)
			case q.HTCDS == "prs_Gender":
				if s, ok := v.(string); ok {
					if o, ok := q.Option(s); ok {
						f.gender = o.Code()
					}
				}
			case q.HTCDS == "prs_Birthdate":
				if s, ok := v.(string); ok {
					if born, err := time.Parse(time.DateOnly, s); err == nil {
						f.age = ageBand(yearsBetween(born, created))
					}
				}
			case q.Type == schema.TypeChoice && isAgeBands(q):
				if s, ok := v.(string); ok {
					f.age = s
				}
			}
		}
	}
}

func yearsBetween(born, at time.Time) int {
	y := at.Year() - born.Year()
	if at.YearDay() < born.YearDay() {
		y--
	}
	return max(0, y)
}

// isAgeBands reports whether a choice question asks for a CTDC age band.
func isAgeBands(q *schema.Question) bool {
	if len(q.Options) != len(AgeBands) {
		return false
	}
	for i, o := range q.Options {
		if o.Value != AgeBands[i] {
			return false
		}
	}
	return true
}

func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (rep *Report) label(dim, value string, t schema.Text) {
	key := dim + ":" + value
	rep.labels[key] = t
	if !slices.Contains(rep.order[dim], value) {
		rep.order[dim] = append(rep.order[dim], value)
	}
}

// learnLabels keeps the questionnaires' words for needs, age bands, genders
// and referral types.
func (rep *Report) learnLabels(schemas map[string]*schema.Schema) {
	list := make([]*schema.Schema, 0, len(schemas))
	for _, s := range schemas {
		list = append(list, s)
	}
	// Newest questionnaire last, so its words win.
	slices.SortFunc(list, func(a, b *schema.Schema) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(len(a.Version), len(b.Version)), cmp.Compare(a.Version, b.Version))
	})
	for _, s := range list {
		for _, p := range s.Pages {
			for i := range p.Questions {
				q := &p.Questions[i]
				switch {
				case q.Need != nil:
					rep.label("need", q.ID, q.Need)
				case q.ID == intake.QReferral:
					for _, o := range q.Options {
						rep.label("referral_type", o.Value, o.Label)
					}
				case q.HTCDS == "prs_Gender":
					for _, o := range q.Options {
						rep.label("gender", o.Code(), o.Label)
					}
				case isAgeBands(q):
					for _, o := range q.Options {
						rep.label("age_band", o.Value, o.Label)
					}
				}
			}
		}
	}
}
