package pyproj

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/letgo-dev/letgo/internal/safeio"
)

// memTree is a safeio.Tree held in memory; reads counts the reads.
type memTree struct {
	files map[string]string
	reads map[string]int
}

func (m *memTree) Files() []safeio.TreeFile {
	var out []safeio.TreeFile
	for p, c := range m.files {
		out = append(out, safeio.TreeFile{Path: p, Size: int64(len(c))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (m *memTree) ReadFile(name string, limit int64) ([]byte, error) {
	m.reads[name]++
	c, ok := m.files[name]
	if !ok {
		return nil, &safeio.Error{Path: name, Err: fs.ErrNotExist}
	}
	if int64(len(c)) > limit {
		return nil, &safeio.Error{Path: name, Err: safeio.ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", len(c), limit)}
	}
	return []byte(c), nil
}

// TestLoadTreeMatchesLoad: a tree loaded from memory is the model Load
// builds of the same files on disk — skipped directories (VCS data,
// caches, builds, egg-info, a virtualenv), module names, kinds, entry
// points, requirements, scripts, problems — but for the files' Abs; and
// every read goes through the tree.
func TestLoadTreeMatchesLoad(t *testing.T) {
	files := map[string]string{
		"setup.cfg": "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    svc-api = svc.api:main\n" +
			"[files]\nscripts =\n    bin/svc-tool\n",
		"requirements.txt":         "eventlet>=0.30\noslo.config\n",
		"tox.ini":                  "[tox]\nenvlist = py3\n[testenv]\nsetenv =\n    A=1\n",
		"zuul.d/jobs.yaml":         "- job:\n    name: svc-tempest\n",
		"bin/svc-tool":             "#!/usr/bin/env python3\nimport svc\n",
		"svc/__init__.py":          "\n",
		"svc/api.py":               "import eventlet\n",
		"svc/app.wsgi":             "application = None\n",
		"svc/tests/test_api.py":    "\n",
		"src/other/__init__.py":    "\n",
		"build/lib/svc/api.py":     "\n",
		"svc.egg-info/PKG-INFO":    "x\n",
		"env/pyvenv.cfg":           "home = /usr\n",
		"env/lib/site.py":          "\n",
		"deep/venv2/pyvenv.cfg/x":  "\n",
		"deep/venv2/mod.py":        "\n",
		".tox/py3/x.py":            "\n",
		"node_modules/a/b.py":      "\n",
		"docs/pyvenv.cfg.txt":      "\n",
		"pyvenv.cfg":               "at the root: not a virtualenv\n",
		"dash-dir/mod.py":          "\n",
		"pyproject.toml":           "[project]\nname = \"svc\"\nrequires-python = \">=3.9\"\n",
		"huge/setup.cfg.unused.py": "\n",
	}
	ctx := context.Background()
	onDisk, err := Load(ctx, tree(t, files))
	if err != nil {
		t.Fatal(err)
	}
	mt := &memTree{files: files, reads: map[string]int{}}
	inMem, err := LoadTree(ctx, "/repo", mt)
	if err != nil {
		t.Fatal(err)
	}
	if inMem.Root != "/repo" {
		t.Errorf("Root = %q, want /repo", inMem.Root)
	}
	for _, f := range inMem.Files {
		if f.Abs != "" {
			t.Errorf("%s: Abs = %q, want none (nothing of a tree is on disk)", f.Path, f.Abs)
		}
	}
	opts := []cmp.Option{cmpopts.IgnoreFields(File{}, "Abs"), cmpopts.IgnoreFields(Project{}, "Root"),
		cmp.AllowUnexported(Project{}), cmpopts.IgnoreUnexported(File{})}
	if diff := cmp.Diff(onDisk, inMem, opts...); diff != "" {
		t.Errorf("LoadTree differs from Load (-disk +tree):\n%s", diff)
	}
	if len(onDisk.Files) < 10 || len(onDisk.EntryPoints) < 3 || len(onDisk.Requirements) < 2 {
		t.Fatalf("the fixture exercises too little: %d files, %d entry points, %d requirements",
			len(onDisk.Files), len(onDisk.EntryPoints), len(onDisk.Requirements))
	}
	for _, p := range []string{"setup.cfg", "requirements.txt", "tox.ini", "zuul.d/jobs.yaml", "bin/svc-tool"} {
		if mt.reads[p] == 0 {
			t.Errorf("%s was not read through the tree", p)
		}
	}
	f := inMem.Lookup("svc/api.py")
	if b, err := f.Read(1 << 20); err != nil || string(b) != files["svc/api.py"] {
		t.Errorf("Read(svc/api.py) = %q, %v", b, err)
	}
	if _, err := f.Read(3); !errors.Is(err, safeio.ErrTooLarge) {
		t.Errorf("Read(svc/api.py, 3) = %v, want ErrTooLarge", err)
	}
}

// TestLoadTreeUnreadable: a configuration file the tree cannot serve is a
// Problem of the project, as on disk, and the load goes on.
func TestLoadTreeUnreadable(t *testing.T) {
	mt := &memTree{files: map[string]string{"setup.cfg": string(make([]byte, MaxConfigSize+1)), "svc/__init__.py": "\n"}, reads: map[string]int{}}
	p, err := LoadTree(context.Background(), "/repo", mt)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{"setup.cfg", fmt.Sprintf("cannot read: too large (%d bytes, limit %d)", MaxConfigSize+1, MaxConfigSize)}}
	if diff := cmp.Diff(want, p.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
