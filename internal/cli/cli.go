// Package cli implements letgo's subcommands and wires the layers together.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
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
	name    string
	summary string
	hidden  bool
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{name: "scan", summary: "scan Python trees for eventlet use: letgo scan [flags] [PATH...]", run: runScan},
		{name: "check", summary: "fail only on findings not in a baseline: letgo check --baseline FILE [PATH...]", run: runCheck},
		{name: "baseline", summary: "record findings as accepted: letgo baseline write FILE [PATH...]", run: runBaseline},
		{name: "why", summary: "show how an entry point or module loads eventlet: letgo why NAME --path ROOT --with LIB", run: runWhy},
		{name: "modes", summary: "concurrency mode of every service, the switch that flips it, and the project's migration stage", run: runModes},
		{name: "history", summary: "stage and modes per release tag of a git repository, with departures from the three-release pattern", run: runHistory},
		{name: "graph", summary: "eventlet verdict of every entry point (text, json, dot)", run: runGraph},
		{name: "blockers", summary: "library modules that import eventlet unconditionally, ranked by entry points blocked", run: runBlockers},
		{name: "compare", summary: "eventlet vs threading with statistics: two Rally results (A.json B.json) or two live deployments (--a URL --b URL)", run: runCompare},
		{name: "load", summary: "run one HTTP workload against a URL: latency from intended send time, service time, send lag, errors", run: runLoad},
		{name: "rules", summary: "list the rules", run: runRules},
		{name: "explain", summary: "show a rule's documentation: letgo explain EV101", run: runExplain},
		{name: "version", summary: "print letgo's version", run: runVersion},
		{name: "debug", summary: "developer tools: debug frontend DIR... times the Python front end", hidden: true, run: runDebug},
	}
}

// Main runs letgo with args (without the program name) and returns the exit code.
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
			tuneGC()
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "letgo: unknown command %q\n", args[0])
	usage(stderr)
	return ExitUsage
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

// tuneGC trades memory for speed: a scan's live heap is small while it
// allocates hundreds of MB of short-lived trees, so the default GOGC=100
// collects constantly. GOGC=400 with a soft 1 GiB limit measured 1.4x
// faster on a 44 MB corpus (docs/performance.md). GOGC and GOMEMLIMIT set
// by the user win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, "letgo %s\n", Version)
	return ExitClean
}

// parseFlags parses fs and reports a usage error on stderr. Flags may come
// before, between or after positional arguments ("scan PATH --with LIB");
// "--" ends flag parsing. fs.Args() holds the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (ok bool, code int) {
	fs.SetOutput(stderr)
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

func errorf(stderr io.Writer, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(stderr, "letgo: "+strings.TrimSuffix(msg, "\n"))
	return ExitError
}
