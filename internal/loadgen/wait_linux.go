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
	f  *os.File
	fd uintptr
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
	return &fineTimer{f: os.NewFile(fd, "timerfd"), fd: fd}
}

// sleep returns after d (at least 1 ns: a zero time would disarm it).
func (t *fineTimer) sleep(d time.Duration) {
	if t == nil {
		preciseSleep(d)
		return
	}
	spec := [2]syscall.Timespec{{}, syscall.NsecToTimespec(int64(max(d, 1)))} // interval 0: once
	if _, _, errno := syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, t.fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); errno != 0 {
		preciseSleep(d)
		return
	}
	var n [8]byte // the count of expirations
	if _, err := t.f.Read(n[:]); err != nil {
		preciseSleep(d)
	}
}

func (t *fineTimer) close() {
	if t != nil {
		t.f.Close()
	}
}
