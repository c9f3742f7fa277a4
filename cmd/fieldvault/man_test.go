package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `make man` gives the same pages from the same source: one per command,
// in both languages, dated by SOURCE_DATE_EPOCH rather than the clock.
func TestManPagesReproducible(t *testing.T) {
	gen := func() string {
		dir := t.TempDir()
		var stderr bytes.Buffer
		s := &streams{out: &bytes.Buffer{}, err: &stderr, getenv: func(k string) string {
			if k == "SOURCE_DATE_EPOCH" {
				return "1790000000"
			}
			return ""
		}}
		if code := run([]string{"gen-man", dir}, s); code != 0 {
			t.Fatalf("gen-man exited %d: %s", code, stderr.String())
		}
		return dir
	}
	a, b := gen(), gen()
	pages, _ := filepath.Glob(filepath.Join(a, "man1", "*.1"))
	idPages, _ := filepath.Glob(filepath.Join(a, "id", "man1", "*.1"))
	if len(pages) < 30 || len(idPages) != len(pages) {
		t.Fatalf("%d English and %d Indonesian pages", len(pages), len(idPages))
	}
	for _, p := range append(pages, idPages...) {
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", rel)
		}
		if !bytes.Contains(x, []byte(`"Sep 2026"`)) {
			t.Errorf("%s is not dated by SOURCE_DATE_EPOCH:\n%s", rel, x[:min(len(x), 200)])
		}
	}
	for _, want := range []string{"fieldvault.1", "fieldvault-export.1", "fieldvault-outbox.1", "fieldvault-completion-bash.1"} {
		if _, err := os.Stat(filepath.Join(a, "man1", want)); err != nil {
			t.Errorf("no page %s", want)
		}
	}
	if _, err := os.Stat(filepath.Join(a, "man1", "fieldvault-gen-man.1")); err == nil {
		t.Error("the hidden gen-man command has a page")
	}
	id, _ := os.ReadFile(filepath.Join(a, "id", "man1", "fieldvault-export.1"))
	if !strings.Contains(string(id), "Tulis bundel tersegel untuk mitra") {
		t.Errorf("the Indonesian export page is not in Indonesian:\n%s", id)
	}
	// The synopsis names the flags, and what they take, in each page's
	// language.
	if !strings.Contains(string(id), "--to NAMA --out FOLDER [opsi]\\fP") {
		t.Errorf("the Indonesian synopsis does not say [opsi]:\n%s", id)
	}
	en, _ := os.ReadFile(filepath.Join(a, "man1", "fieldvault-export.1"))
	if !strings.Contains(string(en), " [flags]\\fP") {
		t.Errorf("the English synopsis does not say [flags]:\n%s", en)
	}
	// cobra/doc writes its section headings in English; every Indonesian
	// page has them in Indonesian.
	for _, p := range idPages {
		x, _ := os.ReadFile(p)
		for _, h := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SEE ALSO", "OPTIONS INHERITED FROM PARENT COMMANDS"} {
			if bytes.Contains(x, []byte("\n.SH "+h+"\n")) {
				t.Errorf("%s has the English heading %s", filepath.Base(p), h)
			}
		}
		if !bytes.Contains(x, []byte("\n.SH URAIAN\n")) {
			t.Errorf("%s has no heading URAIAN", filepath.Base(p))
		}
	}
	if !bytes.Contains(en, []byte("\n.SH DESCRIPTION\n")) {
		t.Errorf("the English export page lost its heading DESCRIPTION:\n%s", en)
	}
}

// A page's month is said in its language.
func TestManMonth(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "fieldvault.1")
	os.WriteFile(page, []byte(".TH \"FIELDVAULT\" \"1\" \"Aug 2026\" \"fieldvault devel\" \"fieldvault\"\n"), 0o644)
	a := &app{streams: &streams{getenv: func(string) string { return "" }}, langFlag: "id"}
	if err := a.localizeManPages(dir, time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(page); !bytes.Contains(b, []byte(`"Agu 2026"`)) {
		t.Errorf("the Indonesian page is dated %s", b)
	}
}
