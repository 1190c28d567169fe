package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/letgo-dev/letgo/internal/compare"
)

// runCompare compares two Rally results (eventlet mode, threading mode).
func runCompare(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text or json")
	alpha := fs.Float64("alpha", 0.05, "two-sided significance level")
	margin := fs.Float64("margin", 0.05, "equivalence margin (0.05 = ±5%)")
	maxRatio := fs.Float64("max-ratio", 0, "exit 3 when a regressed cell's B/A ratio exceeds this (e.g. 1.10); 0: any regression")
	failOn := fs.Bool("fail-on-regression", false, "exit 3 when any cell is regressed")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo compare [flags] A.json B.json\n\nCompare two Rally results (task report/export JSON or the legacy results list). Flags:")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 2 || (*format != "text" && *format != "json") || *alpha <= 0 || *alpha >= 0.5 || *margin <= 0 {
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
