package intake

import (
	"errors"
	"strconv"
	"testing"

	"github.com/fieldvault/fieldvault/schema"
)

// An imported XLSForm's constraints, required messages, whole numbers and
// skip logic act in the engine, in the interview's language.
func TestImportedFormChecks(t *testing.T) {
	s, err := schema.Load("../testdata/schema/xlsform-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "id"} {
		e, err := New(s, Options{Lang: lang, Worker: "Sari", Contacts: []string{"Partner NGO"}, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		submit(t, e, adultConsent)
		submit(t, e, map[string]any{"worked": "yes"})
		if e.Page().ID != "work" {
			t.Fatalf("after worked=yes the page is %s, not work", e.Page().ID)
		}
		hours, _ := s.Question("hours")
		wantMsg := map[string]string{"en": "From 0 to 24", "id": "Dari 0 sampai 24"}[lang]
		for _, bad := range []float64{25, -1} {
			_, msg := e.checkTyped(hours, nil, strconv.FormatFloat(bad, 'f', -1, 64))
			if msg != wantMsg {
				t.Errorf("%s: hours %v: message %q, want %q", lang, bad, msg, wantMsg)
			}
			var ae *AnswerError
			if _, err := e.Submit(vals(map[string]any{"kinds": []any{"fishing"}, "hours": bad})); !errors.As(err, &ae) || ae.Reason(lang) != wantMsg {
				t.Errorf("%s: Submit hours %v: %v", lang, bad, err)
			}
		}
		if _, msg := e.checkTyped(hours, nil, "2.5"); msg != text(lang, msgWantWhole) {
			t.Errorf("%s: hours 2.5: %q", lang, msg)
		}
		// paid is asked only once a kind of work is chosen, amount only
		// when paid; with no kind, neither is asked.
		tent := vals(map[string]any{"kinds": []any{}, "hours": 8.0})
		for _, q := range e.Visible(tent) {
			if q.ID == "paid" || q.ID == "amount" {
				t.Errorf("%s: %s is asked with no kind of work", lang, q.ID)
			}
		}
		submit(t, e, map[string]any{"kinds": []any{"fishing"}, "hours": 13.0, "paid": "yes", "amount": 100.0})
		// hours > 12 hides the employer, and with it the postcode.
		if e.Page().ID != "form_2" {
			t.Fatalf("%s: page %s", lang, e.Page().ID)
		}
		for _, q := range e.Visible(nil) {
			if q.ID == "employer" || q.ID == "postcode" {
				t.Errorf("%s: %s is asked after 13 hours a day", lang, q.ID)
			}
		}
		postcode, _ := s.Question("postcode")
		if _, msg := e.checkTyped(postcode, nil, "123"); msg != map[string]string{"en": "Five digits", "id": "Lima angka"}[lang] {
			t.Errorf("%s: postcode 123: %q", lang, msg)
		}
		if _, msg := e.checkTyped(postcode, nil, "12345"); msg != "" {
			t.Errorf("%s: postcode 12345: %q", lang, msg)
		}
	}
}
