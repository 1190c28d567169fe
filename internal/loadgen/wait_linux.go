package loadgen

import (
	"syscall"
	"time"
)

// preciseSleep blocks the thread in the kernel, whose high-resolution
// timers wake it within microseconds; the runtime hands the processor to
// other goroutines meanwhile. Busy-waiting would be as precise but would
// take a core from the server under test when both share the machine.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}
