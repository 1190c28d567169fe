// Package loadgen runs HTTP workloads against a deployment and records
// latency in HDR histograms. The open model sends at a fixed arrival rate
// and measures latency from each request's intended send time, so a stalled
// server or a full in-flight window shows up instead of being hidden
// (coordinated omission); late and dropped sends are counted. The closed
// model runs N clients back to back, like Rally's constant runner.
// This package is the only importer of the HDR histogram library.
package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Safety caps: every run is bounded, whatever the workload asks.
const (
	MaxRate        = 20000 // requests per second
	MaxConcurrency = 1024
	MaxDuration    = 10 * time.Minute
)

// MaxSamples bounds the raw samples a run keeps.
const MaxSamples = 100_000

// Second is one second of a run's measured window, by intended send time.
type Second struct {
	T         int     `json:"t"` // seconds since the measured window began
	Completed int64   `json:"completed"`
	Errors    int64   `json:"errors"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	hist      *hdr.Histogram
}

// Request is one request of a workload.
type Request struct {
	Method string
	Path   string // appended to the target's base URL; {n} becomes the request's sequence number
	Header http.Header
	Body   []byte
	Expect int // expected status; 0 means any 2xx
}

// Workload describes a run.
type Workload struct {
	Requests []Request
	// Open model: Rate > 0 (requests/s); Poisson spaces arrivals
	// exponentially (seeded by Seed).
	Rate    float64
	Poisson bool
	Seed    uint64
	// Closed model: Clients > 0, for Duration (or Iterations per client).
	Clients    int
	Iterations int
	Think      time.Duration

	Duration    time.Duration // measured window
	Warmup      time.Duration // excluded from statistics
	MaxInFlight int           // open model window (default 256)
	Timeout     time.Duration // per request (default 10 s)
	// Token, if set, is sent as X-Auth-Token; else TokenEnv names an
	// environment variable whose value is.
	Token string
	// TokenEnv names an environment variable whose value is sent as
	// X-Auth-Token.
	TokenEnv string
}

// Result is what a run measured (warm-up excluded).
type Result struct {
	Latency                        *hdr.Histogram // µs from the intended send time (open) or send (closed)
	Service                        *hdr.Histogram // µs from the actual send
	Sent, Completed, Late, Dropped int64
	Errors                         map[string]int64 // connect, timeout, status, body
	Elapsed                        time.Duration
	// Timeline has one point per second of the measured window (latency
	// over time, for stalls and drift within a run).
	Timeline []Second
	// Samples are the raw latencies (µs) in completion order: all of them
	// when there are at most MaxSamples, else the first MaxSamples.
	Samples []int64
	// LagP99 is the p99 of (actual send - intended send), µs.
	LagP99 int64
}

func newHist() *hdr.Histogram { return hdr.New(1, 60_000_000, 3) } // 1 µs .. 60 s, 3 significant digits

// Quantile returns a latency quantile in milliseconds.
func (r *Result) Quantile(h *hdr.Histogram, q float64) float64 {
	return float64(h.ValueAtQuantile(100*q)) / 1000
}

// Validate applies defaults and caps, or explains what is wrong.
func (w *Workload) Validate() error {
	switch {
	case len(w.Requests) == 0:
		return errors.New("workload has no request")
	case w.Rate > 0 && w.Clients > 0:
		return errors.New("workload sets both a rate (open model) and clients (closed model)")
	case w.Rate <= 0 && w.Clients <= 0:
		return errors.New("workload needs a rate (open model) or clients (closed model)")
	case w.Rate > MaxRate:
		return fmt.Errorf("rate %.0f/s above the safety cap %d/s", w.Rate, MaxRate)
	case w.Clients > MaxConcurrency:
		return fmt.Errorf("%d clients above the safety cap %d", w.Clients, MaxConcurrency)
	case w.Duration+w.Warmup > MaxDuration:
		return fmt.Errorf("run of %v above the safety cap %v", w.Duration+w.Warmup, MaxDuration)
	case w.Duration <= 0 && w.Iterations <= 0:
		return errors.New("workload needs a duration or iterations")
	}
	if w.MaxInFlight <= 0 {
		w.MaxInFlight = 256
	}
	if w.MaxInFlight > MaxConcurrency {
		w.MaxInFlight = MaxConcurrency
	}
	if w.Timeout <= 0 {
		w.Timeout = 10 * time.Second
	}
	return nil
}

type runner struct {
	w       Workload
	base    string
	client  *http.Client
	token   string
	mu      sync.Mutex
	res     *Result
	lag     *hdr.Histogram
	measure time.Time // statistics start here (after warm-up)
	next    atomic.Int64
}

// Run runs the workload against base (e.g. http://127.0.0.1:8080).
func Run(ctx context.Context, w Workload, base string) (*Result, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	conc := w.MaxInFlight
	if w.Clients > 0 {
		conc = w.Clients
	}
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc,
		DialContext: (&net.Dialer{Timeout: w.Timeout}).DialContext}
	defer tr.CloseIdleConnections()
	r := &runner{w: w, base: base, client: &http.Client{Transport: tr, Timeout: w.Timeout},
		res: &Result{Latency: newHist(), Service: newHist(), Errors: map[string]int64{}}, lag: newHist()}
	r.token = w.Token
	if r.token == "" && w.TokenEnv != "" {
		r.token = os.Getenv(w.TokenEnv)
	}
	start := time.Now()
	r.measure = start.Add(w.Warmup)
	var err error
	if w.Rate > 0 {
		err = r.open(ctx, start)
	} else {
		err = r.closed(ctx, start)
	}
	r.res.Elapsed = time.Since(start)
	for i := range r.res.Timeline {
		sec := &r.res.Timeline[i]
		sec.P50, sec.P99 = r.res.Quantile(sec.hist, 0.5), r.res.Quantile(sec.hist, 0.99)
		sec.hist = nil
	}
	r.res.LagP99 = r.lag.ValueAtQuantile(99)
	return r.res, err
}

// open sends at the arrival rate; each request's latency counts from its
// intended time. A full window makes sends late (counted); a send more
// than Timeout late is dropped (counted) instead of piling up.
func (r *runner) open(ctx context.Context, start time.Time) error {
	end := start.Add(r.w.Warmup + r.w.Duration)
	sem := make(chan struct{}, r.w.MaxInFlight)
	rng := rand.New(rand.NewPCG(r.w.Seed, r.w.Seed^0x5deece66d))
	var wg sync.WaitGroup
	intended := start
	interval := time.Duration(float64(time.Second) / r.w.Rate)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for i := 0; ; i++ {
		if r.w.Poisson {
			intended = intended.Add(time.Duration(rng.ExpFloat64() * float64(interval)))
		} else {
			intended = start.Add(time.Duration(i) * interval)
		}
		if !intended.Before(end) {
			break
		}
		if err := waitUntil(ctx, intended, timer); err != nil {
			wg.Wait()
			return err
		}
		counted := !intended.Before(r.measure)
		select {
		case sem <- struct{}{}:
		default:
			// Window full: wait, but not beyond the timeout.
			t := time.NewTimer(r.w.Timeout)
			select {
			case sem <- struct{}{}:
				t.Stop()
			case <-t.C:
				if counted {
					atomic.AddInt64(&r.res.Dropped, 1)
				}
				continue
			case <-ctx.Done():
				t.Stop()
				wg.Wait()
				return ctx.Err()
			}
		}
		sent := time.Now()
		if counted {
			if sent.Sub(intended) > time.Millisecond {
				atomic.AddInt64(&r.res.Late, 1)
			}
			r.mu.Lock()
			r.lag.RecordValue(max(0, sent.Sub(intended).Microseconds()))
			r.mu.Unlock()
		}
		wg.Add(1)
		go func(intended, sent time.Time, counted bool) {
			defer wg.Done()
			defer func() { <-sem }()
			r.do(ctx, intended, sent, counted)
		}(intended, sent, counted)
	}
	wg.Wait()
	return nil
}

// second returns the timeline point of an intended send time; the caller
// holds r.mu. Points are created up to it so that empty seconds show.
func (r *runner) second(at time.Time) *Second {
	t := max(0, int(at.Sub(r.measure)/time.Second))
	for len(r.res.Timeline) <= t {
		r.res.Timeline = append(r.res.Timeline, Second{T: len(r.res.Timeline), hist: hdr.New(1, 60_000_000, 2)})
	}
	return &r.res.Timeline[t]
}

// closed runs Clients loops back to back.
func (r *runner) closed(ctx context.Context, start time.Time) error {
	end := start.Add(r.w.Warmup + r.w.Duration)
	var wg sync.WaitGroup
	for c := 0; c < r.w.Clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := 0; r.w.Iterations <= 0 || it < r.w.Iterations; it++ {
				now := time.Now()
				if r.w.Duration > 0 && !now.Before(end) || ctx.Err() != nil {
					return
				}
				r.do(ctx, now, now, !now.Before(r.measure))
				if r.w.Think > 0 {
					time.Sleep(r.w.Think)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// do sends one request and records it.
func (r *runner) do(ctx context.Context, intended, sent time.Time, counted bool) {
	seq := r.next.Add(1) - 1
	q := r.w.Requests[int(seq)%len(r.w.Requests)]
	path := q.Path
	if strings.Contains(path, "{n}") {
		path = strings.ReplaceAll(path, "{n}", strconv.FormatInt(seq, 10))
	}
	method := q.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, bytes.NewReader(q.Body))
	if err != nil {
		r.fail(intended, counted, "connect")
		return
	}
	for k, v := range q.Header {
		req.Header[k] = v
	}
	if r.token != "" {
		req.Header.Set("X-Auth-Token", r.token)
	}
	if counted {
		atomic.AddInt64(&r.res.Sent, 1)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			r.fail(intended, counted, "timeout")
		} else {
			r.fail(intended, counted, "connect")
		}
		return
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	done := time.Now()
	switch {
	case err != nil:
		r.fail(intended, counted, "body")
		return
	case q.Expect != 0 && resp.StatusCode != q.Expect, q.Expect == 0 && (resp.StatusCode < 200 || resp.StatusCode > 299):
		r.fail(intended, counted, "status")
		return
	}
	if !counted {
		return
	}
	atomic.AddInt64(&r.res.Completed, 1)
	r.mu.Lock()
	lat := max(1, done.Sub(intended).Microseconds())
	r.res.Latency.RecordValue(lat)
	if len(r.res.Samples) < MaxSamples {
		r.res.Samples = append(r.res.Samples, lat)
	}
	r.second(intended).Completed++
	r.second(intended).hist.RecordValue(lat)
	r.res.Service.RecordValue(max(1, done.Sub(sent).Microseconds()))
	r.mu.Unlock()
}

func (r *runner) fail(intended time.Time, counted bool, class string) {
	if !counted {
		return
	}
	r.mu.Lock()
	r.res.Errors[class]++
	r.second(intended).Errors++
	r.mu.Unlock()
}
