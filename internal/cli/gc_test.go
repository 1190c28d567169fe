package cli

import (
	"bytes"
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
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
	tuneGC([]string{"serve", "--db", "x.db"})()
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("TuneGC(serve) set GOGC to %d", got)
	}
	tuneGC([]string{"compare", "a.json", "b.json"})()
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("TuneGC(compare) set GOGC to %d", got)
	}
	stop := tuneGC([]string{"scan", "."})
	if got := debug.SetGCPercent(before); got != -1 {
		t.Errorf("TuneGC(scan) set GOGC to %d, want off (the heap floor)", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 192<<20 {
		t.Errorf("TuneGC(scan) set the memory limit to %d, want 192 MiB", got)
	}
	// After a collection with a live heap over half the floor, GOGC is
	// 400 and the limit is twice the live heap.
	big := make([][]byte, 160)
	for i := range big {
		big[i] = make([]byte, 1<<20)
	}
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) < 2*150<<20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got < 2*150<<20 {
		t.Errorf("with a live heap of 160 MiB the limit is %d, want about twice that", got)
	}
	if got := debug.SetGCPercent(400); got != 400 {
		t.Errorf("with a live heap of 160 MiB GOGC is %d, want 400", got)
	}
	runtime.KeepAlive(big)
	stop()
	debug.SetMemoryLimit(limit)
	stop = tuneGC([]string{"history", "--refs", "a,b", "."})
	stop()
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("TuneGC(history) set the memory limit to %d, want 300 MiB (its heap floor)", got)
	}
	t.Setenv("GOMEMLIMIT", "300MiB")
	debug.SetMemoryLimit(limit)
	tuneGC([]string{"scan", "."})()
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("TuneGC(scan) with GOMEMLIMIT set changed the limit to %d", got)
	}
	debug.SetGCPercent(before)
	debug.SetMemoryLimit(limit)
}

// TestGCLimit checks the soft limit for a live heap: the floor until the
// heap is half of it, then twice the heap.
func TestGCLimit(t *testing.T) {
	const floor = 256 << 20
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, floor},
		{100 << 20, floor},
		{128 << 20, floor},
		{200 << 20, 400 << 20},
		{1 << 40, 2 << 40},
		{math.MaxUint64, math.MaxInt64},
	} {
		if got := gcLimit(floor, tc.live); got != tc.want {
			t.Errorf("gcLimit(%d, %d) = %d, want %d", floor, tc.live, got, tc.want)
		}
	}
}

// TestGCFloor checks each command's smallest soft memory limit: history
// and fleet backfill (history of each repository) 400 MiB, the rest
// 256 MiB.
func TestGCFloor(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int64
	}{
		{[]string{"history", "--refs", "a,b", "."}, 400 << 20},
		{[]string{"fleet", "backfill", "--src", "x"}, 400 << 20},
		{[]string{"fleet", "scan", "--src", "x"}, 256 << 20},
		{[]string{"fleet"}, 256 << 20},
		{[]string{"scan", "."}, 256 << 20},
		{[]string{"backfill"}, 256 << 20},
		{nil, 256 << 20},
	} {
		if got := gcFloor(tc.args); got != tc.want {
			t.Errorf("gcFloor(%q) = %d, want %d", tc.args, got, tc.want)
		}
	}
}

// TestGCSettings checks the heap floor: GOGC off with the limit at three
// quarters of the floor while five times the live heap is under it, then
// GOGC=400 with gcLimit's limit.
func TestGCSettings(t *testing.T) {
	const floor = 256 << 20 // minimum heap 192 MiB: GOGC=400 from a live heap of 38.4 MiB
	for _, tc := range []struct {
		live        uint64
		wantPercent int
		wantLimit   int64
	}{
		{0, -1, 192 << 20},
		{38 << 20, -1, 192 << 20},
		{39 << 20, 400, floor},
		{128 << 20, 400, floor},
		{200 << 20, 400, 400 << 20},
		{math.MaxUint64, 400, math.MaxInt64},
	} {
		p, l := gcSettings(floor, tc.live)
		if p != tc.wantPercent || l != tc.wantLimit {
			t.Errorf("gcSettings(%d, %d) = %d, %d, want %d, %d", floor, tc.live, p, l, tc.wantPercent, tc.wantLimit)
		}
	}
}
