// Package pyproj is the repository model of a Python project: its files and
// their kind, module names, entry points, requirements, tox, zuul and
// coverage settings. It reads setup.cfg, tox.ini and .coveragerc with an INI
// library, pyproject.toml with a TOML library and zuul files with a YAML
// library; nothing else in letgo imports those libraries.
package pyproj

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/safeio"
)

// FileKind classifies a file by what it is for.
type FileKind string

// File kinds.
const (
	KindRuntime     FileKind = "runtime"
	KindTest        FileKind = "test"
	KindDocs        FileKind = "docs"
	KindReleaseNote FileKind = "releasenote"
	KindConfig      FileKind = "config"
	KindDependency  FileKind = "dependency"
	KindTooling     FileKind = "tooling"
)

// FileKinds is the closed set of file kinds.
var FileKinds = []FileKind{KindRuntime, KindTest, KindDocs, KindReleaseNote, KindConfig, KindDependency, KindTooling}

// File is one file of the project.
type File struct {
	Path      string // relative to the root, forward slashes
	Abs       string
	Kind      FileKind
	Python    bool
	Module    string // dotted module name of a .py file
	IsPackage bool   // the file is a package's __init__.py
	Size      int64  // as listed (the file may change before it is read)

	tree     safeio.Tree // the Tree the file is read from (LoadTree), nil on disk
	treeSize int64       // its size as the tree lists it
}

// EntryPoint is a console script, wsgi script, other entry point, or a WSGI
// module that defines a module-level application.
type EntryPoint struct {
	Name   string
	Group  string // console_scripts, wsgi_scripts, gui_scripts, wsgi_module, or the entry-point group
	Target string // "pkg.mod:func" as declared
	Module string
	Attr   string
	Path   string // the file implementing Module, "" when not in this tree
	Source string // where it was declared
	Line   int
}

// Requirement is one declared dependency.
type Requirement struct {
	Name  string // normalised (PEP 503)
	Spec  string // the line as written
	File  string
	Line  int
	Extra string // "" for a hard dependency; the extra's name otherwise
	Test  bool   // from a test requirements file
}

// Setting is a key/value read from a configuration file, with its place.
type Setting struct {
	File  string
	Line  int
	Key   string
	Value string
}

// ToxEnv is one [testenv:NAME] section (NAME "" for [testenv]).
type ToxEnv struct {
	Name   string
	Line   int
	SetEnv []Setting
}

// Tox is what letgo reads from tox.ini.
type Tox struct {
	File    string
	EnvList []string
	Envs    []ToxEnv
}

// ZuulItem is a job or project-template named in a zuul file.
type ZuulItem struct {
	Kind string // "job" (defined), "use" (a job or template a project runs), "template" (defined)
	Name string
	File string
	Line int
}

// Problem is a file letgo could not read as expected.
type Problem struct {
	Path string
	Msg  string
}

// Project is the model of one source tree.
type Project struct {
	Root           string
	Name           string
	Files          []*File
	EntryPoints    []EntryPoint
	Requirements   []Requirement
	Tox            *Tox
	Zuul           []ZuulItem
	Coverage       []Setting // concurrency settings
	Classifiers    []Setting
	RequiresPython *Setting
	Problems       []Problem
	scripts        []scriptDecl // script files the metadata names, until they are entry points
}

// ErrRoot is returned when the root cannot be read at all.
var ErrRoot = errors.New("cannot read project root")

// skipDirs are never scanned: VCS data, tool caches, virtualenvs, builds.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".tox": true, ".nox": true, ".venv": true, "venv": true,
	"node_modules": true, "__pycache__": true, ".eggs": true, "build": true, "dist": true,
	".mypy_cache": true, ".pytest_cache": true, ".ruff_cache": true, ".stestr": true, "site-packages": true,
}

// Load builds the model of the tree at root. Only a root that cannot be
// read is an error; unreadable files are recorded as Problems.
func Load(ctx context.Context, root string) (*Project, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrRoot, root, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%w %q: not a directory", ErrRoot, root)
	}
	sroot, err := safeio.NewRoot(root)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrRoot, root, err)
	}
	p := &Project{Root: root}
	sizes := map[string]int64{}
	paths, abss, err := listFiles(ctx, root, sroot, p, sizes)
	if err != nil {
		return nil, err
	}
	dirsWithInit := map[string]bool{}
	for _, rel := range paths {
		if path.Base(rel) == "__init__.py" {
			dirsWithInit[path.Dir(rel)] = true
		}
	}
	for i, rel := range paths {
		abs := abss[i]
		f := &File{Path: rel, Abs: abs, Kind: Classify(rel), Size: sizes[rel]}
		if strings.HasSuffix(rel, ".py") {
			f.Python = true
			f.Module, f.IsPackage = moduleName(rel, dirsWithInit)
		}
		p.Files = append(p.Files, f)
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	p.readMetadata()
	return p, nil
}

// listFiles lists the files to scan, relative to root. In a git checkout the
// list is git's own (tracked plus untracked, minus ignored), so .gitignore
// is honoured exactly; elsewhere the tree is walked. A symlink that leads
// out of the root is left out and recorded as a Problem: the scan reads
// the project, not what its links point at (x.py -> /etc/passwd).
// Sizes of Python files, as listed, go into sizes (the scan starts the
// largest first). The second list is the files' paths as
// filepath.Join(root, rel) makes them (the walk has made each already).
func listFiles(ctx context.Context, root string, sroot *safeio.Root, p *Project, sizes map[string]int64) ([]string, []string, error) {
	outside := func(rel string) {
		p.Problems = append(p.Problems, Problem{rel, safeio.ErrOutsideRoot.Error()})
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err == nil {
		if git, err := exec.LookPath("git"); err == nil {
			// The checkout may be an upload whose .git/config nobody vetted:
			// ls-files reads the index, and core.fsmonitor names a program
			// git runs when it does. "--" ends the options.
			cmd := exec.CommandContext(ctx, git, "-C", root, "-c", "core.fsmonitor=false",
				"ls-files", "-z", "--cached", "--others", "--exclude-standard", "--")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if out, err := cmd.Output(); err == nil {
				var paths, abss []string
				dirs := dirCheck{root: root, sroot: sroot, ok: map[string]bool{".": true}}
				for _, rel := range strings.Split(string(out), "\x00") {
					if rel == "" || skipPath(rel) {
						continue
					}
					abs := filepath.Join(root, filepath.FromSlash(rel))
					fi, err := os.Lstat(abs)
					if err != nil || fi.IsDir() {
						continue // deleted in the work tree, or a submodule
					}
					if !dirs.inside(path.Dir(rel)) || fi.Mode()&fs.ModeSymlink != 0 && sroot.CheckLink(abs) != nil {
						outside(rel)
						continue
					}
					paths = append(paths, rel)
					abss = append(abss, abs)
					if strings.HasSuffix(rel, ".py") {
						sizes[rel] = fi.Size()
					}
				}
				return paths, abss, nil
			}
		}
	}
	var paths, abss []string
	// Under a clean root (not "." or "/") every path WalkDir makes is the
	// root, a separator and the relative path: filepath.Rel would clean
	// both paths again for every file.
	prefix := ""
	if root == filepath.Clean(root) && root != "." && root != string(filepath.Separator) {
		prefix = root + string(filepath.Separator)
	}
	relOf := func(abs string) string {
		if prefix != "" && strings.HasPrefix(abs, prefix) {
			return abs[len(prefix):]
		}
		rel, _ := filepath.Rel(root, abs)
		return rel
	}
	err := filepath.WalkDir(root, func(abs string, d fs.DirEntry, err error) error {
		if err != nil {
			if abs == root {
				return fmt.Errorf("%w %q: %v", ErrRoot, root, err)
			}
			rel, _ := filepath.Rel(root, abs)
			p.Problems = append(p.Problems, Problem{filepath.ToSlash(rel), "cannot read: " + err.Error()})
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if abs != root && (skipDirs[d.Name()] || strings.HasSuffix(d.Name(), ".egg-info") || isVirtualenv(abs)) {
				return filepath.SkipDir
			}
			return nil
		}
		rel := filepath.ToSlash(relOf(abs))
		// WalkDir does not follow symlinks, so only the leaf can be one.
		if d.Type()&fs.ModeSymlink != 0 && sroot.CheckLink(abs) != nil {
			outside(rel)
			return nil
		}
		paths = append(paths, rel)
		abss = append(abss, abs)
		if strings.HasSuffix(rel, ".py") {
			if fi, err := d.Info(); err == nil {
				sizes[rel] = fi.Size()
			}
		}
		return nil
	})
	return paths, abss, err
}

// dirCheck remembers which directories of a git listing stay inside the
// root. git does not check out files beyond a symlink, but its index may
// still list them after the work tree changed; each directory costs one
// Lstat, whatever the number of files under it.
type dirCheck struct {
	root  string
	sroot *safeio.Root
	ok    map[string]bool
}

func (c *dirCheck) inside(dir string) bool {
	if ok, seen := c.ok[dir]; seen {
		return ok
	}
	ok := c.inside(path.Dir(dir))
	if ok {
		abs := filepath.Join(c.root, filepath.FromSlash(dir))
		if fi, err := os.Lstat(abs); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			ok = c.sroot.CheckLink(abs) == nil
		}
	}
	c.ok[dir] = ok
	return ok
}

func skipPath(rel string) bool {
	for _, part := range strings.Split(path.Dir(rel), "/") {
		if skipDirs[part] || strings.HasSuffix(part, ".egg-info") {
			return true
		}
	}
	return false
}

func isVirtualenv(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "pyvenv.cfg"))
	return err == nil
}

// moduleName derives a file's dotted module name from its path relative to
// the root, the way the root is put on sys.path (checkouts, site-packages).
// A src/ layout is stripped. PEP 420 namespace packages need no __init__.py.
func moduleName(rel string, dirsWithInit map[string]bool) (string, bool) {
	if strings.HasPrefix(rel, "src/") && !dirsWithInit["src"] {
		rel = strings.TrimPrefix(rel, "src/")
	}
	isPkg := path.Base(rel) == "__init__.py"
	mod := strings.TrimSuffix(rel, ".py")
	if isPkg {
		mod = path.Dir(rel)
		if mod == "." {
			return "", true
		}
	}
	for _, part := range strings.Split(mod, "/") {
		if !isIdentifier(part) {
			return "", isPkg // not importable by this name (e.g. a dash in a directory)
		}
	}
	return strings.ReplaceAll(mod, "/", "."), isPkg
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return false
	}
	return true
}

// Classify gives the kind of a file from its path.
func Classify(rel string) FileKind {
	lower := strings.ToLower(rel)
	base := path.Base(lower)
	parts := strings.Split(path.Dir(lower), "/")
	has := func(names ...string) bool {
		for _, p := range parts {
			for _, n := range names {
				if p == n {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("releasenotes", "release-notes", "release_notes"):
		if has("source") && strings.HasSuffix(base, ".py") {
			return KindTooling // releasenotes/source/conf.py
		}
		return KindReleaseNote
	case strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"),
		strings.HasSuffix(base, "-requirements.txt"), base == "bindep.txt", base == "pipfile",
		base == "pyproject.toml", base == "setup.cfg", base == "constraints.txt":
		return KindDependency
	case base == "tox.ini", base == ".zuul.yaml", base == "zuul.yaml", has("zuul.d", ".zuul.d"),
		base == ".coveragerc", base == ".pre-commit-config.yaml", base == "setup.py",
		base == ".stestr.conf", base == "noxfile.py", base == "makefile", base == ".gitreview",
		top(parts, "playbooks", "roles", "tools", "devstack", ".github", "gate", "contrib", "rally-jobs"):
		return KindTooling
	case top(parts, "doc", "docs", "api-guide", "api-ref", "install-guide", "examples", "example"):
		return KindDocs // a top-level examples/ directory documents usage; it is not the package
	case has("tests", "test", "testing", "unit_tests", "functional_tests") ||
		strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" ||
		base == "fakes.py" && has("tests"):
		return KindTest
	case strings.HasSuffix(base, ".rst"), strings.HasSuffix(base, ".md"), base == "readme", base == "authors", base == "changelog":
		return KindDocs
	case has("etc") || strings.HasSuffix(base, ".conf") || strings.HasSuffix(base, ".filters") ||
		strings.HasSuffix(base, ".ini") || strings.HasSuffix(base, ".yaml") && !strings.HasSuffix(base, ".py"):
		return KindConfig
	}
	return KindRuntime
}

// Lookup returns the file at rel, or nil.
func (p *Project) Lookup(rel string) *File {
	i := sort.Search(len(p.Files), func(i int) bool { return p.Files[i].Path >= rel })
	if i < len(p.Files) && p.Files[i].Path == rel {
		return p.Files[i]
	}
	return nil
}

// ModuleFile returns the file implementing a dotted module name, or nil.
func (p *Project) ModuleFile(module string) *File {
	for _, f := range p.Files {
		if f.Python && f.Module == module {
			return f
		}
	}
	return nil
}

// top reports whether the first directory of a path is one of names.
func top(parts []string, names ...string) bool {
	for _, n := range names {
		if parts[0] == n {
			return true
		}
	}
	return false
}
