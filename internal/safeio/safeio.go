// Package safeio reads files from trees nobody vetted. Every reader of
// repository content goes through it, so a device, a FIFO, a growing file
// or a symlink out of the tree cannot hang letgo, exhaust its memory or
// make it read what the repository does not contain.
package safeio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Reasons a file is refused; an *Error wraps one of them (or the error of
// the operating system), so callers classify with errors.Is.
var (
	// ErrTooLarge is a file longer than the limit, whatever stat said.
	ErrTooLarge = errors.New("too large")
	// ErrNotRegular is a directory, device, FIFO or socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrOutsideRoot is a symlink that resolves outside the tree scanned.
	ErrOutsideRoot = errors.New("symlink points outside the project")
)

// Error is a file that could not be read or was refused.
type Error struct {
	Path string
	// Err is ErrTooLarge, ErrNotRegular, ErrOutsideRoot or the error of the
	// operating system (fs.ErrNotExist, fs.ErrPermission ...).
	Err error
	// Detail qualifies Err: the kind of file, the limit.
	Detail string
}

func (e *Error) Error() string { return "read " + e.Path + ": " + e.Reason() }

// Unwrap returns the reason, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// Reason is the message without the path, for reports that name the file
// beside it: "not a regular file (a named pipe)".
func (e *Error) Reason() string {
	msg := e.Err.Error()
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		msg = pe.Err.Error() // the path is already ours
	}
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// Reason returns err's message without its path when err is an *Error,
// and err's message otherwise.
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason()
	}
	return err.Error()
}

// ReadFile reads the regular file at path, following symlinks, and at most
// limit bytes of it. A file that is not regular is refused before it is
// opened and again on the opened descriptor (it may have been swapped in
// between); the open does not block, so a FIFO cannot hang the caller. The
// limit holds whatever stat says: a file that grows, or a special file
// that reports size 0, is cut off at limit+1 bytes and refused.
func ReadFile(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if err := regular(path, info, limit); err != nil {
		return nil, err
	}
	fh, err := openNonblocking(path)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	defer fh.Close()
	info, err = fh.Stat()
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if err := regular(path, info, limit); err != nil {
		return nil, err
	}
	// One allocation of the size stat reports (plus one byte to notice
	// growth); a file that grew is read on through the limit.
	buf := make([]byte, 0, info.Size()+1)
	buf, err = readAll(io.LimitReader(fh, limit+1), buf)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if int64(len(buf)) > limit {
		return nil, &Error{Path: path, Err: ErrTooLarge, Detail: fmt.Sprintf("more than %d bytes", limit)}
	}
	return buf, nil
}

// readAll is io.ReadAll into a buffer the caller sized.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func regular(path string, info fs.FileInfo, limit int64) error {
	if !info.Mode().IsRegular() {
		return &Error{Path: path, Err: ErrNotRegular, Detail: kind(info.Mode())}
	}
	if info.Size() > limit {
		return &Error{Path: path, Err: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", info.Size(), limit)}
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "mode " + m.String()
}

// Root is a directory whose symlinks must not lead out of it. The zero
// value is not usable; make one with NewRoot.
type Root struct {
	real string // the root with its own symlinks resolved, absolute
}

// NewRoot resolves dir once, so the symlinks above the tree (a checkout
// under a symlinked home) do not count as leaving it.
func NewRoot(dir string) (*Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	return &Root{real: real}, nil
}

// Contains reports whether abs, a path under the root whose symlinks are
// all resolved, lies inside the root.
func (r *Root) Contains(abs string) bool {
	rel, err := filepath.Rel(r.real, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// CheckLink reports whether the symlink at path (inside the root) resolves
// inside it: nil when it does or when it does not resolve at all (the read
// fails later with the reason), an *Error wrapping ErrOutsideRoot when it
// leads out.
func (r *Root) CheckLink(path string) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil // a dangling link: reading it says so
	}
	if !filepath.IsAbs(target) {
		if target, err = filepath.Abs(target); err != nil {
			return nil
		}
	}
	if !r.Contains(target) {
		return &Error{Path: path, Err: ErrOutsideRoot}
	}
	return nil
}

// ReadFile reads name, a path relative to the root, like the package's
// ReadFile, and refuses it when it is a symlink that leads out of the
// root. Only symlinks cost more than a plain read.
func (r *Root) ReadFile(name string, limit int64) ([]byte, error) {
	path := filepath.Join(r.real, name)
	info, err := os.Lstat(path)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		if err := r.CheckLink(path); err != nil {
			return nil, err
		}
	}
	return ReadFile(path, limit)
}

// Tree is a source tree that is not a directory of the file system: a git
// commit's tree served from the object store. It keeps the promises of
// this package per file: nothing is read from outside the tree (entries
// with unsafe names, symlinks and submodules are not listed), and a read
// is bounded by its limit whatever the tree claims.
type Tree interface {
	// Files lists the tree's regular files. Entries the tree refused are
	// not listed; the tree's owner reports them.
	Files() []TreeFile
	// ReadFile reads a listed file, at most limit bytes, and fails as
	// ReadFile does: an *Error wrapping ErrTooLarge, fs.ErrNotExist or the
	// reason the tree could not serve the file.
	ReadFile(name string, limit int64) ([]byte, error)
}

// TreeFile is one regular file of a Tree.
type TreeFile struct {
	Path string // relative to the tree's root, forward slashes, local
	Size int64
}
