package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	// The synopsis names the flags in each page's language.
	if !strings.Contains(string(id), " [opsi]\\fP") {
		t.Errorf("the Indonesian synopsis does not say [opsi]:\n%s", id)
	}
	en, _ := os.ReadFile(filepath.Join(a, "man1", "fieldvault-export.1"))
	if !strings.Contains(string(en), " [flags]\\fP") {
		t.Errorf("the English synopsis does not say [flags]:\n%s", en)
	}
}
