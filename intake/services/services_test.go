package services

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const good = `ID,Name,Type,Organization,Area,Languages,Phone,Hours,Notes
pelangi-shelter,Rumah Aman Pelangi,Shelter,Yayasan Pelangi,Medan,"id, en",+62 61 000 111,24 hours,Women and children

legal-deli,LBH Deli,legal,,Deli Serdang,id,,,
`

func TestReadCSV(t *testing.T) {
	got, err := Read(strings.NewReader(good), "directory.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d services", len(got))
	}
	s := got[0]
	if s.ID != "pelangi-shelter" || s.Type != "shelter" || s.Organisation != "Yayasan Pelangi" || strings.Join(s.Languages, "+") != "id+en" || s.Hours != "24 hours" {
		t.Errorf("the first service reads %+v", s)
	}
	d := &Directory{Services: got}
	if f, ok := d.Find("LEGAL-DELI"); !ok || f.Name != "LBH Deli" {
		t.Errorf("Find: %+v %v", f, ok)
	}
	if n := len(d.Filter("legal", "deli")); n != 1 {
		t.Errorf("legal in deli: %d", n)
	}
	if n := len(d.Filter("shelter", "deli")); n != 0 {
		t.Errorf("shelter in deli: %d", n)
	}
	data, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data)
	if err != nil || len(back.Services) != 2 || back.Services[0].Phone != s.Phone {
		t.Errorf("a directory round trip: %+v %v", back, err)
	}
}

func TestReadXLSX(t *testing.T) {
	book := excelize.NewFile()
	for i, r := range [][]any{{"id", "name", "type"}, {"clinic", "Klinik", "health"}} {
		book.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r)
	}
	var buf bytes.Buffer
	if err := book.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf, "d.XLSX")
	if err != nil || len(got) != 1 || got[0].Type != "health" {
		t.Fatalf("%+v %v", got, err)
	}
}

// Every mistake names its row or column, and nothing is returned with it.
func TestReadMistakes(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"d.csv", "id,name\na,A\n", "the column type is missing"},
		{"d.csv", "id,name,type,colour\na,A,shelter,red\n", `the column "colour" is not one of`},
		{"d.csv", "id,name,type,ID\n", "the column id is there twice"},
		{"d.csv", "id,name,type\na,A,spa\n", `row 2: the type "spa" is not one of`},
		{"d.csv", "id,name,type\na,A,shelter\nA,B,health\n", `row 3: the ID "A" is already used in row 2`},
		{"d.csv", "id,name,type\nhas space,A,shelter\n", `row 2: the ID "has space" must be`},
		{"d.csv", "id,name,type\na,,shelter\n", "row 2: the service a has no name"},
		{"d.csv", "id,name,type\n", "the file lists no service"},
		{"d.csv", "", "the file lists no service"},
		{"d.csv", "id,name,type\n\"a,A,shelter\n", "not a readable CSV file"},
		{"d.xlsx", "not a zip", "not a readable XLSX workbook"},
		{"d.txt", "id,name,type\n", "is neither a .csv nor an .xlsx file"},
	} {
		got, err := Read(strings.NewReader(tc.data), tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
			t.Errorf("%q: %v, want %q", tc.data, err, tc.want)
		}
	}
}
