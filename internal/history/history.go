// Package history scans the refs of a git repository (release tags) without
// touching its work tree, and reports per ref the migration stage and the
// mode of each service, with departures from the three-release pattern.
// Trees are materialised incrementally into one scratch directory from git's
// object store, and files whose blob did not change are neither rewritten,
// read nor parsed again.
package history

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/scan"
)

// Ref is a git ref resolved to a commit.
type Ref struct {
	Name   string    `json:"ref"`
	Commit string    `json:"commit"`
	Date   time.Time `json:"date"`
}

// Service is one entry point's mode at a ref.
type Service struct {
	Name string `json:"name"`
	Mode string `json:"mode"`
}

// Entry is the state of the project at one ref.
type Entry struct {
	Ref
	Stage       modes.Stage `json:"stage"`
	Services    []Service   `json:"services"`
	RuntimeDebt int         `json:"runtime_debt"`
	ElapsedMS   float64     `json:"elapsed_ms"`
	Parsed      int         `json:"parsed"` // Python files parsed for this ref
	Reused      int         `json:"reused"` // Python files whose results were reused
	Written     int         `json:"written"`
}

// Departure is a transition that skips a step of the three-release
// pattern.
type Departure struct {
	Service string `json:"service,omitempty"` // "" for the project's stage
	From    string `json:"from"`
	To      string `json:"to"`
	FromRef string `json:"from_ref"`
	ToRef   string `json:"to_ref"`
	Message string `json:"message"`
}

// Report is the history of one repository.
type Report struct {
	Repo       string      `json:"repo"`
	Entries    []Entry     `json:"refs"`
	Departures []Departure `json:"departures"`
}

// Options tune a history run.
type Options struct {
	Workers int
	Version string
	// Progress, when set, is called after each ref.
	Progress func(done, total int, ref string)
}

// ResolveRefs lists the refs to scan: tags matching pattern (a path.Match
// glob), or the comma-separated refs given. Version-like names are sorted
// as versions, others by date.
func ResolveRefs(ctx context.Context, repo, pattern string, list []string) ([]Ref, error) {
	var refs []Ref
	if len(list) > 0 {
		for _, name := range list {
			out, err := git(ctx, repo, "log", "-1", "--format=%H%x09%cI", name+"^{commit}", "--")
			if err != nil {
				return nil, fmt.Errorf("resolve ref %q: %w", name, err)
			}
			r, err := parseRefLine(name + "\t" + strings.TrimSpace(string(out)))
			if err != nil {
				return nil, err
			}
			refs = append(refs, r)
		}
		return refs, nil
	}
	out, err := git(ctx, repo, "for-each-ref", "--format=%(refname:short)%09%(*objectname)%(objectname)%09%(creatordate:iso-strict)", "refs/tags/")
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		if ok, _ := path.Match(pattern, name); !ok {
			continue
		}
		r, err := parseRefLine(line)
		if err != nil {
			return nil, err
		}
		// An annotated tag prints the tag object then the commit (*objectname
		// first): keep the commit.
		if len(r.Commit) > 40 {
			r.Commit = r.Commit[:40]
		}
		refs = append(refs, r)
	}
	sortRefs(refs)
	return refs, nil
}

func parseRefLine(line string) (Ref, error) {
	parts := strings.Split(line, "\t")
	if len(parts) != 3 {
		return Ref{}, fmt.Errorf("unexpected git output %q", line)
	}
	t, _ := time.Parse(time.RFC3339, parts[2])
	return Ref{Name: parts[0], Commit: parts[1], Date: t}, nil
}

func sortRefs(refs []Ref) {
	versions := true
	for _, r := range refs {
		if _, ok := version(r.Name); !ok {
			versions = false
		}
	}
	sort.SliceStable(refs, func(i, j int) bool {
		if versions {
			a, _ := version(refs[i].Name)
			b, _ := version(refs[j].Name)
			for k := 0; k < len(a) && k < len(b); k++ {
				if a[k] != b[k] {
					return a[k] < b[k]
				}
			}
			return len(a) < len(b)
		}
		return refs[i].Date.Before(refs[j].Date)
	})
}

func version(name string) ([]int, bool) {
	var out []int
	for _, p := range strings.Split(strings.TrimPrefix(name, "v"), ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

func git(ctx context.Context, repo string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// tree lists a commit's regular files: path → blob id.
func tree(ctx context.Context, repo, commit string) (map[string]string, error) {
	out, err := git(ctx, repo, "ls-tree", "-r", "-z", "--full-tree", commit)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, rec := range bytes.Split(out, []byte{0}) {
		meta, p, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		f := strings.Fields(string(meta))
		if len(f) != 3 || f[1] != "blob" || (f[0] != "100644" && f[0] != "100755") {
			continue // symlinks and submodules are not materialised
		}
		files[string(p)] = f[2]
	}
	return files, nil
}

// materialise brings dir from the tree in have to the tree in want,
// writing only changed files (one git cat-file process per call).
func materialise(ctx context.Context, repo, dir string, have, want map[string]string) (int, error) {
	for p := range have {
		if _, ok := want[p]; !ok {
			os.Remove(filepath.Join(dir, filepath.FromSlash(p)))
		}
	}
	var changed []string
	for p, id := range want {
		if have[p] != id {
			changed = append(changed, p)
		}
	}
	if len(changed) == 0 {
		return 0, nil
	}
	sort.Strings(changed)
	cmd := exec.CommandContext(ctx, "git", "-C", repo, "cat-file", "--batch")
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
	go func() {
		w := bufio.NewWriter(stdin)
		for _, p := range changed {
			fmt.Fprintln(w, want[p])
		}
		w.Flush()
		stdin.Close()
	}()
	r := bufio.NewReaderSize(stdout, 1<<20)
	for _, p := range changed {
		header, err := r.ReadString('\n')
		if err != nil {
			cmd.Wait()
			return 0, fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			cmd.Wait()
			return 0, fmt.Errorf("git cat-file: unexpected header %q", header)
		}
		size, _ := strconv.Atoi(f[2])
		content := make([]byte, size+1)
		if _, err := io.ReadFull(r, content); err != nil {
			cmd.Wait()
			return 0, fmt.Errorf("git cat-file: %w", err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			cmd.Wait()
			return 0, err
		}
		if err := os.WriteFile(dst, content[:size], 0o644); err != nil {
			cmd.Wait()
			return 0, err
		}
	}
	return len(changed), cmd.Wait()
}

// Run scans each ref in order.
func Run(ctx context.Context, repo string, refs []Ref, opts Options) (*Report, error) {
	dir, err := os.MkdirTemp("", "letgo-history-")
	if err != nil {
		return nil, fmt.Errorf("scratch directory: %w", err)
	}
	defer os.RemoveAll(dir)
	cache := scan.NewCache()
	rep := &Report{Repo: repo, Entries: []Entry{}, Departures: []Departure{}}
	have := map[string]string{}
	for i, ref := range refs {
		start := time.Now()
		want, err := tree(ctx, repo, ref.Commit)
		if err != nil {
			return nil, err
		}
		written, err := materialise(ctx, repo, dir, have, want)
		if err != nil {
			return nil, fmt.Errorf("materialise %s: %w", ref.Name, err)
		}
		have = want
		hits, misses := cache.Hits, cache.Misses
		res, err := scan.Run(ctx, []string{dir}, scan.Options{Workers: opts.Workers, Version: opts.Version,
			Cache: cache, Blobs: want, Now: ref.Date})
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", ref.Name, err)
		}
		e := Entry{Ref: ref, RuntimeDebt: res.Stats.RuntimeDebt, Written: written,
			Parsed: cache.Misses - misses, Reused: cache.Hits - hits, Services: []Service{}}
		if res.Stage != nil {
			e.Stage = *res.Stage
		}
		for _, ep := range res.EntryPoints {
			e.Services = append(e.Services, Service{ep.Name, ep.Mode})
		}
		e.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
		rep.Entries = append(rep.Entries, e)
		if opts.Progress != nil {
			opts.Progress(i+1, len(refs), ref.Name)
		}
	}
	rep.Departures = departures(rep.Entries)
	return rep, nil
}

// step places a mode on the three-release path: 0 eventlet only, 1 both
// with eventlet default, 2 both with threading default, 3 threading only.
func step(mode string) (int, bool) {
	switch mode {
	case modes.EventletOnly:
		return 0, true
	case modes.DualDefaultEventlet:
		return 1, true
	case modes.DualDefaultThreading:
		return 2, true
	case modes.ThreadingOnly:
		return 3, true
	}
	return 0, false
}

var skipped = map[[2]int]string{
	{0, 2}: "default flipped to threading without a release where both modes existed with eventlet as the default",
	{0, 3}: "went from eventlet only to threading only in one release: no release supported both modes",
	{1, 3}: "eventlet removed without a release defaulting to threading",
}

func departures(entries []Entry) []Departure {
	out := []Departure{}
	last := map[string]struct {
		mode string
		ref  string
	}{}
	for i, e := range entries {
		for _, s := range e.Services {
			to, ok := step(s.Mode)
			if !ok {
				continue
			}
			if prev, seen := last[s.Name]; seen {
				from, _ := step(prev.mode)
				if msg, bad := skipped[[2]int{from, to}]; bad {
					out = append(out, Departure{Service: s.Name, From: prev.mode, To: s.Mode, FromRef: prev.ref, ToRef: e.Name, Message: msg})
				}
			}
			last[s.Name] = struct {
				mode string
				ref  string
			}{s.Mode, e.Name}
		}
		if i > 0 {
			a, b := entries[i-1].Stage.Stage, e.Stage.Stage
			if b > a+1 {
				out = append(out, Departure{From: fmt.Sprintf("stage %d", a), To: fmt.Sprintf("stage %d", b), FromRef: entries[i-1].Name, ToRef: e.Name,
					Message: fmt.Sprintf("the project skipped stage %d", a+1)})
			}
		}
	}
	return out
}
