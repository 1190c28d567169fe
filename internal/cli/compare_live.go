package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/letgo-dev/letgo/internal/compare"
	"github.com/letgo-dev/letgo/internal/loadgen"
)

// liveFlags are compare's flags for runs against two deployments.
type liveFlags struct {
	a, b, path, method string
	rate               float64
	clients, trials    int
	duration, warmup   time.Duration
	seed               uint64
	workload           string // TOML workload file; replaces the request and model flags
}

// register declares the request and model flags 'letgo load' and live
// 'letgo compare' share; note ends each help text (" (live mode)").
func (lf *liveFlags) register(fs *flag.FlagSet, note string) {
	fs.StringVar(&lf.path, "path", "/", "request path"+note)
	fs.StringVar(&lf.method, "method", "GET", "request method"+note)
	fs.Float64Var(&lf.rate, "rate", 0, "open model: requests per second"+note)
	fs.IntVar(&lf.clients, "clients", 0, "closed model: concurrent clients"+note)
	fs.DurationVar(&lf.duration, "duration", 10*time.Second, "measured duration of a run (of each trial in compare)"+note)
	fs.DurationVar(&lf.warmup, "warmup", 2*time.Second, "warm-up excluded from the statistics"+note)
	fs.Uint64Var(&lf.seed, "seed", 1, "seed for Poisson arrival times (and compare's block order)"+note)
	fs.StringVar(&lf.workload, "workload", "", "TOML workload file: requests, auth, model, a ladder of rates (replaces --path, --rate, ...)"+note)
}

// liveWorkloads returns the workloads the flags or the workload file
// describe: one, or one per rate of a ladder.
func liveWorkloads(ctx context.Context, lf liveFlags, poisson bool, inflight int) ([]loadgen.Workload, error) {
	if lf.workload != "" {
		data, err := readFileLimit(lf.workload, loadgen.MaxWorkloadBytes)
		if err != nil {
			return nil, err
		}
		return loadgen.ParseWorkload(ctx, lf.workload, data)
	}
	w := loadgen.Workload{Requests: []loadgen.Request{{Method: lf.method, Path: lf.path}}, Rate: lf.rate, Clients: lf.clients,
		Duration: lf.duration, Warmup: lf.warmup, Seed: lf.seed, Poisson: poisson, MaxInFlight: inflight}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return []loadgen.Workload{w}, nil
}

func runLive(ctx context.Context, lf liveFlags, format, output string, copts compare.Options, g gate, withMeta func(*compare.Report), stdout, stderr io.Writer) int {
	for _, u := range []string{lf.a, lf.b} {
		if err := checkBaseURL(u); err != nil {
			fmt.Fprintf(stderr, "letgo: %v\n", err)
			return ExitUsage
		}
	}
	ws, err := liveWorkloads(ctx, lf, false, 0)
	if err != nil {
		fmt.Fprintf(stderr, "letgo: %v\n", err)
		return ExitUsage
	}
	opts := compare.LiveOptions{Options: copts, Workload: ws[0], Trials: lf.trials, Seed: lf.seed}
	if len(ws) > 1 {
		opts.Steps = ws
	}
	if isTerminal(stderr) {
		opts.Progress = func(i int, arm string, res *loadgen.Result) {
			fmt.Fprintf(stderr, "\rletgo: trial %d/%d %s: %d requests\x1b[K", i+1, lf.trials, arm, res.Completed)
		}
	}
	rep, trials, err := compare.CompareLive(ctx, lf.a, lf.b, opts)
	if opts.Progress != nil {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	withMeta(&rep)
	if err := writeComparison(ctx, stdout, output, format, lf.a, lf.b, rep, trials); err != nil {
		return errorf(stderr, "write report: %v", err)
	}
	return g.exit(rep, stderr)
}

// readFileLimit reads a file named on the command line, refusing one
// above limit bytes: a device or a huge file is not read whole.
func readFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read %s: above the %d-byte limit", path, limit)
	}
	return data, nil
}
