package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// interfaceTexts returns every string literal the code hands to tr or trf.
func interfaceTexts(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "tr" && sel.Sel.Name != "trf" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: %s is given a computed text; give it a literal so it can be translated", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			seen[s] = true
			return true
		})
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Every text of the interface has its Bahasa Indonesia, with the same
// format verbs in the same order.
func TestIndonesianComplete(t *testing.T) {
	texts := interfaceTexts(t)
	if len(texts) < 50 {
		t.Fatalf("found only %d interface texts; is the scan broken?", len(texts))
	}
	used := map[string]bool{}
	for _, s := range texts {
		used[s] = true
		id, ok := indonesian[s]
		if !ok {
			t.Errorf("no Indonesian for %q", s)
			continue
		}
		if verbs(id) != verbs(s) {
			t.Errorf("Indonesian for %q has verbs %q, want %q", s, verbs(id), verbs(s))
		}
	}
	for _, s := range computedTexts {
		used[s] = true
		if _, ok := indonesian[s]; !ok {
			t.Errorf("no Indonesian for %q", s)
		}
	}
	root := newRootCmd(&app{streams: &streams{getenv: func(string) string { return "" }}})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		for _, s := range []string{c.Short, c.Long} {
			if s == "" {
				continue
			}
			used[s] = true
			if _, ok := indonesian[s]; !ok && c.Short == s {
				t.Errorf("no Indonesian for the help of %q: %q", c.CommandPath(), s)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for s := range indonesian {
		if !used[s] {
			t.Errorf("the catalog has %q, which nothing shows", s)
		}
	}
}

func verbs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			b.WriteString(s[i : i+2])
			i++
		}
	}
	return b.String()
}

func TestLocaleLang(t *testing.T) {
	for env, want := range map[string]string{
		"LANG=id_ID.UTF-8":                "id",
		"LANG=en_GB.UTF-8":                "en",
		"LANG=fr_FR.UTF-8":                "",
		"LC_ALL=id_ID LANG=en_US":         "id",
		"LC_MESSAGES=en_US LANG=id_ID":    "en",
		"":                                "",
		"LANG=C":                          "",
		"LC_ALL=C.UTF-8 LANG=id_ID.UTF-8": "",
		"LC_MESSAGES=id LANG=en_US.UTF-8": "id",
	} {
		vars := map[string]string{}
		for _, kv := range strings.Fields(env) {
			k, v, _ := strings.Cut(kv, "=")
			vars[k] = v
		}
		if got := localeLang(func(k string) string { return vars[k] }); got != want {
			t.Errorf("localeLang(%s) = %q, want %q", env, got, want)
		}
	}
}
