package pyproj

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func tree(t *testing.T, files map[string]string) string {
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

func TestClassify(t *testing.T) {
	tests := map[string]FileKind{
		"nimbus/worker.py":                      KindRuntime,
		"nimbus/tests/unit/test_worker.py":      KindTest,
		"nimbus/test_helpers.py":                KindTest,
		"nimbus/tests/fixtures.py":              KindTest,
		"conftest.py":                           KindTest,
		"doc/source/conf.py":                    KindDocs,
		"examples/leader_election.py":           KindDocs,
		"pkg/examples/plugin.py":                KindRuntime,
		"doc/source/admin.rst":                  KindDocs,
		"README.rst":                            KindDocs,
		"releasenotes/notes/x-123.yaml":         KindReleaseNote,
		"releasenotes/source/conf.py":           KindTooling,
		"requirements.txt":                      KindDependency,
		"test-requirements.txt":                 KindDependency,
		"setup.cfg":                             KindDependency,
		"tox.ini":                               KindTooling,
		"zuul.d/jobs.yaml":                      KindTooling,
		"tools/check.py":                        KindTooling,
		"nimbus/tools/helper.py":                KindRuntime,
		"etc/nimbus/nimbus.conf":                KindConfig,
		"etc/nimbus/rootwrap.d/compute.filters": KindConfig,
		"setup.py":                              KindTooling,
	}
	for path, want := range tests {
		if got := Classify(path); got != want {
			t.Errorf("Classify(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := tree(t, map[string]string{
		"setup.cfg": `[metadata]
name = nimbus
python_requires = >=3.10
classifier =
    Programming Language :: Python :: 3.14

[entry_points]
console_scripts =
    nimbus-api = nimbus.cmd.api:main
    nimbus-missing = nimbus.cmd.gone:main
wsgi_scripts =
    nimbus-wsgi = nimbus.api.wsgi:init_application
oslo.config.opts =
    nimbus = nimbus.conf.opts:list_opts

[extras]
eventlet =
  eventlet>=0.36 # MIT
`,
		"pyproject.toml": `[project]
name = "nimbus"
dependencies = ["oslo.service>=3.5", "Oslo_Utils"]
[project.scripts]
nimbus-status = "nimbus.cmd.status:main"
[tool.coverage.run]
concurrency = ["eventlet", "thread"]
`,
		"requirements.txt":         "# comment\neventlet>=0.36.1 # MIT\n-r extra.txt\n\noslo.log\n",
		"tox.ini":                  "[tox]\nenvlist = py3,py3-threading\n[testenv:py3-threading]\nsetenv =\n    A=1\n    NIMBUS_DISABLE_EVENTLET_PATCHING=true\n",
		".zuul.yaml":               "- job:\n    name: nimbus-functional-threading\n- project:\n    templates:\n      - openstack-python3-jobs\n    check:\n      jobs:\n        - nimbus-functional-threading\n        - nimbus-grenade:\n            voting: false\n",
		"nimbus/__init__.py":       "",
		"nimbus/cmd/__init__.py":   "",
		"nimbus/cmd/api.py":        "",
		"nimbus/api/__init__.py":   "",
		"nimbus/api/wsgi.py":       "",
		"scripts/standalone.py":    "",
		"src/other/__init__.py":    "",
		".tox/py3/lib/site.py":     "",
		"venv/pyvenv.cfg":          "",
		"venv/lib/x.py":            "",
		"nimbus.egg-info/PKG-INFO": "",
		"nimbus/__pycache__/a.pyc": "",
	})
	p, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var mods []string
	for _, f := range p.Files {
		if f.Python {
			mods = append(mods, f.Path+"="+f.Module)
		}
	}
	wantMods := []string{"nimbus/__init__.py=nimbus", "nimbus/api/__init__.py=nimbus.api", "nimbus/api/wsgi.py=nimbus.api.wsgi",
		"nimbus/cmd/__init__.py=nimbus.cmd", "nimbus/cmd/api.py=nimbus.cmd.api", "scripts/standalone.py=scripts.standalone", "src/other/__init__.py=other"}
	if diff := cmp.Diff(wantMods, mods); diff != "" {
		t.Errorf("python files (-want +got):\n%s", diff)
	}
	var eps []string
	for _, ep := range p.EntryPoints {
		eps = append(eps, ep.Group+" "+ep.Name+" "+ep.Path)
	}
	wantEPs := []string{"console_scripts nimbus-api nimbus/cmd/api.py", "console_scripts nimbus-missing ",
		"wsgi_scripts nimbus-wsgi nimbus/api/wsgi.py", "oslo.config.opts nimbus ", "console_scripts nimbus-status "}
	if diff := cmp.Diff(wantEPs, eps); diff != "" {
		t.Errorf("entry points (-want +got):\n%s", diff)
	}
	var reqs []string
	for _, r := range p.Requirements {
		reqs = append(reqs, r.File+":"+strconv.Itoa(r.Line)+" "+r.Name+" ["+r.Extra+"]")
	}
	wantReqs := []string{"setup.cfg:18 eventlet [eventlet]", "pyproject.toml:3 oslo-service []", "pyproject.toml:3 oslo-utils []",
		"requirements.txt:2 eventlet []", "requirements.txt:5 oslo-log []"}
	if diff := cmp.Diff(wantReqs, reqs); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	if p.Tox == nil || len(p.Tox.Envs) != 1 || p.Tox.Envs[0].SetEnv[1] != (Setting{"tox.ini", 6, "NIMBUS_DISABLE_EVENTLET_PATCHING", "true"}) {
		t.Errorf("tox: %+v", p.Tox)
	}
	if len(p.Coverage) != 1 || p.Coverage[0].Value != "eventlet,thread" {
		t.Errorf("coverage: %+v", p.Coverage)
	}
	var zuul []string
	for _, z := range p.Zuul {
		zuul = append(zuul, z.Kind+" "+z.Name+" "+strconv.Itoa(z.Line))
	}
	wantZuul := []string{"job nimbus-functional-threading 2", "use openstack-python3-jobs 5", "use nimbus-functional-threading 8", "use nimbus-grenade 9"}
	if diff := cmp.Diff(wantZuul, zuul); diff != "" {
		t.Errorf("zuul (-want +got):\n%s", diff)
	}
	if p.RequiresPython == nil || p.RequiresPython.Value != ">=3.10" || len(p.Classifiers) != 1 {
		t.Errorf("metadata: requires %+v classifiers %+v", p.RequiresPython, p.Classifiers)
	}
}

// TestGitignore: in a git checkout the file list is git's, so ignored
// files are not scanned.
func TestGitignore(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := tree(t, map[string]string{".gitignore": "generated/\n*.tmp.py\n", "a.py": "", "generated/b.py": "", "c.tmp.py": ""})
	cmd := exec.Command("git", "init", "-q", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	p, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range p.Files {
		paths = append(paths, f.Path)
	}
	if diff := cmp.Diff([]string{".gitignore", "a.py"}, paths); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(context.Background(), filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Load(missing root) = nil error")
	}
	dir := tree(t, map[string]string{"pyproject.toml": "[project\nname=", "setup.cfg": "[metadata]\nname = x\n", "tox.ini": "[tox\n"})
	p, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) == 0 {
		t.Error("a broken pyproject.toml gave no problem")
	}
}

func TestConfig(t *testing.T) {
	dir := tree(t, map[string]string{"setup.cfg": "[letgo]\nselect = EV1, EV2\nignore = EV205\nfail-on = high\ninclude-docs = true\n"})
	c, err := LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != "setup.cfg" || !cmp.Equal(c.Select, []string{"EV1", "EV2"}) || !cmp.Equal(c.Ignore, []string{"EV205"}) ||
		c.FailOn != "high" || c.IncludeDocs == nil || !*c.IncludeDocs {
		t.Errorf("config = %+v", c)
	}
	bad := tree(t, map[string]string{"pyproject.toml": "[tool.letgo\n"})
	if _, err := LoadConfig(bad); err == nil {
		t.Error("broken pyproject.toml config gave no error")
	}
}

func FuzzParseRequirements(f *testing.F) {
	f.Add("eventlet>=0.36 # MIT\n-r x.txt\noslo.log[fixtures]>=1;python_version<'3.12'\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, r := range ParseRequirements("r.txt", text, "", false) {
			if r.Name == "" || r.Line < 1 {
				t.Fatalf("bad requirement %+v", r)
			}
		}
	})
}
