package internal_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/letgo-dev/letgo/"

// allowed lists, per package, the letgo packages it may import: the layers
// of design.md, lower never importing higher. Change the design, not this
// table, to make a build pass.
var allowed = map[string][]string{
	"internal/enums":                 {},
	"internal/pysrc":                 {},
	"internal/textsafe":              {},
	"internal/pysrc/pygen":           {},
	"internal/tomlconf":              {},
	"internal/safeio":                {},
	"internal/pyproj":                {"internal/tomlconf", "internal/safeio"},
	"internal/tables":                {},
	"internal/pysem":                 {"internal/pysrc", "internal/tables"},
	"internal/analysis":              {"internal/pysrc", "internal/pyproj", "internal/pysem"},
	"internal/rules":                 {"internal/pysrc", "internal/pyproj", "internal/analysis", "internal/pysem", "internal/tables"},
	"internal/analysis/analysistest": {"internal/analysis", "internal/contract", "internal/rules", "internal/scan"},
	"internal/graph":                 {"internal/pysrc", "internal/tables"},
	"internal/stats":                 {},
	"internal/compare":               {"internal/stats", "internal/loadgen", "internal/tomlconf", "internal/textsafe", "internal/safeio"},
	"internal/loadgen":               {"internal/tomlconf", "internal/safeio"},
	"internal/modes":                 {"internal/pysrc", "internal/tables"},
	"internal/contract":              {"internal/analysis", "internal/graph", "internal/modes", "internal/pyproj"},
	"internal/scan":                  {"internal/pysrc", "internal/pyproj", "internal/analysis", "internal/rules", "internal/graph", "internal/modes", "internal/contract", "internal/safeio", "internal/pysem", "internal/tables"},
	"internal/fleet":                 {"internal/pyproj", "internal/tomlconf", "internal/modes", "internal/safeio"},
	"internal/history":               {"internal/contract", "internal/scan", "internal/modes", "internal/safeio"},
	"internal/report":                {"internal/analysis", "internal/contract", "internal/rules", "internal/pyproj", "internal/graph", "internal/modes", "internal/textsafe"},
	"internal/store/sqlite":          {},
	"internal/store/postgres":        {},
	"internal/store":                 {"internal/analysis", "internal/contract", "internal/graph", "internal/modes", "internal/pyproj", "internal/store/sqlite", "internal/store/postgres"},
	"internal/store/storetest":       {"internal/store", "internal/analysis", "internal/contract", "internal/graph", "internal/modes", "internal/pyproj", "internal/rules"},
	"internal/serve":                 {"internal/analysis", "internal/contract", "internal/graph", "internal/modes", "internal/rules", "internal/store", "internal/textsafe", "internal/fleet"},
	"internal/cli":                   {"internal/pysrc", "internal/pyproj", "internal/analysis", "internal/rules", "internal/contract", "internal/scan", "internal/report", "internal/graph", "internal/modes", "internal/history", "internal/compare", "internal/loadgen", "internal/textsafe", "internal/safeio", "internal/store", "internal/fleet", "internal/serve"},
	"cmd/letgo":                      {"internal/cli"},
	"scripts/fastserver":             {},
}

// everywhere lists the packages any package may import: leaves that hold
// only the closed sets of values crossing layers, so they
// must themselves import no letgo package and no outside module
// (TestLayering checks that their rows above are empty).
var everywhere = []string{"internal/enums"}

// external lists the outside modules each package may import; every outside
// system is modelled by exactly one adapter package.
var external = map[string][]string{
	"internal/tomlconf":              {"github.com/pelletier/go-toml/v2"},
	"internal/pyproj":                {"go.yaml.in/yaml/v3", "gopkg.in/ini.v1"},
	"internal/scan":                  {"golang.org/x/sync/errgroup"},
	"internal/analysis/analysistest": {"golang.org/x/tools/txtar"},
	"internal/loadgen":               {"github.com/HdrHistogram/hdrhistogram-go"},
	"internal/cli":                   {"golang.org/x/sync/errgroup", "golang.org/x/term"},
	"internal/store/sqlite":          {"modernc.org/sqlite"},
	"internal/store/postgres":        {"github.com/jackc/pgx/v5/pgxpool", "github.com/jackc/pgx/v5/stdlib"},
	"internal/store/storetest":       {"github.com/google/go-cmp/cmp"},
}

func TestLayering(t *testing.T) {
	for _, pkg := range everywhere {
		if allow, ok := allowed[pkg]; !ok || len(allow) > 0 || len(external[pkg]) > 0 {
			t.Errorf("%s may be imported everywhere, so it must be in the table and import nothing of letgo or outside", pkg)
		}
	}
	root := ".."
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		allow, ok := allowed[pkg]
		if !ok {
			t.Errorf("package %s is not in the layering table", pkg)
			return nil
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			switch {
			case strings.HasPrefix(p, module):
				if dep := strings.TrimPrefix(p, module); !contains(allow, dep) && !contains(everywhere, dep) {
					t.Errorf("%s imports %s: not allowed by the layering", path, p)
				}
			case strings.Contains(strings.SplitN(p, "/", 2)[0], "."):
				if !contains(external[pkg], p) {
					t.Errorf("%s imports %s: outside dependency not allowed here", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
