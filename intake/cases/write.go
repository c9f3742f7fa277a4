package cases

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
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

// Writer writes a table: Begin once, Row for every record, Close to finish
// the file (a writer that is not closed leaves an incomplete file).
type Writer interface {
	Begin(t *Table) error
	Row(r Row) error
	Close() error
}

// NewWriter writes format to w, with labels in lang where the format has
// them.
func NewWriter(format string, w io.Writer, lang string) (Writer, error) {
	switch format {
	case "csv":
		return &csvWriter{w: csv.NewWriter(w)}, nil
	case "jsonl":
		return &jsonlWriter{w: bufio.NewWriterSize(w, 64<<10)}, nil
	case "xlsx":
		return newXLSXWriter(w, lang), nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

type csvWriter struct {
	w    *csv.Writer
	cols []Column
	buf  []string
}

func (c *csvWriter) Begin(t *Table) error {
	c.cols = t.Columns
	c.buf = make([]string, len(t.Columns))
	for i, col := range t.Columns {
		c.buf[i] = col.Name
	}
	return c.w.Write(c.buf)
}

func (c *csvWriter) Row(r Row) error {
	for i, v := range r {
		c.buf[i] = Text(v)
		if s, ok := v.(string); ok {
			c.buf[i] = defuse(s)
		}
	}
	return c.w.Write(c.buf)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

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
	w   *bufio.Writer
	t   *Table
	buf []byte
}

func (j *jsonlWriter) Begin(t *Table) error {
	j.t = t
	return nil
}

func (j *jsonlWriter) Row(r Row) error {
	var err error
	if j.buf, err = j.t.AppendJSON(j.buf[:0], r); err != nil {
		return err
	}
	j.buf = append(j.buf, '\n')
	_, err = j.w.Write(j.buf)
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
