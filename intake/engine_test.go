package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) }

func rescueNeeds(t *testing.T) *schema.Schema {
	t.Helper()
	s, err := schema.Lookup("rescue-needs")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newEngine(t *testing.T, lang string) *Engine {
	t.Helper()
	e, err := New(rescueNeeds(t), Options{Lang: lang, Worker: "Sari", Contacts: []string{"Partner NGO", "Legal Aid Office"}, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// vals turns plain values into answers.
func vals(m map[string]any) map[string]Answer {
	out := map[string]Answer{}
	for k, v := range m {
		out[k] = Answer{Value: v}
	}
	return out
}

var adultConsent = map[string]any{
	"consent.interview": true, "consent.given_by": "self", "person.minor": false,
	"consent.store": true, "consent.share": []any{"partner ngo"},
	"consent.referral": []any{"health", "shelter"}, "consent.followup": true,
}

func submit(t *testing.T, e *Engine, m map[string]any) []Alert {
	t.Helper()
	alerts, err := e.Submit(vals(m))
	if err != nil {
		t.Fatalf("Submit(%v) on page %s: %v", m, e.Page().ID, err)
	}
	return alerts
}

// finish skips every remaining page.
func finish(t *testing.T, e *Engine) {
	t.Helper()
	for !e.Done() {
		submit(t, e, nil)
	}
}

func TestConsentDeclinedStoresNothingPersonal(t *testing.T) {
	e := newEngine(t, "id")
	if e.Page().ID != "consent" {
		t.Fatalf("first page = %s", e.Page().ID)
	}
	// Before consent only consent.interview is asked.
	if v := e.Visible(nil); len(v) != 1 || v[0].ID != "consent.interview" {
		t.Fatalf("visible before consent: %v", ids(v))
	}
	if _, err := e.Submit(vals(map[string]any{"consent.interview": false, "consent.given_by": "self"})); err == nil {
		t.Fatal("an answer after a declined consent was accepted")
	}
	submit(t, e, map[string]any{"consent.interview": false})
	if !e.Done() || !e.Declined() || e.Consented() {
		t.Fatalf("after no: done=%v declined=%v", e.Done(), e.Declined())
	}
	r, err := e.Record("")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != vault.StatusDeclined || r.Triage != "" {
		t.Errorf("record = %+v", r)
	}
	var body map[string]any
	json.Unmarshal(r.Body, &body)
	if len(body) != 1 || body["consent"] == nil {
		t.Errorf("a declined record holds more than the consent: %s", r.Body)
	}
	c := body["consent"].(map[string]any)
	if c["declined"] != "consent.interview" || c["lang"] != "id" || c["worker"] != "Sari" ||
		c["script_sha256"] != rescueNeeds(t).ScriptHash("id") || c["time"] != "2026-11-27T09:30:00Z" {
		t.Errorf("consent = %v", c)
	}
	if !strings.Contains(e.Summary(), "Persetujuan tidak diberikan") {
		t.Errorf("summary = %q", e.Summary())
	}
}

func TestConsentStoreDeclined(t *testing.T) {
	e := newEngine(t, "en")
	// The share, referral and follow-up questions come after the store gate
	// and are not asked once it is refused.
	submit(t, e, map[string]any{"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": false})
	r, _ := e.Record("")
	if r.Status != vault.StatusDeclined || strings.Contains(string(r.Body), "given_by") {
		t.Errorf("record after store refused = %s %s", r.Status, r.Body)
	}
}

func TestRequiredConsentQuestions(t *testing.T) {
	e := newEngine(t, "en")
	m := maps.Clone(adultConsent)
	delete(m, "consent.share")
	_, err := e.Submit(vals(m))
	var ae *AnswerError
	if !errors.As(err, &ae) || ae.Question != "consent.share" || ae.Msg != msgRequired {
		t.Fatalf("missing consent.share: err = %v", err)
	}
	m["consent.share"] = []any{}
	m["consent.referral"] = []any{}
	submit(t, e, m)
	if e.Page().ID != "safety" {
		t.Errorf("after consent: page %s", e.Page().ID)
	}
}

func TestMinorPath(t *testing.T) {
	e := newEngine(t, "en")
	tentative := vals(map[string]any{"consent.interview": true, "consent.given_by": "caregiver", "person.minor": true})
	got := ids(e.Visible(tentative))
	for _, want := range []string{"consent.minor_basis", "consent.assent"} {
		if !slices.Contains(got, want) {
			t.Errorf("minor path: %s not asked (asked: %v)", want, got)
		}
	}
	// The child's own assent is required, and "no" ends the interview.
	m := maps.Clone(adultConsent)
	m["person.minor"], m["consent.given_by"], m["consent.minor_basis"] = true, "caregiver", "guardian"
	if _, err := e.Submit(vals(m)); err == nil {
		t.Fatal("minor without assent accepted")
	}
	m["consent.assent"] = false
	delete(m, "consent.store")
	delete(m, "consent.share")
	delete(m, "consent.referral")
	delete(m, "consent.followup")
	submit(t, e, m)
	if !e.Declined() {
		t.Fatal("a child's refusal did not end the interview")
	}
	r, _ := e.Record("")
	if !strings.Contains(string(r.Body), `"declined":"consent.assent"`) {
		t.Errorf("body = %s", r.Body)
	}

	e = newEngine(t, "en")
	m = maps.Clone(adultConsent)
	m["person.minor"], m["consent.minor_basis"], m["consent.assent"] = true, "best_interest", true
	submit(t, e, m)
	finish(t, e)
	if tr := e.Triage(); tr.Level != "today" || !slices.Contains(tr.Reasons, "A child") {
		t.Errorf("minor triage = %+v", tr)
	}
	// The adult path never asks the minor questions.
	e = newEngine(t, "en")
	if got := ids(e.Visible(vals(adultConsent))); slices.Contains(got, "consent.assent") {
		t.Errorf("adult asked for assent: %v", got)
	}
}

func TestSkipLogic(t *testing.T) {
	e := newEngine(t, "en")
	submit(t, e, adultConsent)
	for e.Page().ID != "shelter" {
		submit(t, e, nil)
	}
	if got := ids(e.Visible(nil)); !slices.Equal(got, []string{"shelter.needed_tonight", "shelter.dependants"}) {
		t.Errorf("shelter before answers: %v", got)
	}
	if got := ids(e.Visible(vals(map[string]any{"shelter.needed_tonight": true, "shelter.dependants": true}))); len(got) != 5 {
		t.Errorf("shelter with yes answers: %v", got)
	}
	// Answering a question that skip logic hides is an error.
	_, err := e.Submit(vals(map[string]any{"shelter.dependants": false, "shelter.dependants_count": 2.0}))
	var ae *AnswerError
	if !errors.As(err, &ae) || ae.Question != "shelter.dependants_count" || ae.Msg != msgNotAsked {
		t.Errorf("hidden question answered: err = %v", err)
	}
	submit(t, e, map[string]any{"shelter.dependants": true, "shelter.dependants_count": 2.0, "shelter.needed_tonight": true, "shelter.type": "family"})
	// The follow-up contact questions depend on consent.followup, asked on
	// the first page.
	for e.Page().ID != "followup" {
		submit(t, e, nil)
	}
	if got := ids(e.Visible(nil)); !slices.Contains(got, "followup.contact_method") {
		t.Errorf("follow-up questions with consent.followup=yes: %v", got)
	}
}

func TestPageSkippedWhenNothingIsAsked(t *testing.T) {
	s, err := schema.Parse([]byte(`{"id":"t","version":"1","languages":["en"],"title":{"en":"T"},
	"consent":{"script":{"en":"S"}},
	"pages":[
	 {"id":"c","title":{"en":"C"},"questions":[{"id":"consent.interview","type":"yesno","label":{"en":"ok?"},"required":true,"gate":true},
	   {"id":"c.more","type":"yesno","label":{"en":"more?"}}]},
	 {"id":"more","title":{"en":"More"},"when":{"q":"c.more","equals":true},"questions":[{"id":"m.a","type":"text","label":{"en":"a"}}]},
	 {"id":"last","title":{"en":"Last"},"questions":[{"id":"l.a","type":"number","label":{"en":"n"},"min":1,"max":5}]}],
	"triage":{"default":"soon","rules":[]}}`))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := New(s, Options{})
	submit(t, e, map[string]any{"consent.interview": true, "c.more": false})
	if e.Page().ID != "last" {
		t.Errorf("page = %s, want last (more is skipped)", e.Page().ID)
	}
	if n, total := e.Progress(); n != 2 || total != 2 {
		t.Errorf("progress = %d of %d", n, total)
	}
	e.Back()
	submit(t, e, map[string]any{"consent.interview": true, "c.more": true})
	if e.Page().ID != "more" {
		t.Errorf("page = %s, want more", e.Page().ID)
	}
	if n, total := e.Progress(); n != 2 || total != 3 {
		t.Errorf("progress = %d of %d", n, total)
	}
}

func TestValidation(t *testing.T) {
	e := newEngine(t, "en")
	submit(t, e, adultConsent)
	for e.Page().ID != "person" {
		submit(t, e, nil)
	}
	bad := []struct {
		answers map[string]any
		q       string
		msg     msgKey
	}{
		{map[string]any{"person.age_range": "old"}, "person.age_range", msgUnknownOption},
		{map[string]any{"person.age_range": 3.0}, "person.age_range", msgWantOption},
		{map[string]any{"person.interpreter": "yes"}, "person.interpreter", msgWantYesNo},
		{map[string]any{"person.name": "two\nlines"}, "person.name", msgOneLine},
		{map[string]any{"person.name": strings.Repeat("x", 81)}, "person.name", msgLength},
		{map[string]any{"person.name": "   "}, "person.name", msgEmpty},
		{map[string]any{"nosuch.question": true}, "nosuch.question", msgUnknownQuestion},
		{map[string]any{"food.needed_now": true}, "food.needed_now", msgNotOnPage},
	}
	for _, tc := range bad {
		_, err := e.Submit(vals(tc.answers))
		var ae *AnswerError
		if !errors.As(err, &ae) || ae.Question != tc.q || ae.Msg != tc.msg {
			t.Errorf("%v: err = %v, want %s %v", tc.answers, err, tc.q, tc.msg)
		}
		if e.Page().ID != "person" {
			t.Fatalf("a rejected page moved on")
		}
	}
	submit(t, e, map[string]any{"person.name": "  Ayu ", "person.interpreter": true, "person.interpreter_language": "Javanese"})
	if e.State().Answers["person.name"] != "Ayu" {
		t.Errorf("name = %q", e.State().Answers["person.name"])
	}
	if !slices.Contains(e.State().Skipped, "person.age_range") {
		t.Error("a question left out was not recorded as skipped")
	}
	submit(t, e, map[string]any{"shelter.dependants": true, "shelter.dependants_count": 2.0})
	e.Back()
	if _, err := e.Submit(vals(map[string]any{"shelter.dependants": true, "shelter.dependants_count": 21.0})); err == nil {
		t.Error("21 accepted for a 1..20 question")
	}
	if _, err := e.Submit(vals(map[string]any{"shelter.dependants": true, "shelter.dependants_count": 2.5})); err != nil {
		t.Errorf("2.5: %v", err)
	}
	// Contacts are matched case-insensitively and stored as spelled.
	e = newEngine(t, "en")
	m := maps.Clone(adultConsent)
	m["consent.share"] = []any{"Nobody We Know"}
	_, err := e.Submit(vals(m))
	var ae *AnswerError
	if !errors.As(err, &ae) || ae.Msg != msgUnknownContact || !strings.Contains(err.Error(), "known: Partner NGO, Legal Aid Office") {
		t.Errorf("unknown contact: %v", err)
	}
	submit(t, e, adultConsent)
	if got := e.State().Answers["consent.share"]; !slices.Equal(got.([]string), []string{"Partner NGO"}) {
		t.Errorf("share = %v", got)
	}
	if got := e.State().Answers["consent.referral"]; !slices.Equal(got.([]string), []string{"shelter", "health"}) {
		t.Errorf("referrals are not in option order: %v", got)
	}
}

func TestTriage(t *testing.T) {
	tests := []struct {
		name    string
		answers map[string]any
		level   string
		alert   bool
	}{
		{"nothing named", nil, "soon", false},
		{"shelter tonight", map[string]any{"shelter.needed_tonight": true}, "today", false},
		{"urgent care", map[string]any{"medical.urgent": true}, "immediate", true},
		{"bleeding", map[string]any{"medical.injured": true, "medical.bleeding": true}, "immediate", true},
		{"self-harm", map[string]any{"wellbeing.self_harm": true}, "immediate", true},
		{"danger", map[string]any{"safety.danger_now": true}, "immediate", true},
		{"pregnancy", map[string]any{"medical.pregnant": true, "medical.pregnancy_problem": true}, "immediate", true},
		{"very distressed", map[string]any{"wellbeing.distress": "very_distressed"}, "today", false},
		{"infant food", map[string]any{"food.infant": true}, "today", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t, "en")
			submit(t, e, adultConsent)
			var alerts []Alert
			for !e.Done() {
				page := map[string]any{}
				for _, q := range e.Page().Questions {
					if v, ok := tc.answers[q.ID]; ok {
						page[q.ID] = v
					}
				}
				alerts = append(alerts, submit(t, e, page)...)
			}
			if got := e.Triage().Level; got != tc.level {
				t.Errorf("level = %s, want %s", got, tc.level)
			}
			if (len(alerts) > 0) != tc.alert {
				t.Errorf("alerts = %v", alerts)
			}
		})
	}
}

func TestAlertShownOnceRightAfterItsPage(t *testing.T) {
	e := newEngine(t, "id")
	submit(t, e, adultConsent)
	alerts := submit(t, e, map[string]any{"safety.danger_now": true})
	if len(alerts) != 1 || alerts[0].Level != "immediate" || !strings.Contains(alerts[0].Text, "Berhenti") {
		t.Fatalf("alerts after safety page = %v", alerts)
	}
	if again := submit(t, e, nil); len(again) != 0 {
		t.Errorf("alert repeated: %v", again)
	}
}

func TestStopKeepsCompletedPages(t *testing.T) {
	e := newEngine(t, "en")
	submit(t, e, adultConsent)
	submit(t, e, map[string]any{"safety.safe_here": true})
	e.Stop()
	r, err := e.Record("")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseBody(r.Body)
	if r.Status != vault.StatusComplete || !b.EndedEarly || b.Answers["safety.safe_here"] != true {
		t.Errorf("stopped record = %s %s", r.Status, r.Body)
	}
	if !strings.Contains(e.Summary(), "ended early") {
		t.Errorf("summary = %q", e.Summary())
	}

	// Stopping before consent stores only the decision.
	e = newEngine(t, "en")
	if _, err := e.Record(""); !errors.Is(err, ErrNoConsent) {
		t.Errorf("record before consent: err = %v", err)
	}
	e.Stop()
	r, _ = e.Record("")
	if r.Status != vault.StatusDeclined || !strings.Contains(string(r.Body), `"declined":"stopped"`) {
		t.Errorf("stopped before consent = %s %s", r.Status, r.Body)
	}
}

func TestDraftResume(t *testing.T) {
	e := newEngine(t, "id")
	submit(t, e, adultConsent)
	submit(t, e, map[string]any{"safety.danger_now": true})
	r, err := e.Record("")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != vault.StatusDraft || r.Triage != "immediate" {
		t.Fatalf("draft = %s %s", r.Status, r.Triage)
	}
	// Round-trip through JSON, as the vault does.
	raw, _ := json.Marshal(r)
	var back vault.Record
	json.Unmarshal(raw, &back)
	e2, err := Resume(rescueNeeds(t), &back, Options{Worker: "Sari", Contacts: []string{"Partner NGO"}, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if e2.Page().ID != e.Page().ID || e2.Lang() != "id" {
		t.Errorf("resumed at %s in %s, want %s", e2.Page().ID, e2.Lang(), e.Page().ID)
	}
	// The alert already shown is not shown again.
	if alerts := submit(t, e2, nil); len(alerts) != 0 {
		t.Errorf("alert repeated after resume: %v", alerts)
	}
	// Lists come back from JSON as []any; conditions and the summary
	// must still see them.
	if got, ok := e2.State().Answers["consent.referral"].([]string); !ok || len(got) != 2 {
		t.Errorf("referrals after resume = %#v", e2.State().Answers["consent.referral"])
	}
	if !strings.Contains(e2.Summary(), "Rujukan yang disetujui: Rumah aman, Layanan kesehatan") {
		t.Errorf("summary after resume:\n%s", e2.Summary())
	}
	if !e2.Back() || e2.Page().ID != "priorities" {
		t.Errorf("back after resume: %v", e2.Page().ID)
	}
	finish(t, e2)
	r2, _ := e2.Record(r.ID)
	if r2.Status != vault.StatusComplete || !strings.Contains(string(r2.Body), `"safety.danger_now":true`) {
		t.Errorf("finished = %s %s", r2.Status, r2.Body)
	}
}

func TestSummary(t *testing.T) {
	e := newEngine(t, "en")
	submit(t, e, adultConsent)
	for !e.Done() {
		page := map[string]any{}
		switch e.Page().ID {
		case "shelter":
			page["shelter.needed_tonight"] = true
		case "food":
			page["food.needed_now"] = false
		}
		submit(t, e, page)
	}
	got := e.Summary()
	for _, want := range []string{
		"Urgency: today — Needs a safe place tonight",
		"  - A safe place to sleep tonight",
		"Agreed referrals: Safe shelter, Health care",
		"May be shared with: Partner NGO",
		"Follow-up contact: yes",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Food and water") {
		t.Errorf("a need answered no is listed:\n%s", got)
	}
}

func ids(qs []*schema.Question) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

// Answers held from a page left mid-way come back with the draft to fill
// the page in again; they never count as answers, never outlive the page,
// and nothing is held before consent.
func TestHeldAnswers(t *testing.T) {
	e := newEngine(t, "en")
	e.Hold(map[string]any{"consent.withhold": "typed before consent"})
	if _, err := e.Record(""); !errors.Is(err, ErrNoConsent) {
		t.Fatalf("a draft was made before consent: %v", err)
	}
	submit(t, e, adultConsent)
	submit(t, e, nil) // safety
	page := e.Page().ID
	e.Hold(map[string]any{"priority.own_words": "half a sent", "person.name": "not on this page", "nothing": nil})
	if got := e.State().Held; len(got) != 1 || got["priority.own_words"] != "half a sent" {
		t.Fatalf("held on %s = %v", page, got)
	}
	r, err := e.Record("")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(r.Body), `"answers":{"priority.own_words"`) {
		t.Errorf("a held answer counts as an answer: %s", r.Body)
	}
	raw, _ := json.Marshal(r)
	var back vault.Record
	json.Unmarshal(raw, &back)
	e2, err := Resume(rescueNeeds(t), &back, Options{Worker: "Sari", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if e2.Page().ID != page || e2.State().Held["priority.own_words"] != "half a sent" {
		t.Fatalf("resumed at %s holding %v", e2.Page().ID, e2.State().Held)
	}
	if _, ok := e2.State().Answers["priority.own_words"]; ok {
		t.Error("the held answer became an answer on resume")
	}
	e2.Back()
	if e2.State().Held != nil {
		t.Errorf("Back kept what was held of another page: %v", e2.State().Held)
	}
	submit(t, e2, nil)
	e2.Hold(map[string]any{"priority.own_words": "again"})
	submit(t, e2, map[string]any{"priority.own_words": "a safe place"})
	if e2.State().Held != nil {
		t.Errorf("Submit kept what was held: %v", e2.State().Held)
	}
	// Multiple choices held come back from JSON as lists of strings.
	e3 := newEngine(t, "en")
	e3.Hold(map[string]any{"consent.referral": []string{"health"}})
	submit(t, e3, adultConsent)
	e3.Back()
	e3.Hold(map[string]any{"consent.referral": []string{"legal"}})
	r3, _ := e3.Record("")
	raw, _ = json.Marshal(r3)
	json.Unmarshal(raw, &back)
	e4, err := Resume(rescueNeeds(t), &back, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := e4.State().Held["consent.referral"].([]string); !ok || !slices.Equal(got, []string{"legal"}) {
		t.Errorf("held list after resume = %#v", e4.State().Held["consent.referral"])
	}
}

// Texts meant for the worker — alerts, and questions whose audience is the
// worker — come in the worker's language; the person's in the interview's.
func TestWorkerTextsInWorkerLanguage(t *testing.T) {
	s := rescueNeeds(t)
	e, err := New(s, Options{Lang: "id", WorkerLang: "en", Worker: "w", Contacts: []string{"Partner NGO"}})
	if err != nil {
		t.Fatal(err)
	}
	in := "y\n2\ny\n1\ny\ny\n0\n1\ny\n\n" + // a child, with a guardian: consent page
		"y\n\n\n" // in danger right now: an alert once the page is done
	var out bytes.Buffer
	p := &Plain{In: strings.NewReader(in), Out: &out}
	if err := p.Run(context.Background(), e); !errors.Is(err, ErrInputEnded) {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Apakah Anda setuju untuk berbicara dengan saya sekarang?", // to the person
		"Who is giving consent?",                                   // to the worker
		"On what basis is a child interviewed?",
		"1) A parent or guardian consented",
		"!! " + text("en", msgAlert) + ": Stop and make the person safe first",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the run does not show %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Atas dasar apa anak ini diwawancarai?") {
		t.Error("a worker's question was shown in the interview's language")
	}
}

// An answer changed on a revisited page forgets what it hides on later
// pages: follow-up refused after all, the contact method goes.
func TestRevisitForgetsHiddenAnswers(t *testing.T) {
	e := newEngine(t, "en")
	submit(t, e, adultConsent)
	for e.Page().ID != "followup" {
		submit(t, e, nil)
	}
	submit(t, e, map[string]any{"followup.contact_method": "phone"})
	if e.State().Answers["followup.contact_method"] != "phone" {
		t.Fatalf("not stored: %v", e.State().Answers)
	}
	// Back to the consent page, now without follow-up.
	e.st.Done, e.st.Page = false, len(e.Schema().Pages)-1
	for e.Back() {
	}
	if e.Page().ID != "consent" {
		t.Fatalf("back at %s", e.Page().ID)
	}
	changed := map[string]any{}
	for k, v := range adultConsent {
		changed[k] = v
	}
	changed["consent.followup"] = false
	submit(t, e, changed)
	if _, ok := e.State().Answers["followup.contact_method"]; ok {
		t.Fatal("an answer the changed consent hides is still kept")
	}
	finish(t, e)
	r, err := e.Record("")
	if err != nil || strings.Contains(string(r.Body), "followup.contact_method") {
		t.Fatalf("the record holds a hidden answer: %s, %v", r.Body, err)
	}
}
