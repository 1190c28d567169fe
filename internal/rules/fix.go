package rules

import (
	"regexp"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// stdlibTop lists standard-library modules, to place an added import in
// the file's standard-library block, alphabetically, as hacking's H306
// and isort expect.
var stdlibTop = tables.StdlibTop

// shadowTime finds a binding of the name "time" in a function's text: an
// assignment, a loop or with target, an import alias, a parameter or a
// comprehension variable. Conservative: a false match only loses a fix.
var shadowTime = regexp.MustCompile(`(?m)(^|[^.\w])time\s*(=[^=]|:=|,\s*\w+\s*=)|\bas\s+time\b|\bfor\s+(\w+\s*,\s*)*time\b|\bimport\s+[\w.]+\s+as\s+time\b|\bfrom\s+\S+\s+import\s+(.*[\s,(])?time\b|\bglobal\s+time\b|\bnonlocal\s+time\b`)

// sleepFix rewrites eventlet.sleep(x) (and greenthread.sleep) as
// time.sleep(x), adding "import time" when the module lacks it. Under
// eventlet's monkey patching of time, time.sleep is eventlet's sleep (a
// yield for 0); without patching both block the calling thread, but
// eventlet.sleep also runs that thread's hub, so eventlet timers fire
// during it. No fix when the file uses eventlet's Timeout, when the call
// passes keywords (time.sleep takes none), when the callee is not a plain
// dotted name, or when "time" means something else here. letgo fix adds
// the project-wide conditions: every monkey_patch() patches time, and no
// test mocks eventlet's sleep (a mock of it would no longer apply).
func sleepFix(p *analysis.Pass, c *pysrc.CallSite) *analysis.Fix {
	if len(c.Keywords) > 0 || len(c.Node.Args) > 1 {
		return nil
	}
	if len(c.Node.Args) == 1 {
		if _, star := c.Node.Args[0].(*pysrc.Starred); star {
			return nil
		}
	}
	switch c.Node.Func.(type) {
	case *pysrc.NameExpr, *pysrc.Attribute:
	default:
		return nil
	}
	if usesTimeout(p) {
		return nil
	}
	src := p.File.Src
	var timeBound, timeOther bool
	for _, b := range p.View.Exports {
		if b.Name == "time" {
			if b.Target == "time" && !b.Cond {
				timeBound = true
			} else {
				timeOther = true
			}
		}
	}
	if timeOther {
		return nil
	}
	if text, ok := enclosingDefText(p.View, c); ok && shadowTime.MatchString(text) {
		return nil
	}
	fn := c.Node.Func
	args := strings.TrimSpace(src[fn.End():c.Node.End()])
	if args == "()" {
		args = "(0)" // eventlet.sleep() is sleep(0)
	}
	edits := []analysis.Edit{{Start: int(fn.Pos()), End: int(c.Node.End()), New: "time.sleep" + args}}
	if !timeBound {
		at, ok := importSpot(p.View, "time")
		if !ok {
			return nil
		}
		edits = append(edits, analysis.Edit{Start: at, End: at, New: "import time\n"})
	}
	return &analysis.Fix{Description: "use time.sleep", Edits: edits}
}

// usesTimeout reports whether the file uses eventlet's Timeout: without
// monkey patching, an eventlet.Timeout fires while eventlet.sleep runs
// the hub, never during time.sleep, so the rewrite would not be exact.
func usesTimeout(p *analysis.Pass) bool {
	for _, name := range p.CallNames() {
		if _, ok := timeoutNames.match(name); ok {
			return true
		}
	}
	for _, r := range p.View.Refs {
		if _, ok := timeoutNames.match(p.Resolve(r.Resolved)); ok {
			return true
		}
	}
	return false
}

// enclosingDefText returns the text of the outermost function around a
// call, where a local "time" could shadow the module's.
func enclosingDefText(v *pysrc.View, c *pysrc.CallSite) (string, bool) {
	if c.Func == "" {
		return "", false
	}
	outer, _, _ := strings.Cut(c.Func, ".<locals>.")
	for _, d := range v.Defs {
		if d.QualName == outer {
			for _, prm := range d.Params {
				if prm.Name == "time" {
					return "time = param", true
				}
			}
			return v.File.Text(d.Node), true
		}
	}
	return "", false
}

// importSpot returns the offset where "import NAME" goes: in the block of
// standard-library imports at the top of the module, in alphabetical
// order, or before the first import (after the docstring and __future__
// imports). False when the module's top is unusual (no unconditional
// module-level import to anchor on and code before it).
func importSpot(v *pysrc.View, name string) (int, bool) {
	type top struct {
		module string
		start  int
		end    int
	}
	var tops []top
	for _, imp := range v.Imports {
		if imp.Func != "" || imp.Dynamic != "" || imp.Guard.Kind != pysrc.GuardUnconditional {
			continue
		}
		first, _, _ := strings.Cut(imp.Module, ".")
		tops = append(tops, top{first, int(imp.Node.Pos()), int(imp.Node.End())})
	}
	sort.Slice(tops, func(i, j int) bool { return tops[i].start < tops[j].start })
	src := v.File.Src
	lineStart := func(off int) int { return strings.LastIndexByte(src[:off], '\n') + 1 }
	lineAfter := func(off int) int {
		if i := strings.IndexByte(src[off:], '\n'); i >= 0 {
			return off + i + 1
		}
		return -1
	}
	var lastStd = -1
	for i, t := range tops {
		if t.module == "__future__" {
			continue
		}
		if stdlibTop[t.module] {
			if t.module > name {
				return lineStart(t.start), true
			}
			lastStd = i
		}
	}
	if lastStd >= 0 {
		if at := lineAfter(tops[lastStd].end - 1); at >= 0 {
			return at, true
		}
		return -1, false
	}
	for _, t := range tops {
		if t.module != "__future__" {
			return lineStart(t.start), true
		}
	}
	return -1, false
}
