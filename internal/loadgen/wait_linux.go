package loadgen

import (
	"os"
	"syscall"
	"time"
	"unsafe"
)

// preciseSleep blocks the thread in the kernel, whose high-resolution
// timers wake it within microseconds; the runtime hands the processor to
// other goroutines meanwhile. Busy-waiting would be as precise but would
// take a core from the server under test when both share the machine.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}

// fineTimer is a timerfd (the kernel's high-resolution timers) read
// through the runtime's network poller: the pacer's goroutine parks
// until it fires, as on a channel, instead of holding a thread in a
// nanosleep system call, which the runtime pays for with thread
// hand-offs on every send.
type fineTimer struct {
	f    *os.File
	fd   uintptr
	raw  syscall.RawConn
	read func(fd uintptr) bool // the callback of raw.Read, built once
	at   time.Time             // when the armed timer expires
	err  error                 // the last read's error
}

// newFineTimer returns nil when the kernel refuses a timerfd (the pacer
// then sleeps with preciseSleep).
func newFineTimer() *fineTimer {
	const clockMonotonic = 1
	fd, _, errno := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		return nil
	}
	// A non-blocking descriptor is registered with the poller.
	t := &fineTimer{f: os.NewFile(fd, "timerfd"), fd: fd}
	raw, err := t.f.SyscallConn()
	if err != nil {
		t.f.Close()
		return nil
	}
	t.raw = raw
	t.read = t.readExpired
	return t
}

// readExpired is raw.Read's callback: it reads the expiration count, or
// returns false to park the goroutine until the poller reports the timer
// readable. Before the expiry it does not try the read, which could only
// fail with EAGAIN: one system call per wake-up instead of two. (The
// poller resets the descriptor's readiness before the first call, and an
// expiry after that reset wakes the parked goroutine, so skipping the
// read loses no wake-up; an expiry before it means the time has passed
// and the read is tried.)
func (t *fineTimer) readExpired(fd uintptr) bool {
	if time.Now().Before(t.at) {
		return false
	}
	var n [8]byte // the count of expirations
	_, err := syscall.Read(int(fd), n[:])
	if err == syscall.EAGAIN {
		return false
	}
	t.err = err
	return true
}

// guard sets the descriptor's write deadline, which nothing waits on,
// to at. The deadline is a runtime timer, and the timerfd is not: without
// it, when the whole process is idle between two wake-ups, the runtime's
// monitor thread (sysmon) sleeps until the next runtime timer, seconds
// away, and is woken by the first system call after the wake-up, which
// makes it poll every 20 µs again for a while — a thread wake-up and a
// burst of polling per pacer wake-up. With a guard that expires before
// the pacer's next wake-up it sleeps until then, and its polling interval
// keeps growing to 10 ms.
//
// Arming a runtime timer may wake a thread to watch it; the pacer arms
// the guard when it has just woken and is about to ready senders, which
// wakes a thread anyway.
func (t *fineTimer) guard(at time.Time) {
	if t != nil {
		t.f.SetWriteDeadline(at)
	}
}

// sleep returns after d (at least 1 ns: a zero time would disarm it).
func (t *fineTimer) sleep(d time.Duration) {
	if t == nil {
		preciseSleep(d)
		return
	}
	d = max(d, 1)
	t.at = time.Now().Add(d)
	spec := [2]syscall.Timespec{{}, syscall.NsecToTimespec(int64(d))} // interval 0: once
	if _, _, errno := syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, t.fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); errno != 0 {
		preciseSleep(d)
		return
	}
	t.err = nil
	if err := t.raw.Read(t.read); err != nil || t.err != nil {
		preciseSleep(time.Until(t.at))
	}
}

func (t *fineTimer) close() {
	if t != nil {
		t.f.Close()
	}
}
