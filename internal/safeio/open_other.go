//go:build !unix

package safeio

import "os"

// openNonblocking opens path for reading; systems without FIFOs that block
// on open need nothing more.
func openNonblocking(path string) (*os.File, error) {
	return os.Open(path)
}
