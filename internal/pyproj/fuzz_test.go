package pyproj

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzz targets below are seeded from the bundled example project and
// from the hostile inputs of hostile_test.go: interpolation that never
// ends or grows exponentially, a huge value, nesting beyond the parsers'
// depth limits, and key counts that would make the parsers quadratic.

const example = "../../examples/nimbus"

// exampleFile is a file of the example project ("" when absent).
func exampleFile(name string) string {
	b, _ := os.ReadFile(filepath.Join(example, name))
	return string(b)
}

// hostileSeeds are INI, TOML and YAML texts that once hung, crashed or
// exhausted the readers, each just past the limit it tests (nesting
// depth 10,000, the parsers' key-count bound), so that the fuzzer's
// minimisation of inputs grown from them stays fast.
func hostileSeeds() (ini, toml, yaml []string) {
	huge := strings.Repeat("x", 64<<10)
	ini = []string{
		interpolation("metadata", 24) + "name = %(a0)s\n",
		"[metadata]\nname = %(a)s\na = %(name)s\n",
		"[letgo]\nselect = %(select)s\n",
		"[metadata]\nname = " + huge + "\n",
		"[extras]\n" + strings.Repeat("k=v\n", 6000),
		"[metadata\nname = x\n[letgo]\nselect = EV1\n",
	}
	toml = []string{
		"a = " + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n",
		"a = " + strings.Repeat("{b=", 10001) + "1" + strings.Repeat("}", 10001) + "\n",
		"[project]\nname = \"" + huge + "\"\n",
		"[project.scripts]\n" + strings.Repeat("s=1\n", 6000),
		"[" + strings.Repeat("a.", 5000) + "b]\n",
		"[tool.letgo]\nselect = [\"EV1\",\n[project]\n",
	}
	yaml = []string{
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n",
		strings.Repeat("- ", 10001) + "x\n",
		aliasBomb(),
		"- job:\n    name: " + huge + "\n",
	}
	return ini, toml, yaml
}

// aliasBomb is a zuul file whose aliases expand to 9^9 scalars.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("- &l0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "- &l%d [%s]\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	b.WriteString("- project:\n    templates: *l8\n    check: {jobs: *l8}\n")
	return b.String()
}

func lineCount(text string) int { return strings.Count(text, "\n") + 1 }

// FuzzMetadata reads every kind of project metadata and checks that the
// readers return, never panic, and give lines inside the files.
func FuzzMetadata(f *testing.F) {
	f.Add(exampleFile("setup.cfg"), "[project]\nname='x'\ndependencies=['a>=1']\n[project.scripts]\nx='a:b'\n", exampleFile("tox.ini"),
		"- job:\n    name: x\n- project:\n    templates: [t]\n    check:\n      jobs: [a, {b: {voting: false}}]\n",
		"[run]\nconcurrency = eventlet\n", "[console_scripts]\nx = a:b\n")
	ini, toml, yaml := hostileSeeds()
	for i := 0; i < max(len(ini), len(toml), len(yaml)); i++ {
		at := func(xs []string) string { return xs[i%len(xs)] }
		f.Add(at(ini), at(toml), at(ini), at(yaml), at(ini), at(ini))
	}
	f.Fuzz(func(t *testing.T, setupCfg, pyproject, tox, zuul, coveragerc, entryPoints string) {
		p := &Project{}
		p.readSetupCfg("setup.cfg", setupCfg)
		p.readPyproject("pyproject.toml", pyproject)
		p.readTox("tox.ini", tox)
		p.readZuul(".zuul.yaml", zuul)
		p.readCoverageINI(".coveragerc", coveragerc, "run")
		eps := readEntryPointsTxt("x.dist-info", entryPoints)
		texts := map[string]string{"setup.cfg": setupCfg, "pyproject.toml": pyproject, "tox.ini": tox, ".zuul.yaml": zuul, ".coveragerc": coveragerc}
		check := func(what, file string, line int) {
			if text, ok := texts[file]; !ok || line < 0 || line > lineCount(text) {
				t.Fatalf("%s at %s:%d, outside the file", what, file, line)
			}
		}
		for _, r := range p.Requirements {
			if r.Name == "" {
				t.Fatalf("requirement without a name: %+v", r)
			}
			check("requirement "+r.Name, r.File, r.Line)
		}
		for _, ep := range p.EntryPoints {
			check("entry point "+ep.Name, ep.Source, ep.Line)
		}
		for _, s := range append(append(p.Classifiers, p.Coverage...), derefSetting(p.RequiresPython)...) {
			check("setting "+s.Key, s.File, s.Line)
		}
		if p.Tox != nil {
			for _, env := range p.Tox.Envs {
				check("tox env "+env.Name, "tox.ini", env.Line)
				for _, s := range env.SetEnv {
					check("setenv "+s.Key, s.File, s.Line)
				}
			}
		}
		for _, z := range p.Zuul {
			check("zuul "+z.Name, z.File, z.Line)
		}
		for _, ep := range eps {
			if ep.Source != "x.dist-info" {
				t.Fatalf("entry point from %q", ep.Source)
			}
		}
	})
}

func derefSetting(s *Setting) []Setting {
	if s == nil {
		return nil
	}
	return []Setting{*s}
}

// FuzzLoadConfig reads letgo's configuration from three fuzzed files and
// checks that it returns, never panics, and fails only with a
// *ConfigError that names one of the files and a line inside it.
func FuzzLoadConfig(f *testing.F) {
	f.Add("[tool.letgo]\nselect = [\"EV1\"]\nignore = [\"EV205\"]\nfail-on = \"high\"\ninclude-docs = true\n", exampleFile("setup.cfg"), exampleFile("tox.ini"))
	f.Add("", "[letgo]\nselect = EV1, EV2\nignore = EV205\nfail-on = high\ninclude-docs = true\n", "")
	f.Add("[project\n", "[metadata\n", "[letgo]\ninclude-docs = maybe\n")
	ini, toml, _ := hostileSeeds()
	for i := 0; i < max(len(ini), len(toml)); i++ {
		f.Add(toml[i%len(toml)], ini[i%len(ini)], ini[(i+1)%len(ini)])
	}
	f.Fuzz(func(t *testing.T, pyproject, setupCfg, tox string) {
		files := map[string]string{"pyproject.toml": pyproject, "setup.cfg": setupCfg, "tox.ini": tox}
		read := func(name string) ([]byte, error) {
			text := files[name]
			if text == "" {
				return nil, fs.ErrNotExist
			}
			return []byte(text), nil
		}
		c, err := loadConfig(read)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("loadConfig error %v (%T) is not a *ConfigError", err, err)
			}
			text, ok := files[ce.File]
			if !ok || ce.Line < 0 || ce.Line > lineCount(text) {
				t.Fatalf("config error at %s:%d, outside the files", ce.File, ce.Line)
			}
			if !strings.Contains(err.Error(), ce.File) {
				t.Fatalf("config error %q does not name %s", err, ce.File)
			}
			return
		}
		if _, ok := files[c.Source]; c.Source != "" && !ok {
			t.Fatalf("config from %q", c.Source)
		}
		if c.Source == "" && fmt.Sprint(c) != fmt.Sprint(Config{}) {
			t.Fatalf("settings %+v without a source", c)
		}
	})
}
