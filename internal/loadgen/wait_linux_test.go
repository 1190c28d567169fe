package loadgen

import (
	"errors"
	"os"
	"testing"
	"time"
)

// The fine timer returns no earlier than asked, also for waits so short
// that the timer expires before the goroutine could park (the read is
// then tried at once, not skipped: a skipped read would park it until an
// expiry that already happened, that is for ever). Its guard is a write
// deadline: nothing waits on it, but a write to the descriptor after it
// reports the deadline, not the timerfd's own refusal of writes.
func TestFineTimer(t *testing.T) {
	f := newFineTimer()
	if f == nil {
		t.Skip("no timerfd here: the pacer falls back to nanosleep")
	}
	defer f.close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, d := range []time.Duration{0, 1, time.Microsecond, 50 * time.Microsecond, 100 * time.Microsecond, 300 * time.Microsecond, 2 * time.Millisecond} {
			for range 20 {
				at := time.Now().Add(d)
				f.sleep(d)
				if now := time.Now(); now.Before(at) {
					t.Errorf("sleep(%v) returned %v early", d, at.Sub(now))
				}
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the fine timer did not wake up (a skipped read parked it past its expiry?)")
	}

	g := newFineTimer()
	defer g.close()
	g.sleep(time.Millisecond) // no guard armed
	if _, err := g.f.Write(make([]byte, 8)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("write with no guard armed: %v, want the timerfd's own error", err)
	}
	g.guard(time.Now().Add(500 * time.Microsecond))
	g.sleep(time.Millisecond)
	// The runtime runs an expired timer when a thread next looks at the
	// timers, not necessarily before the woken goroutine runs: allow it
	// some time.
	var err error
	for range 100 {
		if _, err = g.f.Write(make([]byte, 8)); errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("write after the guard expired: %v, want the guard's deadline exceeded", err)
	}
}
