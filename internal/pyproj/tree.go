package pyproj

import (
	"context"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/safeio"
)

// LoadTree builds the model of a safeio.Tree (a git commit's tree served
// from the object store), as Load does of a directory: the
// same directories are skipped (VCS data, tool caches, virtualenvs,
// builds), files are classified and named the same way, and every read
// goes through the tree. root names the project in the model (its Root;
// the files' Abs are empty: nothing of a tree is on disk).
func LoadTree(ctx context.Context, root string, t safeio.Tree) (*Project, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	listed := t.Files()
	// A directory holding pyvenv.cfg (a file, or a directory of that name)
	// is a virtualenv, as Load's isVirtualenv sees it on disk.
	venvs := map[string]bool{}
	for _, f := range listed {
		if !strings.Contains(f.Path, "pyvenv.cfg") {
			continue
		}
		for d := f.Path; d != "."; {
			parent, base := path.Dir(d), path.Base(d)
			if base == "pyvenv.cfg" && parent != "." {
				venvs[parent] = true
			}
			d = parent
		}
	}
	p := &Project{Root: root}
	var paths []safeio.TreeFile
	for _, f := range listed {
		if f.Path == "" || skipPath(f.Path) || inVirtualenv(f.Path, venvs) {
			continue
		}
		paths = append(paths, f)
	}
	dirsWithInit := map[string]bool{}
	for _, f := range paths {
		if path.Base(f.Path) == "__init__.py" {
			dirsWithInit[path.Dir(f.Path)] = true
		}
	}
	for _, tf := range paths {
		rel := tf.Path
		f := &File{Path: rel, Kind: Classify(rel), tree: t, treeSize: tf.Size}
		if strings.HasSuffix(rel, ".py") {
			f.Python = true
			f.Module, f.IsPackage = moduleName(rel, dirsWithInit)
			f.Size = tf.Size
		}
		p.Files = append(p.Files, f)
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	for i := 1; i < len(p.Files); i++ {
		if p.Files[i].Path == p.Files[i-1].Path {
			return nil, fmt.Errorf("%w %q: the tree lists %q twice", ErrRoot, root, p.Files[i].Path)
		}
	}
	p.readMetadata()
	return p, nil
}

// inVirtualenv reports whether a directory above rel is a virtualenv.
func inVirtualenv(rel string, venvs map[string]bool) bool {
	if len(venvs) == 0 {
		return false
	}
	for d := path.Dir(rel); d != "."; d = path.Dir(d) {
		if venvs[d] {
			return true
		}
	}
	return false
}

// Read reads the file, at most limit bytes: from its tree when the project
// was loaded from one, else from the file system through safeio (a FIFO,
// a device or a file growing past the limit is refused).
func (f *File) Read(limit int64) ([]byte, error) {
	if f.tree != nil {
		return f.tree.ReadFile(f.Path, limit)
	}
	return safeio.ReadFile(f.Abs, limit)
}

// size is the file's size now: as the tree lists it, or as stat says.
func (f *File) size() (int64, bool) {
	if f.tree != nil {
		return f.treeSize, true
	}
	fi, err := os.Stat(f.Abs)
	if err != nil {
		return 0, false
	}
	return fi.Size(), true
}
