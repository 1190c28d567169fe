//go:build !linux

package loadgen

import (
	"runtime"
	"time"
)

// preciseSleep yields until d has passed: outside Linux there is no
// portable high-resolution sleep in the standard library.
func preciseSleep(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		runtime.Gosched()
	}
}

// fineTimer is a timerfd on Linux; elsewhere the pacer uses preciseSleep.
type fineTimer struct{}

func newFineTimer() *fineTimer { return nil }

func (*fineTimer) sleep(d time.Duration) { preciseSleep(d) }

func (*fineTimer) guard(time.Time) {}

func (*fineTimer) close() {}
