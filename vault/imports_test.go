package vault

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDecodeHead(t *testing.T) {
	r := Record{
		ID: "6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa", Version: 3, Status: StatusComplete,
		Schema: SchemaRef{ID: "rescue-needs", Version: "1", Hash: "h"}, Lang: "id", Worker: "Sari",
		Created: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), Triage: "today", Share: []string{"Partner NGO"},
		// A nested "body" key and a string that looks like one must not
		// confuse where the head ends.
		Body: json.RawMessage(`{"answers":{"body":{"x":1},"note":"a ,\"body\": b"}}`),
	}
	raw, _ := json.Marshal(r)
	got, err := decodeHead(raw)
	if err != nil {
		t.Fatal(err)
	}
	r.Body = nil
	if g, _ := json.Marshal(got); string(g) != string(mustJSON(r)) {
		t.Errorf("head = %s\nwant   %s", g, mustJSON(r))
	}
	// Another field order still decodes, the slow way.
	other := []byte(`{"body":{},"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":1,"status":"complete"}`)
	if got, err := decodeHead(other); err != nil || got.Version != 1 {
		t.Errorf("body first: %+v, %v", got, err)
	}
	for _, bad := range []string{`{}`, `not json`, `{"id":"x","version":1,"status":"complete","body":{}}`,
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":0,"status":"complete","body":{}}`,
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":1,"status":"lost","body":{}}`} {
		if _, err := decodeHead([]byte(bad)); err == nil {
			t.Errorf("decodeHead(%s) accepted", bad)
		}
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// ExportHeads reads every log entry's fields but its record list, for old
// entries (record list first) and new ones alike.
func TestExportHeads(t *testing.T) {
	v := newTestVault(t)
	recs := []RecordVersion{{ID: "6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa", Version: 2}}
	for i, w := range [][]string{nil, {"0b9e4411-5c3a-4d8e-8f0e-9d5b2a7c1e20"}} {
		if err := v.LogExport(&Export{Contact: "c", Bundle: "b" + string(rune('1'+i)), Seq: int64(i + 1), Records: recs, Withdrawals: w}); err != nil {
			t.Fatal(err)
		}
	}
	full, err := v.Exports()
	if err != nil {
		t.Fatal(err)
	}
	heads, err := v.ExportHeads()
	if err != nil || len(heads) != 2 {
		t.Fatalf("ExportHeads = %+v, %v", heads, err)
	}
	for i := range full {
		want := full[i]
		want.Records = nil
		if got := heads[i]; got.ID != want.ID || got.Seq != want.Seq || got.Bundle != want.Bundle || !got.Time.Equal(want.Time) || len(got.Withdrawals) != len(want.Withdrawals) || got.Records != nil {
			t.Errorf("head %d = %+v, want %+v", i, got, want)
		}
	}
	if len(full[0].Records) != 1 {
		t.Errorf("Exports lost the record list: %+v", full[0])
	}
}
