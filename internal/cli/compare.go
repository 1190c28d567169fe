package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/letgo-dev/letgo/internal/compare"
)

// runCompare compares two Rally results (eventlet mode, threading mode).
func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text or json")
	alpha := fs.Float64("alpha", 0.05, "two-sided significance level")
	margin := fs.Float64("margin", 0.05, "equivalence margin (0.05 = ±5%)")
	maxRatio := fs.Float64("max-ratio", 0, "exit 3 when a regressed cell's B/A ratio exceeds this (e.g. 1.10); 0: any regression")
	failOn := fs.Bool("fail-on-regression", false, "exit 3 when any cell is regressed")
	var lf liveFlags
	fs.StringVar(&lf.a, "a", "", "base URL of deployment A (live mode)")
	fs.StringVar(&lf.b, "b", "", "base URL of deployment B (live mode)")
	fs.StringVar(&lf.path, "path", "/", "request path (live mode)")
	fs.StringVar(&lf.method, "method", "GET", "request method (live mode)")
	fs.Float64Var(&lf.rate, "rate", 0, "open model: requests per second (live mode)")
	fs.IntVar(&lf.clients, "clients", 0, "closed model: concurrent clients (live mode)")
	fs.IntVar(&lf.trials, "trials", 10, "trials per arm, interleaved in randomised blocks (live mode)")
	fs.DurationVar(&lf.duration, "duration", 10*time.Second, "measured duration of each trial (live mode)")
	fs.DurationVar(&lf.warmup, "warmup", 2*time.Second, "warm-up excluded from each trial (live mode)")
	fs.Uint64Var(&lf.seed, "seed", 1, "seed for arrival times and block order (live mode)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo compare [flags] A.json B.json\n       letgo compare --a URL --b URL --rate N [flags]\n\nCompare two Rally results (task report/export JSON or the legacy results list),\nor run the same HTTP workload against two deployments in interleaved trials. Flags:")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if (*format != "text" && *format != "json") || *alpha <= 0 || *alpha >= 0.5 || *margin <= 0 {
		fs.Usage()
		return ExitUsage
	}
	if lf.a != "" || lf.b != "" {
		if lf.a == "" || lf.b == "" || fs.NArg() != 0 {
			fmt.Fprintln(stderr, "letgo: live mode needs both --a and --b, and no files")
			return ExitUsage
		}
		return runLive(ctx, lf, *format, *alpha, *margin, *maxRatio, *failOn, stdout, stderr)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return ExitUsage
	}
	var arms [2][]compare.Workload
	for i, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			return errorf(stderr, "read %s: %v", path, err)
		}
		arms[i], err = compare.ParseRally(f)
		f.Close()
		if err != nil {
			return errorf(stderr, "%s: %v", path, err)
		}
	}
	rep := compare.CompareRally(arms[0], arms[1], compare.Options{Alpha: *alpha, Margin: *margin})
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return errorf(stderr, "write report: %v", err)
		}
	} else {
		fmt.Fprintf(stdout, "A: %s\nB: %s\n\n", fs.Arg(0), fs.Arg(1))
		if err := compare.WriteText(stdout, rep); err != nil {
			return errorf(stderr, "write report: %v", err)
		}
		fmt.Fprintf(stdout, "\nverdicts: %s\n", rep.Counts())
	}
	for _, c := range rep.Cells {
		if c.Verdict != "regressed" {
			continue
		}
		if *failOn || (*maxRatio > 0 && c.Ratio > *maxRatio) {
			return ExitFindings
		}
	}
	return ExitClean
}
