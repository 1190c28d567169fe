package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"sort"
	"strings"
	"sync"

	"github.com/letgo-dev/letgo/internal/safeio"
)

// gitTree is one ref's tree as the scan reads it (a safeio.Tree): the
// regular files tree listed, under MaxBlobSize, served from git's object
// store through one long-lived git cat-file. Nothing is written to disk.
type gitTree struct {
	files   map[string]blob
	list    []safeio.TreeFile
	objects *catFile
}

// newGitTree serves files (path → blob, checked by tree) through objects;
// blobs larger than maxBlob are left out and returned as refusals.
func newGitTree(files map[string]blob, objects *catFile, maxBlob int64) (*gitTree, []Refusal) {
	t := &gitTree{files: make(map[string]blob, len(files)), objects: objects}
	reasons := map[string]string{}
	for p, b := range files {
		if b.size > maxBlob {
			reasons[p] = fmt.Sprintf("blob larger than %d bytes", maxBlob)
			continue
		}
		t.files[p] = b
		t.list = append(t.list, safeio.TreeFile{Path: p, Size: b.size})
	}
	sort.Slice(t.list, func(i, j int) bool { return t.list[i].Path < t.list[j].Path })
	return t, sortedRefusals(reasons)
}

// Files lists the files served, by path.
func (t *gitTree) Files() []safeio.TreeFile { return t.list }

// blobs returns the files served: path → blob id (the scan's content ids).
func (t *gitTree) blobs() map[string]string {
	out := make(map[string]string, len(t.files))
	for p, b := range t.files {
		out[p] = b.id
	}
	return out
}

// ReadFile reads the file at name from the object store, at most limit
// bytes. A path the tree does not serve does not exist; a blob over the
// limit is refused from the tree's listing without being read, and again
// from the size git reports when it sends the blob.
func (t *gitTree) ReadFile(name string, limit int64) ([]byte, error) {
	b, ok := t.files[name]
	if !ok {
		return nil, &safeio.Error{Path: name, Err: fs.ErrNotExist}
	}
	if b.size > limit {
		return nil, &safeio.Error{Path: name, Err: safeio.ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", b.size, limit)}
	}
	data, err := t.objects.blob(b.id, limit)
	var se *safeio.Error
	switch {
	case errors.As(err, &se):
		se.Path = name
		return nil, se
	case err != nil:
		return nil, &safeio.Error{Path: name, Err: err}
	}
	return data, nil
}

// catFile is one git cat-file --batch process answering blob requests one
// at a time (the scan's workers take turns). The first failure of the
// process is kept: every later request fails with it, and Run reports it
// (the scan would only have recorded the files as unreadable).
type catFile struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	in     *bufio.Writer
	stdin  io.Closer
	out    *bufio.Reader
	stderr lockedBuffer
	err    error
}

// lockedBuffer is git's standard error, written by exec's copying
// goroutine while the process runs and read when a request fails.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 4<<10 {
		return len(p), nil // enough to say why
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startCatFile starts git cat-file --batch in repo; it ends with ctx or
// close.
func startCatFile(ctx context.Context, repo string) (*catFile, error) {
	c := &catFile{cmd: gitCommand(ctx, repo, "cat-file", "--batch")}
	c.cmd.Stderr = &c.stderr
	stdin, err := c.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	c.stdin, c.in, c.out = stdin, bufio.NewWriter(stdin), bufio.NewReaderSize(stdout, 1<<16)
	return c, nil
}

// blob reads the blob id, at most limit bytes: a larger blob (one git
// sends larger than the listing said) is skipped and refused with an
// *safeio.Error wrapping safeio.ErrTooLarge; an object that is not a blob, or a
// broken process, is an error (the latter for every later call too).
func (c *catFile) blob(id string, limit int64) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	data, err := c.request(id, limit)
	if err != nil && !errors.Is(err, safeio.ErrTooLarge) && !errors.Is(err, errNotBlob) {
		c.err = fmt.Errorf("git cat-file: %w", err)
		return nil, c.err
	}
	return data, err
}

var errNotBlob = errors.New("not a blob")

func (c *catFile) request(id string, limit int64) ([]byte, error) {
	if strings.ContainsAny(id, " \n\r\x00") || id == "" {
		return nil, fmt.Errorf("%w: object name %q", errNotBlob, id)
	}
	if _, err := c.in.WriteString(id + "\n"); err != nil {
		return nil, err
	}
	if err := c.in.Flush(); err != nil {
		return nil, err
	}
	o, err := readHeader(c.out)
	if err != nil {
		return nil, err
	}
	if o.size < 0 {
		return nil, fmt.Errorf("%w: object %s %s", errNotBlob, id, o.typ)
	}
	if o.typ != "blob" {
		if err := skip(c.out, o.size); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: object %s is a %s", errNotBlob, id, o.typ)
	}
	if o.size > limit {
		if err := skip(c.out, o.size); err != nil {
			return nil, err
		}
		return nil, &safeio.Error{Path: id, Err: safeio.ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", o.size, limit)}
	}
	// The content and the line feed that ends it.
	buf := make([]byte, o.size+1)
	if _, err := io.ReadFull(c.out, buf); err != nil {
		return nil, err
	}
	if buf[o.size] != '\n' {
		return nil, fmt.Errorf("%w: no line feed after blob %s", errBatch, id)
	}
	return buf[:o.size:o.size], nil
}

// failure is the process's first failure, nil while it serves requests.
func (c *catFile) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return nil
	}
	if msg := strings.TrimSpace(c.stderr.String()); msg != "" {
		return fmt.Errorf("%w: %s", c.err, msg)
	}
	return c.err
}

// close ends the process: git exits at the end of its input.
func (c *catFile) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stdin.Close()
	c.cmd.Wait()
	if c.err == nil {
		c.err = errors.New("git cat-file: closed")
	}
}
