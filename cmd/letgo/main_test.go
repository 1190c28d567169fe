//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildLetgo builds the command into a temporary directory, or skips the
// test where that is impossible.
func buildLetgo(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build letgo with")
	}
	bin := filepath.Join(t.TempDir(), "letgo")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("cannot build letgo: %v\n%s", err, out)
	}
	return bin
}

// bigTree writes n Python files of a few kilobytes: a scan of a few
// seconds, long enough to be interrupted in the middle.
func bigTree(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	for j := 0; j < 60; j++ {
		fmt.Fprintf(&body, "def f%d(x):\n    if x > %d:\n        return eventlet.spawn(f%d, x - 1)\n    return [i * %d for i in range(x)]\n\n\n", j, j, j, j)
	}
	for i := 0; i < n; i++ {
		src := fmt.Sprintf("import eventlet\nimport pkg.m%d\n\n\n%s", (i+1)%n, body.String())
		if err := os.WriteFile(filepath.Join(dir, "pkg", fmt.Sprintf("m%d.py", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// start runs bin with args, its output captured.
func start(t *testing.T, bin string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer, chan error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, &stdout, &stderr, done
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode() // -1 when a signal killed it
	}
	if err != nil {
		return -2
	}
	return 0
}

// TestSignalInterruptsScan: SIGINT and SIGTERM in the middle of a scan end
// it promptly, with exit 1, "interrupted" and no report.
func TestSignalInterruptsScan(t *testing.T) {
	bin := buildLetgo(t)
	dir := bigTree(t, 2000)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, stdout, stderr, done := start(t, bin, "scan", "--format", "json", dir)
			time.Sleep(300 * time.Millisecond)
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if code := exitCode(err); code != 1 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "letgo: interrupted") {
					t.Errorf("after %v: exit %d (%v), stdout %d bytes, stderr %q; want exit 1, no report, \"letgo: interrupted\"",
						sig, code, err, stdout.Len(), stderr.String())
				}
				if took := time.Since(sent); took > 5*time.Second {
					t.Errorf("%v took %v to end the scan", sig, took)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("still running 20 s after %v", sig)
			}
		})
	}
}

// TestSecondSignalExits: a command stuck where it cannot check its context
// (opening a FIFO nobody reads, as --output) survives the first signal and
// ends at once on the second, with 128 + the signal's number.
func TestSecondSignalExits(t *testing.T) {
	bin := buildLetgo(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.py"), []byte("import eventlet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "report.fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			cmd, _, stderr, done := start(t, bin, "scan", "--output", fifo, dir)
			time.Sleep(time.Second) // the scan of one file is over: letgo waits in open
			cmd.Process.Signal(tt.sig)
			select {
			case err := <-done:
				t.Fatalf("the first %v ended letgo (%v, %s); want it to wait", tt.sig, err, stderr.String())
			case <-time.After(300 * time.Millisecond):
			}
			sent := time.Now()
			cmd.Process.Signal(tt.sig)
			select {
			case err := <-done:
				if code := exitCode(err); code != tt.want {
					t.Errorf("after a second %v: exit %d (%v), want %d", tt.sig, code, err, tt.want)
				}
				if took := time.Since(sent); took > 2*time.Second {
					t.Errorf("the second %v took %v", tt.sig, took)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10 s after a second %v", tt.sig)
			}
		})
	}
}
