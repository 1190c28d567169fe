//go:build !linux

package scan

import (
	"fmt"
	"os"
)

// statSignature identifies a regular file's version by its size and
// modification time (elsewhere than Linux the change time is not read).
func statSignature(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return fmt.Sprintf("%d:%d", fi.Size(), fi.ModTime().UnixNano()), true
}
