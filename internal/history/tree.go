package history

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Refusal is a path of a ref's tree that history did not scan, and why.
type Refusal struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// MaxBlobSize is the largest file of a tree history serves to the scan. A
// blob of zeros compresses to almost nothing in git's object store, so the
// size of a clone says nothing about the size of its contents; letgo
// parses no file larger than this anyway.
const MaxBlobSize = 16 << 20

// checkPath reports why a path from a git tree must not be scanned, or ""
// when it may. Tree entry names are whatever the object says: "..", "" or
// "a/../../b" can be stored with git hash-object --literally and a clone
// keeps them. Nothing is written to disk any more, but the scan names
// files by these paths (and a checkout of the tree would write them).
func checkPath(p string) string {
	if p == "" {
		return "empty path"
	}
	if strings.ContainsRune(p, '\\') {
		return "contains a backslash"
	}
	for _, c := range strings.Split(p, "/") {
		switch {
		case c == "":
			return "empty or absolute path component"
		case c == "." || c == "..":
			return fmt.Sprintf("path component %q", c)
		case isGitDir(c):
			// A .git in a checkout of the tree would make it a
			// repository, whose config git runs programs from; the scan
			// skips VCS data anyway.
			return fmt.Sprintf("path component %q", c)
		}
	}
	if !filepath.IsLocal(filepath.FromSlash(p)) {
		return "not a local path"
	}
	return ""
}

// isGitDir matches the names that file systems may take for ".git":
// any case, and with the trailing dots and spaces Windows drops.
func isGitDir(c string) bool {
	return strings.EqualFold(strings.TrimRight(c, ". "), ".git")
}

// blob is a file of a tree: its blob id and size.
type blob struct {
	id   string
	size int64
}

// tree lists a commit's regular files: path → blob, and the paths refused.
// Symlinks and submodules are never listed, so nothing is read through a
// link committed in the repository.
func tree(ctx context.Context, repo, commit string) (map[string]blob, []Refusal, error) {
	out, err := git(ctx, repo, "ls-tree", "-r", "-z", "-l", "--full-tree", "--end-of-options", commit)
	if err != nil {
		return nil, nil, err
	}
	files := map[string]blob{}
	reasons := map[string]string{}
	for _, rec := range bytes.Split(out, []byte{0}) {
		meta, name, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		// "MODE blob ID SIZE", the size padded with spaces.
		f := strings.Fields(string(meta))
		if len(f) != 4 || f[1] != "blob" || (f[0] != "100644" && f[0] != "100755") {
			continue
		}
		size, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil || size < 0 {
			return nil, nil, fmt.Errorf("git ls-tree: size %q of %q", f[3], name)
		}
		p := string(name)
		if why := checkPath(p); why != "" {
			reasons[p] = why
			continue
		}
		if _, dup := files[p]; dup {
			// An entry named "a/b" beside a tree "a" holding "b".
			reasons[p] = "more than one entry with this path"
			continue
		}
		files[p] = blob{f[2], size}
	}
	for p := range reasons {
		delete(files, p)
	}
	// A file whose parent is also a file ("a" and an entry named "a/b"):
	// keep the shallower one.
	// The paths are checked (no "", "." or ".." component), so a parent
	// is a prefix up to a slash: no path.Dir, which cleans each time.
	for p := range files {
		for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
			if _, ok := files[p[:i]]; ok {
				reasons[p] = fmt.Sprintf("its parent %q is a file in the same tree", p[:i])
				break
			}
		}
	}
	for p := range reasons {
		delete(files, p)
	}
	return files, sortedRefusals(reasons), nil
}

func sortedRefusals(reasons map[string]string) []Refusal {
	var out []Refusal
	for p, why := range reasons {
		out = append(out, Refusal{p, why})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
