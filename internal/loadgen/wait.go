package loadgen

import (
	"context"
	"time"
)

// timerSlack is how late the runtime's timers may fire: on Linux the Go
// poller sleeps in whole milliseconds, so a sub-millisecond sleep can
// overshoot by up to 1 ms, and an open-model send would leave that late.
const timerSlack = time.Millisecond

// waitUntil returns at t: it sleeps on timer until timerSlack before t,
// then closes the last stretch with fine (a nil one: preciseSleep), so
// sends leave within tens of microseconds of their intended time.
func waitUntil(ctx context.Context, t time.Time, timer *time.Timer, fine *fineTimer) error {
	if d := time.Until(t) - timerSlack; d > 0 {
		timer.Reset(d)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
	for {
		d := time.Until(t)
		if d <= 0 {
			return ctx.Err()
		}
		fine.sleep(d)
	}
}
