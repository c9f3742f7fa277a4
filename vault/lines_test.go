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
	if got, _ := v.LinesPresent([]LineKey{k1, k2, v.LineKey([]byte("two"), 0)}); !slices.Equal(got, []bool{true, true, false}) {
		t.Fatalf("present: %v", got)
	}
	// A key stored already refuses the whole batch.
	if err := v.PutBulk([]*Record{{Status: StatusComplete, Body: sampleBody}}, []LineKey{k1}); err == nil {
		t.Fatal("a line stored twice")
	}
	sums, _ := v.Summaries()
	if len(sums) != 2 {
		t.Fatalf("%d records, want 2", len(sums))
	}
	log, _ := v.AuditLog()
	if last := log[len(log)-1]; last.Action != "2 records saved from an answers file" {
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
	if got, _ := v.LinesPresent([]LineKey{v.LineKey([]byte("one"), 0), v.LineKey([]byte("one"), 1)}); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("after a rekey the lines are forgotten: %v", got)
	}
}
