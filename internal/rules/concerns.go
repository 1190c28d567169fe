package rules

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/enums"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// ---- EV504: short fixed sleeps in heartbeat-like loops ----

// isHeartbeatName matches function names made of words such as heartbeat,
// keepalive, report_state or health_check ("_" separates words: "mapping"
// is not "ping").
func isHeartbeatName(name string) bool {
	words := strings.Split(strings.ToLower(snakeCase(name)), "_")
	for i, w := range words {
		switch w {
		case "heartbeat", "heartbeats", "heartbeater", "heartbeating", "keepalive", "ping", "healthcheck":
			return true
		case "keep", "report", "health", "state":
			if i+1 < len(words) {
				switch w + "_" + words[i+1] {
				case "keep_alive", "report_state", "report_status", "state_report", "health_check":
					return true
				}
			}
		}
	}
	return false
}

// isPingOnly says whether a heartbeat-like name is so only through the
// word "ping".
func isPingOnly(name string) bool {
	return isHeartbeatName(name) && !isHeartbeatName(strings.ReplaceAll(strings.ToLower(snakeCase(name)), "ping", "x"))
}

// snakeCase splits CamelCase words with underscores (AgentHeartbeater →
// Agent_Heartbeater), so class names read like function names.
func snakeCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shortDelay returns a constant delay of at most 1 s.
func shortDelay(v pysrc.Value) (float64, bool) {
	var d float64
	switch v.Kind {
	case pysrc.ValInt:
		n, err := strconv.ParseFloat(v.Str, 64)
		if err != nil {
			return 0, false
		}
		d = n
	case pysrc.ValFloat:
		d = v.Float
	default:
		return 0, false
	}
	return d, d > 0 && d <= 1
}

func heartbeatCheck(p *analysis.Pass) {
	// Heartbeat paths are runtime code; a test polling for a beat is not one.
	if p.Kind == pyproj.KindTest || !anyShortSleep(p) {
		return
	}
	src := p.File.Src
	if !strings.Contains(src, "sleep") && !strings.Contains(src, ".wait(") {
		return
	}
	keepalive := strings.Contains(src, "SO_KEEPALIVE") || strings.Contains(src, "TCP_KEEPIDLE")
	type scope struct {
		body  []pysrc.Stmt
		name  string // how findings name the scope
		named bool   // the scope itself is a heartbeat path
	}
	scopes := []scope{{body: p.File.Body, name: "module level"}}
	for _, d := range p.View.Defs {
		// A heartbeat-like function, or any method of a heartbeat-like
		// class (a heartbeater thread's run()).
		class := d.Class[strings.LastIndexByte(d.Class, '.')+1:]
		named := isHeartbeatName(d.Name) || class != "" && isHeartbeatName(class)
		where := d.QualName + "()"
		if isHeartbeatName(d.Name) {
			where = "heartbeat-like function " + d.QualName + "()"
		} else if named {
			where = d.QualName + "() of heartbeat-like class " + class
		}
		scopes = append(scopes, scope{d.Node.Body, where, named})
	}
	for _, sc := range scopes {
		report := func(c *pysrc.Call, delay float64, callee, where, cond string) {
			msg := fmt.Sprintf("fixed %gs %s in a loop of %s", delay, callee, where)
			if strings.Contains(strings.ToLower(cond), "thread") {
				msg += fmt.Sprintf(" on a threading-only branch (%s)", clip(cond, 50))
			}
			if keepalive {
				msg += "; TCP keepalive options are set in this module"
			} else {
				msg += "; no TCP keepalive options (SO_KEEPALIVE, TCP_KEEPIDLE) in this module"
			}
			p.Report(c, msg)
		}
		// scan reports the short fixed sleeps and waits of a heartbeat loop:
		// in its condition (while not stop.wait(0.5)) and its body.
		scan := func(test pysrc.Expr, body []pysrc.Stmt, where, outer string) {
			check := func(n pysrc.Node, cond string) {
				pysrc.Inspect(n, func(n pysrc.Node) bool {
					switch n.(type) {
					case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
						return false
					}
					if c, ok := n.(*pysrc.Call); ok {
						if delay, callee, ok := shortSleep(p, c); ok {
							report(c, delay, callee, where, cond)
						}
					}
					return true
				})
			}
			if test != nil {
				check(test, outer)
			}
			inLoop(body, true, func(s pysrc.Stmt, _ bool, cond string) {
				if cond == "" {
					cond = outer
				}
				check(s, cond)
			})
		}
		var walk func(stmts []pysrc.Stmt, cond string)
		walk = func(stmts []pysrc.Stmt, cond string) {
			for _, s := range stmts {
				var test pysrc.Expr
				var body []pysrc.Stmt
				switch x := s.(type) {
				case *pysrc.While:
					test, body = x.Test, x.Body
				case *pysrc.For:
					body = x.Body
				case *pysrc.If:
					walk(x.Body, exprText(x.Test))
					walk(x.Orelse, cond)
					continue
				case *pysrc.Try:
					walk(x.Body, cond)
					for _, h := range x.Handlers {
						walk(h.Body, cond)
					}
					walk(x.Finalbody, cond)
					continue
				case *pysrc.With:
					walk(x.Body, cond)
					continue
				default:
					continue
				}
				// A loop is a heartbeat loop in a heartbeat-like function, or
				// when it calls one (self._send_heartbeat(), report_state()).
				where := ""
				if sc.named {
					where = sc.name
				} else if callee := heartbeatCall(p, body); callee != "" {
					where = sc.name + ", which calls " + callee + "()"
				}
				if where == "" {
					walk(body, cond)
					continue
				}
				scan(test, body, where, cond)
			}
		}
		walk(sc.body, "")
	}
}

// anyShortSleep is heartbeatCheck's cheap pre-check: every finding is a
// call that shortSleep accepts, so a file with none has nothing to report.
func anyShortSleep(p *analysis.Pass) bool {
	callNames := p.CallNames()
	for i, cs := range p.View.Calls {
		if len(cs.Args) == 0 {
			continue
		}
		if name := callNames[i]; !strings.HasSuffix(cs.Callee, ".wait") && name != "time.sleep" && name != "eventlet.sleep" && name != "eventlet.greenthread.sleep" {
			continue
		}
		if _, short := shortDelay(cs.Args[0]); short {
			return true
		}
	}
	return false
}

// shortSleep says whether a call is a sleep or wait of a constant delay of
// at most one second.
func shortSleep(p *analysis.Pass, c *pysrc.Call) (float64, string, bool) {
	cs := callSite(p, c)
	if cs == nil || len(cs.Args) == 0 {
		return 0, "", false
	}
	name := p.Resolve(cs.Resolved)
	if !strings.HasSuffix(cs.Callee, ".wait") && name != "time.sleep" && name != "eventlet.sleep" && name != "eventlet.greenthread.sleep" {
		return 0, "", false
	}
	delay, short := shortDelay(cs.Args[0])
	return delay, cs.Callee, short
}

// heartbeatCall is the first heartbeat-like function a loop body calls
// (its last name component: self._send_heartbeat, agent.report_state).
func heartbeatCall(p *analysis.Pass, body []pysrc.Stmt) string {
	found := ""
	pysrc.InspectAll(body, func(n pysrc.Node) bool {
		switch n.(type) {
		case *pysrc.FunctionDef, *pysrc.ClassDef, *pysrc.Lambda:
			return false
		}
		if c, ok := n.(*pysrc.Call); ok && found == "" {
			if cs := callSite(p, c); cs != nil {
				// "ping" alone is too common a call (waiting for a host to
				// answer) to make a loop a heartbeat loop.
				last := cs.Callee[strings.LastIndexByte(cs.Callee, '.')+1:]
				if isHeartbeatName(last) && !isPingOnly(last) {
					found = cs.Callee
				}
			}
		}
		return found == ""
	})
	return found
}

// inLoop walks statements, telling whether each is inside a loop and the
// innermost if-condition around it.
func inLoop(body []pysrc.Stmt, loop bool, f func(s pysrc.Stmt, loop bool, cond string)) {
	var walk func([]pysrc.Stmt, bool, string)
	walk = func(stmts []pysrc.Stmt, loop bool, cond string) {
		for _, s := range stmts {
			switch s := s.(type) {
			case *pysrc.While:
				walk(s.Body, true, cond)
			case *pysrc.For:
				walk(s.Body, true, cond)
			case *pysrc.If:
				walk(s.Body, loop, exprText(s.Test))
				walk(s.Orelse, loop, cond)
			case *pysrc.Try:
				walk(s.Body, loop, cond)
				for _, h := range s.Handlers {
					walk(h.Body, loop, cond)
				}
				walk(s.Finalbody, loop, cond)
			case *pysrc.With:
				walk(s.Body, loop, cond)
			case *pysrc.FunctionDef, *pysrc.ClassDef:
				// nested definitions run elsewhere
			default:
				f(s, loop, cond)
			}
		}
	}
	walk(body, loop, "")
}

func exprText(e pysrc.Expr) string {
	if n, ok := e.(*pysrc.NameExpr); ok {
		return n.ID
	}
	if a, ok := e.(*pysrc.Attribute); ok {
		return dottedName(a)
	}
	if c, ok := e.(*pysrc.Call); ok {
		return dottedName(c.Func) + "()"
	}
	if u, ok := e.(*pysrc.UnaryOp); ok {
		return "not " + exprText(u.X)
	}
	if cmp, ok := e.(*pysrc.Compare); ok {
		return exprText(cmp.X) + " ..."
	}
	return ""
}

func dottedName(e pysrc.Expr) string {
	switch x := e.(type) {
	case *pysrc.NameExpr:
		return x.ID
	case *pysrc.Attribute:
		return dottedName(x.X) + "." + x.Attr
	}
	return "?"
}

// callSite finds the view's call site of a call node.
func callSite(p *analysis.Pass, c *pysrc.Call) *pysrc.CallSite {
	return p.View.CallSiteOf(c)
}

// ---- EV503: start method and fork policy ----

var threadStart = names(tables.ThreadCtors)

func startMethodCheck(p *analysis.Pass) {
	forks := false
	callNames := p.CallNames()
	for i := range p.View.Calls {
		if callNames[i] == "os.fork" {
			forks = true
			break
		}
	}
	// Threads started per function, by position, to spot a fork after them
	// (only needed when the file forks).
	threadsBefore := map[string]pysrc.Pos{}
	for i, c := range p.View.Calls {
		if !forks {
			break
		}
		name := callNames[i]
		if _, ok := threadStart.match(name); ok {
			if _, seen := threadsBefore[c.Func]; !seen {
				threadsBefore[c.Func] = c.Node.Start
			}
		}
		if strings.HasSuffix(c.Callee, ".start") {
			if _, seen := threadsBefore[c.Func]; !seen && strings.Contains(strings.ToLower(c.Callee), "thread") {
				threadsBefore[c.Func] = c.Node.Start
			}
		}
	}
	for i, c := range p.View.Calls {
		name := callNames[i]
		switch {
		case name == "os.fork":
			msg := "os.fork() called: forking a multi-threaded process is deprecated (Python 3.12+ warns)"
			if pos, ok := threadsBefore[c.Func]; ok && pos < c.Node.Start {
				msg = fmt.Sprintf("os.fork() after a thread was started in %s: the child inherits locks held by threads that do not exist in it", orModule(c.Func))
			}
			p.Report(c.Node, msg)
		case name == "multiprocessing.set_start_method" || strings.HasSuffix(name, ".set_start_method"):
			if len(c.Args) > 0 && c.Args[0].Kind == pysrc.ValStr {
				p.Report(c.Node, fmt.Sprintf("start method set to %q for the process: %s", c.Args[0].Str, methodNote(c.Args[0].Str)))
			}
		case name == "multiprocessing.get_context" || strings.HasSuffix(name, "multiprocessing.context.get_context"):
			if len(c.Args) > 0 && c.Args[0].Kind == pysrc.ValStr {
				p.Report(c.Node, fmt.Sprintf("multiprocessing context %q: %s", c.Args[0].Str, methodNote(c.Args[0].Str)))
			}
		}
		// A name passed through (mp_context=ctx) is reported where it is made.
		if v, ok := keyword(c, "mp_context"); ok && v.Text != "" && v.Kind != pysrc.ValNone && !isIdent(v.Text) {
			p.Report(c.Node, fmt.Sprintf("%s(mp_context=%s): the start method is chosen here", c.Callee, clip(v.Text, 40)))
		}
	}
}

func methodNote(m string) string {
	switch m {
	case "fork":
		return "fork is unsafe with threads and no longer the default on POSIX from Python 3.14"
	case "spawn", "forkserver":
		return "everything passed to child processes must be picklable"
	}
	return "check what crosses the process boundary"
}

// ---- EV604: assertions right after spawning work ----

var spawnLike = names(tables.SpawnLike)

// concurrencyCtors build objects whose spawn/submit/start runs work
// concurrently.
var concurrencyCtors = names(tables.ConcurrencyCtors)

// isSpawnStmt reports a statement that starts concurrent work: an eventlet
// spawn, or spawn/submit/start on a receiver this test function built from
// a pool, an executor or a thread. A method merely named spawn (a virt
// driver creating an instance) does not count.
func isSpawnStmt(p *analysis.Pass, s pysrc.Stmt, built map[string]string) (string, bool) {
	found := ""
	pysrc.Inspect(s, func(n pysrc.Node) bool {
		c, ok := n.(*pysrc.Call)
		if !ok || found != "" {
			return found == ""
		}
		cs := callSite(p, c)
		if cs == nil {
			return true
		}
		if _, ok := spawnLike.match(p.Resolve(cs.Resolved)); ok {
			found = cs.Callee
			return false
		}
		i := strings.LastIndexByte(cs.Callee, '.')
		if i < 0 {
			return true
		}
		recv, method := cs.Callee[:i], cs.Callee[i+1:]
		switch method {
		case "spawn", "spawn_n", "submit", "start", "add_thread":
			if _, ok := built[recv]; ok {
				found = cs.Callee
			}
		}
		return true
	})
	return found, found != ""
}

// spawnCandidates lists, in source order, the positions of the calls that
// isSpawnStmt could accept: an eventlet spawn, or a callee whose method is
// spawn, spawn_n, submit, start or add_thread (on whatever receiver).
func spawnCandidates(p *analysis.Pass) []pysrc.Pos {
	var out []pysrc.Pos
	callNames := p.CallNames()
	for i, cs := range p.View.Calls {
		if c := cs.Callee; c != "" {
			switch c[len(c)-1] {
			case 'n', 't', 'd':
				if strings.HasSuffix(c, ".spawn") || strings.HasSuffix(c, ".spawn_n") || strings.HasSuffix(c, ".submit") ||
					strings.HasSuffix(c, ".start") || strings.HasSuffix(c, ".add_thread") {
					out = append(out, cs.Node.Pos())
					continue
				}
			}
		}
		if _, ok := spawnLike.match(callNames[i]); ok {
			out = append(out, cs.Node.Pos())
		}
	}
	return out
}

// builtIn lists the names a function assigns from concurrency constructors.
func builtIn(p *analysis.Pass, body []pysrc.Stmt) map[string]string {
	built := map[string]string{}
	for _, s := range body {
		a, ok := s.(*pysrc.Assign)
		if !ok {
			continue
		}
		c, ok := a.Value.(*pysrc.Call)
		if !ok {
			continue
		}
		cs := callSite(p, c)
		if cs == nil {
			continue
		}
		if _, ok := concurrencyCtors.match(p.Resolve(cs.Resolved)); !ok {
			continue
		}
		for _, t := range a.Targets {
			if n := pysem.TargetName(t); n != "" {
				built[n] = cs.Callee
			}
		}
	}
	return built
}

var waitWords = []string{".join", ".wait", ".result", "waitall", ".sleep", "wait_for", "wait_until", ".get(", "as_completed", ".shutdown"}

func assertAfterSpawnCheck(p *analysis.Pass) {
	if p.Kind != pyproj.KindTest {
		return
	}
	spawns := spawnCandidates(p)
	if len(spawns) == 0 || !strings.Contains(p.File.Src, "assert") {
		return
	}
	for _, d := range p.View.Defs {
		if !strings.HasPrefix(d.Name, "test") {
			continue
		}
		// Every finding follows a statement isSpawnStmt accepts, and that
		// is a call inside the function that spawnCandidates lists.
		if k, _ := slices.BinarySearch(spawns, d.Node.Pos()); k == len(spawns) || spawns[k] >= d.Node.End() {
			continue
		}
		if text := p.File.Text(d.Node); !strings.Contains(text, "spawn") && !strings.Contains(text, "submit") && !strings.Contains(text, ".start(") {
			continue
		}
		body := d.Node.Body
		built := builtIn(p, body)
		reported := map[pysrc.Stmt]bool{}
		for i, s := range body {
			spawned, ok := isSpawnStmt(p, s, built)
			if !ok || i+1 >= len(body) {
				continue
			}
			// The next statement asserts with nothing that waits in between.
			next := body[i+1]
			text := p.File.Text(next)
			if !(strings.Contains(text, "assert") || strings.HasPrefix(strings.TrimSpace(text), "self.assert")) {
				continue
			}
			// Waiting inside the statement that spawned (a with block that
			// joins) or in the assertion itself counts.
			spawnText := p.File.Text(s)
			waited := false
			for _, w := range waitWords {
				waited = waited || strings.Contains(text, w) || strings.Contains(spawnText, w)
			}
			if waited {
				continue
			}
			kind := "likely a test artefact: it passes only when the spawned work runs before the assertion (eventlet's switching order)"
			if strings.Contains(text, "assert_has_calls") || strings.Contains(text, "call_args_list") {
				kind = "asserts the order of calls made by spawned work: decide whether the order is a real requirement"
			}
			p.Report(next, fmt.Sprintf("assertion right after %s() with no join/wait/result: %s", spawned, kind))
			reported[next] = true
		}
		orderedCallsAfterSpawns(p, body, built, reported)
	}
}

// orderedCallsAfterSpawns reports ordered assert_has_calls over the calls
// of several pieces of spawned work (two spawn statements, or one in a
// loop): native threads run them in no fixed order, even after a join.
func orderedCallsAfterSpawns(p *analysis.Pass, body []pysrc.Stmt, built map[string]string, reported map[pysrc.Stmt]bool) {
	var lines []string
	many := false
	for _, s := range body {
		if _, ok := isSpawnStmt(p, s, built); ok {
			lines = append(lines, strconv.Itoa(p.View.Line(s.Pos())))
			switch s.(type) {
			case *pysrc.For, *pysrc.While:
				many = true
			}
			continue
		}
		if len(lines) < 2 && !many || reported[s] {
			continue
		}
		text := p.File.Text(s)
		if !strings.Contains(text, "assert_has_calls(") || strings.Contains(text, "any_order=True") {
			continue
		}
		where := "several spawns (lines " + strings.Join(lines, ", ") + ")"
		if many {
			where = "spawns in a loop (line " + strings.Join(lines, ", ") + ")"
		}
		p.Report(s, fmt.Sprintf("ordered assert_has_calls over calls made by work from %s: native threads run that work in no fixed order, even after a join — pass any_order=True, unless the code guarantees the order, in which case it is a real ordering requirement the code should enforce", where))
	}
}

var concernRules = []*analysis.Rule{
	{
		ID: "EV503", Slug: "process-start-method", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime, Python: startMethodCheck, Concern: analysis.ConcernPickling,
		Doc: analysis.Doc{
			Summary:     "process start method chosen, or fork used",
			What:        "multiprocessing.set_start_method, get_context('fork'|'spawn'|'forkserver'), mp_context= arguments, and raw os.fork() (flagged harder when a thread was started before it in the same function).",
			Why:         "Python 3.14 makes forkserver the POSIX default and deprecates forking a multi-threaded process; in threading mode a service has threads when it forks. The start method decides what must be picklable.",
			Replacement: "Choose spawn or forkserver explicitly and make what crosses the boundary picklable; fork only before any thread starts.",
			Example:     "ctx = multiprocessing.get_context('spawn')\nctx.Process(target=worker_main, args=(conf_path,)).start()",
		},
	},
	{
		ID: "EV504", Slug: "heartbeat-short-sleep", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Python: heartbeatCheck, Concern: analysis.ConcernHeartbeatSleep,
		Doc: analysis.Doc{
			Summary:     "fixed short sleep in a heartbeat-like loop",
			What:        "In runtime code, a constant sleep or wait of at most one second — in the loop's body or its condition (while not stop.wait(0.5)) — inside a heartbeat loop: a loop of a function named like a heartbeat, keepalive, report-state or health check, of any method of a class named so (a heartbeater thread's run()), or a loop that calls such a function (self._send_heartbeat(), agent.report_state()). The finding says whether TCP keepalive options are set in the module and whether the loop is on a threading-only branch.",
			Why:         "Under eventlet a short sleep yields to the hub; in threading mode a fixed half-second sleep on the heartbeat path caused a performance regression, and TCP keepalive is the community's fix.",
			Replacement: "Wait on an Event with the real interval (stoppable), or rely on TCP keepalive (SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT) instead of polling.",
			Example:     "# before\nwhile True:\n    send_heartbeat()\n    time.sleep(0.5)\n# after\nsock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)",
		},
	},
	{
		ID: "EV604", Slug: "assert-after-spawn", Risk: analysis.RiskMedium, Kind: analysis.RuleTest, Python: assertAfterSpawnCheck, Concern: analysis.ConcernOrderDependentTest,
		Doc: analysis.Doc{
			Summary:     "test asserts right after spawning work",
			What:        "In a test function, a statement that starts concurrent work — eventlet.spawn*, or spawn/submit/start on a pool, executor or thread the test built — immediately followed by an assertion, with no join, wait or result in between; and an ordered assert_has_calls (no any_order=True) anywhere after several spawns or a spawn in a loop, joined or not. The finding says whether it looks like a test artefact or an ordering requirement.",
			Why:         "Such tests pass under eventlet because of its switching order and flake or fail with native threads; real ordering requirements (e.g. erasure-code fragments) must be told apart from artefacts.",
			Replacement: "Wait for the work (join, future.result(), an Event) before asserting; if order matters, make the code guarantee it.",
			Example:     "# before\npool.spawn(worker.run)\nself.assertTrue(worker.done)\n# after\nfut = executor.submit(worker.run)\nfut.result()\nself.assertTrue(worker.done)",
		},
	},
}

// privilegedCheck flags entry points that can run in threading mode and
// reach rootwrap, privsep or os-brick.
func privilegedCheck(p *analysis.GraphPass) {
	for _, e := range p.Entries {
		switch e.Mode {
		case enums.ModeDualDefaultThreading, enums.ModeThreadingOnly, enums.ModeDualDefaultEventlet:
		case enums.ModeEventletOnly, enums.ModeNone, enums.ModeUnknown:
			continue
		default: // a mode letgo does not know: never reported as threading
			continue
		}
		if e.Privileged == "" {
			continue
		}
		p.ReportEntry(e, "%s can run in threading mode (%s) and reaches %s (%s): rootwrap/privsep need validation in threading mode",
			e.Name, e.Mode, e.Privileged, e.PrivilegedVia)
	}
}

var privilegedRules = []*analysis.Rule{
	{
		ID: "EV505", Slug: "privileged-helper-threading", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Graph: privilegedCheck, Concern: analysis.ConcernRootwrapPrivsep,
		Doc: analysis.Doc{
			Summary:     "service that can run on threads reaches rootwrap, privsep or os-brick",
			What:        "An entry point whose mode allows threading (dual-default-eventlet, dual-default-threading, threading-only) and whose imports reach oslo.rootwrap, oslo.privsep or os-brick; the finding gives the import that reaches them.",
			Why:         "Root helpers and privsep daemons were only ever validated under eventlet; their behaviour with native threads (locking, the privsep channel, subprocess handling) is an open community concern that can block migration.",
			Replacement: "Test the privileged paths of this service in threading mode (functional tests with the threading backend) before defaulting to threading.",
			Example:     "nova-compute (dual-default-threading) -> nova.privsep -> oslo_privsep",
		},
	},
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// ---- EV506: privileged operations (rootwrap, privsep) ----

func privilegedOpCheck(p *analysis.Pass) {
	if p.Kind == pyproj.KindTest {
		return // mocks asserting run_as_root=True are not privileged operations
	}
	// The findings are collected first and reported only when the source
	// names rootwrap or privsep: most files have none, and a finding is
	// cheaper to rule out than the source is to search.
	type finding struct {
		node pysrc.Node
		msg  func() string
	}
	var found []finding
	callNames := p.CallNames()
	for i, c := range p.View.Calls {
		name := callNames[i]
		switch {
		case strings.HasSuffix(name, "priv_context.PrivContext"):
			found = append(found, finding{c.Node, func() string { return "privsep context defined: its entrypoints run in a privsep daemon" }})
			continue
		case strings.HasSuffix(name, "priv_context.init"):
			found = append(found, finding{c.Node, func() string { return "privsep initialised for this process" }})
			continue
		}
		if v, ok := keyword(c, "run_as_root"); ok && v.Kind == pysrc.ValBool && v.Bool {
			found = append(found, finding{c.Node, func() string {
				return fmt.Sprintf("%s(run_as_root=True): runs a command as root through the root helper", c.Callee)
			}})
			continue
		}
		if v, ok := keyword(c, "root_helper"); ok && v.Kind != pysrc.ValNone {
			found = append(found, finding{c.Node, func() string {
				return fmt.Sprintf("%s(root_helper=%s): a root helper is passed", c.Callee, clip(v.Text, 40))
			}})
		}
	}
	for _, d := range p.View.Defs {
		for i, dec := range d.Decorators {
			if strings.HasSuffix(dec, ".entrypoint") || strings.HasSuffix(dec, ".entrypoint_with_timeout") {
				found = append(found, finding{d.Node.Decorators[i], func() string {
					return fmt.Sprintf("privsep entrypoint %s(): runs in the privsep daemon", d.QualName)
				}})
			}
		}
	}
	if len(found) == 0 {
		return
	}
	if src := p.File.Src; !strings.Contains(src, "run_as_root") && !strings.Contains(src, "root_helper") && !strings.Contains(src, "priv") {
		return
	}
	for _, f := range found {
		p.Report(f.node, f.msg())
	}
}

// privilegedConfigCheck lists rootwrap configuration and scripts.
func privilegedConfigCheck(p *analysis.ProjectPass) {
	for _, f := range p.Project.Files {
		base := path.Base(f.Path)
		if strings.HasSuffix(base, ".filters") || base == "rootwrap.conf" {
			p.Reportf(f.Path, 1, "rootwrap configuration %s", f.Path)
		}
	}
	for _, ep := range p.Project.EntryPoints {
		if strings.Contains(ep.Name, "rootwrap") || strings.Contains(ep.Name, "privsep") {
			p.Reportf(ep.Source, ep.Line, "root helper script %s (%s)", ep.Name, ep.Target)
		}
	}
}

// ---- EV605: explicit yields in tests ----

var zeroSleeps = tables.ZeroSleeps

var zeroSleepRoots = names(slices.Sorted(maps.Keys(zeroSleeps))).roots()

func yieldInTestCheck(p *analysis.Pass) {
	if p.Kind != pyproj.KindTest {
		return
	}
	// Only the calls under the sleeps' packages can be findings; the
	// source is searched for "sleep(" only when one is.
	callNames := p.CallNames()
	var hits []*pysrc.CallSite
	for _, i := range p.CallsUnder(zeroSleepRoots) {
		c := p.View.Calls[i]
		if !zeroSleeps[callNames[i]] {
			continue
		}
		if len(c.Args) == 1 && (c.Args[0].Kind == pysrc.ValInt && c.Args[0].Str == "0" || c.Args[0].Kind == pysrc.ValFloat && c.Args[0].Float == 0) {
			hits = append(hits, c)
		}
	}
	if len(hits) == 0 || !strings.Contains(p.File.Src, "sleep(") {
		return
	}
	for _, c := range hits {
		p.Report(c.Node, fmt.Sprintf("%s(0) in a test: an explicit yield so spawned work runs first; with native threads it orders nothing (likely a test artefact)", c.Callee))
	}
}

var moreConcernRules = []*analysis.Rule{
	{
		ID: "EV506", Slug: "privileged-operation", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime, Python: privilegedOpCheck, Project: privilegedConfigCheck, Concern: analysis.ConcernRootwrapPrivsep,
		Doc: analysis.Doc{
			Summary:     "rootwrap or privsep used",
			What:        "Commands run with run_as_root=True or a root_helper, privsep contexts (PrivContext), privsep initialisation, privsep entrypoints, rootwrap filters and rootwrap.conf, and *-rootwrap/*-privsep scripts: the inventory behind EV505.",
			Why:         "Rootwrap and privsep behaviour in threading mode is unvalidated; these are the places to test.",
			Replacement: "Cover each privileged path with a test that runs in threading mode; prefer privsep entrypoints over rootwrap commands.",
			Example:     "processutils.execute('ip', 'link', run_as_root=True, root_helper=helper)",
		},
	},
	{
		ID: "EV605", Slug: "yield-in-test", Risk: analysis.RiskLow, Kind: analysis.RuleTest, Python: yieldInTestCheck, Concern: analysis.ConcernOrderDependentTest,
		Doc: analysis.Doc{
			Summary:     "explicit yield with sleep(0) in a test",
			What:        "time.sleep(0) or eventlet.sleep(0) in test code.",
			Why:         "Under eventlet it lets spawned green threads run before the next line; with native threads it guarantees nothing, so the test becomes racy.",
			Replacement: "Wait for the work explicitly: join the thread, take the future's result, or wait on an Event.",
			Example:     "# before\npool.spawn(job)\neventlet.sleep(0)\nself.assertTrue(job.done)\n# after\nexecutor.submit(job).result()\nself.assertTrue(job.done)",
		},
	},
}
