package safeio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// special builds the files the table needs; each test skips what the
// system cannot make.
func special(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	var err error
	switch name {
	case "fifo":
		if runtime.GOOS == "windows" {
			t.Skip("no FIFOs")
		}
		err = syscall.Mkfifo(p, 0o644)
	case "zero":
		if _, e := os.Stat("/dev/zero"); e != nil {
			t.Skip("no /dev/zero")
		}
		err = os.Symlink("/dev/zero", p)
	case "proc":
		// A regular file whose stat size (0) is not its length.
		if _, e := os.Stat("/proc/self/maps"); e != nil {
			t.Skip("no /proc")
		}
		err = os.Symlink("/proc/self/maps", p)
	case "dir":
		err = os.Mkdir(p, 0o755)
	case "big":
		err = os.WriteFile(p, []byte(strings.Repeat("x", 11)), 0o644)
	case "ok":
		err = os.WriteFile(p, []byte("0123456789"), 0o644)
	case "missing":
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadFile(t *testing.T) {
	tests := []struct {
		name   string
		want   string // content, when wantErr is nil
		err    error
		reason string
	}{
		{"ok", "0123456789", nil, ""},
		{"big", "", ErrTooLarge, "too large (11 bytes, limit 10)"},
		{"fifo", "", ErrNotRegular, "not a regular file (a named pipe)"},
		{"zero", "", ErrNotRegular, "not a regular file (a character device)"},
		{"dir", "", ErrNotRegular, "not a regular file (a directory)"},
		{"proc", "", ErrTooLarge, "too large (more than 10 bytes)"},
		{"missing", "", fs.ErrNotExist, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := special(t, t.TempDir(), tt.name)
			type result struct {
				b   []byte
				err error
			}
			done := make(chan result, 1)
			go func() {
				b, err := ReadFile(p, 10)
				done <- result{b, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("ReadFile(%q) blocked", tt.name)
			}
			if tt.err == nil {
				if r.err != nil || string(r.b) != tt.want {
					t.Fatalf("ReadFile(%q) = %q, %v, want %q, nil", tt.name, r.b, r.err, tt.want)
				}
				return
			}
			if !errors.Is(r.err, tt.err) {
				t.Fatalf("ReadFile(%q) error = %v, want %v", tt.name, r.err, tt.err)
			}
			if got := Reason(r.err); runtime.GOOS == "linux" && got != tt.reason {
				t.Errorf("Reason(ReadFile(%q)) = %q, want %q", tt.name, got, tt.reason)
			}
			if !strings.Contains(r.err.Error(), p) {
				t.Errorf("ReadFile(%q) error %q does not name the file", tt.name, r.err)
			}
		})
	}
}

func TestRoot(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	real := t.TempDir()
	if err := os.MkdirAll(filepath.Join(real, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"in.txt":       "pkg/a.txt",
		"pkg/up.txt":   "../pkg/a.txt",
		"abs.txt":      secret,
		"rel.txt":      filepath.Join("..", filepath.Base(outside), "secret"),
		"dangling.txt": "nowhere",
		"chain.txt":    "abs.txt",
	}
	if err := os.WriteFile(filepath.Join(real, "pkg", "a.txt"), []byte("inside"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(real, filepath.FromSlash(name))); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	// The root is reached through a symlink of its own: that is not leaving it.
	via := filepath.Join(t.TempDir(), "via")
	if err := os.Symlink(real, via); err != nil {
		t.Fatal(err)
	}
	r, err := NewRoot(via)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want string
		err  error
	}{
		{"pkg/a.txt", "inside", nil},
		{"in.txt", "inside", nil},
		{"pkg/up.txt", "inside", nil},
		{"abs.txt", "", ErrOutsideRoot},
		{"rel.txt", "", ErrOutsideRoot},
		{"chain.txt", "", ErrOutsideRoot},
		{"dangling.txt", "", fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := r.ReadFile(filepath.FromSlash(tt.name), 100)
			if tt.err == nil {
				if err != nil || string(b) != tt.want {
					t.Errorf("ReadFile(%q) = %q, %v, want %q, nil", tt.name, b, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.err) || b != nil {
				t.Errorf("ReadFile(%q) = %q, %v, want error %v", tt.name, b, err, tt.err)
			}
		})
	}
}

func BenchmarkReadFile(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f.py")
	if err := os.WriteFile(p, []byte(strings.Repeat("import os\n", 2000)), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ReadFile(p, 16<<20); err != nil {
			b.Fatal(err)
		}
	}
}
