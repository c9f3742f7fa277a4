package vault

import (
	"slices"
	"testing"

	"github.com/google/uuid"
)

func TestAscendingIDs(t *testing.T) {
	var last string
	for part := range 5 {
		ids := AscendingIDs(part, 5, 300)
		if !slices.IsSorted(ids) {
			t.Fatalf("part %d is not in order", part)
		}
		if ids[0] <= last {
			t.Fatalf("part %d starts at %s, not beyond the last part's %s", part, ids[0], last)
		}
		for _, id := range ids {
			u, err := uuid.Parse(id)
			if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
				t.Fatalf("%s is not a random UUID", id)
			}
		}
		last = ids[len(ids)-1]
	}
}

func TestPutBulkAndLines(t *testing.T) {
	v := newTestVault(t)
	k1, k2 := v.LineKey([]byte("one"), 0), v.LineKey([]byte("one"), 1)
	if k1 == k2 || k1 != v.LineKey([]byte("one"), 0) {
		t.Fatal("a line key does not depend on its content and occurrence alone")
	}
	recs := []*Record{{Status: StatusComplete, Body: sampleBody}, {Status: StatusComplete, Body: sampleBody}}
	if err := v.PutBulk(recs, []LineKey{k1, k2}); err != nil {
		t.Fatal(err)
	}
	if err := v.PutBulk([]*Record{{Status: StatusComplete, Body: sampleBody}}, []LineKey{v.LineKey([]byte("three"), 0)}); err != nil {
		t.Fatal(err)
	}
	present := func() []bool {
		s, err := v.StoredLines()
		if err != nil {
			t.Fatal(err)
		}
		var out []bool
		for _, c := range []string{"one", "three", "two"} {
			out = append(out, s.Has(v.LineKey([]byte(c), 0)))
		}
		return append(out, s.Has(v.LineKey([]byte("one"), 1)))
	}
	if got := present(); !slices.Equal(got, []bool{true, true, false, true}) {
		t.Fatalf("present: %v", got)
	}
	sums, _ := v.Summaries()
	if len(sums) != 3 {
		t.Fatalf("%d records, want 3", len(sums))
	}
	log, _ := v.AuditLog()
	if last := log[len(log)-2]; last.Action != "2 records saved from an answers file" {
		t.Errorf("audit: %q", last.Action)
	}
	// The line keys survive a change of master key.
	if err := v.AddPassphrase("Budi", []byte("second passphrase here"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	if _, err := v.RemovePassphrase("Budi"); err != nil {
		t.Fatal(err)
	}
	v.linesKey = nil
	if got := present(); !slices.Equal(got, []bool{true, true, false, true}) {
		t.Errorf("after a rekey the lines are forgotten: %v", got)
	}
}
