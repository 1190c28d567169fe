package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/scan"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// runCheck scans and fails only on findings that are not in the baseline.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := newScanFlags("check")
	baseline := fs.String("baseline", "", "baseline file written by 'letgo baseline write' (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo check --baseline FILE [flags] [PATH...]\n\nFail only on findings that are not in the baseline. Flags:")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if *baseline == "" {
		fmt.Fprintln(stderr, "letgo: check needs --baseline FILE (write one with 'letgo baseline write FILE')")
		return ExitUsage
	}
	roots, cfg, err := f.configure(fs, fs.Args(), stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	if !f.set["fail-on"] && cfg.FailOn == "" {
		f.failOn = "info" // any new finding fails the check
	}
	fh, err := os.Open(*baseline)
	if err != nil {
		return errorf(stderr, "read baseline: %v", err)
	}
	b, err := scan.ReadBaseline(fh)
	fh.Close()
	if err != nil {
		return errorf(stderr, "%s: %v", *baseline, err)
	}
	return scanAndReport(ctx, roots, f, stdout, stderr, func(res *contract.Result) error {
		scan.ApplyBaseline(res, b, *baseline)
		s := res.Baseline
		fmt.Fprintf(stderr, "letgo check: %d new, %d known, %d fixed (baseline %s)\n", s.New, s.Known, len(s.Fixed), *baseline)
		if s.NotRun > 0 {
			fmt.Fprintf(stderr, "  %d accepted finding(s) of rules that did not run were not checked\n", s.NotRun)
		}
		if s.OutOfScope > 0 {
			fmt.Fprintf(stderr, "  %d accepted finding(s) outside the paths given were not checked\n", s.OutOfScope)
		}
		for _, e := range s.Fixed {
			fmt.Fprintf(stderr, "  fixed: %s:%d %s %s\n", textsafe.Line(e.Path), e.Line, textsafe.Line(e.Rule), textsafe.Line(e.Message))
		}
		return nil
	})
}

// runBaseline writes the current findings as a baseline.
func runBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "write" {
		fmt.Fprintln(stderr, "usage: letgo baseline write FILE [flags] [PATH...]")
		return ExitUsage
	}
	fs, f := newScanFlags("baseline write")
	if ok, code := parseFlags(fs, args[1:], stderr); !ok {
		return code
	}
	if fs.NArg() < 1 {
		fmt.Fprintln(stderr, "usage: letgo baseline write FILE [flags] [PATH...]")
		return ExitUsage
	}
	out := fs.Arg(0)
	// The project's [tool.letgo] settings apply as they do to scan and
	// check, or check would call the findings they leave out "fixed".
	roots, _, err := f.configure(fs, fs.Args()[1:], stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	res, err := scan.Run(ctx, roots, f.options())
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	// The previous baseline survives a failed or interrupted write: check
	// would otherwise call every accepted finding new.
	b := scan.NewBaseline(res)
	if err := writeFileAtomic(ctx, out, func(w io.Writer) error { return scan.WriteBaseline(w, b) }); err != nil {
		return failed(ctx, stderr, "write baseline "+out, err)
	}
	fmt.Fprintf(stdout, "wrote %d findings to %s\n", len(res.Findings), textsafe.Line(out))
	return ExitClean
}
