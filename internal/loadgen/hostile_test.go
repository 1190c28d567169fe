package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawServer is a loopback TCP server that hands each connection to
// handle, for servers no well-behaved HTTP server would be: one that never
// answers, answers garbage or a huge header. Connections are closed at
// the end of the test.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + l.Addr().String()
}

// readRequest reads one request's header off c (and no body).
func readRequest(c net.Conn) bool {
	_, err := http.ReadRequest(bufio.NewReader(c))
	return err == nil
}

// stall reads the request and never answers, until the test closes the
// connection.
func stall(c net.Conn) {
	readRequest(c)
	buf := make([]byte, 1)
	c.Read(buf) // blocks until closed
}

// A server that accepts and never answers must not stretch the run: each
// request is abandoned at its timeout, sends that cannot leave within
// their timeout are dropped and counted, and the run ends within its
// duration and timeout (a generous bound here: only an overrun fails).
func TestStalledServerBounded(t *testing.T) {
	url := rawServer(t, stall)
	tests := []struct {
		name string
		w    Workload
	}{
		{"open", Workload{Rate: 1000, MaxInFlight: 16}},
		{"open poisson", Workload{Rate: 1000, MaxInFlight: 16, Poisson: true, Seed: 3}},
		{"closed with think", Workload{Clients: 4, Think: 50 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.w
			w.Requests = []Request{{Path: "/"}}
			w.Duration, w.Timeout = time.Second, 500*time.Millisecond
			began := time.Now()
			res, err := Run(context.Background(), w, url)
			took := time.Since(began)
			if err != nil {
				t.Fatal(err)
			}
			if took > 5*time.Second {
				t.Errorf("a 1 s run with a 500 ms timeout took %v", took)
			}
			if res.Completed != 0 || res.Errors[ErrTimeout] == 0 {
				t.Errorf("completed %d, errors %v; want only timeouts", res.Completed, res.Errors)
			}
			if w.Rate > 0 && res.Dropped == 0 {
				t.Errorf("open model against a stalled server: dropped 0 of %d sends, want some", res.Sent)
			}
		})
	}
}

// A server that stalls only some requests: the others complete, the
// stalled ones time out, and the run still ends in time.
func TestPartlyStalledServerBounded(t *testing.T) {
	var n atomic.Int64
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(s.Close)
	began := time.Now()
	res, err := Run(context.Background(), Workload{Requests: []Request{{Path: "/"}}, Rate: 500, MaxInFlight: 8,
		Duration: time.Second, Timeout: 500 * time.Millisecond}, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("a 1 s run with a 500 ms timeout took %v", took)
	}
	if res.Completed == 0 || res.Errors[ErrTimeout] == 0 {
		t.Errorf("completed %d, errors %v; want completions and timeouts", res.Completed, res.Errors)
	}
}

// The think pause ends with the run and with the context.
func TestThinkPauseBounded(t *testing.T) {
	s := newServer(t, 0, 0, 7)
	w := Workload{Requests: []Request{{Path: "/"}}, Clients: 2, Think: MaxThink, Duration: 300 * time.Millisecond}
	began := time.Now()
	if _, err := Run(context.Background(), w, s.URL); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("a 300 ms run with a 1 min think time took %v", took)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	w.Duration = 9 * time.Minute
	began = time.Now()
	res, err := Run(ctx, w, s.URL)
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("a run cancelled after 300 ms took %v", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) || res == nil || !res.Interrupted {
		t.Errorf("cancelled run: %+v, %v; want the partial result, marked interrupted", res, err)
	}
}

// A cancelled run returns what it measured, and abandons its in-flight
// requests without counting them as errors.
func TestInterruptedRunKeepsResult(t *testing.T) {
	s := newServer(t, 20*time.Millisecond, 0, 8)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, Workload{Requests: []Request{{Path: "/"}}, Rate: 200, Duration: time.Minute}, s.URL)
	if !errors.Is(err, context.DeadlineExceeded) || res == nil {
		t.Fatalf("Run = %v, %v; want a result and the context's error", res, err)
	}
	if !res.Interrupted || res.Completed == 0 || len(res.Errors) != 0 {
		t.Errorf("interrupted %v, completed %d, errors %v; want completions and no errors", res.Interrupted, res.Completed, res.Errors)
	}
}

// Redirects are not followed: a 302 is a status like any other, and the
// workload's credentials never reach the host it points to.
func TestRedirectNotFollowed(t *testing.T) {
	var leaked, hits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("X-Auth-Token") != "" || r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
	}))
	t.Cleanup(other.Close)
	first := httptest.NewServer(http.RedirectHandler(other.URL+"/elsewhere", http.StatusFound))
	t.Cleanup(first.Close)
	for _, tt := range []struct {
		name                string
		expect              int
		wantDone, wantError int64
	}{{"any 2xx", 0, 0, 5}, {"expect 302", http.StatusFound, 5, 0}} {
		t.Run(tt.name, func(t *testing.T) {
			w := Workload{Requests: []Request{{Path: "/", Expect: tt.expect, Header: http.Header{"Authorization": {"Basic c2VjcmV0"}}}},
				Clients: 1, Iterations: 5, Token: "secret-token"}
			res, err := Run(context.Background(), w, first.URL)
			if err != nil {
				t.Fatal(err)
			}
			if res.Completed != tt.wantDone || res.Errors[ErrStatus] != tt.wantError {
				t.Errorf("completed %d, errors %v; want %d completed, %d status errors", res.Completed, res.Errors, tt.wantDone, tt.wantError)
			}
		})
	}
	if hits.Load() != 0 || leaked.Load() != 0 {
		t.Errorf("the redirect target got %d requests, %d with credentials; want none", hits.Load(), leaked.Load())
	}
}

// Each way a server can fail gets its own class; none of them is a
// connect error once a connection was made.
func TestErrorClasses(t *testing.T) {
	huge := "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", 2*MaxResponseHeaderBytes) + "\r\nContent-Length: 0\r\n\r\n"
	loop := httptest.NewServer(http.RedirectHandler("/", http.StatusFound))
	t.Cleanup(loop.Close)
	tests := []struct {
		name string
		url  string
		want string
	}{
		{"refused", "http://127.0.0.1:1", ErrConnect},
		{"closed before answering", rawServer(t, func(c net.Conn) { readRequest(c); c.Close() }), ErrClosed},
		{"garbage", rawServer(t, func(c net.Conn) {
			readRequest(c)
			c.Write([]byte("HELLO THERE\r\n\r\n"))
			c.Close()
		}), ErrProtocol},
		{"oversized header", rawServer(t, func(c net.Conn) {
			readRequest(c)
			c.Write([]byte(huge))
			c.Close()
		}), ErrOversizedHeader},
		{"redirect loop", loop.URL, ErrStatus},
		{"broken body", rawServer(t, func(c net.Conn) {
			readRequest(c)
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"))
			c.Close()
		}), ErrBody},
		{"stalled", rawServer(t, stall), ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A short timeout only where the timeout is what is tested: a
			// loaded machine (CI under -race) can take longer than that to
			// move a 2 MiB header over loopback.
			timeout := 10 * time.Second
			if tt.want == ErrTimeout {
				timeout = 300 * time.Millisecond
			}
			res, err := Run(context.Background(), Workload{Requests: []Request{{Path: "/"}}, Clients: 1, Iterations: 2, Timeout: timeout}, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if res.Errors[tt.want] != 2 || len(res.Errors) != 1 {
				t.Errorf("Run(%s) errors = %v, want 2 %s", tt.name, res.Errors, tt.want)
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	ok := func(w Workload) Workload {
		w.Requests = append(w.Requests, Request{Path: "/"})
		return w
	}
	tests := []struct {
		name string
		w    Workload
		want string
	}{
		{"negative duration", ok(Workload{Rate: 10, Duration: -time.Second}), "negative duration"},
		{"negative warm-up", ok(Workload{Rate: 10, Duration: time.Second, Warmup: -1}), "negative warm-up"},
		{"negative timeout", ok(Workload{Rate: 10, Duration: time.Second, Timeout: -time.Second}), "negative timeout"},
		{"negative think", ok(Workload{Clients: 1, Duration: time.Second, Think: -time.Second}), "negative think"},
		{"timeout above cap", ok(Workload{Rate: 10, Duration: time.Second, Timeout: MaxTimeout + 1}), "timeout"},
		{"think above cap", ok(Workload{Clients: 1, Duration: time.Second, Think: MaxThink + 1}), "think time"},
		{"iterations above cap", ok(Workload{Clients: 1, Iterations: MaxIterations + 1}), "iterations"},
		{"negative iterations", ok(Workload{Clients: 1, Iterations: -1, Duration: time.Second}), "negative number of iterations"},
		{"overflowing sum", ok(Workload{Rate: 10, Duration: math.MaxInt64 / 2, Warmup: math.MaxInt64 / 2}), "safety cap"},
		{"10 minutes and the timeout", ok(Workload{Rate: 10, Duration: MaxDuration}), "safety cap"},
		{"NaN rate", ok(Workload{Rate: math.NaN(), Duration: time.Second}), "not a number"},
		{"infinite rate", ok(Workload{Rate: math.Inf(1), Duration: time.Second}), "safety cap"},
		{"negative rate with clients", ok(Workload{Rate: -1, Clients: 2, Duration: time.Second}), "not a number"},
		{"negative clients", ok(Workload{Rate: 10, Clients: -2, Duration: time.Second}), "negative number of clients"},
		{"negative window", ok(Workload{Rate: 10, MaxInFlight: -1, Duration: time.Second}), "negative in-flight"},
		{"open model by iterations", ok(Workload{Rate: 10, Iterations: 5}), "needs a duration"},
		{"bad method", Workload{Requests: []Request{{Method: "GE T", Path: "/"}}, Rate: 10, Duration: time.Second}, "method"},
		{"header injection", Workload{Requests: []Request{{Path: "/", Header: http.Header{"X": {"a\r\nHost: evil"}}}}, Rate: 10, Duration: time.Second}, "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.w
			if err := w.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate(%s) = %v, want an error containing %q", tt.name, err, tt.want)
			}
		})
	}
	// A tiny rate sends once instead of overflowing the interval.
	w := ok(Workload{Rate: 1e-300, Duration: time.Second})
	if err := w.Validate(); err != nil || w.interval() != MaxDuration {
		t.Errorf("rate 1e-300: %v, interval %v; want accepted, interval %v", err, w.interval(), MaxDuration)
	}
}

func TestGeneratorBehind(t *testing.T) {
	tests := []struct {
		name string
		res  Result
		want bool
	}{
		{"on time", Result{Sent: 1000}, false},
		{"1% late", Result{Sent: 1000, Behind: 10, BehindMax: 3 * time.Millisecond}, false},
		{"2% late", Result{Sent: 1000, Behind: 20, BehindMax: 3 * time.Millisecond}, true},
		{"one dropped", Result{Sent: 999, Dropped: 1, Behind: 1, BehindDropped: 1, BehindMax: 11 * time.Second}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, got := tt.res.GeneratorBehind()
			if got != tt.want || got && !strings.Contains(msg, fmt.Sprintf("%d of %d", tt.res.Behind, tt.res.Sent+tt.res.Dropped)) {
				t.Errorf("GeneratorBehind(%s) = %q, %v; want %v", tt.name, msg, got, tt.want)
			}
		})
	}
}
