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
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/report"
	"github.com/letgo-dev/letgo/internal/rules"
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
	set                                  map[string]bool // flags given on the command line
	fromConfig                           map[string]bool // flags filled from the configuration
	scope                                map[string][]string
	exclude                              []pyproj.Glob
	perFileIgnores                       []pyproj.PerFileIgnore
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

// configure notes which flags were given, takes the roots (default "."),
// applies the configuration found at the first root (flags win) and
// checks every setting, from flags and configuration alike: an unknown
// rule, key or value is a usage error naming what is wrong and what
// exists, never a scan that silently checks nothing.
func (f *scanFlags) configure(fs *flag.FlagSet, roots []string, stderr io.Writer) ([]string, pyproj.Config, error) {
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if len(roots) == 0 {
		roots = []string{"."}
	}
	roots, err := f.discover(roots)
	if err != nil {
		return nil, pyproj.Config{}, err
	}
	cfg, err := pyproj.LoadConfig(roots[0])
	if err != nil {
		return nil, cfg, usageError{err}
	}
	if cfg.Source != "" && len(cfg.Shadowed) > 0 {
		fmt.Fprintf(stderr, "letgo: using [%s] in %s; ignoring %s\n", cfg.Section, cfg.Source, strings.Join(cfg.Shadowed, ", "))
	}
	f.applyConfig(cfg)
	if err := f.validate(cfg); err != nil {
		return nil, cfg, err
	}
	return roots, cfg, nil
}

// discover maps each path argument to the project it belongs to, the way
// ruff and flake8 do: a file or a subdirectory is analysed as part of its
// project (found upward: pyproject.toml, setup.cfg, setup.py, .git), and
// only the paths given are reported. Each project is scanned once.
func (f *scanFlags) discover(paths []string) ([]string, error) {
	var roots []string
	scope := map[string][]string{}
	whole := map[string]bool{}
	for _, p := range paths {
		root, rel, err := pyproj.FindRoot(p)
		if err != nil {
			// A missing path is the scan's to report ("cannot read project root").
			root, rel = p, ""
		}
		if _, seen := scope[root]; !seen && !whole[root] {
			roots = append(roots, root)
		}
		if rel == "" {
			whole[root] = true
			delete(scope, root)
			continue
		}
		if !whole[root] {
			scope[root] = append(scope[root], rel)
		}
	}
	f.scope = scope
	return roots, nil
}

// usageError marks an error as the user's mistake (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitFor reports err on stderr and returns its exit code.
func exitFor(stderr io.Writer, err error) int {
	code := errorf(stderr, "%v", err)
	var u usageError
	var ce *pyproj.ConfigError
	if errors.As(err, &u) || errors.As(err, &ce) {
		return ExitUsage
	}
	return code
}

// where names the origin of a setting: the flag, or the configuration line.
func (f *scanFlags) where(flagName, key string, cfg pyproj.Config) string {
	if !f.fromConfig[flagName] {
		return "--" + flagName
	}
	return cfg.Where(key)
}

func (f *scanFlags) validate(cfg pyproj.Config) error {
	check := func(flagName, key string, list []string) error {
		for _, sel := range list {
			if rules.KnownSelector(sel) {
				continue
			}
			msg := fmt.Sprintf("%s: unknown rule %q", f.where(flagName, key, cfg), sel)
			if s := rules.Suggest(sel); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			msg += fmt.Sprintf("; rules are ids or prefixes of %s (letgo rules lists them)", strings.Join(rules.Families(), ", "))
			return usageError{errors.New(msg)}
		}
		return nil
	}
	if err := check("select", "select", f.selectRules); err != nil {
		return err
	}
	if err := check("ignore", "ignore", f.ignoreRules); err != nil {
		return err
	}
	for _, p := range f.perFileIgnores {
		if err := check("per-file-ignores", "per-file-ignores", p.Codes); err != nil {
			return err
		}
	}
	if !validFormat(f.format) {
		return usageError{fmt.Errorf("%s: unknown format %q (want %s)", f.where("format", "format", cfg), f.format, strings.Join(report.Formats, ", "))}
	}
	if f.failOn != "" {
		if _, err := analysis.ParseSeverity(f.failOn); err != nil {
			return usageError{fmt.Errorf("%s: %v", f.where("fail-on", "fail-on", cfg), err)}
		}
	}
	if f.group != "file" && f.group != "rule" {
		return usageError{fmt.Errorf("--group must be file or rule, not %q", f.group)}
	}
	switch f.color {
	case "auto", "always", "never":
	default:
		return usageError{fmt.Errorf("--color must be auto, always or never, not %q", f.color)}
	}
	return nil
}

func (f *scanFlags) applyConfig(cfg pyproj.Config) {
	f.fromConfig = map[string]bool{}
	take := func(flagName string, ok bool, apply func()) {
		if !f.set[flagName] && ok {
			apply()
			f.fromConfig[flagName] = true
		}
	}
	take("format", cfg.Format != "", func() { f.format = cfg.Format })
	take("fail-on", cfg.FailOn != "", func() { f.failOn = cfg.FailOn })
	take("select", len(cfg.Select) > 0, func() { f.selectRules = cfg.Select })
	take("ignore", len(cfg.Ignore) > 0, func() { f.ignoreRules = cfg.Ignore })
	take("include-docs", cfg.IncludeDocs != nil, func() { f.includeDocs = *cfg.IncludeDocs })
	f.exclude = append(append([]pyproj.Glob{}, cfg.Exclude...), cfg.ExtendExclude...)
	f.perFileIgnores = cfg.PerFileIgnores
	f.fromConfig["per-file-ignores"] = len(cfg.PerFileIgnores) > 0 // a setting with no flag
}

// options is the one place the scan options are built from the flags, so
// scan, check and baseline write scan alike (a baseline written without
// --with would hold findings a check with --with does not make).
func (f *scanFlags) options() scan.Options {
	return scan.Options{Select: f.selectRules, Ignore: f.ignoreRules, IncludeDocs: f.includeDocs, Workers: f.workers, Version: Version,
		With: f.with, SitePackages: f.site, Scope: f.scope, Exclude: f.exclude, PerFileIgnores: f.perFileIgnores}
}

func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := newScanFlags("scan")
	var up uploadFlags
	up.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo scan [flags] [PATH...]\n\nScan Python trees for eventlet use. Flags:")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	roots, _, err := f.configure(fs, fs.Args(), stderr)
	if err == nil {
		err = up.check()
	}
	if err != nil {
		return exitFor(stderr, err)
	}
	if up.url == "" {
		return scanAndReport(ctx, roots, f, stdout, stderr, nil)
	}
	var res *contract.Result
	code := scanAndReport(ctx, roots, f, stdout, stderr, func(r *contract.Result) error { res = r; return nil })
	if code != ExitClean && code != ExitFindings {
		return code
	}
	if err := up.upload(ctx, roots[0], res, stderr); err != nil {
		return failed(ctx, stderr, "", err)
	}
	return code
}

// scanAndReport runs a scan, renders it and turns the result into an exit
// code. filter, when set, edits the result before rendering (baselines).
func scanAndReport(ctx context.Context, roots []string, f *scanFlags, stdout, stderr io.Writer, filter func(*contract.Result) error) int {
	var failOn analysis.Severity
	if f.failOn != "" {
		sev, err := analysis.ParseSeverity(f.failOn)
		if err != nil {
			fmt.Fprintf(stderr, "letgo: --fail-on: %v\n", err)
			return ExitUsage
		}
		failOn = sev
	}
	opts := f.options()
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
		return failed(ctx, stderr, "scan", err)
	}
	if filter != nil {
		if err := filter(res); err != nil {
			return errorf(stderr, "%v", err)
		}
	}
	color := f.color == "always" || f.color == "auto" && f.output == "" && isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	if os.Getenv("NO_COLOR") != "" && f.color != "always" {
		color = false
	}
	render := func(w io.Writer) error {
		return report.Write(w, f.format, res, report.TextOptions{Color: color, GroupBy: f.group})
	}
	if f.output != "" {
		if err := writeFileAtomic(ctx, f.output, render); err != nil {
			return failed(ctx, stderr, "write report "+f.output, err)
		}
	} else {
		bw := bufio.NewWriter(stdout)
		err := render(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			return errorf(stderr, "write stdout: %v", err)
		}
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
	f, ok := unwrapWriter(w).(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func progress(w io.Writer) func(done, total int) {
	return func(done, total int) {
		if total >= 200 && (done%50 == 0 || done == total) {
			fmt.Fprintf(w, "\rletgo: %d/%d files", done, total)
		}
	}
}
