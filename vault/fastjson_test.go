package vault

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// slowHead is decodeHead without the fast path.
func slowHead(raw []byte) (Record, error) {
	var r Record
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, err
	}
	r.Body = nil
	return r, nil
}

var fastJSONStrings = []string{"", "Partner NGO", "Yayasan Pelangi", "a\"quote", "back\\slash", "tab\there", "ü and 漢字", "line\nbreak", "<&>", "\u2028", "x\x00y"}

// The fast readers agree with encoding/json on every record and summary
// fieldvault writes, whatever the strings hold (escapes send them to the
// slow path).
func TestFastJSONMatchesEncodingJSON(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 123456789, time.UTC)
	for i, str := range fastJSONStrings {
		for _, share := range [][]string{nil, {}, {str}, {"Partner NGO", str}} {
			r := Record{ID: "6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa", Version: i + 1, Status: StatusComplete,
				Schema: SchemaRef{ID: "rescue-needs", Version: "1", Hash: str}, Lang: "id", Worker: str,
				Created: now, Updated: now.Add(time.Duration(i) * time.Hour).In(time.FixedZone("WIB", 7*3600)),
				Triage: str, Source: str, Share: share, Body: json.RawMessage(`{"answers":{"body":"` + "x" + `"}}`)}
			raw, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := slowHead(raw)
			got, err := decodeHead(raw)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("head of %s:\n got %+v (%v)\nwant %+v", raw, got, err, want)
			}
			sum := r.summary()
			sb, _ := json.Marshal(sum)
			var fast, slow Summary
			json.Unmarshal(sb, &slow)
			if err := decodeSummary(sb, &fast); err != nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("summary %s:\n got %+v (%v)\nwant %+v", sb, fast, err, slow)
			}
		}
	}
	// Shapes the fast path must leave to encoding/json, which decides.
	for _, sb := range []string{
		`{"i":"a","v":1,"s":"complete","c":"2026-11-27"}`,
		`{"i":"a","v":01,"s":"complete","c":"2026-11-27"}`,
		`{"i":"a","v":1e3,"s":"complete","c":"2026-11-27"}`,
		`{"i":"a","v":-1,"s":"complete","c":"2026-11-27"}`,
		`{"I":"a","v":1}`,
		`{"i":"a","i":"b","v":2}`,
		`{"i":"a", "v":1}`,
		`{"i":"a","v":1}x`,
		`{"i":"a","h":null}`,
		`{"i":"a","h":["x",1]}`,
		`{"i":"\u0041","v":1}`,
		`{"i":"a","v":123456789012345678901}`,
		`{"i":"a","z":1}`,
		`{`, ``, `[]`, `{"i":"a"`,
	} {
		var fast, slow Summary
		slowErr := json.Unmarshal([]byte(sb), &slow)
		fastErr := decodeSummary([]byte(sb), &fast)
		if (slowErr == nil) != (fastErr == nil) || slowErr == nil && !reflect.DeepEqual(fast, slow) {
			t.Errorf("summary %s: fast %+v (%v), encoding/json %+v (%v)", sb, fast, fastErr, slow, slowErr)
		}
	}
	for _, raw := range []string{
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":2,"status":"complete","schema":{"id":"x","version":"1"},"created":"2026-11-27T09:30:00Z","updated":"2026-11-27T09:30:00Z","body":{}}`,
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":2,"status":"complete","created":"2026-11-27T25:30:00Z","body":{}}`,
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":2,"status":"complete","extra":1,"body":{}}`,
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":2,"status":"complete"}`,
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":2,"status":"nonsense","body":{}}`,
		`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":0,"status":"complete","body":{}}`,
	} {
		want, slowErr := slowHead([]byte(raw))
		if slowErr == nil {
			if _, err := uuid.Parse(want.ID); err != nil || !want.Status.Valid() || want.Version < 1 {
				slowErr = ErrCorrupt
			}
		}
		got, err := decodeHead([]byte(raw))
		if (err == nil) != (slowErr == nil) || err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("head %s: fast %+v (%v), encoding/json %+v (%v)", strings.TrimSpace(raw), got, err, want, slowErr)
		}
	}
}

// FuzzFastSummary: whatever the fast reader accepts, encoding/json reads
// the same way.
func FuzzFastSummary(f *testing.F) {
	f.Add([]byte(`{"i":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","v":3,"s":"complete","c":"2026-11-27","t":"today","q":"rescue-needs","u":1790000000,"f":"x","h":["Partner NGO"],"k":"abc"}`))
	f.Add([]byte(`{"i":"a","v":1,"s":"draft","c":"2026-11-27","h":[]}`))
	f.Add([]byte(`{"i":"a","v":1,"s":"draft","c":"2026-11-27","n":1790000000123456}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast Summary
		if !fastSummary(b, &fast) {
			return
		}
		var slow Summary
		if err := json.Unmarshal(b, &slow); err != nil || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: fast %+v, encoding/json %+v (%v)", b, fast, slow, err)
		}
	})
}

// FuzzMayLeave: where the fast reader decides whether a record may leave,
// encoding/json must decide the same.
func FuzzMayLeave(f *testing.F) {
	const id, key = "6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa", "key:00112233445566778899aabbccddeeff"
	f.Add([]byte(`{"id":"` + id + `","version":2,"status":"complete","schema":{"id":"rescue-needs","version":"1","hash":"ab"},"lang":"en","worker":"w","created":"2026-11-27T10:00:00Z","updated":"2026-11-27T10:00:00Z","triage":"soon","share":["` + key + `"],"body":{}}`))
	f.Add([]byte(`{"id":"` + id + `","version":2,"status":"delivered","share":["x","` + key + `"]}`))
	f.Add([]byte(`{"id":"` + id + `","version":2,"status":"draft","share":["` + key + `"]}`))
	f.Add([]byte(`{"id":"` + id + `","version":3,"status":"complete","share":[]}`))
	f.Add([]byte(`{"id":"` + id + `","version":2,"status":"complete","share":["` + key + `"],"share":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := fastMayLeave(b, id, 2, key)
		if !ok {
			return
		}
		var r struct {
			ID      string   `json:"id"`
			Version int      `json:"version"`
			Status  Status   `json:"status"`
			Share   []string `json:"share"`
		}
		err := json.Unmarshal(b, &r)
		// The fast reader stops at "body": what follows it is not its to
		// judge, so only a well-formed whole counts as a disagreement.
		if err != nil {
			return
		}
		slow := r.ID == id && r.Version == 2 && (r.Status == StatusComplete || r.Status == StatusDelivered) && slices.Contains(r.Share, key)
		if fast != slow {
			t.Fatalf("%q: fast %v, encoding/json %v", b, fast, slow)
		}
	})
}
