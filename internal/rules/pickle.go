package rules

import (
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// unpicklable maps constructors whose objects cannot be pickled to what
// they are. Data in one place.
var unpicklable = map[string]string{
	"threading.Lock": "a lock", "threading.RLock": "a lock", "threading.Condition": "a condition",
	"threading.Event": "an event", "threading.Semaphore": "a semaphore", "threading.BoundedSemaphore": "a semaphore",
	"threading.Thread": "a thread", "threading.Timer": "a thread",
	"queue.Queue": "a queue", "queue.LifoQueue": "a queue", "queue.PriorityQueue": "a queue", "queue.SimpleQueue": "a queue",
	"socket.socket": "a socket", "socket.create_connection": "a socket", "socket.socketpair": "sockets",
	"open": "an open file", "io.open": "an open file", "tempfile.TemporaryFile": "an open file",
	"concurrent.futures.ThreadPoolExecutor": "an executor", "concurrent.futures.ProcessPoolExecutor": "an executor",
	"futurist.ThreadPoolExecutor": "an executor", "futurist.GreenThreadPoolExecutor": "an executor",
	"oslo_service.threadgroup.ThreadGroup": "a thread group",
	"sqlalchemy.create_engine":             "a database engine", "sqlalchemy.orm.sessionmaker": "a database session factory",
	"sqlalchemy.orm.Session":       "a database session",
	"oslo_messaging.get_transport": "a messaging transport", "oslo_messaging.get_rpc_transport": "a messaging transport",
	"oslo_messaging.get_notification_transport": "a messaging transport", "oslo_messaging.get_rpc_client": "a messaging client",
	"oslo_messaging.RPCClient": "a messaging client", "oslo_messaging.Notifier": "a messaging notifier",
	"oslo_messaging.get_rpc_server": "a messaging server",
	"logging.FileHandler":           "a logging handler", "logging.StreamHandler": "a logging handler",
	"logging.handlers.RotatingFileHandler": "a logging handler", "logging.handlers.WatchedFileHandler": "a logging handler",
	"oslo_config.cfg.ConfigOpts": "an oslo.config ConfigOpts object",
	"eventlet.GreenPool":         "a green pool", "eventlet.greenpool.GreenPool": "a green pool",
	"eventlet.semaphore.Semaphore": "a green semaphore", "eventlet.queue.Queue": "a green queue",
	"eventlet.queue.LightQueue": "a green queue", "eventlet.event.Event": "a green event",
	"greenlet.greenlet": "a greenlet",
}

// unpicklableValues are module-level objects that cannot be pickled.
var unpicklableValues = map[string]string{
	"oslo_config.cfg.CONF": "the oslo.config CONF object",
}

var poolCtors = names{"multiprocessing.Pool", "multiprocessing.pool.Pool", "concurrent.futures.ProcessPoolExecutor",
	"futurist.ProcessPoolExecutor", "cotyledon.ServiceManager"}

// picklePass holds what the detector learns about one file.
type picklePass struct {
	p *analysis.Pass
	// types of names assigned from calls, per enclosing function ("" for module level)
	assigned map[string]map[string]string // func → name → resolved constructor
	pools    map[string]map[string]string // func → name → constructor of a process pool / manager
	nested   map[string]bool              // qualnames of functions defined inside functions
	refs     map[pysrc.Expr]string        // resolved references, by node
}

func newPicklePass(p *analysis.Pass) *picklePass {
	pp := &picklePass{p: p, assigned: map[string]map[string]string{}, pools: map[string]map[string]string{}, nested: map[string]bool{}}
	for _, d := range p.View.Defs {
		if strings.Contains(d.QualName, ".<locals>.") {
			pp.nested[d.QualName] = true
		}
	}
	// Names assigned from constructor calls, by enclosing function.
	var walk func(body []pysrc.Stmt, fn string)
	walk = func(body []pysrc.Stmt, fn string) {
		for _, s := range body {
			pysrc.Inspect(s, func(n pysrc.Node) bool {
				switch x := n.(type) {
				case *pysrc.FunctionDef:
					if x != s {
						return false
					}
				case *pysrc.Assign:
					if c, ok := x.Value.(*pysrc.Call); ok {
						if cs := callSite(p, c); cs != nil {
							for _, t := range x.Targets {
								pp.note(fn, targetName(t), p.Resolve(cs.Resolved), cs.Callee)
							}
						}
					}
				case *pysrc.With:
					for _, it := range x.Items {
						if c, ok := it.Context.(*pysrc.Call); ok && it.Vars != nil {
							if cs := callSite(p, c); cs != nil {
								pp.note(fn, targetName(it.Vars), p.Resolve(cs.Resolved), cs.Callee)
							}
						}
					}
				}
				return true
			})
		}
	}
	walk(p.File.Body, "")
	for _, d := range p.View.Defs {
		walk(d.Node.Body, d.QualName)
	}
	return pp
}

func targetName(t pysrc.Expr) string {
	switch x := t.(type) {
	case *pysrc.NameExpr:
		return x.ID
	case *pysrc.Attribute:
		if n, ok := x.X.(*pysrc.NameExpr); ok && n.ID == "self" {
			return "self." + x.Attr
		}
	}
	return ""
}

func (pp *picklePass) note(fn, name, resolved, callee string) {
	if name == "" {
		return
	}
	if pp.assigned[fn] == nil {
		pp.assigned[fn] = map[string]string{}
		pp.pools[fn] = map[string]string{}
	}
	pp.assigned[fn][name] = resolved
	if _, ok := poolCtors.match(resolved); ok || strings.HasSuffix(callee, ".Pool") || strings.HasSuffix(callee, "ProcessPoolExecutor") {
		pp.pools[fn][name] = callee
	}
}

// typeOf names what a name refers to in fn (then module level).
func (pp *picklePass) typeOf(fn, name string) string {
	if t, ok := pp.assigned[fn][name]; ok {
		return t
	}
	return pp.assigned[""][name]
}

// classProblems lists the unpicklable attributes of a class of this file
// (following same-file base classes) and whether it customises pickling.
func (pp *picklePass) classProblems(qual string, seen map[string]bool) (probs []string, custom bool) {
	if seen[qual] {
		return nil, false
	}
	seen[qual] = true
	for _, d := range pp.p.View.Defs {
		if d.Class != qual {
			continue
		}
		switch d.Name {
		case "__getstate__", "__reduce__", "__reduce_ex__", "__getnewargs_ex__":
			custom = true
		}
		for name, ctor := range pp.assigned[d.QualName] {
			if !strings.HasPrefix(name, "self.") {
				continue
			}
			if what, ok := unpicklable[ctor]; ok {
				probs = append(probs, fmt.Sprintf("%s is %s (%s)", name, what, ctor))
			}
		}
	}
	for _, c := range pp.p.View.Classes {
		if c.QualName != qual {
			continue
		}
		for _, b := range c.Bases {
			base := strings.TrimPrefix(b, pp.p.View.Module+".")
			bp, bc := pp.classProblems(base, seen)
			probs = append(probs, bp...)
			custom = custom || bc
		}
	}
	return probs, custom
}

// crossing describes why a value cannot cross a process boundary, "" if
// nothing is known against it; note is set when the class customises
// pickling.
func (pp *picklePass) crossing(cs *pysrc.CallSite, e pysrc.Expr) (why string, note bool) {
	switch x := e.(type) {
	case *pysrc.Lambda:
		return "a lambda", false
	case *pysrc.Call:
		if inner := callSite(pp.p, x); inner != nil {
			if what, ok := unpicklable[pp.p.Resolve(inner.Resolved)]; ok {
				return what, false
			}
		}
	case *pysrc.NameExpr:
		if x.ID == "self" && cs.Class != "" {
			return pp.instanceOf(cs.Class, "self")
		}
		if pp.nested[cs.Func+".<locals>."+x.ID] {
			return "nested function " + x.ID + "()", false
		}
		if t := pp.typeOf(cs.Func, x.ID); t != "" {
			if what, ok := unpicklable[t]; ok {
				return what + " (" + x.ID + ")", false
			}
			if cls := strings.TrimPrefix(t, pp.p.View.Module+"."); cls != t {
				return pp.instanceOf(cls, x.ID)
			}
		}
		if v, ok := unpicklableValues[pp.resolveName(x)]; ok {
			return v, false
		}
	case *pysrc.Attribute:
		if n, ok := x.X.(*pysrc.NameExpr); ok && n.ID == "self" && cs.Class != "" {
			// self.method: a bound method pickles its instance.
			for _, d := range pp.p.View.Defs {
				if d.Class == cs.Class && d.Name == x.Attr {
					return pp.instanceOf(cs.Class, "self."+x.Attr+" (bound method)")
				}
			}
			if what, ok := unpicklable[pp.typeOf(cs.Func, "self."+x.Attr)]; ok {
				return what + " (self." + x.Attr + ")", false
			}
			for _, d := range pp.p.View.Defs {
				if d.Class == cs.Class {
					if what, ok := unpicklable[pp.assigned[d.QualName]["self."+x.Attr]]; ok {
						return what + " (self." + x.Attr + ")", false
					}
				}
			}
		}
		if v, ok := unpicklableValues[pp.resolveName(x)]; ok {
			return v, false
		}
	}
	return "", false
}

func (pp *picklePass) resolveName(e pysrc.Expr) string {
	if pp.refs == nil {
		pp.refs = make(map[pysrc.Expr]string, len(pp.p.View.Refs))
		for _, r := range pp.p.View.Refs {
			pp.refs[r.Node] = r.Resolved
		}
	}
	if r, ok := pp.refs[e]; ok {
		return pp.p.Resolve(r)
	}
	return ""
}

func (pp *picklePass) instanceOf(class, what string) (string, bool) {
	probs, custom := pp.classProblems(class, map[string]bool{})
	if len(probs) == 0 {
		return "", false
	}
	return fmt.Sprintf("%s, an instance of %s whose %s", what, class, strings.Join(probs, "; ")), custom
}

// launchValues returns what crosses the boundary at a launch site.
func (pp *picklePass) launchValues(cs *pysrc.CallSite) (site string, values []pysrc.Expr) {
	c := cs.Node
	name := pp.p.Resolve(cs.Resolved)
	kw := func(k string) pysrc.Expr {
		for _, x := range c.Keywords {
			if x.Arg == k {
				return x.Value
			}
		}
		return nil
	}
	elems := func(e pysrc.Expr) []pysrc.Expr {
		switch x := e.(type) {
		case *pysrc.Tuple:
			return x.Elts
		case *pysrc.List:
			return x.Elts
		case *pysrc.Dict:
			return x.Values
		case nil:
			return nil
		}
		return []pysrc.Expr{e}
	}
	switch {
	case name == "multiprocessing.Process" || strings.HasSuffix(cs.Callee, ".Process") && kw("target") != nil:
		vals := []pysrc.Expr{kw("target")}
		vals = append(vals, elems(kw("args"))...)
		vals = append(vals, elems(kw("kwargs"))...)
		return cs.Callee + "()", vals
	case strings.HasSuffix(name, "oslo_service.service.launch"):
		if w := kw("workers"); w != nil && len(c.Args) >= 2 {
			if v := pp.p.File.Text(w); v != "1" && v != "None" {
				return "service.launch(..., workers=" + v + ")", c.Args[1:2]
			}
		}
	}
	i := strings.LastIndexByte(cs.Callee, '.')
	if i < 0 {
		return "", nil
	}
	recv, method := cs.Callee[:i], cs.Callee[i+1:]
	ctor, ok := pp.pools[cs.Func][recv]
	if !ok {
		ctor, ok = pp.pools[""][recv]
	}
	if !ok {
		return "", nil
	}
	switch method {
	case "submit", "apply", "apply_async", "map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async":
		vals := append([]pysrc.Expr{}, c.Args...)
		for _, k := range c.Keywords {
			vals = append(vals, k.Value)
		}
		if method == "apply" || method == "apply_async" {
			if len(c.Args) > 1 {
				vals = append([]pysrc.Expr{c.Args[0]}, elems(c.Args[1])...)
			}
		}
		return fmt.Sprintf("%s.%s() of %s", recv, method, ctor), vals
	case "add":
		if strings.Contains(ctor, "ServiceManager") {
			return fmt.Sprintf("%s.add() of cotyledon.ServiceManager", recv), elems(kw("args"))
		}
	}
	return "", nil
}

func pickleCheck(p *analysis.Pass) {
	src := p.File.Src
	if !strings.Contains(src, "multiprocessing") && !strings.Contains(src, "ProcessPool") && !strings.Contains(src, "cotyledon") && !strings.Contains(src, "workers") {
		return
	}
	pp := newPicklePass(p)
	for _, cs := range p.View.Calls {
		site, vals := pp.launchValues(cs)
		if site == "" {
			continue
		}
		for _, v := range vals {
			if v == nil {
				continue
			}
			why, note := pp.crossing(cs, v)
			if why == "" {
				if strings.HasPrefix(site, "service.launch(") {
					// The service object is pickled for each worker under
					// spawn; say where, even when its class is not known here.
					p.ReportSeverity(v, fmt.Sprintf("note: %s sends %s to each worker process; under spawn/forkserver it is pickled: its class (not determined here) must be picklable", site, p.File.Text(v)), analysis.SevInfo)
				}
				continue
			}
			msg := fmt.Sprintf("%s sends %s to another process: it cannot be pickled under spawn/forkserver (the default from Python 3.14)", site, why)
			if note {
				msg = fmt.Sprintf("note: %s sends %s to another process; the class customises pickling (__getstate__/__reduce__), check it drops these", site, why)
				p.ReportSeverity(v, msg, analysis.SevInfo)
				continue
			}
			p.Report(v, msg)
		}
	}
}

var pickleRules = []*analysis.Rule{
	{
		ID: "EV502", Slug: "unpicklable-process-argument", Risk: analysis.RiskHigh, Kind: "runtime", Python: pickleCheck, Concern: "pickling",
		Doc: analysis.Doc{
			Summary:     "object that cannot be pickled sent to another process",
			What:        "Launch sites — multiprocessing.Process(target=, args=, kwargs=), process pools and ProcessPoolExecutor (submit, map, apply_async, starmap, ...), cotyledon ServiceManager.add(args=), oslo.service launch(..., workers=N) — that pass a lambda, a nested function, a lock, event, queue, socket, open file, executor, thread group, DB engine or session, messaging transport or client, logging handler, the oslo.config CONF object, green objects, or an instance or bound method of a class (in the same module) whose __init__ stores such objects. A class with __getstate__/__reduce__ lowers the finding to a note.",
			Why:         "Under spawn and forkserver (the POSIX default from Python 3.14) everything that crosses the boundary is pickled; these objects fail with PicklingError or TypeError at start — the 'picklable problem' that affects nova and neutron.",
			Replacement: "Pass plain data (paths, ids, config file names) and rebuild locks, connections and config in the child; define module-level functions; give classes __getstate__/__setstate__ that drop and rebuild what cannot be pickled.",
			Example:     "# before\nctx.Process(target=lambda: work(CONF)).start()\n# after\nctx.Process(target=work_main, args=(config_files,)).start()",
		},
	},
}
