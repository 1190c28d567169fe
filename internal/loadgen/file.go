package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/letgo-dev/letgo/internal/tomlconf"
)

// fileWorkload is the TOML form of a workload:
//
//	[model]
//	kind = "open"             # or "closed"
//	rate = 200                # open: requests/s; or rates = [100, 200, 400], a ladder
//	arrivals = "poisson"      # open: "constant" (default) or "poisson"
//	clients = 8               # closed: concurrent clients
//	iterations = 100          # closed: per client, instead of a duration
//	duration = "30s"          # measured window (per ladder step)
//	warmup = "5s"
//	think = "100ms"           # closed: pause between a client's requests
//	timeout = "10s"
//	max_in_flight = 256       # open
//	seed = 1
//
//	[auth]                    # sent as X-Auth-Token
//	token_env = "OS_TOKEN"    # or token_command = ["openstack", "token", "issue", "-f", "value", "-c", "id"]
//
//	[[request]]
//	method = "GET"
//	path = "/servers/detail?marker={n}"   # {n}: the request's sequence number
//	headers = { Accept = "application/json" }
//	body = ""
//	expect = 200              # default: any 2xx
type fileWorkload struct {
	Model struct {
		Kind        string    `toml:"kind"`
		Rate        float64   `toml:"rate"`
		Rates       []float64 `toml:"rates"`
		Arrivals    string    `toml:"arrivals"`
		Clients     int       `toml:"clients"`
		Iterations  int       `toml:"iterations"`
		Duration    string    `toml:"duration"`
		Warmup      string    `toml:"warmup"`
		Think       string    `toml:"think"`
		Timeout     string    `toml:"timeout"`
		MaxInFlight int       `toml:"max_in_flight"`
		Seed        uint64    `toml:"seed"`
	} `toml:"model"`
	Auth struct {
		TokenEnv     string   `toml:"token_env"`
		TokenCommand []string `toml:"token_command"`
	} `toml:"auth"`
	Request []struct {
		Method  string            `toml:"method"`
		Path    string            `toml:"path"`
		Headers map[string]string `toml:"headers"`
		Body    string            `toml:"body"`
		Expect  int               `toml:"expect"`
	} `toml:"request"`
}

// Caps on a workload file: its size, and the steps of a ladder of rates
// (each step a run of up to MaxDuration).
const (
	MaxWorkloadBytes = 4 << 20
	MaxLadderSteps   = 32
)

// ParseWorkload reads a TOML workload file. It returns one workload per
// rate of a ladder (one for a single rate or a closed model), each
// validated against the safety caps. A token command runs once, here,
// bounded by 30 s.
func ParseWorkload(ctx context.Context, name string, data []byte) ([]Workload, error) {
	ws, tokenCommand, err := parseWorkload(name, data)
	if err != nil {
		return nil, err
	}
	if len(tokenCommand) > 0 {
		tok, err := runTokenCommand(ctx, tokenCommand)
		if err != nil {
			return nil, fmt.Errorf("%s: auth.token_command: %w", name, err)
		}
		for i := range ws {
			ws[i].Token = tok
		}
	} else if env := ws[0].TokenEnv; env != "" && os.Getenv(env) == "" {
		return nil, fmt.Errorf("%s: auth.token_env: $%s is empty", name, env)
	}
	return ws, nil
}

// parseWorkload is ParseWorkload without running anything: the workloads
// and the token command to run.
func parseWorkload(name string, data []byte) ([]Workload, []string, error) {
	if len(data) > MaxWorkloadBytes {
		return nil, nil, fmt.Errorf("%s: %d bytes, above the %d-byte limit of a workload file", name, len(data), MaxWorkloadBytes)
	}
	var f fileWorkload
	if err := tomlconf.DecodeStrict(data, &f); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	m := f.Model
	w := Workload{Clients: m.Clients, Iterations: m.Iterations, MaxInFlight: m.MaxInFlight, Seed: m.Seed, TokenEnv: f.Auth.TokenEnv}
	if w.Seed == 0 {
		w.Seed = 1
	}
	for _, d := range []struct {
		key string
		s   string
		to  *time.Duration
	}{{"duration", m.Duration, &w.Duration}, {"warmup", m.Warmup, &w.Warmup}, {"think", m.Think, &w.Think}, {"timeout", m.Timeout, &w.Timeout}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseDuration(d.s)
		if err != nil || v < 0 {
			return nil, nil, fmt.Errorf("%s: model.%s: %q is not a duration such as \"30s\"", name, d.key, d.s)
		}
		*d.to = v
	}
	switch m.Arrivals {
	case "", "constant":
	case "poisson":
		w.Poisson = true
	default:
		return nil, nil, fmt.Errorf("%s: model.arrivals: %q is neither \"constant\" nor \"poisson\"", name, m.Arrivals)
	}
	rates := m.Rates
	if m.Rate > 0 {
		rates = append([]float64{m.Rate}, rates...)
	}
	if len(rates) > MaxLadderSteps {
		return nil, nil, fmt.Errorf("%s: a ladder of %d rates, above the safety cap of %d steps", name, len(rates), MaxLadderSteps)
	}
	switch m.Kind {
	case "open":
		if len(rates) == 0 {
			return nil, nil, fmt.Errorf("%s: an open model needs model.rate or model.rates", name)
		}
		if m.Clients > 0 {
			return nil, nil, fmt.Errorf("%s: model.clients belongs to a closed model", name)
		}
	case "closed":
		if len(rates) > 0 {
			return nil, nil, fmt.Errorf("%s: model.rate belongs to an open model", name)
		}
		rates = []float64{0}
	default:
		return nil, nil, fmt.Errorf("%s: model.kind: %q is neither \"open\" nor \"closed\"", name, m.Kind)
	}
	if len(f.Request) == 0 {
		return nil, nil, fmt.Errorf("%s: no [[request]]", name)
	}
	for i, q := range f.Request {
		if q.Path != "" && !strings.HasPrefix(q.Path, "/") {
			return nil, nil, fmt.Errorf("%s: request %d: path %q must start with / (the base URL is given on the command line)", name, i+1, q.Path)
		}
		req := Request{Method: strings.ToUpper(q.Method), Path: q.Path, Body: []byte(q.Body), Expect: q.Expect}
		if len(q.Headers) > 0 {
			req.Header = http.Header{}
			for k, v := range q.Headers {
				req.Header.Set(k, v)
			}
		}
		w.Requests = append(w.Requests, req)
	}
	if len(f.Auth.TokenCommand) > 0 && f.Auth.TokenEnv != "" {
		return nil, nil, fmt.Errorf("%s: auth: token_env and token_command both set", name)
	}
	var out []Workload
	for _, r := range rates {
		step := w
		step.Rate = r
		if err := step.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, step)
	}
	return out, f.Auth.TokenCommand, nil
}

func runTokenCommand(ctx context.Context, argv []string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %w: %s", argv, err, strings.TrimSpace(stderr.String()))
	}
	tok := strings.TrimSpace(string(out))
	if tok == "" || strings.ContainsAny(tok, "\r\n") {
		return "", errors.New("the command must print one token on one line")
	}
	return tok, nil
}
