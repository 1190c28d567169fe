package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/rules"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// txtarTree writes a txtar archive's files into a temporary tree and
// returns it with the named sections ("want", "args"), which are not
// written, split into trimmed lines.
func txtarTree(t *testing.T, path string, sections ...string) (string, map[string][]string) {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files, secs := map[string]string{}, map[string][]string{}
	for _, f := range ar.Files {
		if slices.Contains(sections, f.Name) {
			for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				secs[f.Name] = append(secs[f.Name], strings.TrimSpace(l))
			}
			continue
		}
		files[f.Name] = string(f.Data)
	}
	return writeTree(t, files), secs
}

func findingLines(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%03d %s", f.Path, f.Line, f.Rule))
	}
	sort.Strings(out)
	return out
}

// TestFacades: names re-exported by a project module are eventlet names
// wherever they are used; the facade's own import is the only import finding.
func TestFacades(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/greens.py":   "from eventlet import spawn, GreenPool\nfrom eventlet import sleep as nap\n",
		"pkg/app.py":      "from pkg.greens import spawn\nfrom pkg import greens\nfrom pkg.greens import nap\n\nspawn(work)\npool = greens.GreenPool(4)\nnap(0)\n",
		"pkg/other.py":    "from pkg import util\nutil.spawn(work)\n",
		"pkg/util.py":     "def spawn(f):\n    return f()\n",
	})
	res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV1"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg/app.py:005 EV110",
		"pkg/app.py:006 EV114",
		"pkg/app.py:007 EV116",
		"pkg/greens.py:001 EV101",
		"pkg/greens.py:002 EV101",
	}
	if diff := cmp.Diff(want, findingLines(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestPicklingAcrossModules: values launched into other processes are
// followed into the modules that build them — a factory function's return
// type, a class's __init__ (and the methods it calls), its bases and the
// instances it holds — and a class that customises pickling lowers the
// finding to a note, as does a fork context (nothing is pickled under
// fork). Objects made after __init__ (in start()) are not held when the
// instance is pickled.
func TestPicklingAcrossModules(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"requirements.txt": "oslo.config>=9.3.0\n",
		"svc/__init__.py":  "",
		"svc/config.py":    "from oslo_config import cfg\n\n\ndef prepare():\n    conf = cfg.ConfigOpts()\n    conf([])\n    return conf\n",
		"svc/base.py":      "import threading\n\n\nclass Base:\n    def __init__(self):\n        self._setup()\n\n    def _setup(self):\n        self.lock = threading.Lock()\n",
		"svc/engine.py": "import queue\n\nfrom svc import base, svcpolicy\n\n\nclass Helper:\n    def __init__(self):\n        self.q = queue.Queue()\n\n\n" +
			"class Engine(base.Base):\n    pass\n\n\nclass Holder:\n    def __init__(self):\n        self.helper = Helper()\n\n\n" +
			"class Late:\n    def __init__(self):\n        self.name = 'x'\n\n    def start(self):\n        self.q = queue.Queue()\n\n\n" +
			"class Careful:\n    def __init__(self):\n        self.q = queue.Queue()\n\n    def __getstate__(self):\n        return {}\n\n\n" +
			"def make():\n    return Holder()\n\n\nclass Svc(base.Base):\n    @classmethod\n    def create(cls):\n        return cls()\n\n\n" +
			"class Engine2:\n    def __init__(self):\n        self.policy = svcpolicy.Enforcer()\n",
		"svc/svcpolicy.py": "from oslo_config import cfg\nfrom oslo_policy import policy\n\nCONF = cfg.CONF\n\n\nclass Enforcer:\n    def __init__(self):\n        self.enforcer = policy.Enforcer(CONF, default_rule='x')\n\n\n" +
			"class Keeper:\n    def __init__(self):\n        self.conf = CONF\n",
		"svc/cmd.py": "import multiprocessing\n\nfrom svc import config\nfrom svc import engine\n\n\ndef work(*args):\n    pass\n\n\n" +
			"def main():\n    conf = config.prepare()\n    multiprocessing.Process(target=work, args=(conf,)).start()\n" +
			"    multiprocessing.Process(target=work, args=(engine.Engine(),)).start()\n" +
			"    h = engine.make()\n    multiprocessing.Process(target=work, args=(h,)).start()\n" +
			"    multiprocessing.Process(target=work, args=(engine.Late(),)).start()\n" +
			"    multiprocessing.Process(target=work, args=(engine.Careful(),)).start()\n" +
			"    ctx = multiprocessing.get_context('fork')\n    ctx.Process(target=work, args=(conf,)).start()\n" +
			"    s = engine.Svc.create()\n    multiprocessing.Process(target=work, args=(s,)).start()\n" +
			"    from oslo_service import service\n    service.launch(conf, engine.Late(), workers=4)\n" +
			"    service.launch(conf, engine.Engine2(), workers=4)\n" +
			"    from svc import svcpolicy\n    multiprocessing.Process(target=work, args=(svcpolicy.Keeper(),)).start()\n",
	})
	got := pickleFindings(t, dir)
	want := []string{
		"svc/cmd.py:13 high multiprocessing.Process() sends conf, an oslo.config ConfigOpts object, which once parsed pickles only from oslo.config 10.6.0 (or 9.7.2; requirements.txt:1 allows 9.3.0), to another process: it cannot be pickled under spawn/forkserver; start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX",
		"svc/cmd.py:14 high multiprocessing.Process() sends engine.Engine(), an instance of Engine whose self.lock is a lock (svc/base.py:9) to another process: it cannot be pickled under spawn/forkserver; start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX",
		"svc/cmd.py:16 high multiprocessing.Process() sends h, an instance of Holder whose self.helper is a Helper whose self.q is a queue (svc/engine.py:8) to another process: it cannot be pickled under spawn/forkserver; start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX",
		"svc/cmd.py:18 info note: multiprocessing.Process() sends engine.Careful(), an instance of Careful whose self.q is a queue (svc/engine.py:30) to another process; the class customises pickling (__getstate__/__reduce__), check it drops these",
		"svc/cmd.py:20 info note: ctx.Process() sends conf, an oslo.config ConfigOpts object, which once parsed pickles only from oslo.config 10.6.0 (or 9.7.2; requirements.txt:1 allows 9.3.0), to another process; the code sets the fork start method, so nothing is pickled today, but it cannot be pickled once fork goes (spawn/forkserver, the default from Python 3.14)",
		"svc/cmd.py:22 high multiprocessing.Process() sends s, an instance of Svc whose self.lock is a lock (svc/base.py:9) to another process: it cannot be pickled under spawn/forkserver; start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX",
		"svc/cmd.py:24 info note: service.launch(..., workers=4) sends engine.Late() to each worker process; under spawn/forkserver it is pickled: it is an instance of Late (svc/engine.py:20), and nothing its __init__ stores is known to be unpicklable; what it holds beyond that (values from outside the project, bases outside it) must be picklable too",
		"svc/cmd.py:25 high service.launch(..., workers=4) sends engine.Engine2(), an instance of Engine2 whose self.policy is an Enforcer whose self.enforcer is an oslo_policy.policy.Enforcer that keeps the oslo.config object it was given, which once parsed pickles only from oslo.config 10.6.0 (or 9.7.2; requirements.txt:1 allows 9.3.0), (svc/svcpolicy.py:9) to another process: it cannot be pickled under spawn/forkserver; start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX",
		"svc/cmd.py:27 high multiprocessing.Process() sends svcpolicy.Keeper(), an instance of Keeper whose self.conf is the oslo.config CONF object, which once parsed pickles only from oslo.config 10.6.0 (or 9.7.2; requirements.txt:1 allows 9.3.0), (svc/svcpolicy.py:14) to another process: it cannot be pickled under spawn/forkserver; start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// With a requirement that already pickles a parsed ConfigOpts, the
	// configuration object is no finding.
	if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("oslo.config>=10.6.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range pickleFindings(t, dir) {
		if strings.Contains(f, "oslo.config") {
			t.Errorf("a config object reported with oslo.config>=10.6.0: %s", f)
		}
	}
}

// pickleFindings scans dir with EV502 alone: "path:line severity message".
func pickleFindings(t *testing.T, dir string) []string {
	t.Helper()
	res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV502"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s %s", f.Path, f.Line, f.Severity, f.Message))
	}
	return got
}

// TestPicklingThroughParameters: a function that hands its parameter to a
// launch site unchanged makes its callers' arguments cross the boundary;
// classes re-exported by a package's __init__ are followed to their
// definition.
func TestPicklingThroughParameters(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"svc/__init__.py":     "",
		"svc/api/__init__.py": "from svc.api.impl import API\n",
		"svc/api/impl.py":     "import threading\n\n\nclass API:\n    def __init__(self):\n        self.lock = threading.Lock()\n",
		"svc/launcher.py": "from oslo_config import cfg\nfrom oslo_service import service\n\n\ndef serve(server, workers=None):\n" +
			"    service.launch(cfg.CONF, server, workers=workers)\n",
		"svc/cmd.py": "from svc import api, launcher\n\n\ndef main():\n    launcher.serve(api.API(), workers=2)\n" +
			"    launcher.serve(server=api.API())\n    launcher.serve(object())\n",
	})
	got := pickleFindings(t, dir)
	tail := " to another process (service.launch(..., workers=workers), svc/launcher.py:6): it cannot be pickled under spawn/forkserver; start method in force: the platform default, fork before Python 3.14 and forkserver from 3.14 on POSIX"
	want := []string{
		"svc/cmd.py:5 high serve() sends api.API(), an instance of API whose self.lock is a lock (svc/api/impl.py:6)" + tail,
		"svc/cmd.py:6 high serve() sends api.API(), an instance of API whose self.lock is a lock (svc/api/impl.py:6)" + tail,
		"svc/launcher.py:6 info note: service.launch(..., workers=workers) sends server to each worker process; under spawn/forkserver it is pickled: its class is decided by the callers of serve(), which letgo checks where they pass it",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestStartMethodInForce: a pickling finding says which start method its
// launch runs under — the one the code sets, or the platform default for
// the Python versions the project's classifiers list.
func TestStartMethodInForce(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"setup.cfg":       "[metadata]\nname = svc\nclassifier =\n    Programming Language :: Python :: 3.12\n    Programming Language :: Python :: 3.14\n",
		"svc/__init__.py": "",
		"svc/run.py": "import multiprocessing\nimport threading\n\n\ndef work(x):\n    pass\n\n\ndef main():\n" +
			"    multiprocessing.Process(target=work, args=(threading.Lock(),)).start()\n" +
			"    ctx = multiprocessing.get_context('spawn')\n    ctx.Process(target=work, args=(threading.Lock(),)).start()\n",
	})
	res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV502"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		10: "start method in force: the platform default, fork on 3.12 and forkserver on 3.14 (classifiers, setup.cfg:",
		12: "the code sets the spawn start method, so this fails today",
	}
	for _, f := range res.Findings {
		if !strings.Contains(f.Message, want[f.Line]) || want[f.Line] == "" {
			t.Errorf("line %d: %s", f.Line, f.Message)
		}
		delete(want, f.Line)
	}
	if len(want) > 0 {
		t.Errorf("missing findings: %v", want)
	}
}

// TestFileVanishes: a file listed but gone when read is a per-file finding.
func TestFileVanishes(t *testing.T) {
	dir := writeTree(t, map[string]string{"gone.py": "import eventlet\n"})
	proj, err := pyproj.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "gone.py")); err != nil {
		t.Fatal(err)
	}
	fr := scanFile(proj, proj.Lookup("gone.py"), rules.All(), nil, nil, nil)
	if !fr.skipped || len(fr.findings) != 1 || fr.findings[0].Rule != "EV904" {
		t.Errorf("vanished file: skipped %v, findings %+v", fr.skipped, fr.findings)
	}
}

func TestSuppressions(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"m.py": "import eventlet\n" +
			"eventlet.spawn(f)  # noqa: EV110\n" +
			"eventlet.spawn(f)  # letgo: ignore[EV110] eventlet-only branch\n" +
			"eventlet.spawn(f)  # letgo: ignore[EV110]\n" +
			"x = 1  # noqa: EV110\n" +
			"eventlet.spawn(f)  # noqa\n" +
			"eventlet.spawn(f)  # noqa: E501\n",
	})
	res, err := Run(context.Background(), []string{dir}, Options{Select: []string{"EV110", "EV9"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"m.py:004 EV110", "m.py:004 EV902", "m.py:005 EV903", "m.py:006 EV110", "m.py:007 EV110"}
	if diff := cmp.Diff(want, findingLines(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestFingerprintsSurviveMoves(t *testing.T) {
	a := writeTree(t, map[string]string{"m.py": "import eventlet\neventlet.spawn(f)\neventlet.spawn(f)\n"})
	b := writeTree(t, map[string]string{"m.py": "# moved\n\nimport eventlet\n\neventlet.spawn(f)\neventlet.spawn(f)\n"})
	ra, _ := Run(context.Background(), []string{a}, Options{})
	rb, _ := Run(context.Background(), []string{b}, Options{})
	fp := func(r *Result) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.Fingerprint)
		}
		return out
	}
	if diff := cmp.Diff(fp(ra), fp(rb)); diff != "" {
		t.Errorf("fingerprints changed with line moves (-a +b):\n%s", diff)
	}
	if fp(ra)[1] == fp(ra)[2] {
		t.Error("identical lines share a fingerprint; the occurrence index must tell them apart")
	}
}

// TestFindingsCap: a file with three times the cap of one rule's findings
// reports the cap and one EV905 finding with the count left out, whatever
// --select says; --ignore EV905 hides the notice, not the cap.
func TestFindingsCap(t *testing.T) {
	const n = 3 * analysis.MaxFindingsPerRule
	dir := writeTree(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/big.py":      strings.Repeat("import eventlet\n", n),
	})
	tests := []struct {
		name   string
		opts   Options
		notice bool
	}{
		{"all rules", Options{}, true},
		{"selected family", Options{Select: []string{"EV1"}}, true},
		{"notice ignored", Options{Ignore: []string{"EV905"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), []string{dir}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			counts := map[string]int{}
			var notices []string
			for _, f := range res.Findings {
				counts[f.Rule]++
				if f.Rule == "EV905" {
					notices = append(notices, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.Message))
				}
			}
			if counts["EV101"] != analysis.MaxFindingsPerRule {
				t.Errorf("EV101 findings = %d, want the cap %d", counts["EV101"], analysis.MaxFindingsPerRule)
			}
			var want []string
			if tt.notice {
				want = []string{fmt.Sprintf("pkg/big.py:%d %d more EV101 findings in this file left out: letgo reports at most %d per rule and file",
					analysis.MaxFindingsPerRule+1, n-analysis.MaxFindingsPerRule, analysis.MaxFindingsPerRule)}
			}
			if diff := cmp.Diff(want, notices); diff != "" {
				t.Errorf("EV905 findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLineTexts(t *testing.T) {
	src := "a\nbb\n\nccc\r\nlast"
	got := lineTexts(src, []int{5, 2, 2, 0, 4, 1, 3, 9})
	want := map[int]string{1: "a", 2: "bb", 3: "", 4: "ccc\r", 5: "last"}
	if len(got) != len(want) {
		t.Fatalf("lineTexts = %v, want %v", got, want)
	}
	for l, w := range want {
		if got[l] != w {
			t.Errorf("line %d = %q, want %q", l, got[l], w)
		}
	}
}
