package cases

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

func rescueNeeds(t *testing.T) *schema.Schema {
	t.Helper()
	s, err := schema.Lookup("rescue-needs")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// older is rescue-needs as an earlier version that asked age in other bands.
func older(t *testing.T) *schema.Schema {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal(rescueNeeds(t).Source, &raw); err != nil {
		t.Fatal(err)
	}
	raw["version"] = "2"
	src, _ := json.Marshal(raw)
	src = bytes.Replace(src, []byte(`"value":"18_20"`), []byte(`"value":"18_24"`), 1)
	s, err := schema.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func body(t *testing.T, js string) (map[string]any, string) {
	t.Helper()
	answers, declined, err := intake.BodyAnswers([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return answers, declined
}

func record(s *schema.Schema, status vault.Status) *vault.Record {
	return &vault.Record{ID: "6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa", Version: 2, Status: status,
		Schema:  vault.SchemaRef{ID: s.ID, Version: s.Version, Hash: s.Hash},
		Created: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC), Triage: "today"}
}

func cell(t *testing.T, tab *Table, r Row, name string) any {
	t.Helper()
	i, ok := tab.byName[name]
	if !ok {
		t.Fatalf("no column %s", name)
	}
	return r[i]
}

const answers = `{"answers": {"consent.interview": true, "person.name": "CanaryAyu", "person.gender": "female",
	"person.age_range": "18_20", "consent.referral": ["shelter", "legal"], "shelter.dependants_count": 2,
	"priority.own_words": "free text", "safety.danger_now": false}, "consent": {"time": "2026-11-27T09:30:00Z"}}`

func TestRowValues(t *testing.T) {
	s := rescueNeeds(t)
	a, d := body(t, answers)
	tab := NewTable([]*schema.Schema{s}, Options{})
	r := tab.Row(record(s, vault.StatusComplete), a, d, s, Meta{Source: "Field team", Delivery: "1/2"})
	for name, want := range map[string]any{
		"fv_record_id": "6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa", "fv_version": 2, "fv_questionnaire": "rescue-needs 3",
		"fv_status": "complete", "fv_source": "Field team", "fv_created": "2026-11-27", "fv_triage": "today",
		"fv_delivery": "1/2", "cas_Status": "Active", "cas_ReferringOrganisation": "Field team",
		"con_Consent": true, "prs_Gender": "Feminine", "fv_person.age_range": "18_20",
		"fv_consent.referral": "shelter;legal", "fv_shelter.dependants_count": 2, "fv_safety.danger_now": false,
		"fv_shelter.type": nil,
	} {
		if got := cell(t, tab, r, name); got != want {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	// Pseudonymous: the name and free text have no column at all.
	for _, c := range tab.Columns {
		if c.Name == "fv_person.name" || c.Name == "fv_priority.own_words" {
			t.Errorf("identifying column %s in a pseudonymous table", c.Name)
		}
	}
	named := NewTable([]*schema.Schema{s}, Options{Identified: true, Multi: MultiODK})
	r = named.Row(record(s, vault.StatusComplete), a, d, s, Meta{})
	if got := cell(t, named, r, "fv_person.name"); got != "CanaryAyu" {
		t.Errorf("identified name = %#v", got)
	}
	if got := cell(t, named, r, "fv_consent.referral"); got != "shelter legal" {
		t.Errorf("ODK multiple choice = %#v", got)
	}
	if got := cell(t, named, r, "fv_source"); got != nil {
		t.Errorf("this vault's own record has source %#v", got)
	}

	cols := NewTable([]*schema.Schema{s}, Options{Multi: MultiColumns})
	r = cols.Row(record(s, vault.StatusComplete), a, d, s, Meta{})
	for name, want := range map[string]any{"fv_consent.referral_shelter": 1, "fv_consent.referral_legal": 1, "fv_consent.referral_police": 0} {
		if got := cell(t, cols, r, name); got != want {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	if _, ok := cols.byName["fv_consent.referral"]; ok {
		t.Error("columns mode kept the joined column too")
	}

	// A refusal: no answers, but consent FALSE and no case.
	a, d = body(t, `{"consent": {"time": "2026-11-27T09:30:00Z", "declined": "consent.interview"}}`)
	r = tab.Row(record(s, vault.StatusDeclined), a, d, s, Meta{})
	if got := cell(t, tab, r, "con_Consent"); got != false {
		t.Errorf("declined con_Consent = %#v", got)
	}
	if got := cell(t, tab, r, "cas_Status"); got != nil {
		t.Errorf("declined cas_Status = %#v", got)
	}
}

// Two versions of a questionnaire share their columns; a code only the
// older one has joins the column's codes, and labels come from the newest.
func TestTableMergesVersions(t *testing.T) {
	ss := []*schema.Schema{older(t), rescueNeeds(t)}
	SortSchemas(ss)
	if ss[0].Version != "3" {
		t.Fatalf("newest first: got %s", ss[0].Version)
	}
	tab := NewTable(ss, Options{})
	n := 0
	for _, c := range tab.Columns {
		if c.Name == "fv_person.age_range" {
			n++
			if !strings.Contains(strings.Join(c.Codes, ","), "18_20") || !strings.Contains(strings.Join(c.Codes, ","), "18_24") {
				t.Errorf("codes %v lack one version's", c.Codes)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d age columns, want 1", n)
	}
	old := ss[1]
	a, d := body(t, strings.Replace(answers, "18_20", "18_24", 1))
	r := tab.Row(record(old, vault.StatusComplete), a, d, old, Meta{})
	if got := cell(t, tab, r, "fv_person.age_range"); got != "18_24" {
		t.Errorf("older record's age = %#v", got)
	}
}

// The XLSX writer's files open in excelize with names, labels, typed cells
// and the dictionary.
func TestXLSXReadBack(t *testing.T) {
	s := rescueNeeds(t)
	a, d := body(t, answers)
	tab := NewTable([]*schema.Schema{s}, Options{})
	var buf bytes.Buffer
	w, err := NewWriter("xlsx", &buf, "id")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Begin(tab); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		line, err := w.Encode(tab.Row(record(s, vault.StatusComplete), a, d, s, Meta{}))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := book.GetSheetList(); strings.Join(got, ",") != "cases,dictionary" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := book.GetRows("cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "fv_record_id" || rows[1][0] != "ID catatan" {
		t.Fatalf("rows %d, header %q / %q", len(rows), rows[0][0], rows[1][0])
	}
	gender := tab.byName["prs_Gender"]
	if rows[4][gender] != "Feminine" {
		t.Errorf("gender cell %q", rows[4][gender])
	}
	count, _ := excelize.CoordinatesToCellName(tab.byName["fv_shelter.dependants_count"]+1, 3)
	if typ, _ := book.GetCellType("cases", count); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("a number is stored as text (%v)", typ)
	}
	if v, _ := book.GetCellValue("cases", count); v != "2" {
		t.Errorf("a number reads %q", v)
	}
	consent, _ := excelize.CoordinatesToCellName(tab.byName["con_Consent"]+1, 3)
	if v, _ := book.GetCellValue("cases", consent); v != "TRUE" {
		t.Errorf("a checkbox reads %q", v)
	}
	dict, _ := book.GetRows("dictionary")
	found := false
	for _, r := range dict {
		if r[0] == "prs_Gender" {
			found = r[3] == TypeCode && r[4] == "Feminine;Masculine;NonConforming" && r[5] == "yes"
		}
	}
	if !found {
		t.Errorf("the dictionary lacks prs_Gender with its codes: %v", dict)
	}
}

// csvLine quotes exactly as encoding/csv does.
func TestCSVLineAsEncodingCSV(t *testing.T) {
	fields := []string{"", "plain", "a,b", `say "hi"`, "two\nlines", "cr\r", " lead", "\u00a0nbsp", `\.`, "trail ", "tab\tin", "é", "'=1"}
	var want bytes.Buffer
	w := csv.NewWriter(&want)
	w.Write(fields)
	w.Flush()
	got, err := csvLine(fields)
	if err != nil || string(got) != want.String() {
		t.Errorf("csvLine = %q, encoding/csv %q", got, want.String())
	}
}
