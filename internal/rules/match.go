// Package rules holds letgo's EVnnn rules. Rules are pure: they read a file
// or a project through their Pass and report through it.
package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// names is a set of canonical dotted names; an entry ending in "." matches
// every name below it.
type names []string

// root is the first component of a dotted name.
func root(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return name
}

// mayMatch is a cheap pre-check: every table's names start with one of a
// few packages (eventlet, greenlet, oslo_*, futurist, mock), and most calls
// in a file resolve to something else.
func mayMatch(name string) bool {
	r := root(name)
	if r == "" || len(r) >= len(rootsByLen) || rootLens[r[0]]&(1<<len(r)) == 0 {
		return false // no root starts with this byte and has this length
	}
	for _, t := range rootsByLen[len(r)] {
		if t == r {
			return true
		}
	}
	return false
}

// rootsByLen are tableRoots by length, and rootLens the lengths of the
// roots that start with each byte (bit n for length n): mayMatch runs for
// every call of every file, and most names are rejected by one table
// lookup instead of a map lookup.
var rootsByLen, rootLens = func() (by [16][]string, lens [256]uint16) {
	for r := range tableRoots {
		if len(r) >= len(by) {
			panic("rules: table root longer than rootsByLen allows: " + r)
		}
		by[len(r)] = append(by[len(r)], r)
		lens[r[0]] |= 1 << len(r)
	}
	return by, lens
}()

// tableRoots are the first components of every name in the rule tables
// (TestTableRoots keeps it complete).
var tableRoots = map[string]bool{
	"eventlet": true, "greenlet": true, "oslo_service": true, "oslo_messaging": true, "oslo_utils": true,
	"futurist": true, "mock": true, "unittest": true, "fixtures": true, "time": true, "threading": true,
	"concurrent": true, "multiprocessing": true, "queue": true, "socket": true, "sqlalchemy": true,
	"logging": true, "oslo_config": true, "cotyledon": true, "io": true, "tempfile": true, "open": true,
}

// ruleTables are every name table of the rules (TestTableRoots keeps
// tableRoots complete over them).
var ruleTables = []names{spawnNames, spawnAfterNames, killNames, currentNames, poolNames, pileNames, sleepNames, timeoutNames,
	eventNames, semaphoreNames, queueNames, corolocalNames, resourcePools, wsgiNames, serveNames, websocketNames, greenNames, tpoolNames,
	hubsNames, debugNames, backdoorNames, greenletNames, patchedNames, monkeyPatchNames, probeNames, messagingServerNames,
	serviceEventletOnlyNames, serviceBackendPrivate, serviceComponentNames, serviceExceptionNames, futuristGreenNames, eventletutilsNames,
	mockPatchNames, threadStart, spawnLike, concurrencyCtors, poolCtors}

var relevant struct {
	once     sync.Once
	exact    map[string]bool // table entries, and every module above one
	prefixes []string
}

// Relevant reports whether a rule may match a name or something below it:
// a name the semantic model rewrites to an irrelevant one changes no
// finding, and the file need not be analysed again. pickling adds the
// names the pickling rules know (values and constructors that do not
// pickle), which only matter in files that launch processes.
func Relevant(name string, pickling bool) bool {
	if !mayMatch(name) {
		return false
	}
	relevant.once.Do(func() {
		relevant.exact = map[string]bool{}
		for _, tab := range ruleTables {
			for _, n := range tab {
				if strings.HasSuffix(n, ".") {
					relevant.prefixes = append(relevant.prefixes, n)
					n = n[:len(n)-1]
				}
				for ; n != ""; n = n[:max(strings.LastIndexByte(n, '.'), 0)] {
					relevant.exact[n] = true
				}
			}
		}
	})
	if pickling {
		if _, ok := unpicklable[name]; ok {
			return true
		}
		if _, ok := unpicklableValues[name]; ok {
			return true
		}
	}
	// The name itself, a module above a table entry (eventlet.green used
	// as eventlet.green.socket.x), or a name below a prefix entry.
	if relevant.exact[name] {
		return true
	}
	for _, p := range relevant.prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func (ns names) match(name string) (string, bool) {
	if name == "" || !mayMatch(name) {
		return "", false
	}
	for _, n := range ns {
		if strings.HasSuffix(n, ".") {
			if strings.HasPrefix(name, n) || name == n[:len(n)-1] {
				return n, true
			}
		} else if name == n {
			return n, true
		}
	}
	return "", false
}

// apiOpts tunes an API rule.
type apiOpts struct {
	calls   bool                                           // match call sites
	refs    bool                                           // match non-call references (except, with, bases, values)
	imports bool                                           // match from-imports of the names themselves
	exclude names                                          // names below the targets' prefixes that are not the pattern
	filter  func(p *analysis.Pass, c *pysrc.CallSite) bool // extra condition on calls
	message func(c *pysrc.CallSite, name string) string    // custom message for calls
	skip    func(kind pyproj.FileKind) bool
	// fix, when set, offers an exact rewrite of a matched call (nil when
	// this call cannot be rewritten exactly).
	fix func(p *analysis.Pass, c *pysrc.CallSite) *analysis.Fix
}

// roots lists the first components of a table's names, once each: a name
// can only match an entry with the same first component.
func (ns names) roots() []string {
	var out []string
	for _, n := range ns {
		if r := root(n); !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// apiCheck builds a check that reports uses of the given names. It visits
// only the calls and references whose canonical name starts with a root
// of the targets (the file's index groups them by root), in source order.
func apiCheck(targets names, what string, o apiOpts) func(*analysis.Pass) {
	matches := func(name string) bool {
		if _, ok := targets.match(name); !ok {
			return false
		}
		_, excluded := o.exclude.match(name)
		return !excluded
	}
	roots := targets.roots()
	return func(p *analysis.Pass) {
		if o.skip != nil && o.skip(p.Kind) {
			return
		}
		if o.calls {
			names := p.CallNames()
			for _, i := range p.CallsUnder(roots) {
				c, name := p.View.Calls[i], names[i]
				if !matches(name) {
					continue
				}
				if o.filter != nil && !o.filter(p, c) {
					continue
				}
				msg := fmt.Sprintf("%s: %s() called", what, name)
				if o.message != nil {
					msg = o.message(c, name)
				}
				if o.fix != nil {
					if fix := o.fix(p, c); fix != nil {
						p.ReportFix(c.Node, msg, fix)
						continue
					}
				}
				p.Report(c.Node, msg)
			}
		}
		if o.refs {
			names := p.RefNames()
			for _, i := range p.RefsUnder(roots) {
				r, name := p.View.Refs[i], names[i]
				if !matches(name) {
					continue
				}
				switch r.Ctx {
				case pysrc.RefExcept:
					p.Report(r.Node, fmt.Sprintf("%s: except %s", what, name))
				case pysrc.RefBase:
					p.Report(r.Node, fmt.Sprintf("%s: class derives from %s", what, name))
				case pysrc.RefDecorator:
					p.Report(r.Node, fmt.Sprintf("%s: decorator %s", what, name))
				case pysrc.RefWith:
					p.Report(r.Node, fmt.Sprintf("%s: with %s", what, name))
				default:
					p.Report(r.Node, fmt.Sprintf("%s: %s referenced", what, name))
				}
			}
		}
		if o.imports {
			for _, imp := range p.View.Imports {
				if imp.Dynamic != "" {
					continue
				}
				for _, n := range importedNames(imp) {
					if matches(p.Resolve(n)) {
						p.ReportImport(imp, n, fmt.Sprintf("%s: %s imported", what, n))
					}
				}
			}
		}
	}
}

// importedNames lists the fully qualified names an import brings in.
func importedNames(imp *pysrc.Import) []string {
	var out []string
	for _, n := range imp.Names {
		switch {
		case !imp.From:
			out = append(out, n.Name)
		case n.Name == "*":
			out = append(out, imp.Module)
		case imp.Module != "":
			out = append(out, imp.Module+"."+n.Name)
		}
	}
	return out
}

// kwargs renders a call's keyword arguments as written.
func kwargs(c *pysrc.CallSite) string {
	var parts []string
	for _, k := range c.Keywords {
		if k.Name == "" {
			parts = append(parts, "**"+k.Value.Text)
		} else {
			parts = append(parts, k.Name+"="+k.Value.Text)
		}
	}
	return strings.Join(parts, ", ")
}

// keyword returns the value of a keyword argument.
func keyword(c *pysrc.CallSite, name string) (pysrc.Value, bool) {
	for _, k := range c.Keywords {
		if k.Name == name {
			return k.Value, true
		}
	}
	return pysrc.Value{}, false
}

// isEventlet reports whether a module name is eventlet or below it.
func isEventlet(mod string) bool {
	return mod == "eventlet" || strings.HasPrefix(mod, "eventlet.")
}

func isGreenlet(mod string) bool {
	return mod == "greenlet" || strings.HasPrefix(mod, "greenlet.")
}

func notTests(kind pyproj.FileKind) bool { return kind == pyproj.KindTest }

func onlyTests(kind pyproj.FileKind) bool { return kind != pyproj.KindTest }

// All returns every rule, sorted by id.
func All() []*analysis.Rule {
	var all []*analysis.Rule
	for _, group := range [][]*analysis.Rule{importRules, apiRules, patchRules, indirectRules, testRules, projectRules, graphRules, concernRules, moreConcernRules, pickleRules, orderRules, privilegedRules, toolRules, backendOrderRules} {
		all = append(all, group...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// ByID returns the rule with the given id, or nil.
func ByID(id string) *analysis.Rule { return byID()[strings.ToUpper(id)] }

// byID indexes the catalogue once: ByID is called per finding (concerns,
// severities, reports), and All builds and sorts the list each time.
var byID = sync.OnceValue(func() map[string]*analysis.Rule {
	m := map[string]*analysis.Rule{}
	for _, r := range All() {
		m[r.ID] = r
	}
	return m
})

// Keywords the rules' source pre-checks look for in every file: each
// file's source is searched for all of them in one pass (analysis.Pass.Has).
// The pass moves by at most the shortest keyword's length less one, so a
// short keyword slows it for every file: a rule whose own findings can be
// ruled out more cheaply (from the view's calls) does that first and then
// asks strings.Contains of the source for its keywords, only for the few
// files left (EV504, EV506, EV604, EV605).
var (
	kwHeartbeatInPthread = analysis.RegisterKeyword("heartbeat_in_pthread")
	kwEVENTLET           = analysis.RegisterKeyword("EVENTLET")
	kwEventlet           = analysis.RegisterKeyword("eventlet")
)
