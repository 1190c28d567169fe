package loadgen

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const ladderFile = `
[model]
kind = "open"
rates = [50, 100]
arrivals = "poisson"
duration = "300ms"
warmup = "50ms"
seed = 7

[auth]
token_command = ["sh", "-c", "echo tok-123"]

[[request]]
method = "post"
path = "/items/{n}"
headers = { Content-Type = "application/json" }
body = '{"a": 1}'
expect = 201

[[request]]
path = "/health"
`

func TestParseWorkload(t *testing.T) {
	ws, err := ParseWorkload(context.Background(), "w.toml", []byte(ladderFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Rate != 50 || ws[1].Rate != 100 || !ws[0].Poisson || ws[0].Seed != 7 {
		t.Fatalf("ladder: %+v", ws)
	}
	w := ws[0]
	if w.Duration != 300*time.Millisecond || w.Warmup != 50*time.Millisecond || w.Token != "tok-123" || w.MaxInFlight != 256 {
		t.Errorf("settings: %+v", w)
	}
	q := w.Requests[0]
	if len(w.Requests) != 2 || q.Method != "POST" || q.Path != "/items/{n}" || string(q.Body) != `{"a": 1}` || q.Expect != 201 ||
		q.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request: %+v", q)
	}
	closed := "[model]\nkind = \"closed\"\nclients = 4\niterations = 10\nthink = \"5ms\"\n[[request]]\npath = \"/\"\n"
	if ws, err := ParseWorkload(context.Background(), "c.toml", []byte(closed)); err != nil || len(ws) != 1 || ws[0].Clients != 4 || ws[0].Think != 5*time.Millisecond {
		t.Errorf("closed: %+v %v", ws, err)
	}
	t.Setenv("LETGO_TEST_EMPTY_TOKEN", "")
	for _, c := range []struct{ name, text, want string }{
		{"unknown key", "[model]\nkind = \"open\"\nrate = 5\nduraton = \"1s\"\n[[request]]\npath = \"/\"\n", "duraton"},
		{"bad duration", "[model]\nkind = \"open\"\nrate = 5\nduration = \"soon\"\n[[request]]\npath = \"/\"\n", "not a duration"},
		{"no kind", "[model]\nrate = 5\nduration = \"1s\"\n[[request]]\npath = \"/\"\n", "model.kind"},
		{"no request", "[model]\nkind = \"open\"\nrate = 5\nduration = \"1s\"\n", "no [[request]]"},
		{"over the cap", "[model]\nkind = \"open\"\nrate = 1e6\nduration = \"1s\"\n[[request]]\npath = \"/\"\n", "safety cap"},
		{"relative path", "[model]\nkind = \"open\"\nrate = 5\nduration = \"1s\"\n[[request]]\npath = \"x\"\n", "must start with /"},
		{"rate in closed", "[model]\nkind = \"closed\"\nrate = 5\nclients = 2\nduration = \"1s\"\n[[request]]\npath = \"/\"\n", "open model"},
		{"empty token", "[model]\nkind = \"open\"\nrate = 5\nduration = \"1s\"\n[auth]\ntoken_env = \"LETGO_TEST_EMPTY_TOKEN\"\n[[request]]\npath = \"/\"\n", "is empty"},
		{"failing token command", "[model]\nkind = \"open\"\nrate = 5\nduration = \"1s\"\n[auth]\ntoken_command = [\"sh\", \"-c\", \"echo no >&2; exit 3\"]\n[[request]]\npath = \"/\"\n", "exit status 3"},
		{"not toml", "[model\n", "w.toml"},
		{"negative duration", "[model]\nkind = \"open\"\nrate = 5\nduration = \"-1s\"\n[[request]]\npath = \"/\"\n", "not a duration"},
		{"overflowing duration", "[model]\nkind = \"open\"\nrate = 5\nduration = \"9999999999h\"\n[[request]]\npath = \"/\"\n", "not a duration"},
		{"infinite rate", "[model]\nkind = \"open\"\nrate = inf\nduration = \"1s\"\n[[request]]\npath = \"/\"\n", "safety cap"},
		{"NaN rate in a ladder", "[model]\nkind = \"open\"\nrates = [nan]\nduration = \"1s\"\n[[request]]\npath = \"/\"\n", "not a number"},
		{"think above the cap", "[model]\nkind = \"closed\"\nclients = 1\nduration = \"1s\"\nthink = \"2h\"\n[[request]]\npath = \"/\"\n", "think time"},
		{"timeout above the cap", "[model]\nkind = \"closed\"\nclients = 1\nduration = \"1s\"\ntimeout = \"2h\"\n[[request]]\npath = \"/\"\n", "timeout"},
		{"iterations above the cap", "[model]\nkind = \"closed\"\nclients = 1\niterations = 9223372036854775807\n[[request]]\npath = \"/\"\n", "iterations"},
		{"long ladder", "[model]\nkind = \"open\"\nrates = [" + strings.Repeat("1, ", MaxLadderSteps) + "1]\nduration = \"1s\"\n[[request]]\npath = \"/\"\n", "steps"},
		{"header injection", "[model]\nkind = \"open\"\nrate = 5\nduration = \"1s\"\n[[request]]\npath = \"/\"\nheaders = { X = \"a\\r\\nHost: evil\" }\n", "control character"},
		{"too large", "[model]\n#" + strings.Repeat("x", MaxWorkloadBytes) + "\n", "limit"},
	} {
		_, err := ParseWorkload(context.Background(), "w.toml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
}

// TestWorkloadRequests runs a parsed workload and checks what the server
// received: methods, templated paths, headers, body and token.
func TestWorkloadRequests(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Auth-Token") != "tok-123" {
			seen["no token"]++
		}
		switch {
		case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/items/") && r.Header.Get("Content-Type") == "application/json" && string(body) == `{"a": 1}`:
			seen["item"]++
			seen[r.URL.Path]++
			w.WriteHeader(http.StatusCreated)
		case r.Method == "GET" && r.URL.Path == "/health":
			seen["health"]++
		default:
			seen["other"]++
		}
	})}}
	s.Start()
	defer s.Close()
	ws, err := ParseWorkload(context.Background(), "w.toml", []byte(ladderFile))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), ws[0], s.URL)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen["no token"] != 0 || seen["other"] != 0 || seen["item"] == 0 || seen["health"] == 0 || len(res.Errors) != 0 {
		t.Errorf("server saw %v; errors %v", seen, res.Errors)
	}
	// Request n alternates between the two requests, so items get even
	// sequence numbers, each exactly once.
	if seen["/items/0"] != 1 || seen["/items/2"] != 1 || seen["/items/1"] != 0 {
		t.Errorf("templated paths: %v", seen)
	}
}

// workloadSeeds are the fuzz seeds: every file of the tests above, and
// huge and deeply nested documents, sized by scale (1 for the fuzzer,
// whose mutations of large inputs crawl; 50 for the bounds test).
func workloadSeeds(scale int) []string {
	seeds := []string{ladderFile,
		"[model]\nkind = \"closed\"\nclients = 4\niterations = 10\nthink = \"5ms\"\n[[request]]\npath = \"/\"\n",
		"[model]\nkind = \"open\"\nrate = 5\nduration = \"1s\"\nx = " + strings.Repeat("[", 200*scale) + strings.Repeat("]", 200*scale) + "\n",
		"[model]\nkind = \"open\"\nrate = 5\nduration = \"1s\"\nx = " + strings.Repeat("{a=", 100*scale) + "1" + strings.Repeat("}", 100*scale) + "\n",
		"[" + strings.Repeat("a.", 100*scale) + "a]\n",
		"[model]\nkind = \"open\"\nrates = [" + strings.Repeat("1, ", 2000*scale) + "1]\nduration = \"1s\"\n[[request]]\npath = \"/\"\n",
		strings.Repeat("[[request]]\npath = \"/{n}\"\n", 200*scale),
	}
	return seeds
}

func FuzzParseWorkload(f *testing.F) {
	for _, s := range workloadSeeds(1) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, _, err := parseWorkload("w.toml", data)
		if err != nil {
			return
		}
		for _, w := range ws {
			if err := w.Validate(); err != nil {
				t.Errorf("parseWorkload(%q) returned a workload Validate refuses: %v", data, err)
			}
			if w.Rate > MaxRate || w.Clients > MaxConcurrency || w.Duration+w.Warmup+w.Timeout > MaxDuration || w.Timeout > MaxTimeout || w.Think > MaxThink {
				t.Errorf("parseWorkload(%q) = %+v, beyond the safety caps", data, w)
			}
		}
	})
}

// TestWorkloadSeedsBounded runs the huge and deep seeds in the ordinary
// test run, so a regression shows without -fuzz.
func TestWorkloadSeedsBounded(t *testing.T) {
	for i, s := range workloadSeeds(50) {
		began := time.Now()
		parseWorkload("w.toml", []byte(s))
		if took := time.Since(began); took > 5*time.Second {
			t.Errorf("seed %d (%d bytes) took %v", i, len(s), took)
		}
	}
}
