package scan

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
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

// FileStatus identifies a file's version by its status: size, mode,
// modification time, device, inode and change time (a write changes the
// change time, which no caller can set back). Changed is the later of the
// modification and change times: a status recorded less than the file
// system's time granularity after it does not tell a later write in the
// same tick from this version (git's "racy" entries).
func FileStatus(fi fs.FileInfo) (sig string, changed time.Time) {
	sig = fmt.Sprintf("%d:%o:%d", fi.Size(), fi.Mode(), fi.ModTime().UnixNano())
	changed = fi.ModTime()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		sig += fmt.Sprintf(":%d:%d:%d:%d", st.Dev, st.Ino, st.Ctim.Sec, st.Ctim.Nsec)
		if c := time.Unix(st.Ctim.Sec, st.Ctim.Nsec); c.After(changed) {
			changed = c
		}
	}
	return sig, changed
}
