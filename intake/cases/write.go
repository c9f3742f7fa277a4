package cases

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Formats a table can be written in.
var Formats = []string{"csv", "xlsx", "jsonl"}

// FormatOf names the format a file's extension asks for, or "".
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".xlsx":
		return "xlsx"
	case ".jsonl", ".ndjson":
		return "jsonl"
	}
	return ""
}

// Writer writes a table: Begin once, then every row, in order, Encode'd
// (on any core: Encode changes nothing in the writer) and Write'n; Close
// finishes the file (a writer that is not closed leaves it incomplete).
type Writer interface {
	Begin(t *Table) error
	Encode(r Row) ([]byte, error)
	Write(b []byte) error
	Close() error
}

// NewWriter writes format to w, with labels in lang where the format has
// them.
func NewWriter(format string, w io.Writer, lang string) (Writer, error) {
	switch format {
	case "csv":
		return &csvWriter{w: bufio.NewWriterSize(w, 64<<10)}, nil
	case "jsonl":
		return &jsonlWriter{w: bufio.NewWriterSize(w, 64<<10)}, nil
	case "xlsx":
		return newXLSXWriter(w, lang), nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

type csvWriter struct {
	w *bufio.Writer
}

// csvLine is one CSV record, quoted as encoding/csv quotes (RFC 4180):
// written here because a csv.Writer per row, needed to encode rows on
// every core, allocates a 4 KiB buffer each time.
func csvLine(fields []string) ([]byte, error) {
	var b []byte
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendField(b, f)
	}
	return append(b, '\n'), nil
}

func appendField(b []byte, f string) []byte {
	if !needsQuotes(f) {
		return append(b, f...)
	}
	b = append(b, '"')
	for j := 0; j < len(f); j++ {
		if f[j] == '"' {
			b = append(b, '"')
		}
		b = append(b, f[j])
	}
	return append(b, '"')
}

// needsQuotes is encoding/csv's rule: a separator, quote or line break
// inside, a leading space, or the field \. alone.
func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(f); f == `\.` || unicode.IsSpace(r) {
		return true
	}
	return strings.ContainsAny(f, ",\"\r\n")
}

func (c *csvWriter) Begin(t *Table) error {
	names := make([]string, len(t.Columns))
	for i, col := range t.Columns {
		names[i] = col.Name
	}
	line, err := csvLine(names)
	if err != nil {
		return err
	}
	return c.Write(line)
}

// Encode writes the row's cells straight into one line, with no string
// made per cell: rows are encoded by the hundred thousand.
func (c *csvWriter) Encode(r Row) ([]byte, error) {
	b := make([]byte, 0, 256)
	for i, v := range r {
		if i > 0 {
			b = append(b, ',')
		}
		switch v := v.(type) {
		case nil:
		case string:
			b = appendField(b, defuse(v))
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		default:
			b = appendField(b, Text(v))
		}
	}
	return append(b, '\n'), nil
}

func (c *csvWriter) Write(b []byte) error {
	_, err := c.w.Write(b)
	return err
}

func (c *csvWriter) Close() error { return c.w.Flush() }

// defuse keeps a spreadsheet program from running an answer as a formula
// when the CSV file is opened (CSV injection): text that starts like one
// gets a leading apostrophe, which spreadsheets read as "this is text".
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type jsonlWriter struct {
	w *bufio.Writer
	t *Table
}

func (j *jsonlWriter) Begin(t *Table) error {
	j.t = t
	return nil
}

func (j *jsonlWriter) Encode(r Row) ([]byte, error) {
	b, err := j.t.AppendJSON(nil, r)
	return append(b, '\n'), err
}

func (j *jsonlWriter) Write(b []byte) error {
	_, err := j.w.Write(b)
	return err
}

func (j *jsonlWriter) Close() error { return j.w.Flush() }

// AppendJSON appends a row as one JSON object keyed by column name. A
// column without an answer is left out, so "absent" means "no answer".
func (t *Table) AppendJSON(buf []byte, r Row) ([]byte, error) {
	buf = append(buf, '{')
	first := true
	for i, v := range r {
		if v == nil {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, t.keys[i]...)
		enc, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		buf = append(buf, enc...)
	}
	return append(buf, '}'), nil
}
