package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

func runDebug(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "frontend" {
		fmt.Fprintln(stderr, "usage: letgo debug frontend [-workers N] [-repeat N] DIR...")
		return ExitUsage
	}
	return runDebugFrontend(ctx, args[1:], stdout, stderr)
}

// runDebugFrontend times the Python front end (parse + typed view) over
// every .py file under the given directories. Files are read before the
// clock starts, so the figure excludes I/O.
func runDebugFrontend(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("debug frontend", flag.ContinueOnError)
	workers := fset.Int("workers", runtime.GOMAXPROCS(0), "parallel workers")
	repeat := fset.Int("repeat", 1, "runs; the median is reported")
	if ok, code := parseFlags(fset, args, stderr); !ok {
		return code
	}
	if fset.NArg() == 0 || *workers < 1 || *repeat < 1 {
		fmt.Fprintln(stderr, "usage: letgo debug frontend [-workers N] [-repeat N] DIR...")
		return ExitUsage
	}
	type file struct {
		module string
		src    []byte
	}
	var files []file
	total := 0
	for _, root := range fset.Args() {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errorf(stderr, "%v", err)
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == ".tox") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".py") || !d.Type().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				errorf(stderr, "%v", err)
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			files = append(files, file{strings.ReplaceAll(strings.TrimSuffix(filepath.ToSlash(rel), ".py"), "/", "."), b})
			total += len(b)
			return nil
		})
		if err != nil {
			return failed(ctx, stderr, "walk "+root, err)
		}
	}
	var times []time.Duration
	var syntaxErrs, calls, imports int64
	for r := 0; r < *repeat; r++ {
		syntaxErrs, calls, imports = 0, 0, 0
		var next atomic.Int64
		start := time.Now()
		g, gctx := errgroup.WithContext(ctx)
		for w := 0; w < *workers; w++ {
			g.Go(func() error {
				for {
					if err := gctx.Err(); err != nil {
						return err
					}
					i := int(next.Add(1) - 1)
					if i >= len(files) {
						return nil
					}
					f := pysrc.Parse(files[i].module, files[i].src)
					v := pysrc.Analyze(f, files[i].module, strings.HasSuffix(files[i].module, "__init__"))
					atomic.AddInt64(&calls, int64(len(v.Calls)))
					atomic.AddInt64(&imports, int64(len(v.Imports)))
					if len(f.Errors) > 0 {
						atomic.AddInt64(&syntaxErrs, 1)
					}
				}
			})
		}
		if err := g.Wait(); err != nil {
			return failed(ctx, stderr, "front end", err)
		}
		times = append(times, time.Since(start))
	}
	sortDurations(times)
	med := times[len(times)/2]
	mbps := float64(total) / med.Seconds() / 1e6
	fmt.Fprintf(stdout, "files %d\nbytes %d\nsyntax_errors %d\nimports %d\ncalls %d\nworkers %d\nruns %d\nmedian_seconds %.4f\nmb_per_s %.1f\nmb_per_s_per_worker %.1f\npeak_rss_mb %.0f\n",
		len(files), total, syntaxErrs, imports, calls, *workers, *repeat, med.Seconds(), mbps, mbps/float64(*workers), peakRSSMB())
	return ExitClean
}

func sortDurations(d []time.Duration) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j] < d[j-1]; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// peakRSSMB reads the process's peak resident set size (Linux), falling back
// to the memory the Go runtime obtained from the OS.
func peakRSSMB() float64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				var kb float64
				if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%f", &kb); err == nil {
					return kb / 1024
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.Sys) / (1 << 20)
}
