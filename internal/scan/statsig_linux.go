package scan

import (
	"fmt"
	"os"
	"syscall"
)

// statSignature identifies a regular file's version by its status: size,
// modification time, device, inode and change time (a write changes the
// change time, which no caller can set back).
func statSignature(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	sig := fmt.Sprintf("%d:%d", fi.Size(), fi.ModTime().UnixNano())
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		sig += fmt.Sprintf(":%d:%d:%d:%d", st.Dev, st.Ino, st.Ctim.Sec, st.Ctim.Nsec)
	}
	return sig, true
}
