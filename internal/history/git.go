package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"time"
)

// hardening is put before every git subcommand. The repository may be an
// unpacked upload whose .git/config nobody vetted: core.fsmonitor names a
// program git runs for any command that reads the index, so it is turned
// off even though history's own commands do not need the index.
var hardening = []string{"-c", "core.fsmonitor=false"}

// gitCommand builds a git invocation in repo. Callers put
// "--end-of-options" before anything that comes from the user or the
// repository, so that no ref or path is taken for an option.
func gitCommand(ctx context.Context, repo string, args ...string) *exec.Cmd {
	argv := append([]string{"-C", repo}, hardening...)
	cmd := exec.CommandContext(ctx, "git", append(argv, args...)...)
	// A killed git may leave a helper holding the pipes; do not wait for
	// it when the run is cancelled.
	cmd.WaitDelay = time.Second
	return cmd
}

func git(ctx context.Context, repo string, args ...string) ([]byte, error) {
	cmd := gitCommand(ctx, repo, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("git %s: %w", args[0], ctx.Err())
		}
		return nil, fmt.Errorf("git %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// checkRepo refuses a directory inside a work tree: git would quietly take
// the enclosing repository, and the history reported would be that of a
// larger project than the one named. Bare repositories and git directories
// have no prefix and are accepted.
func checkRepo(ctx context.Context, repo string) error {
	out, err := git(ctx, repo, "rev-parse", "--show-prefix")
	if err != nil {
		return fmt.Errorf("open repository %q: %w", repo, err)
	}
	if prefix := strings.TrimSpace(string(out)); prefix != "" {
		top, _ := git(ctx, repo, "rev-parse", "--show-toplevel")
		return fmt.Errorf("open repository %q: it is the subdirectory %q of the repository %q; pass the repository itself",
			repo, strings.TrimSuffix(prefix, "/"), strings.TrimSpace(string(top)))
	}
	return nil
}

// CheckRefName reports why name cannot be passed to git as a ref, or ""
// when it can. A name starting with "-" would be read as an option
// (--output=FILE writes a file), and a line break would split one request
// to git's object reader into two.
func CheckRefName(name string) string {
	switch {
	case name == "":
		return "empty ref name"
	case strings.HasPrefix(name, "-"):
		return fmt.Sprintf("ref %q starts with '-'", name)
	case strings.ContainsAny(name, "\n\r\x00"):
		return fmt.Sprintf("ref %q contains a line break or NUL", name)
	}
	return ""
}

// ResolveRefs lists the refs to scan: tags matching pattern (a path.Match
// glob), or the refs given in list, in that order. Version-like tag names
// are sorted as versions, others by date. A ref is dated by its tag when it
// is an annotated tag (the tagger date), by its commit otherwise, however
// it was named.
func ResolveRefs(ctx context.Context, repo, pattern string, list []string) ([]Ref, error) {
	if err := checkRepo(ctx, repo); err != nil {
		return nil, err
	}
	if len(list) > 0 {
		for _, name := range list {
			if why := CheckRefName(name); why != "" {
				return nil, fmt.Errorf("resolve ref: %s", why)
			}
		}
		refs, missing, err := describe(ctx, repo, list, list)
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("resolve ref %q: %s", missing[0].Path, missing[0].Reason)
		}
		return refs, nil
	}
	out, err := git(ctx, repo, "for-each-ref", "--format=%(refname)", "--end-of-options", "refs/tags/")
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	var names, full []string
	for _, refname := range strings.Split(string(out), "\n") {
		name, ok := strings.CutPrefix(refname, "refs/tags/")
		if !ok || CheckRefName(name) != "" {
			continue
		}
		if ok, _ := path.Match(pattern, name); ok {
			names = append(names, name)
			full = append(full, refname)
		}
	}
	// Tags of trees and blobs are not releases: describe leaves them out.
	refs, _, err := describe(ctx, repo, names, full)
	if err != nil {
		return nil, err
	}
	sortRefs(refs)
	return refs, nil
}

// describe resolves each rev (shown as the matching name) to its commit and
// date with one git cat-file process: the rev itself, for a tag's date, and
// rev^{commit}. The revs travel on git's stdin, never as arguments. Revs that
// do not name a commit are returned as refusals.
func describe(ctx context.Context, repo string, names, revs []string) ([]Ref, []Refusal, error) {
	if len(revs) == 0 {
		return nil, nil, nil
	}
	var in bytes.Buffer
	for _, rev := range revs {
		fmt.Fprintf(&in, "%s\n%s^{commit}\n", rev, rev)
	}
	cmd := gitCommand(ctx, repo, "cat-file", "--batch")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("git cat-file: %w", err)
	}
	r := bufio.NewReader(stdout)
	var refs []Ref
	var missing []Refusal
	var readErr error
	for i := 0; i < len(revs) && readErr == nil; i++ {
		var tag, commit object
		if tag, readErr = readObject(r, maxHeadSize); readErr != nil {
			break
		}
		if commit, readErr = readObject(r, maxHeadSize); readErr != nil {
			break
		}
		if commit.typ != "commit" {
			missing = append(missing, Refusal{names[i], "not found or not a commit"})
			continue
		}
		date, ok := time.Time{}, false
		if tag.typ == "tag" {
			date, ok = signatureDate(tag.head, "tagger ")
		}
		if !ok {
			date, _ = signatureDate(commit.head, "committer ")
		}
		refs = append(refs, Ref{Name: names[i], Commit: commit.id, Date: date})
	}
	if readErr != nil {
		// Stop git before waiting: it may be blocked writing to us.
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return nil, nil, fmt.Errorf("resolve refs: %w", ctx.Err())
	case readErr != nil:
		return nil, nil, fmt.Errorf("resolve refs: git cat-file: %w", readErr)
	case waitErr != nil:
		return nil, nil, fmt.Errorf("resolve refs: git cat-file: %v: %s", waitErr, strings.TrimSpace(stderr.String()))
	}
	return refs, missing, nil
}

// maxHeadSize bounds what is kept of a tag or commit object: its header
// lines come first, and a crafted object may carry a message of any size.
const maxHeadSize = 64 << 10

// object is one answer of git cat-file --batch. typ is "missing" or
// "ambiguous" when git found no single object.
type object struct {
	id, typ string
	size    int64
	head    []byte // the first bytes of the content, up to the limit asked
}

var errBatch = errors.New("unexpected output")

// readObject reads one answer of git cat-file --batch, keeping at most
// keep bytes of the content and discarding the rest.
func readObject(r *bufio.Reader, keep int64) (object, error) {
	o, err := readHeader(r)
	if err != nil || o.size < 0 {
		return o, err
	}
	n := min(o.size, keep)
	o.head = make([]byte, n)
	if _, err := io.ReadFull(r, o.head); err != nil {
		return o, err
	}
	return o, skip(r, o.size-n)
}

// readHeader reads the header line of one answer of git cat-file --batch;
// size is -1 for an object git did not find.
func readHeader(r *bufio.Reader) (object, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return object{}, err
	}
	line = strings.TrimSuffix(line, "\n")
	// "REV missing": REV is echoed as given and may hold spaces.
	for _, typ := range []string{"missing", "ambiguous"} {
		if rev, ok := strings.CutSuffix(line, " "+typ); ok {
			return object{id: rev, typ: typ, size: -1}, nil
		}
	}
	f := strings.Fields(line)
	if len(f) == 3 {
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return object{}, fmt.Errorf("%w %q", errBatch, line)
		}
		return object{id: f[0], typ: f[1], size: size}, nil
	}
	return object{}, fmt.Errorf("%w %q", errBatch, line)
}

// skip discards n bytes of content and the line feed that ends it.
func skip(r *bufio.Reader, n int64) error {
	if _, err := io.CopyN(io.Discard, r, n+1); err != nil {
		return err
	}
	return nil
}

// signatureDate reads the date of the first header line of a commit or tag
// object that starts with prefix ("tagger " or "committer "): the last two
// fields are seconds since the epoch and the zone, as in "+0200".
func signatureDate(head []byte, prefix string) (time.Time, bool) {
	for _, line := range strings.Split(string(head), "\n") {
		if line == "" {
			break // end of the header lines
		}
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return time.Time{}, false
		}
		secs, err := strconv.ParseInt(f[len(f)-2], 10, 64)
		zone := f[len(f)-1]
		if err != nil || len(zone) != 5 || (zone[0] != '+' && zone[0] != '-') {
			return time.Time{}, false
		}
		hh, err1 := strconv.Atoi(zone[1:3])
		mm, err2 := strconv.Atoi(zone[3:5])
		if err1 != nil || err2 != nil {
			return time.Time{}, false
		}
		offset := hh*3600 + mm*60
		if zone[0] == '-' {
			offset = -offset
		}
		if offset == 0 {
			return time.Unix(secs, 0).UTC(), true
		}
		return time.Unix(secs, 0).In(time.FixedZone("", offset)), true
	}
	return time.Time{}, false
}
