package pyproj

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// within runs f and fails the test when it does not return in time: the
// inputs below used to hang, overflow the stack or grow without bound.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not finish in %v", what, d)
	}
}

// allocated is the memory f allocates in total.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func problems(p *Project) map[string]string {
	out := map[string]string{}
	for _, pr := range p.Problems {
		out[pr.Path] = pr.Msg
	}
	return out
}

// TestSpecialFiles: configuration files that are symlinks to /dev/zero, or
// FIFOs, are each a problem; Load neither blocks nor grows, and reads the
// rest. A link to /dev/zero leads out of the tree, so it is refused as
// such; TestReadDevice reads a device that is listed.
func TestSpecialFiles(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil || runtime.GOOS == "windows" {
		t.Skip("needs /dev/zero and FIFOs")
	}
	dir := tree(t, map[string]string{"nimbus/__init__.py": "", "nimbus/api.py": ""})
	zero := []string{"setup.cfg", "pyproject.toml", "requirements.txt", "tox.ini", ".zuul.yaml", ".coveragerc"}
	for _, name := range zero {
		if err := os.Symlink("/dev/zero", filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	fifos := []string{"test-requirements.txt", "zuul.d/jobs.yaml"}
	for _, name := range fifos {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var p *Project
	var err error
	alloc := allocated(func() {
		within(t, 20*time.Second, "Load", func() { p, err = Load(context.Background(), dir) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if alloc > 64<<20 {
		t.Errorf("Load allocated %d MB for a tree of empty files", alloc>>20)
	}
	got := problems(p)
	for _, name := range zero {
		if want := "symlink points outside the project"; got[name] != want {
			t.Errorf("problem of %s = %q, want %q", name, got[name], want)
		}
	}
	for _, name := range fifos {
		if want := "cannot read: not a regular file (a named pipe)"; got[name] != want {
			t.Errorf("problem of %s = %q, want %q", name, got[name], want)
		}
	}
	if p.Lookup("nimbus/api.py") == nil {
		t.Error("the Python files were not listed")
	}
	within(t, 20*time.Second, "LoadConfig", func() { _, err = LoadConfig(dir) })
	if err != nil {
		t.Errorf("LoadConfig with /dev/zero config files = %v, want nil (the scan reports them)", err)
	}
}

// TestReadDevice: a configuration file that is a device when it is read
// (listed, then swapped; or a device node committed inside the tree) is a
// problem, and reading it stops.
func TestReadDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("needs /dev/zero")
	}
	names := []string{".coveragerc", ".zuul.yaml", "pyproject.toml", "requirements.txt", "setup.cfg", "tox.ini"}
	p := &Project{}
	for _, name := range names {
		p.Files = append(p.Files, &File{Path: name, Abs: "/dev/zero", Kind: Classify(name)})
	}
	alloc := allocated(func() { within(t, 20*time.Second, "readMetadata", p.readMetadata) })
	if alloc > 64<<20 {
		t.Errorf("readMetadata allocated %d MB", alloc>>20)
	}
	got := problems(p)
	for _, name := range names {
		if want := "cannot read: not a regular file (a character device)"; got[name] != want {
			t.Errorf("problem of %s = %q, want %q", name, got[name], want)
		}
	}
}

// TestSymlinksOutside: a symlink that leads out of the root is not read
// and is reported; one inside is followed. Both listings (a walk and git's).
func TestSymlinksOutside(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "passwd")
	if err := os.WriteFile(secret, []byte("[metadata]\nname = secret\n[options]\ninstall_requires = secret-dep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"walk", "git"} {
		t.Run(mode, func(t *testing.T) {
			dir := tree(t, map[string]string{"nimbus/__init__.py": "", "nimbus/real.py": "import os\n"})
			links := map[string]string{
				"nimbus/x.py":    secret,
				"nimbus/rel.py":  filepath.Join("..", "..", filepath.Base(outside), "passwd"),
				"setup.cfg":      secret,
				"nimbus/ok.py":   "real.py",
				"nimbus/loop.py": "loop.py",
			}
			for name, target := range links {
				if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
					t.Fatal(err)
				}
			}
			if mode == "git" {
				if _, err := exec.LookPath("git"); err != nil {
					t.Skip("git not installed")
				}
				if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
					t.Fatalf("git init: %v %s", err, out)
				}
			}
			// The rel.py link resolves outside only from its real place.
			if _, err := os.Stat(filepath.Join(dir, "nimbus", "rel.py")); err != nil {
				os.Remove(filepath.Join(dir, "nimbus", "rel.py"))
				rel, _ := filepath.Rel(filepath.Join(dir, "nimbus"), secret)
				os.Symlink(rel, filepath.Join(dir, "nimbus", "rel.py"))
			}
			p, err := Load(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			got := problems(p)
			for _, name := range []string{"nimbus/x.py", "nimbus/rel.py", "setup.cfg"} {
				if got[name] != "symlink points outside the project" {
					t.Errorf("problem of %s = %q, want the symlink outside", name, got[name])
				}
				if p.Lookup(name) != nil {
					t.Errorf("%s, a symlink out of the project, is listed", name)
				}
			}
			if p.Lookup("nimbus/ok.py") == nil || got["nimbus/ok.py"] != "" {
				t.Errorf("nimbus/ok.py, a symlink inside, is not listed (problem %q)", got["nimbus/ok.py"])
			}
			if p.Name == "secret" || len(p.Requirements) > 0 {
				t.Errorf("read the file outside: name %q requirements %+v", p.Name, p.Requirements)
			}
		})
	}
}

// interpolation builds INI values that the library's Key.String expands
// without bound: a cycle (stack overflow) and a doubling chain of
// distinct names (2^depth expansions).
func interpolation(section string, depth int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\ncycle = %%(loop)s\nloop = %%(cycle)s\n", section)
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "a%d = %%(a%d)s%%(b%d)s\nb%d = %%(a%d)s%%(b%d)s\n", i, i+1, i+1, i, i+1, i+1)
	}
	fmt.Fprintf(&b, "a%d = %s\nb%d = %s\n", depth, strings.Repeat("x", 64), depth, strings.Repeat("x", 64))
	return b.String()
}

// TestNoInterpolation: every INI reader takes values raw, so references
// that expand for ever or exponentially cost nothing.
func TestNoInterpolation(t *testing.T) {
	const depth = 30 // 2^30 expansions of 64 bytes when interpolated
	tests := []struct {
		name  string
		files map[string]string
		check func(p *Project) string
	}{
		{"setup.cfg", map[string]string{"setup.cfg": interpolation("metadata", depth) + "name = %(cycle)s\nclassifier = %(a0)s\n[options]\ninstall_requires = %(a0)s\n"},
			func(p *Project) string { return p.Name + " " + p.Classifiers[0].Value }},
		{"setup.cfg entry points", map[string]string{"setup.cfg": interpolation("entry_points", depth) + "console_scripts =\n  x = %(a0)s\n"},
			func(p *Project) string { return p.EntryPoints[0].Target }},
		{"tox.ini", map[string]string{"tox.ini": interpolation("tox", depth) + "envlist = %(a0)s\n" + strings.Replace(interpolation("testenv", depth), "cycle =", "setenv =\n  A=%(a0)s\ncycle =", 1)},
			func(p *Project) string { return p.Tox.EnvList[0] + " " + p.Tox.Envs[0].SetEnv[0].Value }},
		{".coveragerc", map[string]string{".coveragerc": interpolation("run", depth) + "concurrency = %(a0)s\n"},
			func(p *Project) string { return p.Coverage[0].Value }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, tt.files)
			var p *Project
			var err error
			within(t, 20*time.Second, "Load", func() { p, err = Load(context.Background(), dir) })
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Problems) > 0 {
				t.Fatalf("problems: %+v", p.Problems)
			}
			if got := tt.check(p); !strings.Contains(got, "%(") {
				t.Errorf("value = %q, want it raw", got)
			}
		})
	}
	t.Run("letgo section", func(t *testing.T) {
		// The chain sits in [DEFAULT], which interpolation reads from every
		// section: [letgo] itself may only hold letgo's keys.
		dir := tree(t, map[string]string{"setup.cfg": interpolation("DEFAULT", depth) + "[letgo]\nselect = %(a0)s\nignore = %(cycle)s\nfail-on = %(cycle)s\n"})
		var c Config
		var err error
		within(t, 20*time.Second, "LoadConfig", func() { c, err = LoadConfig(dir) })
		if err != nil || !cmp.Equal(c.Select, []string{"%(a0)s"}) || c.FailOn != "%(cycle)s" {
			t.Errorf("LoadConfig = %+v, %v, want the raw values", c, err)
		}
	})
	t.Run("entry_points.txt", func(t *testing.T) {
		site := tree(t, map[string]string{
			"dist-1.0.dist-info/METADATA":         "Name: dist\n\n",
			"dist-1.0.dist-info/entry_points.txt": interpolation("console_scripts", depth) + "run = %(a0)s\n",
		})
		var ds []Distribution
		within(t, 20*time.Second, "ReadDistributions", func() { ds = ReadDistributions(site) })
		found := false
		for _, d := range ds {
			for _, ep := range d.EntryPoints {
				found = found || ep.Name == "run" && ep.Target == "%(a0)s"
			}
		}
		if !found {
			t.Errorf("entry points = %+v, want run = %%(a0)s raw", ds)
		}
	})
}

// TestParseCost: files whose keys make the INI or TOML library quadratic
// are refused quickly, each a problem, and files of the same size with a
// linear layout are located in linear time.
func TestParseCost(t *testing.T) {
	var keys, scripts, deps, envs strings.Builder
	keys.WriteString("[extras]\n")
	scripts.WriteString("[project.scripts]\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&keys, "k%d = p%d\n", i, i)
		fmt.Fprintf(&scripts, "s%d = \"m:f\"\n", i)
	}
	deps.WriteString("[project]\nname = \"x\"\ndependencies = [\n")
	for i := 0; i < 60000; i++ {
		fmt.Fprintf(&deps, "  \"pkg%d\",\n", i)
	}
	deps.WriteString("]\n")
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&envs, "[testenv:e%d]\nsetenv =\n  A%d=1\n  B=2\n", i, i)
	}
	tests := []struct {
		name, file, text, problem string
	}{
		{"ini keys", "setup.cfg", keys.String(), "cannot parse: too many keys or sections to parse"},
		{"toml keys", "pyproject.toml", scripts.String(), "cannot parse: too many keys in one table to decode"},
		{"toml array", "pyproject.toml", deps.String(), ""},
		{"tox envs", "tox.ini", envs.String(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, map[string]string{tt.file: tt.text})
			var p *Project
			var err error
			// Each took tens of seconds to minutes before; now well under one.
			within(t, 10*time.Second, "Load", func() { p, err = Load(context.Background(), dir) })
			if err != nil {
				t.Fatal(err)
			}
			if got := problems(p)[tt.file]; got != tt.problem {
				t.Errorf("problem of %s = %q, want %q", tt.file, got, tt.problem)
			}
		})
	}
}

// TestValueLines: the forward search gives repeated values their own lines.
func TestValueLines(t *testing.T) {
	dir := tree(t, map[string]string{
		"setup.cfg":      "[metadata]\nname = x\n[options]\ninstall_requires =\n    oslo.log\n    # comment\n    oslo.log\n[entry_points]\nconsole_scripts =\n    nimbus-api = a:b\n    nimbus = c:d\n",
		"pyproject.toml": "[project]\ndependencies = [\n  \"eventlet\",\n  \"eventlet\",\n]\n",
	})
	p, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p.Requirements {
		got = append(got, fmt.Sprintf("%s:%d %s", r.File, r.Line, r.Name))
	}
	for _, ep := range p.EntryPoints {
		got = append(got, fmt.Sprintf("%s:%d %s", ep.Source, ep.Line, ep.Name))
	}
	want := []string{"setup.cfg:5 oslo-log", "setup.cfg:7 oslo-log", "pyproject.toml:3 eventlet", "pyproject.toml:4 eventlet",
		"setup.cfg:10 nimbus-api", "setup.cfg:11 nimbus"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

// TestLoadConfigErrors: only letgo's own section is letgo's to reject, as
// a *ConfigError naming the file and line; any other fault of the file is
// left to the scan.
func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantErr  string // "" for none
		wantFrom string // Config.Source
		wantSel  []string
	}{
		{"broken pyproject, no letgo", map[string]string{"pyproject.toml": "[project\nname="}, "", "", nil},
		{"broken pyproject elsewhere, letgo fine", map[string]string{"pyproject.toml": "[project]\nname = \n[tool.letgo]\nselect = [\"EV1\"]\n[tool.other]\nx = [\n"}, "", "pyproject.toml", []string{"EV1"}},
		{"broken letgo table header", map[string]string{"pyproject.toml": "[project]\nname = \"x\"\n[tool.letgo\nselect = []\n"}, "letgo configuration pyproject.toml:3: ", "", nil},
		{"letgo value of the wrong type", map[string]string{"pyproject.toml": "[project]\nname = \"x\"\n\n[tool.letgo]\nselect = 1\n"}, "letgo configuration pyproject.toml:5: ", "", nil},
		{"letgo array unclosed", map[string]string{"pyproject.toml": "[tool.letgo]\nselect = [\"EV1\",\n"}, "letgo configuration pyproject.toml:2: ", "", nil},
		{"broken setup.cfg, no letgo", map[string]string{"setup.cfg": "[metadata\nname = x\n"}, "", "", nil},
		{"broken setup.cfg elsewhere, letgo fine", map[string]string{"setup.cfg": "[letgo]\nselect = EV2\n[metadata\n"}, "", "setup.cfg", []string{"EV2"}},
		{"broken letgo section", map[string]string{"setup.cfg": "[metadata]\nname = x\n[letgo\nselect = EV2\n"}, "letgo configuration setup.cfg:3: ", "", nil},
		{"bad include-docs", map[string]string{"tox.ini": "[tox]\nenvlist = py3\n[letgo]\nselect = EV1\ninclude-docs = maybe\n"}, "letgo configuration tox.ini:5: include-docs", "", nil},
		{"broken tox.ini, no letgo", map[string]string{"tox.ini": "[tox\n", "setup.cfg": "[letgo]\nselect = EV3\n"}, "", "setup.cfg", []string{"EV3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(tree(t, tt.files))
			if tt.wantErr == "" {
				if err != nil || c.Source != tt.wantFrom || !cmp.Equal(c.Select, tt.wantSel) {
					t.Errorf("LoadConfig = %+v, %v, want source %q select %q", c, err, tt.wantFrom, tt.wantSel)
				}
				return
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("LoadConfig error = %v, want a *ConfigError starting %q", err, tt.wantErr)
			}
		})
	}
	t.Run("outside and special", func(t *testing.T) {
		outside := filepath.Join(t.TempDir(), "pyproject.toml")
		if err := os.WriteFile(outside, []byte("[tool.letgo]\nselect = [\"EV9\"]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := tree(t, map[string]string{"tox.ini": "[letgo]\nselect = EV1\n"})
		if err := os.Symlink(outside, filepath.Join(dir, "pyproject.toml")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/dev/zero", filepath.Join(dir, "setup.cfg")); err != nil {
			t.Fatal(err)
		}
		var c Config
		var err error
		within(t, 10*time.Second, "LoadConfig", func() { c, err = LoadConfig(dir) })
		if err != nil || c.Source != "tox.ini" || !cmp.Equal(c.Select, []string{"EV1"}) {
			t.Errorf("LoadConfig = %+v, %v, want tox.ini's EV1 (pyproject.toml outside, setup.cfg a device)", c, err)
		}
	})
}
