package contract_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// closedSet is one enumerated type the code emits or branches on: its
// package directory and type name (to read its constants from the
// source), and the closed set the code iterates.
type closedSet struct {
	dir, typ string
	values   []string
	// field is the row of the README's table of enumerated fields that
	// documents the values; "" for a type that is not in the JSON.
	field string
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func closedSets() []closedSet {
	var guards []string
	for g := range pysrc.GuardKind(guardCount) {
		guards = append(guards, g.String())
	}
	return []closedSet{
		{"pyproj", "FileKind", strs(pyproj.FileKinds), "findings[].kind"},
		{"analysis", "Severity", strs(analysis.Severities), "findings[].severity"},
		{"pysrc", "GuardKind", guards, "guard"},
		{"enums", "Guard", strs(enums.Guards), "guard"},
		{"enums", "Verdict", strs(graph.Verdicts), "entrypoints[].eventlet"},
		{"enums", "Mode", strs(modes.Modes), "entrypoints[].mode"},
		{"enums", "Kind", strs(modes.Kinds), "entrypoints[].kind"},
		{"contract", "Loads", strs(contract.LoadsValues), "entrypoints[].loads_eventlet"},
		{"modes", "LibraryVerdict", strs(modes.LibraryVerdicts), "stage.library.eventlet"},
		{"analysis", "Concern", strs(analysis.Concerns), "concerns[].type"},
		{"analysis", "RuleKind", strs(analysis.RuleKinds), ""},
		{"modes", "EventKind", []string{string(modes.EventPatch), string(modes.EventBackend), string(modes.EventHook),
			string(modes.EventComponent), string(modes.EventPoison), string(modes.EventEventlet), string(modes.EventThreads),
			string(modes.EventLibFix)}, ""},
	}
}

// guardCount is the number of pysrc.GuardKind constants, read from the
// source by TestClosedSets (an iota block: the values are 0 … n-1).
var guardCount int

// constants reads the constants of type typ declared in the non-test Go
// files of internal/dir: the string literal of each, or for an iota block
// of an integer type, its position. A constant of the type whose type is
// implicit (a continuation of an iota block) counts too.
func constants(t *testing.T, dir, typ string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			inBlock := false // the block's last explicit type was typ
			for i, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if vs.Type != nil {
					id, ok := vs.Type.(*ast.Ident)
					inBlock = ok && id.Name == typ
				} else if len(vs.Values) > 0 {
					inBlock = false
				}
				if !inBlock {
					continue
				}
				for _, name := range vs.Names {
					if name.Name == "_" {
						continue
					}
					if len(vs.Values) > 0 {
						if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, err := strconv.Unquote(lit.Value)
							if err != nil {
								t.Fatal(err)
							}
							out = append(out, s)
							continue
						}
					}
					out = append(out, strconv.Itoa(i))
				}
			}
		}
	}
	return out
}

// readmeValues parses the README's table of enumerated fields: field →
// the values listed for it.
func readmeValues(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n## JSON contract")
	if start < 0 {
		t.Fatal("README.md has no JSON contract section")
	}
	section := text[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	tick := regexp.MustCompile("`([^`]+)`")
	out := map[string][]string{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		field := tick.FindStringSubmatch(cells[1])[1]
		for _, m := range tick.FindAllStringSubmatch(cells[2], -1) {
			out[field] = append(out[field], m[1])
		}
	}
	if len(out) == 0 {
		t.Fatal("the JSON contract section of README.md has no table of enumerated fields")
	}
	return out
}

// TestClosedSets checks each closed set against the constants declared
// for its type: a constant added without adding it to the set fails.
func TestClosedSets(t *testing.T) {
	guardCount = len(constants(t, "pysrc", "GuardKind"))
	for _, cs := range closedSets() {
		if cs.typ == "GuardKind" {
			// An iota block: its set is the names of 0 … n-1, built from
			// the constants themselves (String panics on one without a
			// name).
			continue
		}
		got := constants(t, cs.dir, cs.typ)
		if len(got) == 0 {
			t.Errorf("%s.%s: no constants found", cs.dir, cs.typ)
		}
		if !sameSet(got, cs.values) {
			t.Errorf("%s.%s: constants %v, closed set %v", cs.dir, cs.typ, got, cs.values)
		}
	}
}

// TestReadmeContract checks every value of every enumerated field the
// JSON emits against the README's table, both ways: a value the code can
// emit is documented, and a value documented is one the code can emit.
func TestReadmeContract(t *testing.T) {
	guardCount = len(constants(t, "pysrc", "GuardKind"))
	doc := readmeValues(t)
	fields := map[string]bool{}
	for _, cs := range closedSets() {
		if cs.field == "" {
			continue
		}
		fields[cs.field] = true
		listed, ok := doc[cs.field]
		if !ok {
			t.Errorf("README.md: field %s (%s.%s) is not in the table of enumerated fields", cs.field, cs.dir, cs.typ)
			continue
		}
		for _, v := range cs.values {
			if !slices.Contains(listed, v) {
				t.Errorf("README.md: %s does not list %q, which the code emits (%s.%s)", cs.field, v, cs.dir, cs.typ)
			}
		}
		for _, v := range listed {
			if !slices.Contains(cs.values, v) {
				t.Errorf("README.md: %s lists %q, which the code cannot emit (%s.%s is %v)", cs.field, v, cs.dir, cs.typ, cs.values)
			}
		}
	}
	for f := range doc {
		if !fields[f] {
			t.Errorf("README.md: the table documents %s, which no closed set of the code backs", f)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
