package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// unpicklable maps constructors whose objects cannot be pickled to what
// they are. Data in one place. Each entry was checked with
// multiprocessing's ForkingPickler (Python 3.11; eventlet 0.41): sockets are
// not here because multiprocessing passes them to children (DupFd), nor
// are eventlet's Semaphore and LightQueue, which pickle.
var unpicklable = tables.Unpicklable

// unpicklableValues are module-level objects that cannot be pickled;
// poolCtors construct process pools, managers and launchers (the value
// tracking of pysem knows them).
var (
	unpicklableValues = tables.UnpicklableValues
	poolCtors         = names(tables.PoolCtors)
)

// picklePass is what the detector knows about one file: its values
// (pysem.Values, shared with the test and order rules), and its own
// declarations, which it reads before the model's (the model holds this
// file's first-pass summary; in a second pass names resolve further).
type picklePass struct {
	p *analysis.Pass
	*pysem.Values
	local *pysem.Decls // this file's declarations, on first need
}

// newPicklePass gathers a file's assignments; full walks every function
// even when the file launches no process. Constructors of pools are
// followed through what the model says functions return.
func newPicklePass(p *analysis.Pass, full bool) *picklePass {
	return newPicklePassLaunch(p, full, pysem.MayLaunchWith(p.View, p.Resolve))
}

// newPicklePassLaunch is newPicklePass for a file whose MayLaunchWith is
// known (launch).
func newPicklePassLaunch(p *analysis.Pass, full, launch bool) *picklePass {
	pp := &picklePass{p: p}
	pp.Values = pysem.TrackValuesLaunch(p.View, p.Resolve, func(t string) string { return pp.modelType(t) }, full, launch)
	return pp
}

// decls are the file's own declarations.
func (pp *picklePass) decls() *pysem.Decls {
	if pp.local == nil {
		d := pp.Values.Decls()
		pp.local = &d
	}
	return pp.local
}

// key is a name's key among this file's declarations, "" when the name
// is not of this module.
func (pp *picklePass) key(name string) string {
	mod := pp.p.View.Module
	if mod == "" || len(name) <= len(mod) || name[len(mod)] != '.' || !strings.HasPrefix(name, mod) {
		return ""
	}
	return name[len(mod)+1:]
}

// class is a class's declaration and its file, from this file or the
// model.
func (pp *picklePass) class(name string) (*pysem.Class, string) {
	name = pp.canon(name)
	if k := pp.key(name); k != "" {
		if c := pp.decls().Class(k); c != nil {
			return c, pp.p.Path
		}
	}
	return pp.p.ModelClass(name)
}

// ctor is what a function returns, from this file or the model.
func (pp *picklePass) ctor(name string) string {
	if k := pp.key(name); k != "" {
		if t := pp.decls().Ctor(k); t != "" {
			return t
		}
	}
	return pp.p.ModelCtor(name)
}

// canon follows re-exports (a package's "from .api import API") to the
// name's definition, through the model.
func (pp *picklePass) canon(name string) string {
	if !pp.p.HasModel() || name == "" {
		return name
	}
	return pp.p.ModelCanonical(name)
}

// resolveType follows what a called function returns (two hops at most)
// to the constructor of the value.
func (pp *picklePass) resolveType(t string) string {
	t = pp.canon(t)
	for range 2 {
		r := pp.ctor(t)
		if r == "" || r == t {
			break
		}
		t = pp.canon(r)
	}
	return t
}

// modelType is resolveType through the model only, while the file's own
// declarations are being gathered.
func (pp *picklePass) modelType(t string) string {
	t = pp.canon(t)
	for range 2 {
		r := pp.p.ModelCtor(t)
		if r == "" || r == t {
			break
		}
		t = pp.canon(r)
	}
	return t
}

// unpicklableType says what a constructor makes when it cannot be pickled
// under the project's requirements.
func (pp *picklePass) unpicklableType(ctor string) (string, bool) {
	if holder, ok := strings.CutPrefix(ctor, pysem.ConfigHolderPrefix); ok {
		return pp.configOpts(withArticle(holder) + " that keeps the oslo.config object it was given")
	}
	if what, ok := tables.UnpicklableValues[ctor]; ok {
		return pp.configOpts(what)
	}
	what, ok := unpicklable[ctor]
	if ok && ctor == "oslo_config.cfg.ConfigOpts" {
		return pp.configOpts(what)
	}
	return what, ok
}

// configOptsPicklable is the first oslo.config release whose ConfigOpts
// pickles once parsed (state snapshots for spawn workers, also backported
// to 9.7.2); before it the parsed object holds a lambda of its argument
// parser.
const configOptsPicklable, configOptsBackport = "10.6.0", "9.7.2"

// configOptsPickles says whether every oslo.config release a minimum
// allows pickles a parsed ConfigOpts.
func configOptsPickles(min string) bool {
	return versionAtLeast(min, configOptsPicklable) || versionAtLeast(min, configOptsBackport) && !versionAtLeast(min, "10")
}

// configOpts qualifies an oslo.config ConfigOpts finding by the project's
// oslo.config requirement: none when its minimum already pickles.
func (pp *picklePass) configOpts(what string) (string, bool) {
	if pp.p.Project() != nil {
		for _, r := range pp.p.Project().Requirements {
			if r.Name != "oslo-config" || r.Test || r.Extra != "" {
				continue
			}
			min := minVersion(r.Spec)
			if min != "" && configOptsPickles(min) {
				return "", false
			}
			allows := "any version"
			if min != "" {
				allows = min
			}
			return fmt.Sprintf("%s, which once parsed pickles only from oslo.config %s (or %s; %s:%d allows %s),", what, configOptsPicklable, configOptsBackport, r.File, r.Line, allows), true
		}
	}
	return fmt.Sprintf("%s, which once parsed pickles only from oslo.config %s (or %s),", what, configOptsPicklable, configOptsBackport), true
}

// minVersion is the lower bound of a requirement line (">=9.3.0"), "".
func minVersion(spec string) string {
	for _, part := range strings.Split(spec, ",") {
		if _, v, ok := strings.Cut(part, ">="); ok {
			v = strings.TrimSpace(v)
			if i := strings.IndexAny(v, " ;#"); i >= 0 {
				v = v[:i]
			}
			return v
		}
	}
	return ""
}

// versionAtLeast compares dotted release numbers (9.3.0 < 10.6.0).
func versionAtLeast(v, floor string) bool {
	a, b := strings.Split(v, "."), strings.Split(floor, ".")
	for i := range max(len(a), len(b)) {
		x, y := 0, 0
		if i < len(a) {
			x, _ = strconv.Atoi(a[i])
		}
		if i < len(b) {
			y, _ = strconv.Atoi(b[i])
		}
		if x != y {
			return x > y
		}
	}
	return true
}

// classProblems lists why instances of a class cannot be pickled: what
// its __init__ (and the methods it calls on self) stores, following base
// classes and, three levels deep, attributes holding instances of other
// classes of the project; custom is set when the class or a base
// customises pickling.
func (pp *picklePass) classProblems(name string, depth int, seen map[string]bool) (probs []string, custom bool) {
	cf, path := pp.class(name)
	if cf == nil || seen[name] || depth > 3 {
		return nil, false
	}
	seen[name] = true
	custom = cf.Custom
	for _, attr := range cf.Attrs {
		ctor := pp.resolveType(attr.Ctor)
		if what, ok := pp.unpicklableType(ctor); ok {
			probs = append(probs, fmt.Sprintf("%s is %s (%s:%d)", attr.Name, what, path, attr.Line))
			continue
		}
		if sub, subCustom := pp.classProblems(ctor, depth+1, seen); len(sub) > 0 && !subCustom {
			probs = append(probs, fmt.Sprintf("%s is %s whose %s", attr.Name, withArticle(shortName(ctor)), sub[0]))
		}
	}
	for _, b := range cf.Bases {
		bp, bc := pp.classProblems(b, depth, seen)
		probs = append(probs, bp...)
		custom = custom || bc
	}
	return probs, custom
}

// withArticle puts "a" or "an" before a name.
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

func shortName(dotted string) string {
	return dotted[strings.LastIndexByte(dotted, '.')+1:]
}

// crossing describes why a value cannot cross a process boundary, "" if
// nothing is known against it; note is set when the class customises
// pickling.
func (pp *picklePass) crossing(cs *pysrc.CallSite, e pysrc.Expr) (why string, note bool) {
	mod := pp.p.View.Module
	switch x := e.(type) {
	case *pysrc.Lambda:
		return "a lambda", false
	case *pysrc.Call:
		if inner := callSite(pp.p, x); inner != nil {
			t := pp.resolveType(pp.CtorOf(inner))
			if what, ok := pp.unpicklableType(t); ok {
				return what, false
			}
			return pp.instanceOf(t, pp.p.File.Text(x))
		}
	case *pysrc.NameExpr:
		if x.ID == "self" && cs.Class != "" {
			return pp.instanceOf(mod+"."+cs.Class, "self")
		}
		if pp.Nested[cs.Func+".<locals>."+x.ID] {
			return "nested function " + x.ID + "()", false
		}
		if t := pp.TypeOf(cs.Func, x.ID); t != "" {
			t = pp.resolveType(t)
			if what, ok := pp.unpicklableType(t); ok {
				return x.ID + ", " + what, false
			}
			return pp.instanceOf(t, x.ID)
		}
		if v, ok := tables.UnpicklableValues[pp.ResolveName(x)]; ok {
			return pp.unpicklableValue(v)
		}
	case *pysrc.Attribute:
		if n, ok := x.X.(*pysrc.NameExpr); ok && n.ID == "self" && cs.Class != "" {
			// self.method: a bound method pickles its instance.
			for _, d := range pp.p.View.Defs {
				if d.Class == cs.Class && d.Name == x.Attr {
					return pp.instanceOf(mod+"."+cs.Class, "self."+x.Attr+" (bound method)")
				}
			}
			t := pp.TypeOf(cs.Func, "self."+x.Attr)
			if cf, _ := pp.class(mod + "." + cs.Class); t == "" && cf != nil {
				if a, ok := cf.Attr("self." + x.Attr); ok {
					t = a.Ctor
				}
			}
			if t != "" {
				t = pp.resolveType(t)
				if what, ok := pp.unpicklableType(t); ok {
					return "self." + x.Attr + ", " + what, false
				}
				return pp.instanceOf(t, "self."+x.Attr)
			}
		}
		if v, ok := tables.UnpicklableValues[pp.ResolveName(x)]; ok {
			return pp.unpicklableValue(v)
		}
	}
	return "", false
}

// classOf is the project class of a value at a launch site, when known,
// with the file that defines it.
func (pp *picklePass) classOf(cs *pysrc.CallSite, e pysrc.Expr) (string, *pysem.Class, string) {
	var t string
	switch x := e.(type) {
	case *pysrc.NameExpr:
		t = pp.TypeOf(cs.Func, x.ID)
	case *pysrc.Call:
		if inner := callSite(pp.p, x); inner != nil {
			t = pp.CtorOf(inner)
		}
	}
	if t == "" {
		return "", nil, ""
	}
	t = pp.resolveType(t)
	cf, path := pp.class(t)
	return t, cf, path
}

// unpicklableValue qualifies a module-level object (the CONF object) by
// the project's requirements.
func (pp *picklePass) unpicklableValue(what string) (string, bool) {
	if why, ok := pp.configOpts(what); ok {
		return why, false
	}
	return "", false
}

func (pp *picklePass) instanceOf(class, what string) (string, bool) {
	probs, custom := pp.classProblems(class, 0, map[string]bool{})
	if len(probs) == 0 {
		return "", false
	}
	return fmt.Sprintf("%s, an instance of %s whose %s", what, shortName(class), strings.Join(probs, "; ")), custom
}

func pickleCheck(p *analysis.Pass) {
	launch := pysem.MayLaunchNames(p.View, p.CallNames())
	if !launch && !p.ModelAnySends() {
		// Nothing here is sent to another process: neither through a
		// launch site nor through a project function that sends its
		// parameters (the first pass has no model; a file that calls such
		// a function is analysed again with it).
		return
	}
	if !launch && !callsSender(p) {
		// A file without launch sites declares no sends of its own, and
		// calls none of the model's functions that send a parameter it
		// passes: checkCallers would find nothing, and the file's values
		// need not be tracked.
		return
	}
	pp := newPicklePassLaunch(p, false, launch)
	// Without the model, names are the view's own and model types follow
	// nothing: this is the tracking the file's summary makes again.
	p.KeepValues(pp.Values)
	if pp.Launch {
		pp.checkLaunchSites()
	}
	pp.checkCallers()
}

// checkLaunchSites reports what a file's launch sites send that cannot be
// pickled, and records the parameters its functions send on unchanged.
func (pp *picklePass) checkLaunchSites() {
	p := pp.p
	for _, cs := range p.View.Calls {
		site, vals := pp.LaunchValues(cs)
		if site == "" {
			continue
		}
		for _, v := range vals {
			if v == nil {
				continue
			}
			why, note := pp.crossing(cs, v)
			if why == "" {
				if strings.HasPrefix(site, "service.launch(") || strings.Contains(site, ".launch_service()") {
					// The service object is pickled for each worker under
					// spawn; say where, even when its class is not known here.
					what := "its class (not determined here) must be picklable"
					if class, cf, path := pp.classOf(cs, v); cf != nil {
						what = fmt.Sprintf("it is an instance of %s (%s:%d), and nothing its __init__ stores is known to be unpicklable; what it holds beyond that (values from outside the project, bases outside it) must be picklable too", shortName(class), path, cf.Line)
					} else if pp.isParam(cs.Func, v) {
						what = "its class is decided by the callers of " + shortName(cs.Func) + "(), which letgo checks where they pass it"
					}
					p.ReportSeverity(v, fmt.Sprintf("note: %s sends %s to each worker process; under spawn/forkserver it is pickled: %s", site, p.File.Text(v), what), analysis.SevInfo)
				}
				continue
			}
			pp.reportCrossing(cs, v, fmt.Sprintf("%s sends %s to another process", site, why), note, pp.StartMethod(cs))
		}
	}
}

// reportCrossing reports a value that cannot be pickled: a note when its
// class customises pickling or the fork start method is set.
func (pp *picklePass) reportCrossing(cs *pysrc.CallSite, v pysrc.Expr, what string, custom bool, method string) {
	p := pp.p
	switch {
	case method == "fork":
		p.ReportSeverity(v, fmt.Sprintf("note: %s; the code sets the fork start method, so nothing is pickled today, but it cannot be pickled once fork goes (spawn/forkserver, the default from Python 3.14)", what), analysis.SevInfo)
	case custom:
		p.ReportSeverity(v, fmt.Sprintf("note: %s; the class customises pickling (__getstate__/__reduce__), check it drops these", what), analysis.SevInfo)
	default:
		p.Report(v, fmt.Sprintf("%s: it cannot be pickled under spawn/forkserver; %s", what, pp.methodInForce(cs)))
	}
}

// isParam says whether a value is a parameter of fn, unchanged there.
func (pp *picklePass) isParam(fn string, v pysrc.Expr) bool {
	_, ok := pp.ParamIndex(fn, v)
	return ok
}

// checkCallers reports values passed to project functions that send them
// to another process (their parameter reaches a launch site unchanged).
func (pp *picklePass) checkCallers() {
	p := pp.p
	if len(pp.decls().Sends) == 0 && !p.ModelAnySends() {
		return
	}
	callNames := p.CallNames()
	for i, cs := range p.View.Calls {
		if cs.Resolved == "" {
			continue
		}
		name := pp.canon(callNames[i])
		var sends []pysem.Send
		path := p.Path
		if k := pp.key(name); k != "" {
			sends = pp.decls().SendsOf(k)
		}
		if sends == nil {
			sends, path = p.ModelSendsOf(name)
		}
		for _, s := range sends {
			arg := argumentFor(cs.Node, s)
			if arg == nil {
				continue
			}
			why, custom := pp.crossing(cs, arg)
			if why == "" {
				continue
			}
			what := fmt.Sprintf("%s() sends %s to another process (%s, %s:%d)", shortName(name), why, s.Site, path, s.Line)
			pp.reportCrossing(cs, arg, what, custom, "")
		}
	}
}

// callsSender says whether a call of the file passes an argument for a
// parameter that a function of the model sends to another process: the
// reads of checkCallers for a file that has no sends of its own.
func callsSender(p *analysis.Pass) bool {
	callNames := p.CallNames()
	for i, cs := range p.View.Calls {
		if cs.Resolved == "" {
			continue
		}
		name := callNames[i]
		if p.HasModel() && name != "" {
			name = p.ModelCanonical(name)
		}
		sends, _ := p.ModelSendsOf(name)
		for _, s := range sends {
			if argumentFor(cs.Node, s) != nil {
				return true
			}
		}
	}
	return false
}

// argumentFor is the argument a call passes for a parameter: by position
// (when no *args comes before it) or by keyword.
func argumentFor(c *pysrc.Call, s pysem.Send) pysrc.Expr {
	for _, k := range c.Keywords {
		if k.Arg == s.Name {
			return k.Value
		}
	}
	for i, a := range c.Args {
		if _, star := a.(*pysrc.Starred); star {
			return nil
		}
		if i == s.Param {
			return a
		}
	}
	return nil
}

var pickleRules = []*analysis.Rule{
	{
		ID: "EV502", Slug: "unpicklable-process-argument", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Python: pickleCheck, Concern: analysis.ConcernPickling,
		Doc: analysis.Doc{
			Summary:     "object that cannot be pickled sent to another process",
			What:        "Launch sites — multiprocessing.Process(target=, args=, kwargs=), process pools and ProcessPoolExecutor (submit, map, apply_async, starmap, ...), cotyledon ServiceManager.add(args=), oslo.service launch(..., workers=N) — that pass a lambda, a nested function, a lock, condition, event, semaphore, thread, stdlib queue, open file, executor, thread group, SQLAlchemy engine, session factory or session, messaging transport, client or server (real drivers such as rabbit hold locks), logging handler, a parsed oslo.config ConfigOpts (CONF included) when the project's oslo.config minimum is below 10.6.0 (9.7.2 on its stable branch), eventlet green pools, events and queues, greenlets, or an instance or bound method of a class whose __init__ (or a method it calls on self) stores such objects. Values are followed across the project's modules: what a factory function or class method returns, base classes, and attributes that hold instances of other classes (three levels). Objects created later (in start()) are not held when the instance is pickled and are not reported. A class with __getstate__/__reduce__ lowers the finding to a note, as does a launch through a context or pool whose start method the code sets to fork (nothing is pickled under fork). Sockets are not reported: multiprocessing passes them to children. Each finding names the start method in force: the one the code sets, or the platform default for the Python versions in the project's classifiers.",
			Why:         "Under spawn and forkserver (the POSIX default from Python 3.14) everything that crosses the boundary is pickled; these objects fail with PicklingError or TypeError at start — the 'picklable problem' that affects nova and neutron.",
			Replacement: "Pass plain data (paths, ids, config file names) and rebuild locks, connections and config in the child; define module-level functions; give classes __getstate__/__setstate__ that drop and rebuild what cannot be pickled.",
			Example:     "# before\nctx.Process(target=lambda: work(CONF)).start()\n# after\nctx.Process(target=work_main, args=(config_files,)).start()",
		},
	},
}

// methodInForce says which start method a launch site runs under: the one
// the code sets, or the platform default for the Python versions the
// project declares (fork before 3.14, forkserver from 3.14 on POSIX).
func (pp *picklePass) methodInForce(cs *pysrc.CallSite) string {
	switch m := pp.StartMethod(cs); m {
	case "spawn", "forkserver":
		return fmt.Sprintf("the code sets the %s start method, so this fails today", m)
	case "":
	default:
		return fmt.Sprintf("the code sets the %s start method", m)
	}
	var before, after []string
	var from string
	if pp.p.Project() != nil {
		for _, c := range pp.p.Project().Classifiers {
			v, ok := strings.CutPrefix(strings.TrimSpace(c.Value), "Programming Language :: Python :: 3.")
			if !ok {
				continue
			}
			minor, err := strconv.Atoi(v)
			if err != nil {
				continue
			}
			from = fmt.Sprintf("%s:%d", c.File, c.Line)
			if minor < 14 {
				before = append(before, "3."+v)
			} else {
				after = append(after, "3."+v)
			}
		}
	}
	switch {
	case len(before) > 0 && len(after) > 0:
		return fmt.Sprintf("start method in force: the platform default, fork on %s and forkserver on %s (classifiers, %s)", strings.Join(before, ", "), strings.Join(after, ", "), from)
	case len(before) > 0:
		return fmt.Sprintf("start method in force: the platform default, fork on the versions the project lists (%s, %s), forkserver once it runs on Python 3.14", strings.Join(before, ", "), from)
	case len(after) > 0:
		return fmt.Sprintf("start method in force: the platform default, forkserver on %s (classifiers, %s), so this fails today", strings.Join(after, ", "), from)
	}
	return "start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX"
}
