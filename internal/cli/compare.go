package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/letgo-dev/letgo/internal/compare"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// runCompare compares two Rally results (eventlet mode, threading mode).
func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text, json, markdown or html (one self-contained page with plots)")
	output := fs.String("output", "", "write the report to this file instead of stdout (replaced whole, or left as it was)")
	alpha := fs.Float64("alpha", 0.05, "two-sided significance level")
	margin := fs.Float64("margin", 0.05, "equivalence margin (0.05 = ±5%)")
	maxRatio := fs.Float64("max-ratio", 0, "exit 3 when a regressed cell's B/A ratio exceeds this (e.g. 1.10); 0: any regression")
	failOn := fs.Bool("fail-on-regression", false, "exit 3 when any cell is regressed")
	maxTail := fs.Float64("max-tail-ratio", 0, "exit 3 when a cell's tail (p99, or p95 under 100 observations) B/A ratio exceeds this and its bootstrap interval lies above 1")
	maxP99 := fs.Float64("max-p99-ratio", 0, "exit 3 when p99 latency's B/A exceeds this with evidence: a live p99 cell that regressed, or a Rally p99 whose bootstrap interval lies above 1 (e.g. 1.10)")
	g := gate{maxErrDelta: -1}
	fs.Func("max-error-delta", "exit 3 when B's error rate exceeds A's by more than this many percentage points and Fisher's exact test finds the difference (p < alpha); 0: any significant increase", func(v string) error {
		d, err := strconv.ParseFloat(v, 64)
		if err != nil || d < 0 || math.IsNaN(d) {
			return fmt.Errorf("want a number of percentage points ≥ 0, got %q", v)
		}
		g.maxErrDelta = d
		return nil
	})
	errMargin := fs.Float64("error-margin", 0.1, "equivalence margin of per-trial error rates in live mode, percentage points")
	cellsRE := fs.String("cells", "", "compare only the cells whose \"workload metric\" matches this regular expression (fewer cells, a lighter Holm correction), e.g. 'duration median'")
	metaA := fs.String("meta-a", "", "metadata file of deployment A (JSON or TOML: versions, settings), diffed into the report")
	metaB := fs.String("meta-b", "", "metadata file of deployment B")
	var lf liveFlags
	fs.StringVar(&lf.a, "a", "", "base URL of deployment A (live mode)")
	fs.StringVar(&lf.b, "b", "", "base URL of deployment B (live mode)")
	lf.register(fs, " (live mode)")
	fs.IntVar(&lf.trials, "trials", 10, "trials per arm, interleaved in randomised blocks (live mode)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo compare [flags] A.json B.json\n       letgo compare [flags] A1.json A2.json ... vs B1.json B2.json ...\n       letgo compare --a URL --b URL --rate N [flags]\n\nCompare two Rally results (task report/export JSON or the legacy results list),\nseveral Rally runs per arm (each run one observation), or run the same HTTP\nworkload against two deployments in interleaved trials. Flags:")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	g.maxRatio, g.maxTail, g.maxP99, g.failOn, g.alpha = *maxRatio, *maxTail, *maxP99, *failOn, *alpha
	var keep func(workload, metric string) bool
	if *cellsRE != "" {
		re, err := regexp.Compile(*cellsRE)
		if err != nil {
			fmt.Fprintf(stderr, "letgo: --cells: %v\n", err)
			return ExitUsage
		}
		keep = func(workload, metric string) bool { return re.MatchString(workload + " " + metric) }
	}
	if !compareFormats[*format] || *alpha <= 0 || *alpha >= 0.5 || *margin <= 0 || *errMargin <= 0 {
		fs.Usage()
		return ExitUsage
	}
	if (*metaA == "") != (*metaB == "") {
		fmt.Fprintln(stderr, "letgo: --meta-a and --meta-b go together")
		return ExitUsage
	}
	var meta []compare.MetaDiff
	if *metaA != "" {
		var sides [2]map[string]string
		for i, path := range []string{*metaA, *metaB} {
			data, err := readFileLimit(path, compare.MaxMetaBytes)
			if err == nil {
				sides[i], err = compare.ParseMeta(path, data)
			}
			if err != nil {
				return errorf(stderr, "metadata: %v", err)
			}
		}
		meta = compare.DiffMeta(sides[0], sides[1])
	}
	withMeta := func(rep *compare.Report) {
		rep.Metadata, rep.MetaCompared = meta, *metaA != ""
	}
	if lf.a != "" || lf.b != "" {
		if lf.a == "" || lf.b == "" || fs.NArg() != 0 {
			fmt.Fprintln(stderr, "letgo: live mode needs both --a and --b, and no files")
			return ExitUsage
		}
		opts := compare.Options{Alpha: *alpha, Margin: *margin, ErrorMargin: *errMargin, Keep: keep}
		return runLive(ctx, lf, *format, *output, opts, g, withMeta, stdout, stderr)
	}
	sides, ok := rallySides(fs.Args())
	if !ok && slices.Contains(fs.Args(), "vs") {
		fmt.Fprintln(stderr, "letgo: several runs per arm need two or more on each side: A1.json A2.json ... vs B1.json B2.json ... (or one on each side)")
		return ExitUsage
	}
	if !ok {
		fs.Usage()
		return ExitUsage
	}
	var runs [2][][]compare.Workload
	for i, paths := range sides {
		for _, path := range paths {
			f, err := os.Open(path)
			if err != nil {
				return errorf(stderr, "read %s: %v", path, err)
			}
			ws, err := compare.ParseRally(f)
			f.Close()
			if err != nil {
				return errorf(stderr, "%s: %v", path, err)
			}
			runs[i] = append(runs[i], ws)
		}
	}
	opts := compare.Options{Alpha: *alpha, Margin: *margin, ErrorMargin: *errMargin, Keep: keep}
	var rep compare.Report
	if len(runs[0]) == 1 && len(runs[1]) == 1 {
		rep = compare.CompareRally(runs[0][0], runs[1][0], opts)
	} else {
		rep = compare.CompareRallyRuns(runs[0], runs[1], opts)
	}
	withMeta(&rep)
	if err := writeComparison(ctx, stdout, *output, *format, strings.Join(sides[0], ", "), strings.Join(sides[1], ", "), rep, nil); err != nil {
		return errorf(stderr, "write report: %v", err)
	}
	return g.exit(rep, stderr)
}

// rallySides splits compare's file arguments into the two arms: "A B" (one
// run each) or "A1 A2 ... vs B1 B2 ..." (runs per arm, two or more each).
func rallySides(args []string) ([2][]string, bool) {
	i := slices.Index(args, "vs")
	if i < 0 {
		return [2][]string{args[:min(1, len(args))], args[min(1, len(args)):]}, len(args) == 2
	}
	a, b := args[:i], args[i+1:]
	if len(a) == 1 && len(b) == 1 {
		return [2][]string{a, b}, true
	}
	return [2][]string{a, b}, len(a) >= 2 && len(b) >= 2
}

var compareFormats = map[string]bool{"text": true, "json": true, "markdown": true, "html": true}

// writeComparison renders a comparison of A and B in a format; trials are
// the live runs, if any, kept in the JSON for re-rendering.
func writeComparison(ctx context.Context, stdout io.Writer, output, format, a, b string, rep compare.Report, trials []compare.Trial) error {
	if output == "" {
		return renderComparison(stdout, format, a, b, rep, trials)
	}
	return writeFileAtomic(ctx, output, func(w io.Writer) error { return renderComparison(w, format, a, b, rep, trials) })
}

func renderComparison(w io.Writer, format, a, b string, rep compare.Report, trials []compare.Trial) error {
	title := fmt.Sprintf("letgo compare: A %s vs B %s", a, b)
	switch format {
	case "json":
		return writeJSON(w, struct {
			Schema int    `json:"schema"` // 1; fields are only ever added
			A      string `json:"a_source"`
			B      string `json:"b_source"`
			compare.Report
			Trials []compare.Trial `json:"trials,omitempty"`
		}{1, a, b, rep, trials})
	case "markdown":
		return compare.WriteMarkdown(w, title, rep)
	case "html":
		return compare.WriteHTML(w, title, rep)
	}
	fmt.Fprintf(w, "A: %s\nB: %s\n\n", textsafe.Line(a), textsafe.Line(b))
	if err := compare.WriteText(w, rep); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nverdicts: %s\n", rep.Counts())
	return err
}

// gate is compare's CI gate: the thresholds past which it exits 3.
type gate struct {
	maxRatio, maxTail float64
	maxP99            float64 // p99 cells and p99 tails only
	maxErrDelta       float64 // percentage points; negative: no error gate
	alpha             float64
	failOn            bool
}

// exit names each cell past a threshold on stderr and returns the exit
// code: 1 when the comparison proves nothing (an arm without a success, no
// cell in common), whatever the thresholds.
func (g gate) exit(rep compare.Report, stderr io.Writer) int {
	if len(rep.Failures) > 0 {
		for _, f := range rep.Failures {
			errorf(stderr, "%s", f)
		}
		return ExitError
	}
	code := ExitClean
	for _, c := range rep.Cells {
		worse := c.Ratio // how many times worse B is: B/A, or A/B where higher is better
		if c.Better == "higher" && c.Ratio > 0 {
			worse = 1 / c.Ratio
		}
		if c.Verdict == "regressed" && (g.failOn || g.maxRatio > 0 && worse > g.maxRatio) {
			fmt.Fprintf(stderr, "letgo: gate: %s %s regressed, B vs A %s\n", c.Workload, c.Metric, compareEffect(c))
			code = ExitFindings
		}
		if g.maxP99 > 0 && strings.HasPrefix(c.Metric, "p99 ") && c.Verdict == "regressed" && c.Ratio > g.maxP99 {
			fmt.Fprintf(stderr, "letgo: gate: %s %s regressed, B/A %.3f above %.3g\n", c.Workload, c.Metric, c.Ratio, g.maxP99)
			code = ExitFindings
		}
		if t := c.Tail; g.maxP99 > 0 && t != nil && t.Q == 0.99 && t.Ratio > g.maxP99 && t.Lo > 1 {
			fmt.Fprintf(stderr, "letgo: gate: %s %s p99 B/A %.3f [%.3f, %.3f] above %.3g\n", c.Workload, c.Metric, t.Ratio, t.Lo, t.Hi, g.maxP99)
			code = ExitFindings
		}
		if t := c.Tail; g.maxTail > 0 && t != nil && t.Ratio > g.maxTail && t.Lo > 1 {
			fmt.Fprintf(stderr, "letgo: gate: %s %s tail p%g B/A %.3f [%.3f, %.3f] above %.3g\n", c.Workload, c.Metric, 100*t.Q, t.Ratio, t.Lo, t.Hi, g.maxTail)
			code = ExitFindings
		}
	}
	for _, e := range rep.Errors {
		if d := e.DeltaPoints(); g.maxErrDelta >= 0 && d > g.maxErrDelta && e.P < g.alpha {
			fmt.Fprintf(stderr, "letgo: gate: %s errors A %d/%d, B %d/%d: +%.3g points (Fisher p=%.3g), above %.3g\n", e.Workload, e.A, e.ATotal, e.B, e.BTotal, d, e.P, g.maxErrDelta)
			code = ExitFindings
		}
	}
	return code
}

// compareEffect is a cell's effect as the gate names it.
func compareEffect(c compare.Cell) string {
	if d := c.Shift; d != nil {
		return fmt.Sprintf("%+.3g%s", d.Est, c.Unit)
	}
	return fmt.Sprintf("×%.3f", c.Ratio)
}
