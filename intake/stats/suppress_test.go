package stats

import (
	"math/rand/v2"
	"testing"
)

// TestProtect: for random tables, no published count is below k, and in a
// table whose rows add up to its total, the total minus the published rows
// is either nothing (no row withheld) or at least k, so no withheld count
// can be worked out by subtraction.
func TestProtect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20000 {
		k := 5 + rng.IntN(10)
		n := 1 + rng.IntN(8)
		raw := make([]int, n)
		total := 0
		for i := range raw {
			switch rng.IntN(3) {
			case 0:
				raw[i] = rng.IntN(k)
			default:
				raw[i] = rng.IntN(4 * k)
			}
			total += raw[i]
		}
		partition := rng.IntN(4) != 0
		tab := Table{partition: partition, Total: &total}
		for i := range raw {
			c := raw[i]
			tab.Rows = append(tab.Rows, Cell{Count: &c})
		}
		protect(&tab, raw, k)
		published, withheld := 0, 0
		for i, c := range tab.Rows {
			if c.Count == nil {
				withheld++
				continue
			}
			if *c.Count < k || *c.Count != raw[i] {
				t.Fatalf("trial %d: row %d published as %d (raw %d), k %d", trial, i, *c.Count, raw[i], k)
			}
			published += *c.Count
		}
		if tab.Total == nil {
			if total >= k {
				t.Fatalf("trial %d: total %d withheld though at least k %d", trial, total, k)
			}
			if withheld != n {
				t.Fatalf("trial %d: total withheld but %d rows published", trial, n-withheld)
			}
			continue
		}
		if *tab.Total < k {
			t.Fatalf("trial %d: total %d published below k %d", trial, *tab.Total, k)
		}
		if partition && withheld > 0 && total-published < k {
			t.Fatalf("trial %d: %v, k %d: total %d minus published %d reveals %d", trial, raw, k, total, published, total-published)
		}
		if partition && withheld == 1 {
			t.Fatalf("trial %d: %v, k %d: a single withheld row of a partition is found by subtraction", trial, raw, k)
		}
	}
}

// TestProtectExample is the case the issue names: 5 of 30 never shows, and
// the total minus the published counts does not reveal it.
func TestProtectExample(t *testing.T) {
	raw := []int{25, 5, 0, 0}
	total := 30
	tab := Table{partition: true, Total: &total}
	for i := range raw {
		c := raw[i]
		tab.Rows = append(tab.Rows, Cell{Count: &c})
	}
	protect(&tab, raw, DefaultK)
	for i, c := range tab.Rows {
		if c.Count != nil {
			t.Errorf("row %d (%d) published; with 5 withheld, 25 would give it away as 30-25", i, raw[i])
		}
	}
	if tab.Total == nil || *tab.Total != 30 {
		t.Errorf("total %v, want 30", tab.Total)
	}
}
