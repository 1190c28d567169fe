package loadgen

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"
)

// BenchmarkOpenModel sends at 5,000/s for 2 s to a loopback server that
// answers at once; with -cpuprofile, the generator's CPU per request is the
// profile outside the server's handler goroutines.
func BenchmarkOpenModel(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })}
	go srv.Serve(l)
	defer srv.Close()
	for b.Loop() {
		res, err := Run(context.Background(), Workload{Requests: []Request{{Path: "/"}}, Rate: 5000, Duration: 2 * time.Second}, "http://"+l.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.LagP99), "lag-p99-µs")
	}
}
