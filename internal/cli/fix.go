package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/rules"
	"github.com/letgo-dev/letgo/internal/safeio"
	"github.com/letgo-dev/letgo/internal/scan"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// runFix applies the exact rewrites findings offer (analysis.Fix), or
// shows them as a unified diff with --diff.
func runFix(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := newScanFlags("fix")
	diff := fs.Bool("diff", false, "print the rewrites as a unified diff instead of applying them")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	roots, _, err := f.configure(fs, fs.Args(), stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	// The scan that decides runs every rule over every file: the rules and
	// paths the user narrowed to (--select, --ignore, per-file-ignores,
	// exclude, path arguments) choose which fixes apply, never which
	// evidence against them is seen — a test mocking eventlet's sleep is
	// evidence even when its rule is ignored or its file is not named.
	want := f.options()
	opts := want
	opts.Select, opts.Ignore, opts.PerFileIgnores, opts.Exclude, opts.Scope = nil, nil, nil, nil, nil
	res, err := scan.Run(ctx, roots, opts)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	unpatched, err := sleepRewriteBlocked(ctx, res, roots)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	if unpatched != "" {
		fmt.Fprintf(stderr, "letgo fix: eventlet.sleep is not rewritten: %s\n", unpatched)
	}
	byFile := map[string][]analysis.Finding{}
	var files []string
	for _, fd := range res.Findings {
		if fd.Fix == nil || !wanted(want, fd) {
			continue
		}
		if unpatched != "" && sleepRules[fd.Rule] {
			continue
		}
		p := filepath.Join(fd.Root, filepath.FromSlash(fd.Path))
		if _, ok := byFile[p]; !ok {
			files = append(files, p)
		}
		byFile[p] = append(byFile[p], fd)
	}
	sort.Strings(files)
	fixed, changed := 0, 0
	for _, p := range files {
		if err := ctx.Err(); err != nil {
			return errorf(stderr, "interrupted after %d of %d files", changed, len(files))
		}
		old, out, n, why := rewrite(p, byFile[p])
		if why != "" {
			fmt.Fprintf(stderr, "letgo fix: %s: not rewritten: %s\n", textsafe.Line(p), why)
			continue
		}
		if *diff {
			writeDiff(stdout, p, old, out)
		} else if err := writeFileAtomic(ctx, p, func(w io.Writer) error { _, err := io.WriteString(w, out); return err }); err != nil {
			return failed(ctx, stderr, "fix "+p, err)
		}
		fixed += n
		changed++
	}
	verb := "fixed"
	if *diff {
		verb = "would fix"
	}
	fmt.Fprintf(stderr, "letgo fix: %s %d finding(s) in %d file(s)\n", verb, fixed, changed)
	return ExitClean
}

// wanted reports whether the user's options cover a finding: its rule is
// selected and not ignored, and the scan would report it.
func wanted(o scan.Options, fd analysis.Finding) bool {
	r := rules.ByID(fd.Rule)
	return r != nil && o.Enabled(r) && o.InReport(fd)
}

// sleepRules are the rules whose fix is exact only while eventlet mode
// patches time (or there is no eventlet mode).
var (
	// greenRules find green threads made in runtime code (spawns, pools,
	// piles, the eventlet WSGI server and serve, greenlets).
	greenRules = []string{"EV110", "EV111", "EV114", "EV115", "EV124", "EV125", "EV132"}
	sleepRules = map[string]bool{"EV116": true, "EV117": true}
)

// sleepRewriteBlocked says why eventlet.sleep cannot be rewritten exactly
// as time.sleep in this project, or "" when it can. Exact means: in
// eventlet mode time is monkey patched (time.sleep is then eventlet's
// sleep), or there is no eventlet mode and no green thread at all (both
// then block the calling thread; the per-file condition — no eventlet
// Timeout, whose timers fire only while eventlet's hub runs — is the
// rule's); and no test mocks eventlet's sleep.
func sleepRewriteBlocked(ctx context.Context, res *contract.Result, roots []string) (string, error) {
	if len(res.EntryPoints) == 0 {
		return "the project has no services (console scripts, WSGI scripts or modules): a library's callers decide whether time is patched", nil
	}
	if why := sleepMocked(res); why != "" {
		return why, nil
	}
	patches, why, err := patchLeavesTime(ctx, roots)
	if err != nil || why != "" || patches {
		return why, err
	}
	// No monkey patching: exact only without an eventlet mode and without
	// green threads, which a blocking time.sleep would stall.
	for _, ep := range res.EntryPoints {
		if ep.Mode != modes.ThreadingOnly && ep.Mode != modes.NoRuntime {
			return fmt.Sprintf("no monkey_patch() in the project's runtime code patches time, and %s runs in mode %s", ep.Name, ep.Mode), nil
		}
	}
	// Nor any other eventlet use in runtime code, direct (EV1xx but the
	// imports and the sleeps themselves) or through a library (EV4xx: an
	// eventlet executor, oslo.service components on their default
	// backend): code that runs in green threads somewhere, a library's
	// code in its callers' mode, would be stalled by a blocking sleep.
	for _, fd := range res.Findings {
		if fd.Kind != pyproj.KindRuntime || fd.Positive {
			continue
		}
		direct := fd.Family == 1 && fd.Rule > "EV109" && !sleepRules[fd.Rule]
		if direct || fd.Family == 4 || slices.Contains(greenRules, fd.Rule) {
			return fmt.Sprintf("no monkey_patch() patches time, and %s:%d uses eventlet (%s), whose green threads time.sleep would stall", fd.Path, fd.Line, fd.Rule), nil
		}
	}
	return "", nil
}

// sleepMocked names a test that mocks eventlet's sleep (EV601): after the
// rewrite the code under test calls time.sleep, the mock no longer
// applies and the test would really sleep, or fail its assertions.
func sleepMocked(res *contract.Result) string {
	for _, fd := range res.Findings {
		if fd.Rule == "EV601" && (strings.HasSuffix(fd.Message, "eventlet.sleep") || strings.HasSuffix(fd.Message, "greenthread.sleep")) {
			return fmt.Sprintf("%s:%d mocks %s, which would no longer apply to the rewritten calls", fd.Path, fd.Line, fd.Message[strings.LastIndexByte(fd.Message, ' ')+1:])
		}
	}
	return ""
}

// patchLeavesTime looks, in every runtime Python file of the roots, for
// calls of anything named monkey_patch: whether one of eventlet's patches
// time, and the first whose keywords leave time unpatched
// (time=False, all=False without time=True, **kwargs), however the callee
// resolves: a project may reach eventlet through a module that re-exports
// it (from pkg.concurrency import eventlet), which the rules do not all
// follow yet, and a sleep rewrite is only exact when no such call exists.
func patchLeavesTime(ctx context.Context, roots []string) (patches bool, why string, err error) {
	for _, root := range roots {
		proj, err := pyproj.Load(ctx, root)
		if err != nil {
			return false, "", err
		}
		for _, f := range proj.Files {
			if err := ctx.Err(); err != nil {
				return false, "", err
			}
			if !f.Python || f.Kind != pyproj.KindRuntime {
				continue // tests and tools (tools/simulator.py) patch for themselves
			}
			src, err := safeio.ReadFile(f.Abs, scan.MaxFileSize)
			if err != nil || !bytes.Contains(src, []byte("monkey_patch")) {
				continue
			}
			v := pysrc.Analyze(pysrc.Parse(f.Path, src), f.Module, f.IsPackage)
			for _, c := range v.Calls {
				if c.Callee != "monkey_patch" && !strings.HasSuffix(c.Callee, ".monkey_patch") {
					continue
				}
				// A keyword that is not the literal True may leave time
				// unpatched: time=False, time=flag, all=False/all=flag
				// without time=True, or **kwargs.
				kw := map[string]string{}
				for _, k := range c.Keywords {
					kw[k.Name] = "unknown"
					if k.Value.Kind == pysrc.ValBool {
						kw[k.Name] = strconv.FormatBool(k.Value.Bool)
					}
				}
				t, hasTime := kw["time"]
				a, hasAll := kw["all"]
				_, double := kw[""]
				if hasTime && t != "true" || hasAll && a != "true" && t != "true" || double || len(c.Args) > 0 {
					return false, fmt.Sprintf("%s:%d calls %s(...) without patching time, so time.sleep would block every green thread in eventlet mode", f.Path, v.Line(c.Node.Pos()), c.Callee), nil
				}
				if strings.HasPrefix(c.Resolved, "eventlet.") || strings.HasPrefix(c.Callee, "eventlet.") || strings.Contains(c.Callee, "patcher.") { // eventlet's, not a project's own monkey_patch()
					patches = true
				}
			}
		}
	}
	return patches, "", nil
}

// rewrite applies the fixes of one file's findings and returns the new
// text and how many findings it fixed, or why the file is left alone. The
// file must still be what the scan read (same bytes, no BOM or declared
// encoding to re-encode), fixes whose edits overlap another's are skipped,
// and the result must parse with no more errors than before.
func rewrite(path string, findings []analysis.Finding) (old, out string, fixed int, why string) {
	raw, err := safeio.ReadFile(path, scan.MaxFileSize)
	if err != nil {
		return "", "", 0, safeio.Reason(err)
	}
	before := pysrc.Parse(path, raw)
	if before.Src != string(raw) {
		return "", "", 0, "the file is not plain UTF-8 (a BOM or a declared encoding); rewrite it by hand"
	}
	var accepted []analysis.Edit
	taken := map[analysis.Edit]bool{}
	overlaps := func(e analysis.Edit) bool {
		if taken[e] {
			return false // the same insertion (one import for several fixes)
		}
		inside := func(x int, r analysis.Edit) bool { return r.Start < x && x < r.End }
		for _, a := range accepted {
			switch {
			case e.Start == e.End && a.Start == a.End:
				// two insertions never overlap
			case e.Start == e.End:
				if inside(e.Start, a) {
					return true
				}
			case a.Start == a.End:
				if inside(a.Start, e) {
					return true
				}
			case e.Start < a.End && a.Start < e.End:
				return true
			}
		}
		return false
	}
	n := 0
	for _, fd := range findings {
		ok := true
		for _, e := range fd.Fix.Edits {
			if e.Start < 0 || e.End < e.Start || e.End > len(raw) || overlaps(e) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		for _, e := range fd.Fix.Edits {
			if !taken[e] {
				taken[e] = true
				accepted = append(accepted, e)
			}
		}
		n++
	}
	if n == 0 {
		return "", "", 0, "its fixes overlap"
	}
	out = applyEdits(string(raw), accepted)
	after := pysrc.Parse(path, []byte(out))
	if len(after.Errors) > len(before.Errors) {
		return "", "", 0, "the rewritten file would not parse (a letgo bug: please report it)"
	}
	return string(raw), out, n, ""
}

// applyEdits applies non-overlapping edits; insertions at one offset keep
// their order.
func applyEdits(src string, edits []analysis.Edit) string {
	sorted := append([]analysis.Edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Start != sorted[j].Start {
			return sorted[i].Start < sorted[j].Start
		}
		return sorted[i].End < sorted[j].End // an insertion before a replacement at the same offset
	})
	var b strings.Builder
	at := 0
	for _, e := range sorted {
		b.WriteString(src[at:e.Start])
		b.WriteString(e.New)
		at = e.End
	}
	b.WriteString(src[at:])
	return b.String()
}

// writeDiff prints a unified diff (no context lines) of old and new.
func writeDiff(w io.Writer, path, old, new string) {
	a, b := splitLines(old), splitLines(new)
	// Strip the common head and tail, then emit one hunk per run of
	// differing lines found by walking both with a longest-common-
	// subsequence table over the differing middle (small: fixes are local).
	fmt.Fprintf(w, "--- %s\n+++ %s\n", path, path)
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if i < len(a) && j < len(b) && a[i] == b[j] {
			i++
			j++
			continue
		}
		// Find the next resynchronisation point.
		ei, ej := resync(a, b, i, j)
		fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(i, ei-i), hunkRange(j, ej-j))
		for _, l := range a[i:ei] {
			fmt.Fprintf(w, "-%s", withNewline(l))
		}
		for _, l := range b[j:ej] {
			fmt.Fprintf(w, "+%s", withNewline(l))
		}
		i, j = ei, ej
	}
}

// resync returns the first (i2, j2) at or after (i, j) where a and b agree
// again for the rest of a short window, trying the smallest total skip.
func resync(a, b []string, i, j int) (int, int) {
	for total := 1; total <= len(a)-i+len(b)-j; total++ {
		for di := 0; di <= total; di++ {
			dj := total - di
			i2, j2 := i+di, j+dj
			if i2 > len(a) || j2 > len(b) {
				continue
			}
			if i2 == len(a) && j2 == len(b) || i2 < len(a) && j2 < len(b) && a[i2] == b[j2] && agree(a, b, i2, j2, 3) {
				return i2, j2
			}
		}
	}
	return len(a), len(b)
}

func agree(a, b []string, i, j, n int) bool {
	for k := 0; k < n && i+k < len(a) && j+k < len(b); k++ {
		if a[i+k] != b[j+k] {
			return false
		}
	}
	return true
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func withNewline(l string) string {
	if strings.HasSuffix(l, "\n") {
		return l
	}
	return l + "\n\\ No newline at end of file\n"
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}
