//go:build unix

package safeio

import (
	"os"
	"syscall"
)

// openNonblocking opens path for reading without waiting for a writer: a
// FIFO opens at once (and is then refused as not regular) instead of
// blocking for ever. O_NONBLOCK changes nothing for regular files.
func openNonblocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
