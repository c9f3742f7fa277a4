package stats

import (
	"slices"
	"sort"

	"github.com/fieldvault/fieldvault/schema"
)

// count makes the tables from every record's facts, then protects them.
func (rep *Report) count(all []facts) {
	var consented []facts
	for _, f := range all {
		if f.consented {
			consented = append(consented, f)
		}
	}
	one := func(get func(facts) string) func(facts) []string {
		return func(f facts) []string { return []string{get(f)} }
	}
	months, sources := map[string]bool{}, map[string]bool{}
	for _, f := range all {
		months[f.month], sources[f.source] = true, true
	}
	sorted := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	withUnknown := func(cats []string) []string {
		if !slices.Contains(cats, Unknown) {
			cats = append(slices.Clip(cats), Unknown)
		}
		return cats
	}
	rep.add("need", consented, rep.order["need"], false, func(f facts) []string { return f.needs })
	rep.add("triage", consented, withUnknown(schema.Levels), true, one(func(f facts) string { return cmpOr(f.triage, Unknown) }))
	ages := AgeBands
	rep.add("age_band", consented, withUnknown(ages), true, one(func(f facts) string { return f.age }))
	rep.add("gender", consented, withUnknown(rep.order["gender"]), true, one(func(f facts) string { return f.gender }))
	rep.add("consent", all, []string{"given", "declined"}, true, one(func(f facts) string {
		if f.consented {
			return "given"
		}
		return "declined"
	}))
	rep.add("referral_type", consented, rep.order["referral_type"], false, func(f facts) []string { return f.referrals })
	rep.add("month", all, sorted(months), true, one(func(f facts) string { return f.month }))
	rep.add("source", all, sorted(sources), true, one(func(f facts) string { return f.source }))
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// add counts one table over the records of its population: a category for
// each value a record gives (several for needs and referral types).
func (rep *Report) add(by string, pop []facts, cats []string, partition bool, values func(facts) []string) {
	counts := make(map[string]int, len(cats))
	for _, f := range pop {
		for _, v := range values(f) {
			if !slices.Contains(cats, v) {
				// A value no questionnaire's list names (an old
				// questionnaire's option): counted, under its code.
				cats = append(slices.Clip(cats), v)
			}
			counts[v]++
		}
	}
	t := Table{By: []string{by}, partition: partition}
	raw := make([]int, len(cats))
	for i, c := range cats {
		raw[i] = counts[c]
		n := raw[i]
		t.Rows = append(t.Rows, Cell{Values: map[string]string{by: c}, Count: &n})
	}
	total := len(pop)
	t.Total = &total
	protect(&t, raw, rep.K)
	rep.Tables = append(rep.Tables, t)
}

// protect withholds counts so that none below k is published or can be
// recovered: every count below k (zero too: "nobody" is also a count
// about people) is withheld; in a table whose rows add up to the total,
// more rows are withheld, smallest first, until the withheld rows add up
// to at least k, so the total minus the published rows says nothing below
// k. A total below k is withheld with every row.
func protect(t *Table, raw []int, k int) {
	if *t.Total < k {
		t.Total = nil
		for i := range t.Rows {
			t.Rows[i].Count = nil
		}
		return
	}
	hidden := 0
	withheld := 0
	for i, n := range raw {
		if n < k {
			t.Rows[i].Count = nil
			hidden += n
			withheld++
		}
	}
	if !t.partition || withheld == 0 {
		return
	}
	for hidden < k {
		// The smallest row still published.
		best := -1
		for i, n := range raw {
			if t.Rows[i].Count != nil && (best < 0 || n < raw[best]) {
				best = i
			}
		}
		if best < 0 {
			return // every row withheld; the total is at least k
		}
		t.Rows[best].Count = nil
		hidden += raw[best]
	}
}
