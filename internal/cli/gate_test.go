package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/letgo-dev/letgo/internal/contract"
)

// project writes a small project with one EV110 and one EV501 finding
// (no Python 3.14 classifier) and returns its root.
func project(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "setup.cfg", "[metadata]\nname = demo\nclassifiers =\n    Programming Language :: Python :: 3.12\n\n[entry_points]\nconsole_scripts =\n    demo-run = demo.work:main\n")
	write(t, dir, "demo/__init__.py", "")
	write(t, dir, "demo/work.py", "import eventlet\n\n\ndef go(f):\n    eventlet.spawn(f)\n\n\ndef main():\n    go(print)\n")
	for rel, content := range extra {
		write(t, dir, rel, content)
	}
	return dir
}

// TestGateUsageErrors: every mistake that used to turn a gate green
// without a word is a usage error naming what is wrong.
func TestGateUsageErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  []string
	}{
		{"unknown select", nil, []string{"--select", "EV999"}, []string{`--select: unknown rule "EV999"`, "EV1, EV2"}},
		{"typo in ignore", nil, []string{"--ignore", "EV1O1"}, []string{`--ignore: unknown rule "EV1O1"`, "did you mean EV101?"}},
		{"not a rule at all", nil, []string{"--select", "E501"}, []string{`unknown rule "E501"`}},
		{"select in setup.cfg", map[string]string{"setup.cfg": "[metadata]\nname = demo\n\n[letgo]\nselect = EV1O1\n"}, nil,
			[]string{`setup.cfg:5 [letgo] select: unknown rule "EV1O1"`, "did you mean EV101?"}},
		{"unknown key in pyproject", map[string]string{"pyproject.toml": "[project]\nname = \"demo\"\n\n[tool.letgo]\nselct = [\"EV1\"]\n"}, nil,
			[]string{`pyproject.toml:5: unknown key "selct" in [tool.letgo]`, `did you mean "select"?`}},
		{"underscore key", map[string]string{"pyproject.toml": "[tool.letgo]\nfail_on = \"high\"\n"}, nil,
			[]string{`pyproject.toml:2: unknown key "fail_on"`, `did you mean "fail-on"?`}},
		{"unknown key in tox.ini", map[string]string{"tox.ini": "[tox]\nenvlist = py3\n[letgo]\nselect = EV1\nfailon = high\n"}, nil,
			[]string{`tox.ini:5: unknown key "failon" in [letgo]`}},
		{"bad fail-on in config", map[string]string{"pyproject.toml": "[tool.letgo]\nfail-on = \"critical\"\n"}, nil,
			[]string{"pyproject.toml:2 [tool.letgo] fail-on:", "unknown severity"}},
		{"bad format in config", map[string]string{"setup.cfg": "[letgo]\nformat = xml\n"}, nil,
			[]string{"setup.cfg:2 [letgo] format: unknown format"}},
		{"bad include-docs", map[string]string{"setup.cfg": "[letgo]\ninclude-docs = maybe\n"}, nil,
			[]string{"setup.cfg:2", "include-docs"}},
		{"bad color", nil, []string{"--color", "bogus"}, []string{"--color must be auto, always or never"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := project(t, tt.files)
			for _, cmd := range [][]string{{"scan"}, {"check", "--baseline", filepath.Join(dir, "none.json")}, {"baseline", "write", filepath.Join(dir, "b.json")}} {
				args := append(append(append([]string{}, cmd...), tt.args...), dir)
				out, errOut, code := run(t, args...)
				if code != ExitUsage {
					t.Errorf("Main(%q) = %d, want %d (stdout %q, stderr %q)", args, code, ExitUsage, out, errOut)
					continue
				}
				for _, w := range tt.want {
					if !strings.Contains(errOut, w) {
						t.Errorf("Main(%q) stderr = %q, want it to contain %q", args, errOut, w)
					}
				}
			}
		})
	}
}

// TestConfigShadowed: with [tool.letgo] and a [letgo] section, the user is
// told which one is used.
func TestConfigShadowed(t *testing.T) {
	dir := project(t, map[string]string{
		"pyproject.toml": "[tool.letgo]\nselect = [\"EV1\"]\n",
		"tox.ini":        "[letgo]\nselect = EV5\n",
	})
	res, errOut, code := scanJSON(t, dir)
	if code != ExitClean {
		t.Fatalf("scan = %d, stderr %q", code, errOut)
	}
	if want := "using [tool.letgo] in pyproject.toml; ignoring tox.ini [letgo]"; !strings.Contains(errOut, want) {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
	for _, f := range res.Findings {
		if !strings.HasPrefix(f.Rule, "EV1") {
			t.Errorf("finding %s %s:%d: pyproject's select = EV1 not applied", f.Rule, f.Path, f.Line)
		}
	}
}

// appWithLibrary writes a service whose own code is free of eventlet and a
// library root (lib.green) that imports it unconditionally; it returns the
// two roots.
func appWithLibrary(t *testing.T) (app, lib string) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "app/pyproject.toml", "[project]\nname = \"app\"\ndependencies = [\"lib\"]\n[project.scripts]\napp-run = \"app.main:run\"\n")
	write(t, dir, "app/app/__init__.py", "")
	write(t, dir, "app/app/main.py", "from lib import green\n\n\ndef run():\n    pass\n")
	write(t, dir, "lib/pyproject.toml", "[project]\nname = \"lib\"\n")
	write(t, dir, "lib/lib/__init__.py", "")
	write(t, dir, "lib/lib/green.py", "import eventlet\n")
	return filepath.Join(dir, "app"), filepath.Join(dir, "lib")
}

// TestBaselineUsesLibraryRoots: baseline write scans with --with like check
// does, so a check with the same flags finds nothing new.
func TestBaselineUsesLibraryRoots(t *testing.T) {
	app, lib := appWithLibrary(t)
	bl := filepath.Join(t.TempDir(), "b.json")
	if _, errOut, code := run(t, "baseline", "write", bl, "--with", lib, app); code != ExitClean {
		t.Fatalf("baseline write = %d, stderr %q", code, errOut)
	}
	out, errOut, code := run(t, "check", "--baseline", bl, "--with", lib, "--format", "json", app)
	if code != ExitClean || !strings.Contains(errOut, "0 new") {
		t.Errorf("check = %d, stderr %q, stdout %s; want 0 new", code, errOut, out)
	}
	var res contract.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Baseline == nil || res.Baseline.Known == 0 {
		t.Errorf("baseline summary = %+v, want the EV710 finding known", res.Baseline)
	}
}

// TestCheckOnlyFixesRulesThatRan: a check with --select does not call the
// accepted findings of other rules fixed, and the concerns of accepted
// findings are gone with them.
func TestCheckOnlyFixesRulesThatRan(t *testing.T) {
	dir := project(t, nil)
	bl := filepath.Join(dir, "b.json")
	if _, errOut, code := run(t, "baseline", "write", bl, dir); code != ExitClean {
		t.Fatalf("baseline write = %d, stderr %q", code, errOut)
	}
	_, errOut, code := run(t, "check", "--baseline", bl, "--select", "EV1", dir)
	if code != ExitClean || !strings.Contains(errOut, " 0 fixed") || strings.Contains(errOut, "fixed: ") {
		t.Errorf("check --select EV1 = %d, stderr %q; want 0 fixed", code, errOut)
	}
	if !strings.Contains(errOut, "of rules that did not run were not checked") {
		t.Errorf("check --select EV1 stderr %q: want the unchecked findings counted", errOut)
	}
	out, _, _ := run(t, "check", "--baseline", bl, "--format", "json", dir)
	var res contract.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 || len(res.Concerns) != 0 {
		t.Errorf("after the baseline: %d findings, %d concerns; want 0 and 0 (%+v)", len(res.Findings), len(res.Concerns), res.Concerns)
	}
	if res.Stats.RuntimeDebt != 0 {
		t.Errorf("after the baseline: runtime debt %d, want 0", res.Stats.RuntimeDebt)
	}
}

// TestSaysOnlyWhatRan: the result records the rules that ran, and the
// report does not call Python 3.14 covered when its rule did not run.
func TestSaysOnlyWhatRan(t *testing.T) {
	dir := project(t, nil)
	res, _, _ := scanJSON(t, "--select", "EV1", dir)
	for _, id := range res.Rules {
		if !strings.HasPrefix(id, "EV1") && id != "EV905" { // the findings-cap notice runs whatever is selected
			t.Errorf("rules = %v: %s did not run", res.Rules, id)
		}
	}
	if len(res.Rules) == 0 {
		t.Error("rules = [], want the EV1 rules")
	}
	out, _, _ := run(t, "scan", "--select", "EV1", dir)
	if strings.Contains(out, "Python 3.14: covered") || !strings.Contains(out, "Python 3.14: not checked") {
		t.Errorf("scan --select EV1 says:\n%s\nwant Python 3.14 not checked", out)
	}
}

// TestUnusedSuppressionOnlyForRulesThatRan: EV903 is about suppressions of
// rules that ran; a code naming no rule is a typo; a prefix matches as in
// flake8.
func TestUnusedSuppressionOnlyForRulesThatRan(t *testing.T) {
	dir := project(t, map[string]string{"demo/quiet.py": "import os  # noqa: EV502\nimport sys  # noqa: EV999\nimport eventlet  # noqa: EV1\nimport json  # noqa: EV110\n"})
	res, _, _ := scanJSON(t, "--select", "EV1,EV9", dir)
	var got []string
	for _, f := range res.Findings {
		if f.Path == "demo/quiet.py" {
			got = append(got, f.Rule+" "+f.Message)
		}
	}
	want := []string{
		"EV903 suppression of EV999 names no letgo rule",
		"EV903 suppression of EV110 matches no finding on this line",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings in quiet.py:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFileAndSubdirectoryArguments: a file or a subdirectory is analysed as
// part of the project it belongs to and only it is reported, so editors,
// pre-commit and a check run from a subdirectory see what a scan of the
// whole project says about those paths.
func TestFileAndSubdirectoryArguments(t *testing.T) {
	dir := project(t, map[string]string{
		"demo/sub/__init__.py": "",
		"demo/sub/more.py":     "import eventlet\n",
	})
	whole, _, _ := scanJSON(t, dir)
	byPath := map[string][]string{}
	for _, f := range whole.Findings {
		byPath[f.Path] = append(byPath[f.Path], f.Rule+" "+f.Message)
	}
	if len(byPath["demo/work.py"]) == 0 || len(byPath["demo/sub/more.py"]) == 0 {
		t.Fatalf("whole scan findings by path = %v", byPath)
	}
	for _, arg := range []string{"demo/work.py", "demo/sub", "demo/sub/more.py"} {
		res, errOut, code := scanJSON(t, filepath.Join(dir, filepath.FromSlash(arg)))
		if code != ExitClean {
			t.Fatalf("scan %s = %d, stderr %q", arg, code, errOut)
		}
		var got []string
		for _, f := range res.Findings {
			if f.Path != arg && !strings.HasPrefix(f.Path, arg+"/") {
				t.Errorf("scan %s reported %s:%d %s", arg, f.Path, f.Line, f.Rule)
			}
			got = append(got, f.Rule+" "+f.Message)
		}
		var want []string
		for p, fs := range byPath {
			if p == arg || strings.HasPrefix(p, arg+"/") {
				want = append(want, fs...)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("scan %s findings:\n%s\nwant (as in the whole scan):\n%s", arg, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(res.EntryPoints) != len(whole.EntryPoints) {
			t.Errorf("scan %s: %d entry points, want the project's %d", arg, len(res.EntryPoints), len(whole.EntryPoints))
		}
	}
	bl := filepath.Join(t.TempDir(), "b.json")
	if _, errOut, code := run(t, "baseline", "write", bl, dir); code != ExitClean {
		t.Fatalf("baseline write = %d, stderr %q", code, errOut)
	}
	_, errOut, code := run(t, "check", "--baseline", bl, filepath.Join(dir, "demo", "sub"))
	if code != ExitClean || !strings.Contains(errOut, "0 new, 1 known, 0 fixed") || !strings.Contains(errOut, "outside the paths given were not checked") {
		t.Errorf("check of a subdirectory = %d, stderr %q; want 0 new, 1 known, 0 fixed, the rest not checked", code, errOut)
	}
}

// TestExcludeAndPerFileIgnores: exclude and extend-exclude keep paths out
// of the scan, per-file-ignores drops rules in matching files, and a
// file-ignore comment covers its whole file; in TOML and in flake8's INI
// shape.
func TestExcludeAndPerFileIgnores(t *testing.T) {
	files := map[string]string{
		"demo/vendor/green.py":   "import eventlet\n",
		"demo/legacy/old.py":     "import eventlet\n\neventlet.spawn(print)\n",
		"demo/tests/test_x.py":   "import eventlet\n",
		"demo/quiet.py":          "# letgo: file-ignore[EV101] this module is only imported in eventlet mode\nimport eventlet\n",
		"demo/noreason.py":       "# letgo: file-ignore[EV101]\nimport eventlet\n",
		"demo/unused_fileign.py": "# letgo: file-ignore[EV110] nothing spawns here\nimport os\n",
	}
	configs := map[string]map[string]string{
		"pyproject": {"pyproject.toml": "[tool.letgo]\nexclude = [\"demo/vendor\"]\nextend-exclude = [\"legacy\"]\n\n[tool.letgo.per-file-ignores]\n\"demo/tests/*\" = [\"EV1\"]\n"},
		"setup.cfg": {"tox.ini": "[letgo]\nexclude = demo/vendor\nextend-exclude = legacy\nper-file-ignores =\n    demo/tests/*: EV1\n"},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			all := map[string]string{}
			for k, v := range files {
				all[k] = v
			}
			for k, v := range cfg {
				all[k] = v
			}
			dir := project(t, all)
			res, errOut, code := scanJSON(t, dir)
			if code != ExitClean {
				t.Fatalf("scan = %d, stderr %q", code, errOut)
			}
			got := map[string][]string{}
			for _, f := range res.Findings {
				got[f.Path] = append(got[f.Path], f.Rule)
			}
			for _, p := range []string{"demo/vendor/green.py", "demo/legacy/old.py", "demo/tests/test_x.py", "demo/quiet.py"} {
				if len(got[p]) > 0 {
					t.Errorf("%s: findings %v, want none", p, got[p])
				}
			}
			if strings.Join(got["demo/noreason.py"], ",") != "EV902,EV101" { // line 1, then line 2
				t.Errorf("demo/noreason.py: %v, want EV101 (a file-ignore without a reason suppresses nothing) and EV902", got["demo/noreason.py"])
			}
			if strings.Join(got["demo/unused_fileign.py"], ",") != "EV903" {
				t.Errorf("demo/unused_fileign.py: %v, want EV903", got["demo/unused_fileign.py"])
			}
			if len(got["demo/work.py"]) == 0 {
				t.Error("demo/work.py lost its findings")
			}
		})
	}
	t.Run("bad code in per-file-ignores", func(t *testing.T) {
		dir := project(t, map[string]string{"pyproject.toml": "[tool.letgo.per-file-ignores]\n\"tests/*\" = [\"EV1O1\"]\n"})
		_, errOut, code := run(t, "scan", dir)
		if code != ExitUsage || !strings.Contains(errOut, `per-file-ignores: unknown rule "EV1O1"`) {
			t.Errorf("scan = %d, stderr %q; want a usage error", code, errOut)
		}
	})
}

// TestSuppressionsInNonPythonFiles: the "#" comments of requirements
// files, tox.ini, .coveragerc and zuul YAML suppress findings reported
// there, as every rule page promises, with EV902/EV903 as in Python.
func TestSuppressionsInNonPythonFiles(t *testing.T) {
	dir := project(t, map[string]string{
		"requirements.txt":      "eventlet>=0.36  # letgo: ignore[EV701] kept until 2027.1 for the eventlet mode\ngreenlet  # noqa: EV703\nsix  # noqa: EV701\n",
		"test-requirements.txt": "eventlet  # letgo: ignore[EV701]\n",
		".coveragerc":           "[run]\nconcurrency = eventlet  # noqa: EV704\n",
		"tox.ini":               "[testenv]\nsetenv =\n    EVENTLET_NO_GREENDNS=yes\n",
	})
	res, errOut, code := scanJSON(t, dir)
	if code != ExitClean {
		t.Fatalf("scan = %d, stderr %q", code, errOut)
	}
	var got []string
	for _, f := range res.Findings {
		if !strings.HasSuffix(f.Path, ".py") {
			got = append(got, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.Rule))
		}
	}
	want := []string{
		"requirements.txt:3 EV903", // six is not eventlet: the suppression matches nothing
		"setup.cfg:4 EV501",
		"test-requirements.txt:1 EV701", // a letgo suppression without a reason suppresses nothing
		"test-requirements.txt:1 EV902",
		"tox.ini:3 EV705",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings outside Python (-want +got):\n%s", diff)
	}
}
