package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Refusal is a path of a ref's tree that history did not write to its
// scratch copy, and why.
type Refusal struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// MaxBlobSize is the largest file history writes to its scratch copy. A
// blob of zeros compresses to almost nothing in git's object store, so the
// size of a clone says nothing about the size of its checkout; letgo
// parses no file larger than this anyway.
const MaxBlobSize = 16 << 20

// checkPath reports why a path from a git tree must not be written below
// the scratch directory, or "" when it may. Tree entry names are whatever
// the object says: "..", "" or "a/../../b" can be stored with
// git hash-object --literally and a clone keeps them.
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
			// A .git written into the scratch copy would make it a
			// repository, whose config git runs programs from.
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

// tree lists a commit's regular files: path → blob id, and the paths
// refused. Symlinks and submodules are never materialised, so nothing is
// ever written through a link committed in the repository.
func tree(ctx context.Context, repo, commit string) (map[string]string, []Refusal, error) {
	out, err := git(ctx, repo, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit)
	if err != nil {
		return nil, nil, err
	}
	files := map[string]string{}
	reasons := map[string]string{}
	for _, rec := range bytes.Split(out, []byte{0}) {
		meta, name, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		f := strings.Fields(string(meta))
		if len(f) != 3 || f[1] != "blob" || (f[0] != "100644" && f[0] != "100755") {
			continue
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
		files[p] = f[2]
	}
	for p := range reasons {
		delete(files, p)
	}
	// A file whose parent is also a file ("a" and an entry named "a/b"):
	// keep the shallower one.
	for p := range files {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if _, ok := files[d]; ok {
				reasons[p] = fmt.Sprintf("its parent %q is a file in the same tree", d)
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

// scratch is history's copy of the tree being scanned. Every change goes
// through an os.Root, which refuses any path that leaves the directory,
// and nothing is written through a symlink: parents are checked with Lstat
// and files are created afresh with O_EXCL, which fails on a link.
type scratch struct {
	root *os.Root
	// have is the tree on disk: path → blob id. large holds paths of have
	// whose blob was too large to write (path → blob id), so that an
	// unchanged large blob is neither read again nor written.
	have, large map[string]string
	// dirs are the directories of the scratch copy, all made by history:
	// nothing else writes there, so their parents need no Lstat and a
	// path that is neither in have nor in dirs has nothing on disk.
	dirs    map[string]bool
	maxBlob int64 // MaxBlobSize; tests lower it
}

func newScratch(dir string) (*scratch, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &scratch{root: root, have: map[string]string{}, large: map[string]string{}, dirs: map[string]bool{}, maxBlob: MaxBlobSize}, nil
}

// written returns the files on disk: path → blob id.
func (s *scratch) written() map[string]string {
	out := make(map[string]string, len(s.have))
	for p, id := range s.have {
		if _, ok := s.large[p]; !ok {
			out[p] = id
		}
	}
	return out
}

// refusedLarge lists the paths of the current tree too large to write.
func (s *scratch) refusedLarge() []Refusal {
	reasons := map[string]string{}
	for p := range s.large {
		reasons[p] = fmt.Sprintf("blob larger than %d bytes", s.maxBlob)
	}
	return sortedRefusals(reasons)
}

// materialise brings the scratch copy from the tree in s.have to want,
// writing only changed files (one git cat-file process per call). It
// returns the number of files written.
func (s *scratch) materialise(ctx context.Context, repo string, want map[string]string) (int, error) {
	var gone []string
	for p := range s.have {
		if _, ok := want[p]; !ok {
			gone = append(gone, p)
		}
	}
	sort.Strings(gone)
	for _, p := range gone {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, ok := s.large[p]; !ok {
			if err := s.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return 0, err
			}
		}
		delete(s.have, p)
		delete(s.large, p)
		// Remove the directories this leaves empty, so that the next tree
		// may have a file where this one had a directory.
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if s.root.Remove(d) != nil {
				break // not empty, or already gone
			}
			delete(s.dirs, d)
		}
	}
	var changed []string
	for p, id := range want {
		if s.have[p] != id {
			changed = append(changed, p)
		}
	}
	if len(changed) == 0 {
		return 0, nil
	}
	sort.Strings(changed)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := gitCommand(ctx, repo, "cat-file", "--batch")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("git cat-file: %w", err)
	}
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		w := bufio.NewWriter(stdin)
		for _, p := range changed {
			if ctx.Err() != nil {
				break
			}
			fmt.Fprintln(w, want[p])
		}
		w.Flush()
		stdin.Close()
	}()
	n, err := s.receive(ctx, bufio.NewReaderSize(stdout, 1<<20), changed, want)
	if err != nil {
		cancel() // git may be blocked writing to us
	}
	waitErr := cmd.Wait()
	<-fed
	switch {
	case err != nil:
		return n, err
	case waitErr != nil && ctx.Err() != nil:
		return n, ctx.Err()
	case waitErr != nil:
		return n, fmt.Errorf("git cat-file: %v: %s", waitErr, strings.TrimSpace(stderr.String()))
	}
	return n, nil
}

// receive writes the blobs of changed as git cat-file sends them. changed
// is sorted, so the files of a directory come together: each directory is
// opened once and its files are created by name in it, instead of each
// operation resolving the whole path again below the root.
func (s *scratch) receive(ctx context.Context, r *bufio.Reader, changed []string, want map[string]string) (int, error) {
	n := 0
	var dir *os.Root
	dirName := ""
	defer func() {
		if dir != nil {
			dir.Close()
		}
	}()
	for _, p := range changed {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		o, err := readHeader(r)
		if err != nil {
			return n, fmt.Errorf("git cat-file: %w", err)
		}
		if o.size < 0 || o.typ != "blob" {
			return n, fmt.Errorf("git cat-file: blob %s of %q: %s", want[p], p, o.typ)
		}
		inPlace, err := s.clear(p)
		if err != nil {
			return n, err
		}
		s.have[p] = want[p]
		if o.size > s.maxBlob {
			s.large[p] = want[p]
			if inPlace {
				if err := s.root.Remove(p); err != nil {
					return n, err
				}
			}
			if err := skip(r, o.size); err != nil {
				return n, fmt.Errorf("git cat-file: %w", err)
			}
			continue
		}
		delete(s.large, p)
		if d := path.Dir(p); dir == nil || d != dirName {
			if dir != nil {
				dir.Close()
			}
			if dir, err = s.root.OpenRoot(d); err != nil {
				return n, err
			}
			dirName = d
		}
		if err := s.write(dir, p, inPlace, r, o.size); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// clear makes room for a file at p: the parents are real directories (a
// file or symlink in the way is removed) and nothing is left at p itself
// but the file history wrote there for the last tree, if any (inPlace):
// rewriting a file costs a fifth of removing and creating it again on
// ext4. What history made itself (s.dirs, s.have) is not looked at again.
func (s *scratch) clear(p string) (inPlace bool, err error) {
	for _, d := range parents(p) {
		if s.dirs[d] {
			continue
		}
		fi, err := s.root.Lstat(d)
		switch {
		case err == nil && fi.IsDir():
			s.dirs[d] = true
			continue
		case err == nil:
			if err := s.root.Remove(d); err != nil {
				return false, err
			}
		case !errors.Is(err, fs.ErrNotExist):
			return false, err
		}
		if err := s.root.Mkdir(d, 0o755); err != nil {
			return false, err
		}
		s.dirs[d] = true
	}
	_, old := s.have[p]
	_, large := s.large[p]
	switch {
	case s.dirs[p]:
		// A directory left from another tree.
		if err := s.root.RemoveAll(p); err != nil {
			return false, err
		}
		for d := range s.dirs {
			if d == p || strings.HasPrefix(d, p+"/") {
				delete(s.dirs, d)
			}
		}
	case old && !large:
		return true, nil // the old version, rewritten in place
	}
	return false, nil
}

// parents lists the directories above p, outermost first.
func parents(p string) []string {
	var out []string
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	return out
}

// write puts the next size bytes of r in p, a file of the directory dir,
// and consumes the line feed that follows them. The file is created, or
// when inPlace truncated and rewritten (never through a symlink: the open
// fails on one). Something history did not put at p is removed and the
// file created again.
func (s *scratch) write(dir *os.Root, p string, inPlace bool, r *bufio.Reader, size int64) error {
	name := path.Base(p)
	var f *os.File
	var err error
	if inPlace {
		f, err = dir.OpenFile(name, os.O_WRONLY|os.O_TRUNC|noFollow, 0)
		if err == nil {
			if fi, serr := f.Stat(); serr != nil || !fi.Mode().IsRegular() {
				f.Close()
				err = fs.ErrExist
			}
		} else {
			err = fs.ErrExist
		}
	} else {
		f, err = dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	}
	if errors.Is(err, fs.ErrExist) {
		if err = s.root.RemoveAll(p); err == nil {
			f, err = dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		}
	}
	if err != nil {
		return err
	}
	_, err = io.CopyN(f, r, size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %q: %w", p, err)
	}
	if _, err := r.ReadByte(); err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	return nil
}
