package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/sync/postgres"
	"github.com/fieldvault/fieldvault/vault"
)

// catalogIDs returns every string literal in package main (and intake) that names a
// text of the catalog (its first part is one of the catalog's tables), and
// the prefixes code joins a computed value to ("status." + s).
func catalogIDs(t *testing.T) (ids map[string]string, prefixes []string) {
	t.Helper()
	tables := map[string]bool{}
	for _, id := range catalog.IDs(catalog.Default) {
		table, _, _ := strings.Cut(id, ".")
		tables[table] = true
	}
	// The field session and the interview packages name texts too: the
	// screens, the interview, the key hints and the case table's columns.
	// The questionnaire packages name only their own tables, problem and
	// formimport: their other literals are JSON locations such as
	// triage.default.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	only := map[string][]string{}
	for dir, own := range map[string][]string{
		"../session": nil, "../../intake": nil, "../../intake/cases": nil, "../../intake/stats": nil,
		"../../schema": {"problem"}, "../../schema/xlsform": {"formimport"},
		"../../sync": {"refer", "referral", "case"}, "../../intake/services": {"services"},
	} {
		more, err := filepath.Glob(dir + "/*.go")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range more {
			only[f] = own
		}
		files = append(files, more...)
	}
	fset := token.NewFileSet()
	ids = map[string]string{}
	joined := map[*ast.BasicLit]bool{} // the prefixes, not IDs themselves
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		isTable := func(table string) bool {
			return tables[table] && (only[name] == nil || slices.Contains(only[name], table))
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if bin, ok := n.(*ast.BinaryExpr); ok && bin.Op == token.ADD {
				if lit, ok := bin.X.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					if table, _, ok := strings.Cut(s, "."); ok && isTable(table) {
						prefixes = append(prefixes, s)
						joined[lit] = true
					}
				}
				return true
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || joined[lit] {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			if table, rest, ok := strings.Cut(s, "."); ok && isTable(table) && idPattern.MatchString(rest) {
				ids[s] = fset.Position(lit.Pos()).String()
			}
			return true
		})
	}
	return ids, prefixes
}

var idPattern = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_-]+)*$`)

// Every text the code names is in the catalog, and every text of the
// catalog is shown by something: a literal ID, a prefix joined to a value,
// or a command's help.
func TestCatalogCoversCode(t *testing.T) {
	ids, prefixes := catalogIDs(t)
	if len(ids) < 150 {
		t.Fatalf("found only %d catalog IDs in the code; is the scan broken?", len(ids))
	}
	for id, pos := range ids {
		if !catalog.Has(catalog.Default, id) && !strings.HasPrefix(id, "cmd.") {
			t.Errorf("%s: %s is not in the catalog", pos, id)
		}
	}
	help := map[string]bool{}
	root := newRootCmd(&app{streams: &streams{getenv: func(string) string { return "" }}})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		key := strings.Join(append([]string{"cmd"}, strings.Fields(c.CommandPath())[1:]...), ".")
		if !c.Hidden {
			if !catalog.Has(catalog.Default, key+".short") {
				t.Errorf("%q has no %s.short", c.CommandPath(), key)
			}
			help[key+".short"], help[key+".long"] = true, true
			each := func(f *pflag.Flag) {
				if f.Name == "help" {
					return
				}
				help[key+".flags."+f.Name] = true
				if !catalog.Has(catalog.Default, key+".flags."+f.Name) {
					t.Errorf("%q has no help for --%s (%s.flags.%s)", c.CommandPath(), f.Name, key, f.Name)
				}
			}
			c.LocalNonPersistentFlags().VisitAll(each)
			c.PersistentFlags().VisitAll(each)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, id := range catalog.IDs(catalog.Default) {
		if _, ok := ids[id]; ok || help[id] {
			continue
		}
		shown := false
		for _, p := range prefixes {
			shown = shown || strings.HasPrefix(id, p)
		}
		if !shown {
			t.Errorf("the catalog has %s, which nothing shows", id)
		}
	}
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

// Every reason sync refuses a file for, and its advice, is in the catalog,
// and the English catalog says what sync says.
func TestCatalogCoversRejections(t *testing.T) {
	for k, r := range sync.Rejections {
		if got := catalog.Text(catalog.Default, "reject."+k); got != r.Format {
			t.Errorf("reject.%s is %q in the English catalog, but sync says %q", k, got, r.Format)
		}
	}
	for k, h := range sync.RejectHints {
		if got := catalog.Text(catalog.Default, "reject.hint_"+k); got != h {
			t.Errorf("reject.hint_%s is %q in the English catalog, but sync says %q", k, got, h)
		}
	}
}

// Every sentence, piece of advice and step of a push is in the catalog,
// and the English catalog says what the postgres package says.
func TestCatalogCoversPush(t *testing.T) {
	for table, m := range map[string]map[string]string{"pg.": postgres.Messages, "pg.hint_": postgres.Hints, "pg.step_": postgres.Steps} {
		for k, en := range m {
			if got := catalog.Text(catalog.Default, table+k); got != en {
				t.Errorf("%s%s is %q in the English catalog, but the postgres package says %q", table, k, got, en)
			}
		}
	}
}

// Every reason an audit chain breaks is in the catalog, as vault says it.
func TestCatalogCoversChain(t *testing.T) {
	for k, r := range vault.ChainReasons {
		if got := catalog.Text(catalog.Default, "chain."+k); got != r {
			t.Errorf("chain.%s is %q in the English catalog, but vault says %q", k, got, r)
		}
	}
	e := &vault.ChainError{Seq: 7, Key: "twice", Reason: vault.ChainReasons["twice"]}
	if got := catalog.Text(catalog.Default, "chain.broken", e.Seq, e.Reason); got != e.Error() {
		t.Errorf("the English catalog says %q, vault %q", got, e.Error())
	}
}
