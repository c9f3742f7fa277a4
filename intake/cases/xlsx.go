package cases

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// xlsxWriter streams an Office Open XML workbook straight into w: a sheet
// "cases" (field names in row 1, labels in row 2, then one row per record)
// and a sheet "dictionary". It is written here rather than with excelize
// because excelize's StreamWriter spills every sheet past 16 MiB to a
// temporary file in plaintext (stream.go, bufferedWriter), and an export
// sealed with --encrypt-to must never touch the disk unencrypted. Tests read
// its files back with excelize.
type xlsxWriter struct {
	z     *zip.Writer
	sheet *bufio.Writer
	lang  string
	row   int
	err   error
}

// rowMark stands in a row's encoded cells for its number, which only Write
// knows; XML text never holds a NUL (xml.EscapeText replaces it).
const rowMark = "\x00"

func newXLSXWriter(w io.Writer, lang string) *xlsxWriter {
	return &xlsxWriter{z: zip.NewWriter(w), lang: lang}
}

const (
	xlsxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`
	xlsxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	xlsxWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="cases" sheetId="1" r:id="rId1"/><sheet name="dictionary" sheetId="2" r:id="rId2"/></sheets></workbook>`
	xlsxWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	// One bold style (s="1") for the two header rows.
	xlsxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf fontId="1" applyFont="1"/></cellXfs></styleSheet>`
	sheetStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetEnd = `</sheetData></worksheet>`
)

func (x *xlsxWriter) file(name, body string) {
	if x.err != nil {
		return
	}
	var f io.Writer
	if f, x.err = x.z.Create(name); x.err == nil {
		_, x.err = io.WriteString(f, body)
	}
}

func (x *xlsxWriter) Begin(t *Table) error {
	x.file("[Content_Types].xml", xlsxContentTypes)
	x.file("_rels/.rels", xlsxRels)
	x.file("xl/workbook.xml", xlsxWorkbook)
	x.file("xl/_rels/workbook.xml.rels", xlsxWorkbookRels)
	x.file("xl/styles.xml", xlsxStyles)
	if x.err != nil {
		return x.err
	}
	// The dictionary first: it is small, and the cases sheet then streams
	// to the end of the file.
	f, err := x.z.Create("xl/worksheets/sheet2.xml")
	if err != nil {
		return err
	}
	x.sheet = bufio.NewWriterSize(f, 64<<10)
	x.sheet.WriteString(sheetStart)
	x.row = 0
	x.textRow(1, "name", "label (en)", "label (id)", "type", "codes", "HTCDS")
	for _, c := range t.Columns {
		std := ""
		if c.HTCDS {
			std = "yes"
		}
		x.textRow(0, c.Name, c.Label.In("en"), c.Label.In("id"), c.Type, strings.Join(c.Codes, ";"), std)
	}
	x.sheet.WriteString(sheetEnd)
	if err := x.sheet.Flush(); err != nil {
		return err
	}

	if f, err = x.z.Create("xl/worksheets/sheet1.xml"); err != nil {
		return err
	}
	x.sheet = bufio.NewWriterSize(f, 64<<10)
	x.sheet.WriteString(sheetStart)
	x.row = 0
	names := make([]string, len(t.Columns))
	labels := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i], labels[i] = c.Name, c.Label.In(x.lang)
	}
	x.textRow(1, names...)
	x.textRow(1, labels...)
	return x.err
}

func (x *xlsxWriter) textRow(style int, cells ...string) {
	r := make(Row, len(cells))
	for i, c := range cells {
		r[i] = c
	}
	x.Write(encodeRow(r, style))
}

func (x *xlsxWriter) Encode(r Row) ([]byte, error) { return encodeRow(r, 0), nil }

// Write numbers an encoded row and writes it.
func (x *xlsxWriter) Write(b []byte) error {
	if x.err != nil {
		return x.err
	}
	x.row++
	n := strconv.Itoa(x.row)
	x.sheet.WriteString(`<row r="` + n + `">`)
	x.sheet.Write(bytes.ReplaceAll(b, []byte(rowMark), []byte(n)))
	_, x.err = x.sheet.WriteString(`</row>`)
	return x.err
}

// encodeRow writes a row's cells, each with its reference, rowMark for the
// row's number.
func encodeRow(r Row, style int) []byte {
	var b bytes.Buffer
	for i, v := range r {
		if v == nil {
			continue
		}
		b.WriteString(`<c r="`)
		b.Write(appendColumn(nil, i))
		b.WriteString(rowMark + `"`)
		if style != 0 {
			b.WriteString(` s="` + strconv.Itoa(style) + `"`)
		}
		switch v := v.(type) {
		case bool:
			if v {
				b.WriteString(` t="b"><v>1</v></c>`)
			} else {
				b.WriteString(` t="b"><v>0</v></c>`)
			}
		case int:
			b.WriteString(`><v>` + strconv.Itoa(v) + `</v></c>`)
		case float64:
			b.WriteString(`><v>` + strconv.FormatFloat(v, 'g', -1, 64) + `</v></c>`)
		default:
			// Inline strings: never read as a formula, no shared-string
			// table to hold in memory.
			b.WriteString(` t="inlineStr"><is><t xml:space="preserve">`)
			xml.EscapeText(&b, []byte(Text(v)))
			b.WriteString(`</t></is></c>`)
		}
	}
	return b.Bytes()
}

// appendColumn appends the spreadsheet name of column i (0 → A, 26 → AA).
func appendColumn(b []byte, i int) []byte {
	var name [8]byte
	k := len(name)
	for i++; i > 0; i = (i - 1) / 26 {
		k--
		name[k] = byte('A' + (i-1)%26)
	}
	return append(b, name[k:]...)
}

func (x *xlsxWriter) Close() error {
	if x.sheet != nil {
		x.sheet.WriteString(sheetEnd)
		if err := x.sheet.Flush(); err != nil && x.err == nil {
			x.err = err
		}
	}
	if err := x.z.Close(); err != nil && x.err == nil {
		x.err = err
	}
	return x.err
}
