package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

func bulkVault(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), "vault.db"), []byte("correct horse battery"), vault.CreateOptions{WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// stored runs Bulk and returns what each new record holds that an answers
// file decides (not its ID or times), in file order.
func stored(t *testing.T, v *vault.Vault, r func(BulkOptions) (*bytes.Reader, BulkOptions)) []map[string]any {
	t.Helper()
	var ids []string
	opts := BulkOptions{Lang: "en", Stored: func(id string) { ids = append(ids, id) }}
	in, opts := r(opts)
	if _, err := Bulk(v, in, opts); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	err := v.ReadRecords(ids, func(_ string, raw []byte) error {
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		body := rec["body"].(map[string]any)
		consent := body["consent"].(map[string]any)
		delete(consent, "time")
		out = append(out, map[string]any{"answers": body["answers"], "consent": consent, "triage": rec["triage"], "status": rec["status"], "skipped": body["skipped"]})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const tableJSON = `{"ref": "P-1", "answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": ["shelter", "health"], "consent.followup": true, "person.name": "Ayu", "shelter.needed_tonight": true, "shelter.dependants": true, "shelter.dependants_count": 2, "clothing.needed_now": true, "clothing.items": ["shoes", "underwear"]}}
{"ref": "P-2", "answers": {"consent.interview": true, "consent.given_by": "self", "person.minor": false, "consent.store": true, "consent.share": [], "consent.referral": [], "consent.followup": false, "person.name": "Budi", "shelter.needed_tonight": false}}
{"ref": "P-3", "answers": {"consent.interview": false}}
`

// The same three intakes as a table: a labels row, Indonesian yes/no,
// choices joined by ";", empty cells, columns in another order.
var tableRows = [][]string{
	{"ref", "consent.interview", "consent.given_by", "person.minor", "consent.store", "consent.share", "consent.referral", "consent.followup", "shelter.needed_tonight", "shelter.dependants_count", "person.name", "shelter.dependants", "clothing.items", "clothing.needed_now"},
	{"", "Do you agree to talk with me now?", "Who is giving consent?", "", "", "", "", "", "", "", "", "", "", ""},
	{"P-1", "ya", "self", "tidak", "Yes", "-", "shelter; health", "1", "true", "2", "Ayu", "1", "shoes;underwear", "ya"},
	{"P-2", "YES", "self", "no", "y", "-", "-", "0", "false", "", "Budi"},
	{},
	{"P-3", "tidak"},
}

func TestTableMatchesJSON(t *testing.T) {
	// The labels row must carry real labels for the test to mean anything.
	s, _ := schema.Lookup("rescue-needs")
	for i, id := range tableRows[0] {
		if q, ok := s.Question(id); ok && tableRows[1][i] != "" && q.Label.In("en") != tableRows[1][i] {
			t.Fatalf("the labels row has %q for %s, not its label %q", tableRows[1][i], id, q.Label.In("en"))
		}
	}
	want := stored(t, bulkVault(t), func(o BulkOptions) (*bytes.Reader, BulkOptions) {
		return bytes.NewReader([]byte(tableJSON)), o
	})
	if len(want) != 3 {
		t.Fatalf("the JSON file stored %d records", len(want))
	}
	var csvText strings.Builder
	csvText.WriteString("\ufeff") // as spreadsheet programs write it
	for _, r := range tableRows {
		csvText.WriteString(strings.Join(r, ",") + "\n")
	}
	book := excelize.NewFile()
	for i, r := range tableRows {
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = c
		}
		book.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row)
	}
	var xlsx bytes.Buffer
	if err := book.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	for name, rows := range map[string]func() Rows{
		"csv": func() Rows { return CSVRows(strings.NewReader(csvText.String())) },
		"xlsx": func() Rows {
			rows, closeBook, err := XLSXRows(bytes.NewReader(xlsx.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { closeBook() })
			return rows
		},
	} {
		got := stored(t, bulkVault(t), func(o BulkOptions) (*bytes.Reader, BulkOptions) {
			o.Rows = true
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(TableAnswers(rows(), o)); err != nil {
				t.Fatal(err)
			}
			return bytes.NewReader(buf.Bytes()), o
		})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s stores other records than the JSON file:\n got  %v\n want %v", name, got, want)
		}
	}
}

func TestTableMistakesByRow(t *testing.T) {
	v := bulkVault(t)
	in := "consent.interview,person.minor,consent.referral\nya,maybe,taxi\n\nno\n"
	_, err := Bulk(v, TableAnswers(CSVRows(strings.NewReader(in)), BulkOptions{}), BulkOptions{Rows: true})
	be, ok := err.(*BulkError)
	if !ok {
		t.Fatalf("want a BulkError, got %v", err)
	}
	var lines []string
	for _, e := range be.Errors {
		lines = append(lines, e.Error())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		`row 2: question person.minor: answer yes or no (true or false)`,
		`row 2: question consent.referral: "taxi" is not one of`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if be.Intakes != 1 {
		t.Errorf("%d intakes with mistakes, want 1 (row 4 is a refusal):\n%s", be.Intakes, got)
	}
}

func TestTemplate(t *testing.T) {
	s, _ := schema.Lookup("rescue-needs")
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, s, "id"); err != nil {
		t.Fatal(err)
	}
	rows, closeBook, err := XLSXRows(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer closeBook()
	header, _ := rows()
	labels, _ := rows()
	if header[0] != "ref" || header[1] != "consent.interview" {
		t.Fatalf("header starts %v", header[:2])
	}
	q, _ := s.Question("consent.interview")
	if labels[1] != q.Label.In("id") {
		t.Errorf("labels row has %q, want the Indonesian label %q", labels[1], q.Label.In("id"))
	}
	book, _ := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	accepted, _ := book.GetRows("accepted values")
	var referral []string
	for _, r := range accepted {
		if r[0] == "consent.referral" && len(r) > 2 && r[2] != "" {
			referral = append(referral, r[2])
		}
	}
	if strings.Join(referral, ",") != "shelter,health,psychosocial,legal,protection,livelihoods,family,police" {
		t.Errorf("the accepted values of consent.referral: %v", referral)
	}
	// The blank template stores nothing; filled in, a row is an intake.
	book.SetSheetRow("answers", "A3", &[]any{"F-9", "tidak"})
	var filled bytes.Buffer
	book.Write(&filled)
	rows, closeFilled, _ := XLSXRows(bytes.NewReader(filled.Bytes()))
	defer closeFilled()
	v := bulkVault(t)
	res, err := Bulk(v, TableAnswers(rows, BulkOptions{}), BulkOptions{Rows: true})
	if err != nil || res.Stored != 1 {
		t.Fatalf("a filled template: %+v, %v", res, err)
	}
}
