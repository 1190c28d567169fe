package cli

import (
	"bytes"
	"context"
	"runtime/debug"
	"testing"
)

// TestMainLeavesGC checks that running a command through Main does not
// change the process's collector settings (TuneGC is the binary's
// choice), and that TuneGC leaves letgo serve and compare on the defaults.
func TestMainLeavesGC(t *testing.T) {
	before := debug.SetGCPercent(-1)
	debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)
	var out, errb bytes.Buffer
	Main(context.Background(), []string{"rules"}, &out, &errb)
	if code := Main(context.Background(), []string{"scan", "--format", "json", "../../examples/nimbus"}, &out, &errb); code == ExitError || code == ExitUsage {
		t.Fatalf("scan: exit %d: %s", code, errb.String())
	}
	after := debug.SetGCPercent(before)
	if after != before || debug.SetMemoryLimit(-1) != limit {
		t.Fatalf("Main changed the collector: GOGC %d -> %d, limit %d -> %d", before, after, limit, debug.SetMemoryLimit(-1))
	}
	t.Setenv("GOGC", "") // unset for TuneGC: the user's choice wins
	t.Setenv("GOMEMLIMIT", "")
	TuneGC([]string{"serve", "--db", "x.db"})
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("TuneGC(serve) set GOGC to %d", got)
	}
	TuneGC([]string{"compare", "a.json", "b.json"})
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("TuneGC(compare) set GOGC to %d", got)
	}
	TuneGC([]string{"scan", "."})
	if got := debug.SetGCPercent(before); got != 400 {
		t.Errorf("TuneGC(scan) set GOGC to %d, want 400", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("TuneGC(scan) set the memory limit to %d, want 1 GiB", got)
	}
	TuneGC([]string{"history", "--refs", "a,b", "."})
	if got := debug.SetMemoryLimit(-1); got != 400<<20 {
		t.Errorf("TuneGC(history) set the memory limit to %d, want 400 MiB", got)
	}
	debug.SetGCPercent(before)
	debug.SetMemoryLimit(limit)
}
