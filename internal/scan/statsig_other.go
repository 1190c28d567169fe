//go:build !linux

package scan

import (
	"fmt"
	"io/fs"
	"os"
	"time"
)

// statSignature identifies a regular file's version by its status.
func statSignature(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	sig, _ := FileStatus(fi)
	return sig, true
}

// FileStatus identifies a file's version by its size, mode and
// modification time (elsewhere than Linux the change time is not read);
// changed is the modification time.
func FileStatus(fi fs.FileInfo) (sig string, changed time.Time) {
	return fmt.Sprintf("%d:%o:%d", fi.Size(), fi.Mode(), fi.ModTime().UnixNano()), fi.ModTime()
}
