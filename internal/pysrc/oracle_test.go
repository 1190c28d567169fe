package pysrc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysrc/pygen"
)

// The differential test compares letgo's view with CPython's ast, dumped by
// testdata/oracle.py. Run it on any checkout with:
//
//	go test ./internal/pysrc -run TestOracleDir -oracle.dir ~/src/nova -v
//
// LETGO_PYTHON selects the interpreter (default python3); a newer Python
// (3.12+) also checks positions of calls inside f-strings, which CPython
// 3.11 reports unreliably.
var oracleDir = flag.String("oracle.dir", "", "directory of Python files to compare with CPython's ast")

type oracleFile struct {
	Path    string            `json:"path"`
	Error   string            `json:"error"`
	Imports [][]any           `json:"imports"`
	Calls   [][]any           `json:"calls"`
	Defs    [][]any           `json:"defs"`
	Extra   map[string]string `json:"-"`
}

func pythonPath(t testing.TB) string {
	py := os.Getenv("LETGO_PYTHON")
	if py == "" {
		py = "python3"
	}
	p, err := exec.LookPath(py)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("differential test needs %s (install it or set LETGO_PYTHON): %v", py, err)
		}
		t.Skipf("%s not found: differential test skipped", py)
	}
	return p
}

// runOracle dumps every path with CPython and returns the dumps by path and
// the interpreter's version.
func runOracle(t testing.TB, paths []string) (map[string]*oracleFile, [3]int) {
	t.Helper()
	cmd := exec.Command(pythonPath(t), filepath.Join("testdata", "oracle.py"), "--stdin")
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle.py: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	var version [3]int
	res := map[string]*oracleFile{}
	first := true
	for sc.Scan() {
		if first {
			var v struct{ Python []int }
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil || len(v.Python) != 3 {
				t.Fatalf("oracle.py header %q: %v", sc.Text(), err)
			}
			copy(version[:], v.Python)
			first = false
			continue
		}
		var f oracleFile
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		if err := d.Decode(&f); err != nil {
			t.Fatalf("oracle.py output: %v", err)
		}
		res[f.Path] = &f
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return res, version
}

// goDump renders letgo's view in the oracle's terms.
func goDump(path string, src []byte) (*oracleFile, *File) {
	f := Parse(path, src)
	out := &oracleFile{Path: path}
	if len(f.Errors) > 0 {
		pos := f.Position(f.Errors[0].Pos)
		out.Error = fmt.Sprintf("%d:%d: %s", pos.Line, pos.Col, f.Errors[0].Msg)
	}
	v := Analyze(f, "", false)
	inFString := map[*Call]bool{}
	InspectAll(f.Body, func(n Node) bool {
		if js, ok := n.(*JoinedStr); ok {
			Inspect(js, func(m Node) bool {
				if c, ok := m.(*Call); ok {
					inFString[c] = true
				}
				return true
			})
			return false
		}
		return true
	})
	for _, imp := range v.Imports {
		if imp.Dynamic != "" {
			continue
		}
		pos := f.Position(imp.Node.Pos())
		var names []any
		for _, n := range imp.Names {
			s := n.Name
			if n.AsName != "" {
				s += " as " + n.AsName
			}
			names = append(names, s)
		}
		out.Imports = append(out.Imports, []any{pos.Line, pos.Col, imp.RawModule, imp.Level, names, imp.Guard.Kind.String()})
	}
	for _, c := range v.Calls {
		pos := f.Position(c.Node.Pos())
		var kws []any
		for _, k := range c.Node.Keywords {
			if k.Arg == "" {
				kws = append(kws, nil)
			} else {
				kws = append(kws, k.Arg)
			}
		}
		out.Calls = append(out.Calls, []any{pos.Line, pos.Col, c.Callee, kws, inFString[c.Node]})
	}
	for _, d := range v.Defs {
		pos := f.Position(d.Node.Pos())
		var params []any
		for _, p := range d.Params {
			if p.HasDefault {
				params = append(params, []any{p.Name, valueJSON(p.Default)})
			} else {
				params = append(params, []any{p.Name, nil})
			}
		}
		out.Defs = append(out.Defs, []any{pos.Line, pos.Col, d.Name, params})
	}
	return out, f
}

func valueJSON(v Value) []any {
	switch v.Kind {
	case ValStr, ValBytes:
		if v.Kind == ValBytes {
			r := make([]rune, len(v.Str))
			for i := 0; i < len(v.Str); i++ {
				r[i] = rune(v.Str[i])
			}
			return []any{"bytes", string(r)}
		}
		return []any{"str", v.Str}
	case ValInt:
		return []any{"int", v.Str}
	case ValFloat:
		return []any{"float", v.Float}
	case ValBool:
		return []any{"bool", v.Bool}
	case ValNone:
		return []any{"none", nil}
	case ValTuple, ValList:
		elems := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			elems[i] = valueJSON(e)
		}
		return []any{v.Kind.String(), elems}
	}
	return []any{"unknown", nil}
}

// canon renders one oracle row in a canonical text form for comparison.
// Floats (repr strings from Python, float64 from Go) compare by value.
func canon(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return strconv.Quote(x)
	case []any:
		if len(x) == 2 {
			if k, ok := x[0].(string); ok && k == "float" {
				switch f := x[1].(type) {
				case string:
					v, err := strconv.ParseFloat(f, 64)
					if err != nil && !isRangeErr(err) {
						return "float(" + f + ")"
					}
					return "float(" + floatCanon(v) + ")"
				case float64:
					return "float(" + floatCanon(f) + ")"
				}
			}
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = canon(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return fmt.Sprintf("%v", x)
}

func floatCanon(f float64) string {
	if math.IsNaN(f) {
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func canonRows(rows [][]any, dropFString bool) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if dropFString && len(r) == 5 {
			if b, ok := r[4].(bool); ok && b {
				continue
			}
		}
		out = append(out, canon(r))
	}
	sort.Strings(out)
	return out
}

// diffRows lists rows present on one side only.
func diffRows(what string, want, got []string) []string {
	var diffs []string
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j >= len(got) || (i < len(want) && want[i] < got[j]):
			diffs = append(diffs, fmt.Sprintf("%s only in CPython: %s", what, want[i]))
			i++
		case i >= len(want) || got[j] < want[i]:
			diffs = append(diffs, fmt.Sprintf("%s only in letgo: %s", what, got[j]))
			j++
		default:
			i++
			j++
		}
	}
	return diffs
}

type oracleSummary struct {
	files, compared, bothErrors, letgoOnlyErrors, cpythonOnlyErrors int
	imports, calls, defs                                            int
	diffs                                                           map[string][]string
}

// compareWithOracle runs both front ends over paths and returns the
// differences per file.
func compareWithOracle(t testing.TB, paths []string) oracleSummary {
	t.Helper()
	want, version := runOracle(t, paths)
	dropFString := version[0] == 3 && version[1] < 12
	sum := oracleSummary{diffs: map[string][]string{}}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum.files++
		w, ok := want[p]
		if !ok {
			sum.diffs[p] = append(sum.diffs[p], "no oracle output")
			continue
		}
		g, _ := goDump(p, src)
		switch {
		case w.Error != "" && g.Error != "":
			sum.bothErrors++
			continue
		case w.Error != "":
			sum.cpythonOnlyErrors++
			sum.diffs[p] = append(sum.diffs[p], "CPython rejects, letgo accepts: "+w.Error)
			continue
		case g.Error != "":
			sum.letgoOnlyErrors++
			sum.diffs[p] = append(sum.diffs[p], "letgo rejects, CPython accepts: "+g.Error)
			continue
		}
		sum.compared++
		wi, gi := canonRows(w.Imports, false), canonRows(g.Imports, false)
		wc, gc := canonRows(w.Calls, dropFString), canonRows(g.Calls, dropFString)
		wd, gd := canonRows(w.Defs, false), canonRows(g.Defs, false)
		sum.imports += len(wi)
		sum.calls += len(wc)
		sum.defs += len(wd)
		var d []string
		d = append(d, diffRows("import", wi, gi)...)
		d = append(d, diffRows("call", wc, gc)...)
		d = append(d, diffRows("def", wd, gd)...)
		if len(d) > 0 {
			sum.diffs[p] = d
		}
	}
	return sum
}

func (s oracleSummary) String() string {
	return fmt.Sprintf("%d files: %d compared (%d imports, %d calls, %d defs), %d rejected by both, "+
		"%d only by CPython, %d only by letgo; %d files with differences",
		s.files, s.compared, s.imports, s.calls, s.defs, s.bothErrors, s.cpythonOnlyErrors,
		s.letgoOnlyErrors, len(s.diffs))
}

func pyFiles(t testing.TB, dir string) []string {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == ".tox") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".py") && d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	return paths
}

func reportDiffs(t *testing.T, sum oracleSummary, limit int) {
	t.Helper()
	files := make([]string, 0, len(sum.diffs))
	for p := range sum.diffs {
		files = append(files, p)
	}
	sort.Strings(files)
	n := 0
	for _, p := range files {
		for _, d := range sum.diffs[p] {
			if n < limit {
				t.Errorf("%s: %s", p, d)
			}
			n++
		}
	}
	if n > limit {
		t.Errorf("... and %d more differences", n-limit)
	}
}

// TestOracleDir compares with CPython on a directory given by -oracle.dir.
func TestOracleDir(t *testing.T) {
	if *oracleDir == "" {
		t.Skip("set -oracle.dir to compare a directory with CPython's ast")
	}
	sum := compareWithOracle(t, pyFiles(t, *oracleDir))
	t.Log(sum.String())
	reportDiffs(t, sum, 200)
}

func pythonMinor(t testing.TB) int {
	out, err := exec.Command(pythonPath(t), "-c", "import sys; print(sys.version_info[1])").Output()
	if err != nil {
		t.Fatalf("python version: %v", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOracleGenerated compares with CPython on generated Python covering the
// grammar; every generated file must parse on both sides and agree.
func TestOracleGenerated(t *testing.T) {
	minor := pythonMinor(t)
	dir := t.TempDir()
	n := 200
	if testing.Short() {
		n = 40
	}
	var paths []string
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("gen_%03d.py", i))
		if err := os.WriteFile(p, []byte(pygen.File(pygen.Config{Minor: minor}, uint64(i))), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	sum := compareWithOracle(t, paths)
	t.Log(sum.String())
	if sum.compared != n {
		t.Errorf("compared %d of %d generated files", sum.compared, n)
	}
	if sum.calls < n*20 || sum.imports < n || sum.defs < n {
		t.Errorf("generated corpus too thin: %s", sum.String())
	}
	reportDiffs(t, sum, 50)
}

// TestOracleFixtures compares with CPython on the hand-written fixtures.
func TestOracleFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "py", "*.py"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	sum := compareWithOracle(t, paths)
	t.Log(sum.String())
	reportDiffs(t, sum, 50)
}
