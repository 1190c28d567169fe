package pysrc

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func analyze(t *testing.T, module string, isPkg bool, src string) *View {
	t.Helper()
	f := Parse("test.py", []byte(src))
	return Analyze(f, module, isPkg)
}

func importLines(v *View) []string {
	var out []string
	for _, imp := range v.Imports {
		var names []string
		for _, n := range imp.Names {
			s := n.Name
			if n.AsName != "" {
				s += " as " + n.AsName
			}
			names = append(names, s)
		}
		g := imp.Guard.Kind.String()
		if imp.Guard.Cond != "" {
			g += "(" + imp.Guard.Cond + ")"
		}
		line := fmt.Sprintf("%d %s [%s] %s", v.Line(imp.Node.Pos()), imp.Module, strings.Join(names, ", "), g)
		if imp.Dynamic != "" {
			line += " dynamic:" + imp.Dynamic
		}
		if imp.Func != "" {
			line += " in " + imp.Func
		}
		out = append(out, line)
	}
	return out
}

func callLines(v *View) []string {
	var out []string
	for _, c := range v.Calls {
		pos := v.Position(c.Node.Pos())
		line := fmt.Sprintf("%d:%d %s", pos.Line, pos.Col, c.Callee)
		if c.Resolved != "" && c.Resolved != c.Callee {
			line += " -> " + c.Resolved
		}
		for _, a := range c.Args {
			line += " " + valueString(a)
		}
		for _, k := range c.Keywords {
			line += " " + k.Name + "=" + valueString(k.Value)
		}
		if c.Func != "" {
			line += " in " + c.Func
		}
		out = append(out, line)
	}
	return out
}

func valueString(v Value) string {
	switch v.Kind {
	case ValStr:
		return fmt.Sprintf("%q", v.Str)
	case ValBytes:
		return fmt.Sprintf("b%q", v.Str)
	case ValInt:
		return v.Str
	case ValFloat:
		return fmt.Sprint(v.Float)
	case ValBool:
		return fmt.Sprint(v.Bool)
	case ValNone:
		return "None"
	case ValTuple, ValList:
		var parts []string
		for _, e := range v.Elems {
			parts = append(parts, valueString(e))
		}
		if v.Kind == ValTuple {
			return "(" + strings.Join(parts, ",") + ")"
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	if v.Ref != "" {
		return "&" + v.Ref
	}
	return "<" + v.Text + ">"
}

func TestImportGuards(t *testing.T) {
	src := `import os
import eventlet.wsgi as ew, sys
from eventlet import greenthread as gt
try:
    import eventlet
except ImportError:
    eventlet = None
try:
    import json
except ValueError:
    import simplejson
if 'eventlet' in sys.modules:
    from eventlet import patcher
else:
    import threading
if TYPE_CHECKING:
    from eventlet import GreenPool
if typing.TYPE_CHECKING:
    import greenlet
def f():
    import eventlet.hubs
    if x:
        import eventlet.tpool
class C:
    import eventlet.queue
    def m(self):
        from . import sibling
for i in range(3):
    import eventlet.green
while w:
    import eventlet.event
with ctx():
    import eventlet.semaphore
match cmd:
    case 1:
        import eventlet.timeout
lazy = lambda: __import__('eventlet.debug')
mod = importlib.import_module('eventlet.backdoor')
tp = importutils.try_import('eventlet.tpool')
`
	v := analyze(t, "pkg.mod", false, src)
	want := []string{
		"1 os [os] unconditional",
		"2 eventlet.wsgi [eventlet.wsgi as ew] unconditional",
		"2 sys [sys] unconditional",
		"3 eventlet [greenthread as gt] unconditional",
		"5 eventlet [eventlet] try",
		"9 json [json] unconditional",
		"11 simplejson [simplejson] if(except ValueError)",
		"13 eventlet [patcher] if('eventlet' in sys.modules)",
		"15 threading [threading] if(not ('eventlet' in sys.modules))",
		"17 eventlet [GreenPool] type-checking(TYPE_CHECKING)",
		"19 greenlet [greenlet] type-checking(typing.TYPE_CHECKING)",
		"21 eventlet.hubs [eventlet.hubs] function in f",
		"23 eventlet.tpool [eventlet.tpool] function in f",
		"25 eventlet.queue [eventlet.queue] unconditional",
		"27 pkg [sibling] function in C.m",
		"29 eventlet.green [eventlet.green] if(for i in range(3))",
		"31 eventlet.event [eventlet.event] if(while w)",
		"33 eventlet.semaphore [eventlet.semaphore] unconditional",
		"36 eventlet.timeout [eventlet.timeout] if(case 1)",
		"37 eventlet.debug [eventlet.debug] function dynamic:__import__",
		"38 eventlet.backdoor [eventlet.backdoor] unconditional dynamic:importlib.import_module",
		"39 eventlet.tpool [eventlet.tpool] try(importutils.try_import()) dynamic:importutils.try_import",
	}
	if diff := cmp.Diff(want, importLines(v)); diff != "" {
		t.Errorf("imports (-want +got):\n%s", diff)
	}
}

func TestRelativeImports(t *testing.T) {
	tests := []struct {
		name, module string
		isPkg        bool
		src, want    string
	}{
		{"module sibling", "pkg.sub.mod", false, "from . import x", "pkg.sub"},
		{"module parent", "pkg.sub.mod", false, "from ..util import y", "pkg.util"},
		{"package init", "pkg.sub", true, "from . import x", "pkg.sub"},
		{"package init parent", "pkg.sub", true, "from .. import x", "pkg"},
		{"ellipsis token", "a.b.c.d.mod", false, "from ... import x", "a.b"},
		{"beyond top", "mod", false, "from .. import x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := analyze(t, tt.module, tt.isPkg, tt.src)
			if got := v.Imports[0].Module; got != tt.want {
				t.Errorf("Module = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResolution(t *testing.T) {
	src := `from eventlet import greenthread as gt
import eventlet
import eventlet.queue as q
from oslo_service.backend import BackendType, init_backend
gt.spawn(work)
spawn = eventlet.spawn
spawn(f, 1, key='v')
try:
    from eventlet import sleep
except ImportError:
    sleep = None
sleep(0)
from time import sleep
sleep(1.5)
init_backend(BackendType.THREADING)
q.LightQueue(maxsize=-1)

def later():
    sleep(2)
    gt = None
    gt.spawn()

class K(eventlet.Timeout):
    def run(self, n=10, mode=('a', 1), flag=True, unset=None, ref=BackendType.EVENTLET):
        self.pool.spawn(x)
        eventlet.sleep(0)
`
	v := analyze(t, "pkg.mod", false, src)
	want := []string{
		"5:0 gt.spawn -> eventlet.greenthread.spawn <work>",
		`7:0 spawn -> eventlet.spawn <f> 1 key="v"`,
		"12:0 sleep -> eventlet.sleep 0",
		"14:0 sleep -> time.sleep 1.5",
		"15:0 init_backend -> oslo_service.backend.init_backend &oslo_service.backend.BackendType.THREADING",
		"16:0 q.LightQueue -> eventlet.queue.LightQueue maxsize=-1",
		"19:4 sleep -> time.sleep 2 in later",
		"21:4 gt.spawn in later",
		"25:8 self.pool.spawn <x> in K.run",
		"26:8 eventlet.sleep 0 in K.run",
	}
	if diff := cmp.Diff(want, callLines(v)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if len(v.Classes) != 1 || v.Classes[0].Bases[0] != "eventlet.Timeout" {
		t.Errorf("class bases = %v, want [eventlet.Timeout]", v.Classes[0].Bases)
	}
	var run *FuncDef
	for _, d := range v.Defs {
		if d.QualName == "K.run" {
			run = d
		}
	}
	if run == nil {
		t.Fatal("no def K.run")
	}
	var params []string
	for _, p := range run.Params {
		s := p.Name
		if p.HasDefault {
			s += "=" + valueString(p.Default)
		}
		params = append(params, s)
	}
	wantParams := []string{"self", "n=10", `mode=("a",1)`, "flag=true", "unset=None", "ref=&oslo_service.backend.BackendType.EVENTLET"}
	if diff := cmp.Diff(wantParams, params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if run.Class != "K" {
		t.Errorf("Class = %q, want K", run.Class)
	}
}

func TestRefs(t *testing.T) {
	src := `import eventlet
from eventlet import wsgi
try:
    pass
except (eventlet.Timeout, ValueError):
    pass
with eventlet.Timeout(5):
    pass
x = wsgi.server
@eventlet.debug.hub_blocking_detection
def f(): pass
local = object()
y = local.attr
`
	v := analyze(t, "m", false, src)
	var got []string
	for _, r := range v.Refs {
		got = append(got, fmt.Sprintf("%d %s %s", v.Line(r.Node.Pos()), r.Ctx, r.Resolved))
	}
	want := []string{
		"5 except eventlet.Timeout",
		"9 load eventlet.wsgi.server",
		"10 decorator eventlet.debug.hub_blocking_detection",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
}

func TestDocstringsAndCommentsAreNotFacts(t *testing.T) {
	src := `"""Module doc: import eventlet; eventlet.monkey_patch()"""
# import eventlet
x = "eventlet.spawn(f)"
def f():
    """eventlet.sleep(0)"""
    return 1  # eventlet.sleep(0)
`
	v := analyze(t, "m", false, src)
	if len(v.Imports) != 0 || len(v.Calls) != 0 {
		t.Errorf("got imports %v calls %v, want none", importLines(v), callLines(v))
	}
	if len(v.File.Comments) != 2 {
		t.Errorf("comments = %d, want 2", len(v.File.Comments))
	}
}

func TestStringValues(t *testing.T) {
	tests := []struct{ src, want string }{
		{`'plain'`, "plain"},
		{`"esc\n\t\\\'"`, "esc\n\t\\'"},
		{`r'raw\d\n'`, `raw\d\n`},
		{`'a' "b" '''c'''`, "abc"},
		{`'\x41\101\u00e9\U0001F600'`, "AAé😀"},
		{`'unknown \d escape'`, `unknown \d escape`},
		{"'line \\\ncontinued'", "line continued"},
		{`b'\x00\xff'`, "\x00\xff"},
		{`u'u'`, "u"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			v := analyze(t, "m", false, "f("+tt.src+")\n")
			if len(v.Calls) != 1 || len(v.Calls[0].Args) != 1 {
				t.Fatalf("no call parsed from %q: %v", tt.src, v.File.Errors)
			}
			if got := v.Calls[0].Args[0].Str; got != tt.want {
				t.Errorf("value of %s = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestNewSyntax(t *testing.T) {
	// Syntax from Python 3.12-3.14, with the facts each must yield.
	tests := []struct {
		name  string
		src   string
		calls []string
	}{
		{"pep695 generic function", "def f[T: bound(), *Ts, **P](x: T = dflt()) -> T: g()\n",
			[]string{"1:35 dflt", "1:49 g in f", "1:9 bound"}},
		{"pep695 class and default", "class C[T = int, *Ts = *tuple[int]](Base(), k=v()): pass\n",
			[]string{"1:36 Base", "1:46 v"}},
		{"type alias", "type Alias[K] = dict[K, make()]\ntype = 3\ntype(x)\n",
			[]string{"1:24 make", "3:0 type <x>"}},
		{"pep701 nested quotes", `f"{x["key"]} {f"{g("a")}"}"` + "\n",
			[]string{`1:17 g "a"`}},
		{"pep701 backslash and newline in field", "f'{chr(10).join(\n  items)}' + f'{'\\n'.join(y)}'\n",
			[]string{`1:3 ?.join <items>`, `1:3 chr 10`, `2:16 ?.join <y>`}},
		{"pep701 comment in field", "x = f'''{\n  call(a)  # comment\n}'''\n",
			[]string{"2:2 call <a>"}},
		{"format spec field", `f"{v:{w(1)}.{p}}"` + "\n", []string{"1:6 w 1"}},
		{"debug conversion", `f"{spawn(f)=!r:>10}"` + "\n", []string{"1:3 spawn <f>"}},
		{"t-string", `t"hello {name(x)!r}"` + "\n", []string{"1:9 name <x>"}},
		{"except star", "try:\n    a()\nexcept* (E1, E2) as eg:\n    b()\n", []string{"2:4 a", "4:4 b"}},
		{"pep758 except list", "try:\n    a()\nexcept E1, E2:\n    b()\n", []string{"2:4 a", "4:4 b"}},
		{"parenthesized with", "with (\n  open(a) as f,\n  lock(),\n):\n  pass\n",
			[]string{"2:2 open <a>", "3:2 lock"}},
		{"match statement", "match cmd(x):\n    case Point(x=0) | [1, *rest] if check(rest):\n        act()\n    case {'k': mod.V, **kw}:\n        pass\n",
			[]string{"1:6 cmd <x>", "2:36 check <rest>", "3:8 act"}},
		{"match soft keyword as name", "match = re.match(p, s)\nmatch.group(1)\ncase = 1\n",
			[]string{"1:8 re.match <p> <s>", "2:0 match.group 1"}},
		{"walrus and lambda default", "if (n := count(x)) > 1: g = lambda a=h(): a\n",
			[]string{"1:37 h", "1:9 count <x>"}},
		{"async comprehension", "async def f():\n    return [await g(x) async for x in aiter()]\n",
			[]string{"2:18 g <x> in f", "2:38 aiter in f"}},
		{"decorator expression", "@buttons[0].clicked.connect(slot())\ndef f(): pass\n",
			[]string{"1:1 ?.clicked.connect <slot()>", "1:28 slot"}},
		{"generator argument", "sum(x * 2 for x in nums())\n", []string{"1:0 sum <(x * 2 for x in nums())>", "1:19 nums"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := analyze(t, "m", false, tt.src)
			if len(v.File.Errors) > 0 {
				pos := v.Position(v.File.Errors[0].Pos)
				t.Fatalf("syntax error %d:%d: %s", pos.Line, pos.Col, v.File.Errors[0].Msg)
			}
			got := callLines(v)
			sort.Strings(got)
			if diff := cmp.Diff(tt.calls, got); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorRecovery(t *testing.T) {
	src := `import eventlet
def broken(:
    pass
eventlet.spawn(f)
x = = 2
print "py2"
eventlet.sleep(0)
`
	v := analyze(t, "m", false, src)
	if len(v.File.Errors) < 3 {
		t.Errorf("errors = %v, want at least 3", v.File.Errors)
	}
	want := []string{"4:0 eventlet.spawn <f>", "7:0 eventlet.sleep 0"}
	if diff := cmp.Diff(want, callLines(v)); diff != "" {
		t.Errorf("calls after errors (-want +got):\n%s", diff)
	}
	if len(v.Imports) != 1 {
		t.Errorf("imports = %v, want the one before the errors", importLines(v))
	}
}

func TestHostileInput(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantErr string
	}{
		{"deep parens", strings.Repeat("(", 10000) + "x" + strings.Repeat(")", 10000), "nested"},
		{"deep unary", "x = " + strings.Repeat("-", 100000) + "1\n", "nested"},
		{"deep lists", "x = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "nested"},
		{"deep blocks", deepBlocks(300), "indentation"},
		{"null byte", "x = 1\x00\n", "null bytes"},
		{"invalid utf8", "x = '\xff\xfe'\n", "UTF-8"},
		{"unterminated string", "x = 'abc\n", "unterminated"},
		{"unterminated triple", `x = """abc`, "unterminated"},
		{"unterminated fstring", `x = f"{a`, "unterminated"},
		{"lone brace in fstring", `x = f"}"`, "single '}'"},
		{"bad dedent", "if x:\n        a\n    b\n", "unindent"},
		{"tabs and spaces", "if x:\n\ta\n        b\n", "inconsistent"},
		{"long chain", "x = " + strings.Repeat("a + ", 2_500_000) + "a\n", "nested"},
		{"long attribute chain", "x = a" + strings.Repeat(".b", 100_000) + "\n", "nested"},
		{"long call chain", "x = f" + strings.Repeat("()", 100_000) + "\n", "nested"},
		{"long flat line", "x = [" + strings.Repeat("1, ", 3_000_000) + "]\n", ""},
		{"chain within the limit", "x = " + strings.Repeat("a + ", 2000) + "a\n", ""},
		// Each elif is an If nested in the orelse of the one before.
		{"long elif chain", "if a: pass\n" + strings.Repeat("elif a: pass\n", 100_000), "nested"},
		{"elif chain within the limit", "if a: pass\n" + strings.Repeat("elif a: pass\n", 2000), ""},
		// Flat in the tree: as long as the file limit allows.
		{"long or chain", "x = a" + strings.Repeat(" or a", 2_400_000) + "\n", ""},
		{"long compare chain", "x = a" + strings.Repeat(" < a", 1_000_000) + "\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse("hostile.py", []byte(tt.src))
			if tt.wantErr == "" {
				if len(f.Errors) != 0 {
					t.Errorf("errors = %v, want none", f.Errors)
				}
				return
			}
			for _, e := range f.Errors {
				if strings.Contains(e.Msg, tt.wantErr) {
					return
				}
			}
			t.Errorf("errors = %v, want one containing %q", f.Errors, tt.wantErr)
		})
	}
}

func deepBlocks(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "if x:\n")
	}
	b.WriteString(strings.Repeat(" ", n) + "pass\n")
	return b.String()
}

func TestEncoding(t *testing.T) {
	latin1 := []byte("# -*- coding: latin-1 -*-\nf('\xe9')\n")
	v := Analyze(Parse("l.py", latin1), "m", false)
	if len(v.File.Errors) != 0 || len(v.Calls) != 1 || v.Calls[0].Args[0].Str != "é" {
		t.Errorf("latin-1 source: errors %v, calls %v", v.File.Errors, callLines(v))
	}
	bom := append([]byte{0xEF, 0xBB, 0xBF}, "import eventlet\n"...)
	v = Analyze(Parse("b.py", bom), "m", false)
	if len(v.Imports) != 1 || v.Position(v.Imports[0].Node.Pos()) != (Position{1, 0}) {
		t.Errorf("BOM source: imports %v", importLines(v))
	}
	crlf := []byte("import os\r\nif x:\r\n    f(1)\r\n")
	v = Analyze(Parse("c.py", crlf), "m", false)
	if got := callLines(v); len(got) != 1 || got[0] != "3:4 f 1" {
		t.Errorf("CRLF source: calls %v", got)
	}
}
