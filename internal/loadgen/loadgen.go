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
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Safety caps: every run is bounded, whatever the workload asks. A whole
// run — warm-up, measured window and the timeout of its last requests —
// ends within MaxDuration, and Validate refuses a workload that could not.
const (
	MaxRate        = 20000 // requests per second
	MaxConcurrency = 1024
	MaxDuration    = 10 * time.Minute
	// MaxTimeout bounds one request (and so the latency histograms).
	MaxTimeout = time.Minute
	// MaxThink bounds a closed-model client's pause between requests.
	MaxThink = time.Minute
	// MaxIterations bounds a closed-model client's requests; a run by
	// iterations still ends at MaxDuration (Result.Capped says so).
	MaxIterations = 1_000_000
	// MaxResponseHeaderBytes bounds a response's header; a larger one is
	// an "oversized-header" error.
	MaxResponseHeaderBytes = 1 << 20
)

// Error classes of Result.Errors, by how far a request got.
const (
	ErrConnect         = "connect"          // no connection: refused, unreachable, TLS handshake failed
	ErrClosed          = "closed"           // connected, but the server closed or reset it before answering
	ErrTimeout         = "timeout"          // no complete answer within the timeout of the intended send time
	ErrProtocol        = "protocol"         // the answer is not valid HTTP
	ErrOversizedHeader = "oversized-header" // the answer's header exceeds MaxResponseHeaderBytes
	ErrStatus          = "status"           // an unexpected status, a redirect included (redirects are not followed)
	ErrBody            = "body"             // the body broke off
)

// MaxSamples bounds the raw samples a run keeps.
const MaxSamples = 100_000

// behindLag is how late a send may leave before it counts as late.
const behindLag = time.Millisecond

// sendBatch is how long the open model's pacer may hold a send so that
// one wake-up releases several: when the mean gap between sends is at
// most sendBatch, the pacer sleeps until sendBatch after the next send's
// intended time and then sends everything due. Each precise wake-up costs
// tens of microseconds of CPU (a nanosleep system call and the thread
// hand-offs around it), which at 2,000-5,000/s was a third of the
// generator's CPU; batching spends at most sendBatch of the 1 ms lag
// budget (behindLag) on fewer of them. Every send's lag is still measured
// against its own intended time.
const sendBatch = 500 * time.Microsecond

// guardLead is how long before the earliest possible next wake-up the
// pacer's guard timer expires (fineTimer.guard): late enough that the
// process has gone idle after the sends just released, early enough that
// the runtime's monitor thread is awake again before the next wake-up.
const guardLead = 200 * time.Microsecond

// guardMinGap is the smallest mean gap between sends at which the pacer
// arms its guard. Closer sends keep the process busy between wake-ups
// (6a3b433 at 10,000/s: 1.7 context switches per request, 3.3 at 5,000/s,
// 5.1 at 2,000/s), so the monitor thread has little to be kept from, and
// in the one round measured there the guard's timer cost more than it
// saved.
const guardMinGap = sendBatch / 4

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
	Latency *hdr.Histogram // µs from the intended send time (open) or send (closed)
	Service *hdr.Histogram // µs from the actual send
	// Late sends left more than 1 ms after their intended time; Dropped
	// ones could not leave within the timeout of it and were not sent.
	Sent, Completed, Late, Dropped int64
	// Behind counts the late and dropped sends that the generator itself
	// delayed, with room in the in-flight window (a busy machine, a rate
	// too high for it), as opposed to a full window (the server's doing);
	// BehindDropped are the dropped ones among them, BehindMax the largest
	// such delay.
	Behind, BehindDropped int64
	BehindMax             time.Duration
	Errors                map[string]int64 // by class: ErrConnect, ErrTimeout, ...
	Elapsed               time.Duration
	// Interrupted is set when the context ended the run early: the result
	// holds what was measured until then.
	Interrupted bool
	// Capped is set when a run by iterations reached MaxDuration first.
	Capped bool
	// Timeline has one point per second of the measured window (latency
	// over time, for stalls and drift within a run).
	Timeline []Second
	// Samples are the raw latencies (µs) in completion order: all of them
	// when there are at most MaxSamples, else the first MaxSamples.
	Samples []int64
	// LagP99 is the p99 of (actual send - intended send), µs.
	LagP99 int64
	// senders is the number of sender goroutines the open model started.
	senders int
	// wakeups counts the open model's pacer sleeps (one per batch of sends).
	wakeups int
	// guards counts the pacer's guard timers (fineTimer.guard).
	guards int
	// lagged counts the sends whose lag was recorded.
	lagged int64
}

// GeneratorBehind explains, when the generator could not keep its own
// schedule for more than 1% of the sends or dropped any for it, that the
// latencies from the intended time include its lag, not only the server's.
func (r *Result) GeneratorBehind() (string, bool) {
	all := r.Sent + r.Dropped
	if r.BehindDropped == 0 && 100*r.Behind <= all {
		return "", false
	}
	return fmt.Sprintf("the load generator fell behind its schedule: %d of %d sends left late (up to %v behind, %d dropped) with room in the in-flight window; the machine is too busy or the rate too high for it, and the latencies include that lag",
		r.Behind, all, r.BehindMax.Round(time.Microsecond), r.BehindDropped), true
}

// histMax is the largest latency, µs: an open-model send may leave up to
// Timeout late and then take up to Timeout.
const histMax = 2 * int64(MaxTimeout/time.Microsecond)

func newHist() *hdr.Histogram { return hdr.New(1, histMax, 3) } // 1 µs .. 2 min, 3 significant digits

// Quantile returns a latency quantile in milliseconds.
func (r *Result) Quantile(h *hdr.Histogram, q float64) float64 {
	return float64(h.ValueAtQuantile(100*q)) / 1000
}

// Validate applies defaults and caps, or explains what is wrong.
func (w *Workload) Validate() error {
	if w.Timeout == 0 {
		w.Timeout = 10 * time.Second
	}
	for _, d := range []struct {
		name     string
		v, limit time.Duration
	}{{"duration", w.Duration, MaxDuration}, {"warm-up", w.Warmup, MaxDuration}, {"timeout", w.Timeout, MaxTimeout}, {"think time", w.Think, MaxThink}} {
		switch {
		case d.v < 0:
			return fmt.Errorf("negative %s %v", d.name, d.v)
		case d.v > d.limit:
			return fmt.Errorf("%s %v above the safety cap %v", d.name, d.v, d.limit)
		}
	}
	switch {
	case len(w.Requests) == 0:
		return errors.New("workload has no request")
	case math.IsNaN(w.Rate) || w.Rate < 0:
		return fmt.Errorf("rate %v is not a number of requests per second", w.Rate)
	case w.Clients < 0:
		return fmt.Errorf("negative number of clients %d", w.Clients)
	case w.Iterations < 0:
		return fmt.Errorf("negative number of iterations %d", w.Iterations)
	case w.MaxInFlight < 0:
		return fmt.Errorf("negative in-flight window %d", w.MaxInFlight)
	case w.Rate > 0 && w.Clients > 0:
		return errors.New("workload sets both a rate (open model) and clients (closed model)")
	case w.Rate == 0 && w.Clients == 0:
		return errors.New("workload needs a rate (open model) or clients (closed model)")
	case w.Rate > MaxRate:
		return fmt.Errorf("rate %.0f/s above the safety cap %d/s", w.Rate, MaxRate)
	case w.Clients > MaxConcurrency:
		return fmt.Errorf("%d clients above the safety cap %d", w.Clients, MaxConcurrency)
	case w.Iterations > MaxIterations:
		return fmt.Errorf("%d iterations above the safety cap %d", w.Iterations, MaxIterations)
	case w.Duration+w.Warmup+w.Timeout > MaxDuration:
		return fmt.Errorf("run of %v (warm-up %v, duration %v and the last requests' timeout %v) above the safety cap %v",
			w.Duration+w.Warmup+w.Timeout, w.Warmup, w.Duration, w.Timeout, MaxDuration)
	case w.Duration == 0 && (w.Iterations == 0 || w.Rate > 0):
		return errors.New("workload needs a duration (or, closed model, iterations)")
	}
	for i, q := range w.Requests {
		if err := checkRequest(q); err != nil {
			return fmt.Errorf("request %d: %w", i+1, err)
		}
	}
	if w.MaxInFlight == 0 {
		w.MaxInFlight = 256
	}
	if w.MaxInFlight > MaxConcurrency {
		w.MaxInFlight = MaxConcurrency
	}
	return nil
}

// checkRequest refuses what net/http would refuse on every send (an
// invalid method, header name or value), so that a workload mistake is
// an error up front, not a run of failed requests.
func checkRequest(q Request) error {
	if q.Method != "" && !isToken(q.Method) {
		return fmt.Errorf("method %q is not an HTTP token", q.Method)
	}
	for k, vs := range q.Header {
		if !isToken(k) {
			return fmt.Errorf("header name %q is not an HTTP token", k)
		}
		for _, v := range vs {
			if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
				return fmt.Errorf("header %s: value %q holds a control character", k, v)
			}
		}
	}
	return nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

type runner struct {
	w      Workload
	base   string
	client *http.Client
	token  string
	// templates[i] is request i built once, headers and token set, when
	// its path has no {n}: each send is a shallow copy with its own
	// context and body, so the URL is parsed once per run, not per send.
	templates []*http.Request
	mu        sync.Mutex
	res       *Result
	lag       *hdr.Histogram
	measure   time.Time // statistics start here (after warm-up)
	stop      time.Time // the last requests are abandoned here
	next      atomic.Int64
	capped    atomic.Bool
}

// Run runs the workload against base (e.g. http://127.0.0.1:8080). It
// ends within the warm-up, duration and timeout (MaxDuration for a run by
// iterations), however the server behaves. When ctx ends the run early,
// Run returns what it measured until then, marked Interrupted, with
// ctx's error.
func Run(ctx context.Context, w Workload, base string) (*Result, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	for i, q := range w.Requests {
		if _, err := http.NewRequest(cmp.Or(q.Method, http.MethodGet), base+strings.ReplaceAll(q.Path, "{n}", "0"), nil); err != nil {
			return nil, fmt.Errorf("request %d: %w", i+1, err)
		}
	}
	conc := w.MaxInFlight
	if w.Clients > 0 {
		conc = w.Clients
	}
	dialer := &net.Dialer{Timeout: w.Timeout}
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc,
		MaxResponseHeaderBytes: MaxResponseHeaderBytes,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: c}, nil
		}}
	defer tr.CloseIdleConnections()
	// Redirects are not followed: a 3xx is the server's answer, checked
	// like any status, and the workload's credentials never go to a host
	// the user did not name.
	// No Client.Timeout: each request's context carries its deadline
	// (do), which bounds the body's read too, and Client.Timeout would
	// add a second deadline context, timer and goroutine per request.
	client := &http.Client{Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r := &runner{w: w, base: base, client: client,
		res: &Result{Latency: newHist(), Service: newHist(), Errors: map[string]int64{}}, lag: newHist()}
	r.token = w.Token
	if r.token == "" && w.TokenEnv != "" {
		r.token = os.Getenv(w.TokenEnv)
	}
	r.templates = make([]*http.Request, len(w.Requests))
	for i, q := range w.Requests {
		if !strings.Contains(q.Path, "{n}") {
			if req, err := r.build(context.Background(), q, q.Path); err == nil {
				r.templates[i] = req
			}
		}
	}
	start := time.Now()
	r.measure = start.Add(w.Warmup)
	// Sends stop at end, so the last answers are in by end + Timeout.
	end := start.Add(w.Warmup + w.Duration)
	if w.Duration == 0 {
		end = start.Add(MaxDuration - w.Timeout)
	}
	r.stop = end.Add(w.Timeout)
	var err error
	if w.Rate > 0 {
		err = r.open(ctx, start, end)
	} else {
		err = r.closed(ctx, end)
	}
	r.res.Elapsed = time.Since(start)
	r.res.Interrupted = err != nil
	r.res.Capped = r.capped.Load()
	for i := range r.res.Timeline {
		sec := &r.res.Timeline[i]
		sec.P50, sec.P99 = r.res.Quantile(sec.hist, 0.5), r.res.Quantile(sec.hist, 0.99)
		sec.hist = nil
	}
	r.res.LagP99 = r.lag.ValueAtQuantile(99)
	r.res.lagged = r.lag.TotalCount()
	return r.res, err
}

// interval is the open model's mean gap between sends; a rate so low
// that the gap would overflow sends once.
func (w *Workload) interval() time.Duration {
	iv := float64(time.Second) / w.Rate
	if iv > float64(MaxDuration) || math.IsInf(iv, 0) {
		return MaxDuration
	}
	return time.Duration(iv)
}

// open sends at the arrival rate; each request's latency counts from its
// intended time. A full window makes sends late; a send that cannot leave
// within Timeout of its intended time is dropped (both counted), so
// neither a stalled server nor a generator that fell behind stretches the
// run past end + Timeout.
//
// Requests are sent by a pool of sender goroutines, started as the window
// needs them and never more than MaxInFlight: a sender keeps its grown
// stack from one request to the next, where a goroutine per request paid
// for a new one each time. The window is still counted by sem, so a send
// waits for a free slot exactly as before, and its lag is measured before
// it is handed to a sender.
func (r *runner) open(ctx context.Context, start, end time.Time) error {
	sem := make(chan struct{}, r.w.MaxInFlight)
	rng := rand.New(rand.NewPCG(r.w.Seed, r.w.Seed^0x5deece66d))
	var wg sync.WaitGroup
	jobs := make(chan send)
	senders := 0
	defer func() {
		close(jobs)
		wg.Wait()
		r.res.senders = senders
	}()
	sender := func(j send) {
		defer wg.Done()
		for ok := true; ok; j, ok = <-jobs {
			r.do(ctx, j.intended, j.sent, j.counted)
			<-sem
		}
	}
	intended := start
	interval := r.w.interval()
	var batch time.Duration
	if interval <= sendBatch {
		batch = sendBatch
	}
	guarded := batch > guardLead && interval >= guardMinGap
	var woke time.Time // when the pacer last woke; sends due by then leave at once
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	slot := time.NewTimer(time.Hour)
	defer slot.Stop()
	fine := newFineTimer()
	defer fine.close()
	var unblocked time.Time // when the loop last stopped waiting for a full window
	for i := 0; ; i++ {
		if r.w.Poisson {
			intended = intended.Add(time.Duration(min(rng.ExpFloat64()*float64(interval), float64(MaxDuration))))
		} else {
			intended = start.Add(time.Duration(i) * interval)
		}
		if !intended.Before(end) {
			return nil
		}
		if intended.After(woke) {
			// Nothing due yet: sleep until this send's time or, when
			// sends are closer than sendBatch, until sendBatch after it,
			// so one wake-up releases every send due by then.
			if err := waitUntil(ctx, intended.Add(batch), timer, fine); err != nil {
				return err
			}
			woke = time.Now()
			r.res.wakeups++
			if guarded {
				// The next wake-up is sendBatch after a send due after
				// now, so at least sendBatch away.
				fine.guard(woke.Add(batch - guardLead))
				r.res.guards++
			}
		}
		counted := !intended.Before(r.measure)
		deadline := intended.Add(r.w.Timeout)
		// The lateness of a send whose time came after the loop last
		// waited for the window is the generator's own.
		own := intended.After(unblocked)
		if lag := time.Since(intended); lag > r.w.Timeout {
			r.drop(counted, own, lag)
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			own = false
			slot.Reset(time.Until(deadline))
			select {
			case sem <- struct{}{}:
				slot.Stop()
			case <-slot.C:
				unblocked = time.Now()
				r.drop(counted, false, 0)
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
			unblocked = time.Now()
		}
		sent := time.Now()
		if lag := sent.Sub(intended); counted {
			if lag > behindLag {
				atomic.AddInt64(&r.res.Late, 1)
				if own {
					r.behind(lag, false)
				}
			}
			r.mu.Lock()
			r.lag.RecordValue(max(0, lag.Microseconds()))
			r.mu.Unlock()
		}
		j := send{intended, sent, counted}
		select {
		case jobs <- j: // an idle sender
		default:
			if senders < r.w.MaxInFlight {
				senders++
				wg.Add(1)
				go sender(j)
				continue
			}
			// Every sender exists and the window has room: the one that
			// freed the slot is on its way back for the next request.
			jobs <- j
		}
	}
}

// send is one request handed to a sender.
type send struct {
	intended, sent time.Time
	counted        bool
}

// drop counts a send that could not leave within the timeout of its
// intended time; own says the generator, not a full window, delayed it.
func (r *runner) drop(counted, own bool, lag time.Duration) {
	if !counted {
		return
	}
	atomic.AddInt64(&r.res.Dropped, 1)
	if own {
		r.behind(lag, true)
	}
}

// behind counts a send the generator itself delayed by lag.
func (r *runner) behind(lag time.Duration, dropped bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Behind++
	if dropped {
		r.res.BehindDropped++
	}
	r.res.BehindMax = max(r.res.BehindMax, lag)
}

// second returns the timeline point of an intended send time; the caller
// holds r.mu. Points are created up to it so that empty seconds show.
func (r *runner) second(at time.Time) *Second {
	t := max(0, int(at.Sub(r.measure)/time.Second))
	for len(r.res.Timeline) <= t {
		r.res.Timeline = append(r.res.Timeline, Second{T: len(r.res.Timeline), hist: hdr.New(1, histMax, 2)})
	}
	return &r.res.Timeline[t]
}

// closed runs Clients loops back to back until end (or their iterations);
// a think pause ends early at end or when ctx ends.
func (r *runner) closed(ctx context.Context, end time.Time) error {
	var wg sync.WaitGroup
	for c := 0; c < r.w.Clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			think := time.NewTimer(time.Hour)
			defer think.Stop()
			for it := 0; r.w.Iterations <= 0 || it < r.w.Iterations; it++ {
				now := time.Now()
				if ctx.Err() != nil {
					return
				}
				if !now.Before(end) {
					r.capped.Store(r.w.Duration == 0)
					return
				}
				r.do(ctx, now, now, !now.Before(r.measure))
				if r.w.Think > 0 {
					think.Reset(min(r.w.Think, time.Until(end)))
					select {
					case <-think.C:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// countingConn counts the bytes read from a connection, so that a failed
// response can be told apart by how much of it came.
type countingConn struct {
	net.Conn
	read atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// progress follows one request through the transport, for its error class.
type progress struct {
	conn      atomic.Pointer[countingConn]
	base      atomic.Int64 // conn's count when the request got it
	firstByte atomic.Bool
}

func (p *progress) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			c := info.Conn
			if t, ok := c.(interface{ NetConn() net.Conn }); ok { // TLS
				c = t.NetConn()
			}
			if cc, ok := c.(*countingConn); ok {
				p.base.Store(cc.read.Load())
				p.conn.Store(cc)
			}
		},
		GotFirstResponseByte: func() { p.firstByte.Store(true) },
	}
}

// class names the error of a request that got no response.
func (p *progress) class(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case p.conn.Load() == nil:
		return ErrConnect
	case !p.firstByte.Load():
		return ErrClosed
	case p.conn.Load().read.Load()-p.base.Load() >= MaxResponseHeaderBytes:
		return ErrOversizedHeader
	}
	return ErrProtocol
}

// do sends one request and records it. The request is abandoned Timeout
// after it was sent, or when the run stops (by then its latency from the
// intended time is above Timeout too); one that ctx ended is not recorded at all (it
// neither succeeded nor failed: the run was interrupted).
func (r *runner) do(ctx context.Context, intended, sent time.Time, counted bool) {
	seq := r.next.Add(1) - 1
	i := int(seq % int64(len(r.w.Requests)))
	q := r.w.Requests[i]
	deadline := sent.Add(r.w.Timeout)
	if deadline.After(r.stop) {
		deadline = r.stop
	}
	rctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var p progress
	tctx := httptrace.WithClientTrace(rctx, p.trace())
	var req *http.Request
	if t := r.templates[i]; t != nil {
		req = t.WithContext(tctx)
		if t.GetBody != nil {
			req.Body, _ = t.GetBody()
		}
	} else {
		var err error
		req, err = r.build(tctx, q, strings.ReplaceAll(q.Path, "{n}", strconv.FormatInt(seq, 10)))
		if err != nil { // Run checked every request; a path with {n} may still break
			r.fail(intended, counted, ErrProtocol)
			return
		}
	}
	if counted {
		atomic.AddInt64(&r.res.Sent, 1)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.fail(intended, counted, p.class(err))
		}
		return
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	done := time.Now()
	var ne net.Error
	switch {
	case err != nil && ctx.Err() != nil:
		return
	case err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()):
		r.fail(intended, counted, ErrTimeout)
		return
	case err != nil:
		r.fail(intended, counted, ErrBody)
		return
	case q.Expect != 0 && resp.StatusCode != q.Expect, q.Expect == 0 && (resp.StatusCode < 200 || resp.StatusCode > 299):
		r.fail(intended, counted, ErrStatus)
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

// build makes request q for path with its headers and the token.
func (r *runner) build(ctx context.Context, q Request, path string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, cmp.Or(q.Method, http.MethodGet), r.base+path, bytes.NewReader(q.Body))
	if err != nil {
		return nil, err
	}
	for k, v := range q.Header {
		req.Header[k] = v
	}
	if r.token != "" {
		req.Header.Set("X-Auth-Token", r.token)
	}
	return req, nil
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
