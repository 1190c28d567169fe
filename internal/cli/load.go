package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/loadgen"
)

// loadReport is one run of 'letgo load', as JSON.
type loadReport struct {
	// Warnings say what makes the numbers less than they seem: the
	// generator fell behind its schedule, the run was interrupted.
	Warnings []string `json:"warnings,omitempty"`
	// Interrupted is set when a signal cut the run short: the report
	// holds what was measured until then.
	Interrupted bool               `json:"interrupted,omitempty"`
	URL         string             `json:"url"`
	Model       string             `json:"model"`
	Rate        float64            `json:"target_rate,omitempty"`
	Clients     int                `json:"clients,omitempty"`
	Sent        int64              `json:"sent"`
	Completed   int64              `json:"completed"`
	Late        int64              `json:"late"`
	Dropped     int64              `json:"dropped"`
	Behind      int64              `json:"generator_behind"` // late or dropped sends the generator itself delayed
	Errors      map[string]int64   `json:"errors"`
	Throughput  float64            `json:"throughput"` // completed per measured second
	Latency     map[string]float64 `json:"latency_ms"`
	Service     map[string]float64 `json:"service_ms"`
	LagP99us    int64              `json:"send_lag_p99_us"`
	Timeline    []loadgen.Second   `json:"timeline"`
	// Samples are every measured latency from the intended send time, µs,
	// in completion order, when the run kept them all (up to
	// loadgen.MaxSamples); larger runs have the quantiles only.
	Samples  []int64 `json:"samples_us,omitempty"`
	Duration string  `json:"duration"`
	Warmup   string  `json:"warmup"`
}

var loadQuantiles = []struct {
	name string
	q    float64
}{{"p50", 0.5}, {"p90", 0.9}, {"p95", 0.95}, {"p99", 0.99}, {"p99.9", 0.999}}

// runLoad runs one workload against one deployment and reports what it
// measured; 'letgo compare --a --b' runs the same workload in trials.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text or json")
	var lf liveFlags
	lf.register(fs, "")
	poisson := fs.Bool("poisson", false, "open model: Poisson arrivals instead of a constant rate")
	inflight := fs.Int("max-in-flight", 0, "open model: most requests in flight (default 256); beyond it sends are late, then dropped")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: letgo load [flags] URL\n\nRun one HTTP workload against URL (open model with --rate, closed with --clients)\nand report latency from the intended send time, service time, send lag and errors. Flags:")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 || (*format != "text" && *format != "json") {
		fs.Usage()
		return ExitUsage
	}
	if err := checkBaseURL(fs.Arg(0)); err != nil {
		fmt.Fprintf(stderr, "letgo: %v\n", err)
		return ExitUsage
	}
	ws, err := liveWorkloads(ctx, lf, *poisson, *inflight)
	if err != nil {
		fmt.Fprintf(stderr, "letgo: %v\n", err)
		return ExitUsage
	}
	var reps []loadReport
	var runErr error
	for _, w := range ws {
		res, err := loadgen.Run(ctx, w, fs.Arg(0))
		if res == nil { // the workload does not fit the URL: nothing ran
			fmt.Fprintf(stderr, "letgo: %v\n", err)
			return ExitUsage
		}
		reps = append(reps, newLoadReport(fs.Arg(0), w, res))
		if err != nil {
			runErr = err // interrupted: report what was measured, stop the ladder
			break
		}
	}
	if err := writeLoad(stdout, *format, reps); err != nil {
		return errorf(stderr, "write report: %v", err)
	}
	code := ExitClean
	if runErr != nil {
		code = errorf(stderr, "interrupted (%v): the report holds what was measured until then", runErr)
	}
	for _, rep := range reps {
		if rep.Completed == 0 && !rep.Interrupted {
			code = errorf(stderr, "no request to %s completed (%s): nothing measured", rep.URL, errorSummary(rep.Errors))
		}
	}
	return code
}

// writeLoad writes the reports, one per ladder step.
func writeLoad(stdout io.Writer, format string, reps []loadReport) error {
	if format == "json" {
		return writeJSON(stdout, reps)
	}
	var buf bytes.Buffer
	for i, rep := range reps {
		if i > 0 {
			fmt.Fprintln(&buf)
		}
		writeLoadText(&buf, rep)
	}
	_, err := stdout.Write(buf.Bytes())
	return err
}

// errorSummary lists error classes and counts, or says there were none.
func errorSummary(errs map[string]int64) string {
	if len(errs) == 0 {
		return "no request ended"
	}
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(errs)) {
		parts = append(parts, fmt.Sprintf("%s errors %d", c, errs[c]))
	}
	return strings.Join(parts, ", ")
}

func newLoadReport(url string, w loadgen.Workload, res *loadgen.Result) loadReport {
	rep := loadReport{URL: url, Model: "open", Rate: w.Rate, Clients: w.Clients, Sent: res.Sent, Completed: res.Completed,
		Late: res.Late, Dropped: res.Dropped, Behind: res.Behind, Errors: res.Errors, LagP99us: res.LagP99, Timeline: res.Timeline,
		Latency: map[string]float64{}, Service: map[string]float64{}, Duration: w.Duration.String(), Warmup: w.Warmup.String(),
		Interrupted: res.Interrupted}
	if w.Clients > 0 {
		rep.Model = "closed"
	}
	if msg, ok := res.GeneratorBehind(); ok {
		rep.Warnings = append(rep.Warnings, msg)
	}
	if res.Interrupted {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("interrupted after %v of the run: what was measured until then", res.Elapsed.Round(time.Millisecond)))
	}
	if res.Capped {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the run reached the %v safety cap before its iterations", loadgen.MaxDuration))
	}
	if w.Duration > 0 && !res.Interrupted {
		rep.Throughput = float64(res.Completed) / w.Duration.Seconds()
	} else if res.Elapsed > w.Warmup {
		rep.Throughput = float64(res.Completed) / (res.Elapsed - w.Warmup).Seconds()
	}
	if res.Completed == 0 {
		return rep // no latency to report; the empty maps say so
	}
	if int64(len(res.Samples)) == res.Completed {
		rep.Samples = res.Samples
	}
	for _, q := range loadQuantiles {
		rep.Latency[q.name] = res.Quantile(res.Latency, q.q)
		rep.Service[q.name] = res.Quantile(res.Service, q.q)
	}
	return rep
}

func writeLoadText(stdout io.Writer, rep loadReport) {
	target := fmt.Sprintf("%d clients", rep.Clients)
	if rep.Model == "open" {
		target = fmt.Sprintf("%.0f req/s", rep.Rate)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "%s  %s model, %s, %s measured after %s warm-up\n", rep.URL, rep.Model, target, rep.Duration, rep.Warmup)
	fmt.Fprintf(stdout, "sent %d  completed %d  throughput %.1f/s  late %d  dropped %d  send lag p99 %dµs\n",
		rep.Sent, rep.Completed, rep.Throughput, rep.Late, rep.Dropped, rep.LagP99us)
	if rep.Completed == 0 {
		fmt.Fprintln(stdout, "no request completed: no latency to report")
	} else {
		writeLoadQuantiles(stdout, rep)
	}
	if len(rep.Timeline) > 1 && rep.Completed > 0 {
		fmt.Fprint(stdout, "p99 ms by second:")
		for _, sec := range rep.Timeline {
			fmt.Fprintf(stdout, " %.3g", sec.P99)
		}
		fmt.Fprintln(stdout)
	}
	for _, c := range slices.Sorted(maps.Keys(rep.Errors)) {
		fmt.Fprintf(stdout, "errors %s: %d\n", c, rep.Errors[c])
	}
}

// checkBaseURL rejects a target that is not an http(s) URL with a host,
// which would otherwise turn every request into a connect error.
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not a base URL such as http://127.0.0.1:8774", s)
	}
	return nil
}

func writeLoadQuantiles(stdout io.Writer, rep loadReport) {
	fmt.Fprintf(stdout, "%-22s", "")
	for _, q := range loadQuantiles {
		fmt.Fprintf(stdout, "%10s", q.name)
	}
	fmt.Fprintln(stdout)
	for _, row := range []struct {
		name string
		m    map[string]float64
	}{{"latency ms (intended)", rep.Latency}, {"service ms (actual)", rep.Service}} {
		fmt.Fprintf(stdout, "%-22s", row.name)
		for _, q := range loadQuantiles {
			fmt.Fprintf(stdout, "%10.3f", row.m[q.name])
		}
		fmt.Fprintln(stdout)
	}
}
