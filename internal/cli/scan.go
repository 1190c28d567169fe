package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/report"
	"github.com/letgo-dev/letgo/internal/scan"
)

// listFlag collects a comma-separated, repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

type scanFlags struct {
	format, output, failOn, group, color string
	selectRules, ignoreRules             listFlag
	includeDocs                          bool
	with, site                           listFlag
	workers                              int
	set                                  map[string]bool
}

func newScanFlags(name string) (*flag.FlagSet, *scanFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	f := &scanFlags{}
	fs.StringVar(&f.format, "format", "text", "output format: "+strings.Join(report.Formats, ", "))
	fs.StringVar(&f.output, "output", "", "write the report to this file instead of stdout")
	fs.StringVar(&f.failOn, "fail-on", "", "exit 3 when a finding has at least this severity: info, low, medium, high")
	fs.StringVar(&f.group, "group", "file", "group text output by file or rule")
	fs.StringVar(&f.color, "color", "auto", "colour text output: auto, always, never (NO_COLOR is respected)")
	fs.Var(&f.selectRules, "select", "rule ids or prefixes to run (EV1, EV11x, EV110); repeatable")
	fs.Var(&f.ignoreRules, "ignore", "rule ids or prefixes to skip; repeatable")
	fs.BoolVar(&f.includeDocs, "include-docs", false, "also report documentation and release-note findings")
	fs.IntVar(&f.workers, "workers", 0, "parallel workers (default: number of CPUs)")
	fs.Var(&f.with, "with", "a library root to resolve imports in (not reported); repeatable")
	fs.Var(&f.site, "site-packages", "a site-packages directory to resolve imports in; repeatable")
	return fs, f
}

// applyConfig fills flags the user did not set from the project's config.
// configure notes which flags were given, takes the roots (default ".")
// and applies the configuration found at the first root; flags win.
func (f *scanFlags) configure(fs *flag.FlagSet, roots []string) ([]string, pyproj.Config, error) {
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if len(roots) == 0 {
		roots = []string{"."}
	}
	cfg, err := pyproj.LoadConfig(roots[0])
	if err != nil {
		return nil, cfg, err
	}
	f.applyConfig(cfg)
	return roots, cfg, nil
}

// configFailed reports a configuration that cannot be used: letgo's own
// section that does not parse is a usage error (exit 2), like a bad flag.
func configFailed(stderr io.Writer, err error) int {
	code := errorf(stderr, "%v", err)
	var ce *pyproj.ConfigError
	if errors.As(err, &ce) {
		return ExitUsage
	}
	return code
}

func (f *scanFlags) applyConfig(cfg pyproj.Config) {
	if !f.set["format"] && cfg.Format != "" {
		f.format = cfg.Format
	}
	if !f.set["fail-on"] && cfg.FailOn != "" {
		f.failOn = cfg.FailOn
	}
	if !f.set["select"] && len(cfg.Select) > 0 {
		f.selectRules = cfg.Select
	}
	if !f.set["ignore"] && len(cfg.Ignore) > 0 {
		f.ignoreRules = cfg.Ignore
	}
	if !f.set["include-docs"] && cfg.IncludeDocs != nil {
		f.includeDocs = *cfg.IncludeDocs
	}
}

func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := newScanFlags("scan")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo scan [flags] [PATH...]\n\nScan Python trees for eventlet use. Flags:")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	roots, _, err := f.configure(fs, fs.Args())
	if err != nil {
		return configFailed(stderr, err)
	}
	return scanAndReport(ctx, roots, f, stdout, stderr, nil)
}

// scanAndReport runs a scan, renders it and turns the result into an exit
// code. filter, when set, edits the result before rendering (baselines).
func scanAndReport(ctx context.Context, roots []string, f *scanFlags, stdout, stderr io.Writer, filter func(*scan.Result) error) int {
	if !validFormat(f.format) {
		fmt.Fprintf(stderr, "letgo: unknown format %q (want %s)\n", f.format, strings.Join(report.Formats, ", "))
		return ExitUsage
	}
	if f.group != "file" && f.group != "rule" {
		fmt.Fprintf(stderr, "letgo: --group must be file or rule, not %q\n", f.group)
		return ExitUsage
	}
	var failOn analysis.Severity
	if f.failOn != "" {
		sev, err := analysis.ParseSeverity(f.failOn)
		if err != nil {
			fmt.Fprintf(stderr, "letgo: --fail-on: %v\n", err)
			return ExitUsage
		}
		failOn = sev
	}
	for _, id := range append(append([]string{}, f.selectRules...), f.ignoreRules...) {
		if !strings.HasPrefix(strings.ToUpper(id), "EV") {
			fmt.Fprintf(stderr, "letgo: %q is not a rule id or prefix (EV1, EV110, ...)\n", id)
			return ExitUsage
		}
	}
	opts := scan.Options{Select: f.selectRules, Ignore: f.ignoreRules, IncludeDocs: f.includeDocs, Workers: f.workers, Version: Version,
		With: f.with, SitePackages: f.site}
	if isTerminal(stderr) {
		opts.Progress = progress(stderr)
	}
	res, err := scan.Run(ctx, roots, opts)
	if opts.Progress != nil {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		if errors.Is(err, pyproj.ErrRoot) {
			return errorf(stderr, "%v", err)
		}
		return errorf(stderr, "scan: %v", err)
	}
	if filter != nil {
		if err := filter(res); err != nil {
			return errorf(stderr, "%v", err)
		}
	}
	out := stdout
	var file *os.File
	if f.output != "" {
		file, err = os.Create(f.output)
		if err != nil {
			return errorf(stderr, "write report: %v", err)
		}
		out = file
	}
	bw := bufio.NewWriter(out)
	color := f.color == "always" || f.color == "auto" && f.output == "" && isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	if os.Getenv("NO_COLOR") != "" && f.color != "always" {
		color = false
	}
	err = report.Write(bw, f.format, res, report.TextOptions{Color: color, GroupBy: f.group})
	if err == nil {
		err = bw.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return errorf(stderr, "write report: %v", err)
	}
	if failOn != "" {
		for _, fd := range res.Findings {
			if fd.Severity.Rank() >= failOn.Rank() {
				return ExitFindings
			}
		}
	}
	return ExitClean
}

func validFormat(f string) bool {
	for _, x := range report.Formats {
		if x == f {
			return true
		}
	}
	return false
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func progress(w io.Writer) func(done, total int) {
	return func(done, total int) {
		if total >= 200 && (done%50 == 0 || done == total) {
			fmt.Fprintf(w, "\rletgo: %d/%d files", done, total)
		}
	}
}
