package xlsform

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// workbook writes a form given as markdown tables, in pyxform's test
// style, to an .xlsx: a row whose first cell is not empty names a sheet,
// the rows after it are that sheet's.
//
//	| survey |
//	|        | type | name | label |
//	|        | text | q    | Q     |
func workbook(t testing.TB, md string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet, row := "", 0
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cells[0] != "" {
			sheet, row = cells[0], 0
			if _, err := f.NewSheet(sheet); err != nil {
				t.Fatal(err)
			}
			continue
		}
		row++
		for i, c := range cells[1:] {
			if c == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellStr(sheet, cell, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importMD imports a markdown form.
func importMD(t testing.TB, md string, opts Options) (*Result, error) {
	t.Helper()
	if opts.Name == "" {
		opts.Name = "fixture"
	}
	return Import(bytes.NewReader(workbook(t, md)), opts)
}

// outcome is what a golden file holds: the notices, then the form's part
// of the questionnaire (the consent block is the same for every form and
// has its own test), or the error.
func outcome(res *Result, err error) string {
	var b strings.Builder
	var se *StrictError
	if errors.As(err, &se) {
		for _, n := range se.Notices {
			fmt.Fprintf(&b, "notice: %s\n", n)
		}
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		return b.String()
	}
	for _, n := range res.Notices {
		fmt.Fprintf(&b, "notice: %s\n", n)
	}
	for _, n := range res.Unmapped {
		fmt.Fprintf(&b, "htcds: %s\n", n)
	}
	s := res.Schema
	form := struct {
		ID        string   `json:"id"`
		Version   string   `json:"version"`
		Languages []string `json:"languages"`
		Title     any      `json:"title"`
		Pages     any      `json:"pages"`
	}{s.ID, s.Version, s.Languages, s.Title, s.Pages[1:]}
	out, _ := json.MarshalIndent(form, "", "  ")
	b.Write(out)
	b.WriteByte('\n')
	return b.String()
}

func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			res, err := importMD(t, fx.md, fx.opts)
			got := outcome(res, err)
			path := filepath.Join("testdata", fx.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./schema/xlsform -update, and read what it wrote)", err)
			}
			if got != string(want) {
				t.Errorf("import of %s differs from %s:\n%s", fx.name, path, got)
			}
		})
	}
}
