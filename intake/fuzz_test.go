package intake

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"testing"
)

// FuzzApplyAnswers feeds arbitrary answers files through the decoder and
// the engine: every input is either stored-shaped or refused with an error,
// never a panic.
func FuzzApplyAnswers(f *testing.F) {
	f.Add(bulkFile(f, 2))
	f.Add([]byte(`{"answers": {"consent.interview": false}}`))
	f.Add([]byte(`{"answers": {"consent.interview": true, "consent.given_by": "caregiver", "person.minor": true, "consent.minor_basis": "guardian", "consent.assent": true, "consent.store": true, "consent.share": ["Partner NGO"], "consent.referral": [], "consent.followup": true, "shelter.dependants": true, "shelter.dependants_count": 1e308}}`))
	f.Add([]byte("{\"answers\": {}}\n{]"))
	f.Add([]byte(`{"answers": {"consent.interview": true, "consent.given_by": 7, "person.minor": null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := rescueNeeds(t)
		ReadAnswers(bytes.NewReader(data), func(line int, set AnswerSet, bad error) error {
			if bad != nil {
				return nil
			}
			e, err := New(s, Options{Lang: "en", Contacts: []string{"Partner NGO"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := Apply(e, set.Answers); err != nil {
				return nil
			}
			if !e.Done() {
				t.Fatal("Apply returned without finishing the interview")
			}
			if _, err := e.Record(""); err != nil {
				t.Fatalf("a finished interview cannot be recorded: %v", err)
			}
			return nil
		})
	})
}

// FuzzTable feeds arbitrary bytes through the spreadsheet readers, as CSV
// and as XLSX: every row becomes one line of JSON Lines (empty for a row
// skipped), or the file is refused with an error, never a panic.
func FuzzTable(f *testing.F) {
	f.Add([]byte("consent.interview,person.minor,consent.referral\nya,tidak,shelter;health\n\n-,,\n"))
	f.Add([]byte("\ufeffref,consent.interview\nP-1,\"a \"\"quoted\"\" cell\"\n"))
	f.Add([]byte("PK\x03\x04 not really a zip"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, closeBook, err := XLSXRows(bytes.NewReader(data))
		if err == nil {
			io.Copy(io.Discard, TableAnswers(rows, BulkOptions{}))
			closeBook()
		}
		out, err := io.ReadAll(TableAnswers(CSVRows(bytes.NewReader(data)), BulkOptions{}))
		if err != nil {
			return
		}
		for _, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
			if len(line) > 0 && !json.Valid(line) {
				t.Fatalf("a row became a line that is not JSON: %q", line)
			}
		}
	})
}

// FuzzBodyAnswers: for every body ParseBody reads, BodyAnswers gives the
// same answers and the same refused consent question.
func FuzzBodyAnswers(f *testing.F) {
	for _, s := range []string{
		`{"answers": {"consent.interview": true, "consent.referral": ["shelter", "health"], "shelter.dependants_count": 2.5, "person.name": "Ayu", "n": null}, "skipped": ["a"], "consent": {"time": "2026-12-01T11:39:57Z", "lang": "en"}, "triage": {"level": "soon", "reasons": []}}`,
		`{"consent": {"time": "2026-12-01T11:39:57Z", "declined": "consent.interview"}}`,
		`{"answers": {"a": "caf\u00e9 \"q\"", "b": -0.5e3, "c": []}, "draft": {"page": 2, "held": {"x": {"y": [1, {"z": null}]}}}}`,
		`{"Answers": {"a": 1}}`,
		`{"answers": {"a": 1}, "answers": {"b": 2}, "consent": {"declined": "x"}, "consent": {"lang": "id"}}`,
		`{"answers": {"a": "é"}, "consent": null}`,
		`{"answers": {"a": [[1]]}}`,
		`{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		want, err := ParseBody(raw)
		if err != nil {
			return
		}
		got, declined, err := BodyAnswers(raw)
		if err != nil {
			t.Fatalf("ParseBody reads %q, BodyAnswers fails: %v", raw, err)
		}
		wantDeclined := ""
		if want.Consent != nil {
			wantDeclined = want.Consent.Declined
		}
		if !reflect.DeepEqual(got, want.Answers) || declined != wantDeclined {
			t.Fatalf("%q:\nBodyAnswers %#v, %q\nParseBody   %#v, %q", raw, got, declined, want.Answers, wantDeclined)
		}
	})
}
