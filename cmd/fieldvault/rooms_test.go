package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// imports lists the packages the non-test files in dir import, and their
// lengths in lines.
func imports(t *testing.T, dir string) (map[string]bool, map[string]int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, lines := map[string]bool{}, map[string]int{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			pkgs[p] = true
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		lines[name] = strings.Count(string(src), "\n")
	}
	return pkgs, lines
}

// The house keeps its rooms: package main wires commands in small files
// and draws no screen itself; the field session knows no command line.
func TestRooms(t *testing.T) {
	main, lines := imports(t, ".")
	for _, p := range []string{"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/huh", "github.com/charmbracelet/lipgloss"} {
		if main[p] {
			t.Errorf("package main imports %s; screens belong in cmd/session", p)
		}
	}
	for name, n := range lines {
		if n > 300 {
			t.Errorf("%s is %d lines; package main keeps every file under 300", name, n)
		}
	}
	sess, _ := imports(t, "../session")
	for p := range sess {
		if strings.HasPrefix(p, "github.com/spf13/") {
			t.Errorf("cmd/session imports %s; the session knows no command line", p)
		}
	}
	if !sess["github.com/charmbracelet/bubbletea"] {
		t.Error("cmd/session does not import bubbletea; is the scan broken?")
	}
}
