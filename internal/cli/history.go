package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/letgo-dev/letgo/internal/history"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// runHistory scans release refs of a git repository and reports stage and
// modes per ref, with departures from the three-release pattern.
func runHistory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	refsFlag := fs.String("refs", "", "tags to scan: a glob ('2*.0.0') or a comma-separated list of refs")
	format := fs.String("format", "text", "output format: text or json")
	workers := fs.Int("workers", 0, "parallel workers (default: number of CPUs)")
	var with listFlag
	fs.Var(&with, "with", "a library root every ref's imports resolve against (not reported), so that loading eventlet through a library counts; repeatable")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo history PATH --refs PATTERN|REF,REF... [--with ROOT]... [--format text|json]")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 || *refsFlag == "" || (*format != "text" && *format != "json") {
		fs.Usage()
		return ExitUsage
	}
	repo := fs.Arg(0)
	var list []string
	pattern := *refsFlag
	if strings.Contains(pattern, ",") || !strings.ContainsAny(pattern, "*?[") {
		list = strings.Split(pattern, ",")
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
		}
	}
	// Refs reach git; one that starts with "-" would be an option to it
	// (--output=FILE writes a file), so it is a usage error, not a lookup.
	names := list
	if names == nil {
		names = []string{pattern}
	}
	for _, name := range names {
		if why := history.CheckRefName(name); why != "" {
			fmt.Fprintf(stderr, "letgo history: --refs: %s\n", why)
			return ExitUsage
		}
	}
	interrupted := func(done, total int) int {
		return errorf(stderr, "history of %s interrupted after %d of %d refs; no report written", repo, done, total)
	}
	refs, err := history.ResolveRefs(ctx, repo, pattern, list)
	if ctx.Err() != nil {
		return interrupted(0, len(refs))
	}
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	if len(refs) == 0 {
		return errorf(stderr, "no ref of %s matches %q", repo, pattern)
	}
	done := 0
	tty := isTerminal(stderr)
	for _, w := range with {
		if fi, err := os.Stat(w); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "letgo history: --with %s: not a directory\n", w)
			return ExitUsage
		}
	}
	opts := history.Options{Workers: *workers, Version: Version, With: with, Progress: func(n, total int, ref string) {
		done = n
		if tty {
			fmt.Fprintf(stderr, "\rletgo: %d/%d %s\x1b[K", n, total, ref)
		}
	}}
	rep, err := history.Run(ctx, repo, refs, opts)
	if tty {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if ctx.Err() != nil {
		return interrupted(done, len(refs))
	}
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	for _, e := range rep.Entries {
		for _, r := range e.Refused {
			fmt.Fprintf(stderr, "letgo: %s: path %q not scanned: %s\n", textsafe.Line(e.Name), r.Path, textsafe.Line(r.Reason))
		}
	}
	if *format == "json" {
		if err := writeJSON(stdout, rep); err != nil {
			return errorf(stderr, "write stdout: %v", err)
		}
		return ExitClean
	}
	fmt.Fprintf(stdout, "%-14s %-10s %-6s %-5s %-8s %-40s %s\n", "REF", "DATE", "STAGE", "DEBT", "PARSED", "MODES", "CHANGES")
	prev := map[string]string{}
	for i, e := range rep.Entries {
		counts := map[string]int{}
		var changes []string
		for _, s := range e.Services {
			counts[string(s.Mode)]++
			if i > 0 && prev[s.Name] != string(s.Mode) {
				from := prev[s.Name]
				if from == "" {
					from = "new"
				}
				changes = append(changes, fmt.Sprintf("%s: %s -> %s", s.Name, from, s.Mode))
			}
		}
		prev = map[string]string{}
		for _, s := range e.Services {
			prev[s.Name] = string(s.Mode)
		}
		level := "?"
		if e.Stage.Stage != nil {
			level = strconv.Itoa(*e.Stage.Stage)
		}
		fmt.Fprintf(stdout, "%-14s %-10s %-6s %-5d %-8s %-40s %s\n", textsafe.Line(e.Name), e.Date.Format("2006-01-02"), level, e.RuntimeDebt,
			fmt.Sprintf("%d/%d", e.Parsed, e.Parsed+e.Reused), modeCounts(counts), textsafe.Line(strings.Join(changes, "; ")))
	}
	if len(rep.Departures) == 0 {
		fmt.Fprintln(stdout, "\nno departure from the three-release pattern")
	} else {
		fmt.Fprintln(stdout, "\ndepartures from the three-release pattern:")
		for _, d := range rep.Departures {
			who := d.Service
			if who == "" {
				who = "project"
			}
			fmt.Fprintln(stdout, "  "+textsafe.Line(fmt.Sprintf("%s: %s (%s) -> %s (%s): %s", who, d.From, d.FromRef, d.To, d.ToRef, d.Message)))
		}
	}
	if len(rep.Regressions) == 0 {
		fmt.Fprintln(stdout, "no regression toward eventlet")
	} else {
		fmt.Fprintln(stdout, "\nregressions toward eventlet:")
		for _, d := range rep.Regressions {
			who := d.Service
			if who == "" {
				who = "project"
			}
			fmt.Fprintln(stdout, "  "+textsafe.Line(fmt.Sprintf("%s: %s (%s) -> %s (%s): %s", who, d.From, d.FromRef, d.To, d.ToRef, d.Message)))
		}
	}
	return ExitClean
}

func modeCounts(m map[string]int) string {
	short := map[modes.Mode]string{modes.EventletOnly: "E", modes.DualDefaultEventlet: "De", modes.DualDefaultThreading: "Dt", modes.ThreadingOnly: "T", modes.NoRuntime: "-", modes.Unknown: "?"}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		s := short[modes.Mode(k)]
		if s == "" {
			s = k
		}
		parts = append(parts, fmt.Sprintf("%s%d", s, m[k]))
	}
	return strings.Join(parts, " ")
}
