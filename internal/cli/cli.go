// Package cli implements letgo's subcommands and wires the layers together.
package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"

	"github.com/letgo-dev/letgo/internal/textsafe"
)

// Exit codes, as documented in the README.
const (
	ExitClean    = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitFindings = 3
)

// Version is letgo's version, set at build time with -ldflags.
var Version = "dev"

type command struct {
	name     string
	summary  string
	synopsis []string // "letgo scan [flags] [PATH...]", one line per form
	flags    bool     // parses flags: --help is answered by parseFlags with them
	hidden   bool
	// quick commands print what they know at once and cannot be cut
	// short: a cancellation does not make their output incomplete.
	quick bool
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{name: "scan", flags: true, summary: "scan Python trees for eventlet use: findings by file with the replacement for each, entry points, modes, stage and concerns",
			synopsis: []string{"letgo scan [flags] [PATH...]"}, run: runScan},
		{name: "check", flags: true, summary: "fail (exit 3) only on findings not in a baseline; list what was fixed",
			synopsis: []string{"letgo check --baseline FILE [flags] [PATH...]"}, run: runCheck},
		{name: "baseline", summary: "record the current findings as accepted",
			synopsis: []string{"letgo baseline write FILE [flags] [PATH...]"}, run: runBaseline},
		{name: "fix", flags: true, summary: "apply the exact rewrites (eventlet.sleep → time.sleep), or show them with --diff",
			synopsis: []string{"letgo fix [--diff] [flags] [PATH...]"}, run: runFix},
		{name: "why", flags: true, summary: "show how an entry point or module loads eventlet, hop by hop",
			synopsis: []string{"letgo why ENTRYPOINT|MODULE [--path ROOT] [--with ROOT]... [--site-packages DIR]... [--to MODULE]"}, run: runWhy},
		{name: "modes", flags: true, summary: "concurrency mode of every service, the switch that flips it, and the project's migration stage",
			synopsis: []string{"letgo modes [PATH] [--with ROOT]... [--format text|json]"}, run: runModes},
		{name: "history", flags: true, summary: "stage and modes per release tag of a git repository, with departures from the three-release pattern",
			synopsis: []string{"letgo history REPO --refs PATTERN|REF,REF... [--format text|json]"}, run: runHistory},
		{name: "graph", flags: true, summary: "eventlet verdict of every entry point (text, json, dot)",
			synopsis: []string{"letgo graph [ROOT] [--with ROOT]... [--format text|json|dot]"}, run: runGraph},
		{name: "blockers", flags: true, summary: "library modules that import eventlet unconditionally, ranked by entry points blocked",
			synopsis: []string{"letgo blockers [--path ROOT] [--with ROOT]... [--format text|json]"}, run: runBlockers},
		{name: "fleet", flags: true, summary: "scan every repository of a team map (and the releases of each series) into a store and report the fleet per team: stages, modes, blockers, deadlines, pace, changes between series",
			synopsis: []string{"letgo fleet scan (--governance DIR | --manifest FILE) --src DIR... [--with DIR]... [--db DSN] [--workers N]", "letgo fleet status [--db DSN] [--team T] [--format text|json|markdown|csv] [--governance DIR | --manifest FILE] [--src DIR]...",
				"letgo fleet backfill (--governance DIR | --manifest FILE) --src DIR... [--releases DIR] [--since SERIES] [--with DIR]... [--db DSN]",
				"letgo fleet diff [--db DSN] [--team T] [--format markdown|text|json] A B",
				"letgo fleet report [--db DSN] [--format markdown|json] TEAM"}, run: runFleet},
		// serve stops on SIGTERM by design (graceful shutdown): quick, so
		// that the stop is exit 0, not "interrupted".
		{name: "serve", flags: true, quick: true, summary: "the fleet's dashboard, its JSON API and the upload endpoint for CI scans",
			synopsis: []string{"letgo serve [--db DSN] [--addr HOST:PORT] [--private] [--governance DIR | --manifest FILE]"}, run: runServe},
		{name: "token", summary: "create, list and revoke the upload tokens of letgo serve",
			synopsis: []string{"letgo token create --db DSN (--repo PATTERN | --team TEAM) [--note TEXT]", "letgo token revoke --db DSN ID", "letgo token list --db DSN"}, run: runToken},
		{name: "compare", flags: true, summary: "eventlet vs threading with statistics: Rally results or two live deployments",
			synopsis: []string{"letgo compare [flags] A.json B.json", "letgo compare [flags] A1.json A2.json ... vs B1.json B2.json ...", "letgo compare --a URL --b URL --rate N [flags]"}, run: runCompare},
		{name: "load", flags: true, summary: "run one HTTP workload against a URL: latency from intended send time, service time, send lag, errors",
			synopsis: []string{"letgo load [flags] URL"}, run: runLoad},
		{name: "rules", quick: true, summary: "list the rules", synopsis: []string{"letgo rules"}, run: runRules},
		{name: "explain", quick: true, summary: "show a rule's documentation", synopsis: []string{"letgo explain EVnnn|SLUG"}, run: runExplain},
		{name: "version", quick: true, summary: "print letgo's version, module version and commit", synopsis: []string{"letgo version"}, run: runVersion},
		{name: "debug", flags: true, summary: "developer tools: debug frontend DIR... times the Python front end", synopsis: []string{"letgo debug frontend DIR..."}, hidden: true, run: runDebug},
	}
}

// Main runs letgo with args (without the program name) and returns the exit code.
//
// Two guarantees hold for every command, whatever it does itself: a failed
// write to stdout (a full disk, a closed pipe) ends in exit 1 and "write
// stdout: ..." on stderr, not exit 0 with a truncated output; and a command
// whose context was cancelled (SIGINT, SIGTERM) exits 1 with "interrupted".
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitClean
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if len(args) == 2 && isHelp(args[1]) && !c.flags {
				// Commands without flags answer --help too.
				commandUsage(stderr, c, nil)
				return ExitClean
			}
			out := &stickyWriter{w: stdout}
			code := c.run(ctx, args[1:], out, stderr)
			if code == ExitError || code == ExitUsage {
				return code // the command said what went wrong
			}
			if ctx.Err() != nil && !c.quick {
				// A command that does not check its context itself still
				// never exits 0 after a signal: what it printed may be
				// incomplete.
				return errorf(stderr, "interrupted")
			}
			if out.err != nil {
				return errorf(stderr, "write stdout: %v", out.err)
			}
			return code
		}
	}
	fmt.Fprintf(stderr, "letgo: unknown command %q\n", args[0])
	usage(stderr)
	return ExitUsage
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// commandUsage prints a command's synopsis, what it does and its flags,
// spelt with two dashes as the README writes them.
func commandUsage(w io.Writer, c command, fs *flag.FlagSet) {
	for i, line := range c.synopsis {
		prefix := "usage: "
		if i > 0 {
			prefix = "       "
		}
		fmt.Fprintln(w, prefix+line)
	}
	fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
	if fs == nil {
		return
	}
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) == 0 {
		return
	}
	fmt.Fprintln(w, "\nflags:")
	for _, f := range flags {
		name, use := flag.UnquoteUsage(f)
		if name == "value" {
			name = "LIST" // a repeatable, comma-separated flag
		}
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" {
			use += fmt.Sprintf(" (default %q)", def)
		}
		fmt.Fprintf(w, "%-28s %s\n", line, use)
	}
}

// commandOf finds the command a flag set belongs to ("baseline write" is
// baseline's).
func commandOf(fs *flag.FlagSet) (command, bool) {
	name, _, _ := strings.Cut(fs.Name(), " ")
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: letgo <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		if !c.hidden {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
		}
	}
}

// TuneGC trades memory for speed in a process that runs one command and
// exits (cmd/letgo calls it before Main; Main itself never touches the
// collector, so tests and programs that call Main keep their settings). A
// scan allocates over a GB of short-lived trees while its live heap stays
// small, so the default GOGC=100 collects constantly: GOGC=400 cost 25%
// fewer instructions than the default on the 44 MB corpus
// (docs/performance.md, "The whole scan again"), and a heap floor of three
// quarters of gcFloor (no collection while five times the live heap is
// under it, gcSettings) cut the 15 collections of that scan to 6 and its
// instructions by about a tenth (docs/performance.md, "The serial tail
// and the collector's floor"). That speed is bought with
// memory only within a budget: a soft limit of gcFloor, raised after each
// collection to twice the live heap once that is more than half the floor
// (the default GOGC=100's heap goal, but counted with the runtime's own
// memory, so a little tighter). A scan of one service and its
// libraries never reaches the floor and runs as before; a whole fleet in
// one scan is held near the floor instead of at five times a live heap
// that grows with every root (22 OpenStack repositories: 272-294 MB
// instead of 627-780 MB, docs/performance.md, "The fleet in one scan
// under 400 MB"), and a heap larger than the floor gets twice its size,
// never a limit the collector would have to chase. The price is CPU
// against an unbounded GOGC=400 once the floor binds (+17-24% for those
// 22 repositories, no more than Go's defaults). letgo serve is
// long-running and keeps Go's defaults. letgo compare spends its CPU in
// the tail bootstrap, not in allocation: on two Rally files of 10,000
// iterations x 20 workloads it used the same CPU under Go's defaults as
// under GOGC=400 (17.5-18.0 s against 17.5-18.2 s) for 173-181 MB of peak
// RSS instead of 275-300 MB, so it keeps the defaults too. GOGC and
// GOMEMLIMIT set by the user win.
func TuneGC(args []string) {
	tuneGC(args)
}

// tuneGC is TuneGC; it returns a function that stops raising the limit
// (for tests: the process's collector settings are theirs to restore).
func tuneGC(args []string) (stop func()) {
	if len(args) > 0 && (args[0] == "serve" || args[0] == "compare") {
		return func() {}
	}
	percent := os.Getenv("GOGC") == ""
	if percent {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	floor := gcFloor(args)
	set := func(live uint64) {
		p, limit := gcSettings(floor, live)
		if percent {
			debug.SetGCPercent(p)
		}
		debug.SetMemoryLimit(limit)
	}
	set(0)
	return followLiveHeap(set)
}

// gcFloor is TuneGC's smallest soft memory limit for a command. letgo
// history scans tree after tree with its cache of the current tree held
// (nova, 22 release tags: peak RSS 725 MB under a 1 GiB limit, 412 MB
// under 400 MiB, for the same CPU, 42.1 against 41.2 s), so it keeps its
// 400 MiB. A scan's floor is under the 250 MB a scan of nova, neutron and
// oslo.service may take, whose heap peaks at 170 MB with GOGC=400.
// letgo fleet backfill is history of each repository, and keeps its
// floor: under 256 MiB, nova's five releases (a live heap of 60-100 MB,
// the current tree's results and model) collected so often that a
// further release cost 5.61 G instructions, 4.69 G under 400 MiB, for a
// peak RSS of 402 MB instead of 274 MB (docs/performance.md, "Further
// releases of a backfill: the collector's floor").
func gcFloor(args []string) int64 {
	if len(args) > 0 && args[0] == "history" || len(args) > 1 && args[0] == "fleet" && args[1] == "backfill" {
		return 400 << 20
	}
	return 256 << 20
}

// followLiveHeap calls set with the live heap after each collection. It
// runs in a cleanup attached to an object that each run replaces: the
// runtime calls it once per completed collection, with no goroutine of
// its own.
func followLiveHeap(set func(live uint64)) (stop func()) {
	var mu sync.Mutex // held while the settings change: after stop, never again
	stopped := false
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		sentinel := new([16]byte) // not a tiny allocation: its cleanup runs
		runtime.AddCleanup(sentinel, func(struct{}) {
			mu.Lock()
			defer mu.Unlock()
			if stopped {
				return
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				set(sample[0].Value.Uint64())
			}
			arm()
		}, struct{}{})
	}
	arm()
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// gcSettings is the collector's GOGC and soft memory limit for a live
// heap. A scan's live heap is small (5-40 MB for 44 MB of Python) beside
// the GB of short-lived trees it allocates, so GOGC=400 alone would
// collect at 5x that small heap (15 collections for nova, neutron and
// oslo.service, each marking the same trees in flight). Below a heap of
// three quarters of floor the collector waits for the heap to reach it
// (GOGC off, the soft limit there): a heap floor, as the one Go's
// proposal for a minimum heap describes. Once five times the live heap is
// more than that, GOGC=400 applies with gcLimit's soft limit, as before.
func gcSettings(floor int64, live uint64) (percent int, limit int64) {
	minHeap := floor / 4 * 3
	if live < uint64(minHeap)/5 {
		return -1, minHeap
	}
	return 400, gcLimit(floor, live)
}

// gcLimit is the soft memory limit for a live heap: twice the heap, at
// least floor.
func gcLimit(floor int64, live uint64) int64 {
	if live > math.MaxInt64/4 {
		return math.MaxInt64
	}
	return max(floor, 2*int64(live))
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	fmt.Fprintln(stdout, versionLine())
	return ExitClean
}

// versionLine names the build: the -ldflags version, the module version
// (set by go install …@vX), the commit and whether the tree was modified,
// and the Go version.
func versionLine() string {
	line := "letgo " + Version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return line
	}
	if v := info.Main.Version; v != "" && v != "(devel)" && v != Version {
		line += " (module " + v + ")"
	}
	var rev, when, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+modified"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " commit " + rev + dirty
		if when != "" {
			line += " " + when
		}
	}
	return line + " " + info.GoVersion
}

// parseFlags parses fs and reports a usage error on stderr. Flags may come
// before, between or after positional arguments ("scan PATH --with LIB");
// "--" ends flag parsing. fs.Args() holds the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (ok bool, code int) {
	fs.SetOutput(stderr)
	if c, found := commandOf(fs); found {
		fs.Usage = func() { commandUsage(stderr, c, fs) }
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return false, ExitClean
			}
			return false, ExitUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	fs.Parse(append([]string{"--"}, positional...))
	return true, 0
}

// errorf reports an error on stderr and returns ExitError. Messages name
// files and quote configuration from the repository, so they are made
// safe for the terminal first.
func errorf(stderr io.Writer, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(stderr, "letgo: "+textsafe.Text(strings.TrimSuffix(msg, "\n")))
	return ExitError
}

// failed reports err from a long operation: "interrupted" when ctx was
// cancelled (the error is then only the cancellation's echo), otherwise the
// error with op (when not empty) in front.
func failed(ctx context.Context, stderr io.Writer, op string, err error) int {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return errorf(stderr, "interrupted")
	}
	if op != "" {
		return errorf(stderr, "%s: %v", op, err)
	}
	return errorf(stderr, "%v", err)
}

// stickyWriter remembers the first write error and drops every write after
// it, so a command can print with fmt.Fprintf unchecked and the error is
// still seen: Main wraps stdout in one and turns its error into exit 1.
// Commands that write elsewhere can use one the same way:
//
//	out := &stickyWriter{w: w}
//	... fmt.Fprintf(out, ...) ...
//	if out.err != nil { return errorf(stderr, "write %s: %v", name, out.err) }
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	s.err = err
	return n, err
}

// unwrapWriter returns the writer under Main's stickyWriter, for the
// questions asked of the real stdout (is it a terminal?).
func unwrapWriter(w io.Writer) io.Writer {
	if s, ok := w.(*stickyWriter); ok {
		return s.w
	}
	return w
}

// writeFileAtomic replaces the file at path with what write produces, so
// that path holds either its old content or the complete new one: write
// goes to a temporary file beside it, which is synced and renamed over
// path only when write, the sync and the close succeeded and ctx was not
// cancelled meanwhile. On failure the temporary file is removed and the
// old file left as it was. A symlink is followed (the file it points to is
// replaced, the link kept) and a file's permissions are kept. A path that
// is not a regular file (/dev/stdout, a FIFO) cannot be replaced and is
// written in place.
func writeFileAtomic(ctx context.Context, path string, write func(io.Writer) error) (err error) {
	target, perm := path, os.FileMode(0o666) // a new file gets the umask, as os.Create gives it
	existing := false
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return writeInPlace(path, write)
		}
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return err
		}
		perm, existing = fi.Mode().Perm(), true
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	var fh *os.File
	for try := 0; ; try++ {
		name := filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", base, rand.Uint32()))
		fh, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil || !errors.Is(err, os.ErrExist) || try == 100 {
			break
		}
	}
	if err != nil {
		return err
	}
	tmp := fh.Name()
	defer func() {
		if err != nil {
			fh.Close()
			os.Remove(tmp)
		}
	}()
	if existing {
		if err := fh.Chmod(perm); err != nil { // the umask narrowed it
			return err
		}
	}
	bw := bufio.NewWriter(fh)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := fh.Sync(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	// The rename is durable once the directory is synced; not every
	// system can sync a directory, and the new file is complete either way.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func writeInPlace(path string, write func(io.Writer) error) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(fh)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeJSON writes v as indented JSON, the form of every --format json.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
