package cases

import (
	"archive/zip"
	"bufio"
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
	cell  []byte
}

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
	x.writeRow(r, style)
}

func (x *xlsxWriter) Row(r Row) error {
	x.writeRow(r, 0)
	return x.err
}

func (x *xlsxWriter) writeRow(r Row, style int) {
	x.row++
	n := strconv.Itoa(x.row)
	x.sheet.WriteString(`<row r="` + n + `">`)
	for i, v := range r {
		if v == nil {
			continue
		}
		b := x.cell[:0]
		b = append(b, `<c r="`...)
		b = appendColumn(b, i)
		b = append(b, n...)
		b = append(b, '"')
		if style != 0 {
			b = append(b, ` s="`+strconv.Itoa(style)+`"`...)
		}
		switch v := v.(type) {
		case bool:
			b = append(b, ` t="b"><v>`...)
			if v {
				b = append(b, '1')
			} else {
				b = append(b, '0')
			}
			b = append(b, `</v></c>`...)
		case int:
			b = append(b, `><v>`...)
			b = strconv.AppendInt(b, int64(v), 10)
			b = append(b, `</v></c>`...)
		case float64:
			b = append(b, `><v>`...)
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
			b = append(b, `</v></c>`...)
		default:
			// Inline strings: never read as a formula, no shared-string
			// table to hold in memory.
			b = append(b, ` t="inlineStr"><is><t xml:space="preserve">`...)
			x.cell = b
			x.sheet.Write(b)
			xml.EscapeText(x.sheet, []byte(Text(v)))
			b = append(b[:0], `</t></is></c>`...)
		}
		x.cell = b
		x.sheet.Write(b)
	}
	_, err := x.sheet.WriteString(`</row>`)
	if x.err == nil {
		x.err = err
	}
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
