package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
)

// genTree writes a project of n modules, each importing the next, the last
// importing eventlet, with a console script per ten modules: enough for
// every stage of a scan (parse, graph, modes) to loop.
func genTree(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var eps strings.Builder
	for i := 0; i < n; i++ {
		src := fmt.Sprintf("import os\n\n\ndef main():\n    return os.getpid()\n\n\nimport pkg.m%d\n", i+1)
		if i == n-1 {
			src = "import eventlet\neventlet.monkey_patch()\n\n\ndef main():\n    eventlet.spawn(main)\n"
		}
		write(t, dir, fmt.Sprintf("pkg/m%d.py", i), src)
		if i%10 == 0 {
			fmt.Fprintf(&eps, "    svc%d = pkg.m%d:main\n", i, i)
		}
	}
	write(t, dir, "pkg/__init__.py", "")
	write(t, dir, "setup.cfg", "[metadata]\nname = gen\n\n[files]\npackages =\n    pkg\n\n[entry_points]\nconsole_scripts =\n"+eps.String())
	return dir
}

// commandsOn lists an invocation of each command that does work on dir.
func commandsOn(t *testing.T, dir string) map[string][]string {
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if _, errOut, code := run(t, "baseline", "write", bl, dir); code != ExitClean {
		t.Fatalf("baseline write: exit %d: %s", code, errOut)
	}
	return map[string][]string{
		"scan":           {"scan", dir},
		"scan json":      {"scan", "--format", "json", dir},
		"scan markdown":  {"scan", "--format", "markdown", dir},
		"check":          {"check", "--baseline", bl, dir},
		"baseline write": {"baseline", "write", filepath.Join(t.TempDir(), "b.json"), dir},
		"why":            {"why", "svc0", "--path", dir},
		"why json":       {"why", "svc0", "--path", dir, "--format", "json"},
		"graph":          {"graph", dir},
		"graph json":     {"graph", dir, "--format", "json"},
		"graph dot":      {"graph", dir, "--format", "dot"},
		"blockers":       {"blockers", "--path", dir, "--with", dir},
		"modes":          {"modes", dir},
		"modes json":     {"modes", dir, "--format", "json"},
		"debug frontend": {"debug", "frontend", dir},
	}
}

// quickCommands print at once and cannot be interrupted.
var quickCommands = map[string][]string{
	"rules":   {"rules"},
	"explain": {"explain", "EV101"},
	"version": {"version"},
}

// TestInterruptedBeforeStart: with the context already cancelled, every
// command that does work exits 1 saying it was interrupted, and writes no
// report; the quick ones (rules, explain, version) print as usual.
func TestInterruptedBeforeStart(t *testing.T) {
	dir := genTree(t, 300)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, args := range commandsOn(t, dir) {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(ctx, args, &stdout, &stderr)
			if code != ExitError || stdout.Len() != 0 || stderr.String() != "letgo: interrupted\n" {
				t.Errorf("Main(cancelled, %q) = %d, stdout %q, stderr %q; want %d, no output, \"letgo: interrupted\"",
					args, code, stdout.String(), stderr.String(), ExitError)
			}
		})
	}
	for name, args := range quickCommands {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(ctx, args, &stdout, &stderr); code != ExitClean || stdout.Len() == 0 {
				t.Errorf("Main(cancelled, %q) = %d, stdout %q, stderr %q; want 0 and its output", args, code, stdout.String(), stderr.String())
			}
		})
	}
}

// TestInterruptedDuringScan cancels scans after a growing delay: a run
// that was cut short exits 1 with "interrupted" and prints nothing; a run
// whose report was complete before the signal prints it whole (and exits 1
// when the signal came while it was printing). Never a partial report.
func TestInterruptedDuringScan(t *testing.T) {
	const n = 300
	dir := genTree(t, n)
	interrupted := 0
	for _, delay := range []time.Duration{0, time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond, 100 * time.Millisecond} {
		for _, cmd := range [][]string{{"scan", "--format", "json", dir}, {"modes", "--format", "json", dir}} {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(delay, cancel)
			var stdout, stderr bytes.Buffer
			code := Main(ctx, cmd, &stdout, &stderr)
			cancel()
			if code == ExitError && stderr.String() != "letgo: interrupted\n" {
				t.Errorf("%s cancelled after %v: exit 1, stderr %q, want \"letgo: interrupted\"", cmd[0], delay, stderr.String())
			}
			switch {
			case code == ExitError && stdout.Len() == 0:
				interrupted++
			case code == ExitError, code == ExitClean, code == ExitFindings:
				var res struct {
					EntryPoints []contract.EntryPoint `json:"entrypoints"`
				}
				if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || len(res.EntryPoints) != n/10 {
					t.Errorf("%s cancelled after %v: exit %d with %d entry points (%v), want a whole report (%d)", cmd[0], delay, code, len(res.EntryPoints), err, n/10)
				}
				for _, ep := range res.EntryPoints {
					if ep.Mode == "" || ep.Eventlet == "" {
						t.Errorf("%s cancelled after %v: exit %d, entry point %s without mode or verdict", cmd[0], delay, code, ep.Name)
					}
				}
			default:
				t.Errorf("%s cancelled after %v: exit %d: %s", cmd[0], delay, code, stderr.String())
			}
		}
	}
	t.Logf("cut short: %d", interrupted)
	if interrupted == 0 {
		t.Errorf("no run was cut short")
	}
}

var errDiskFull = errors.New("no space left on device")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// TestStdoutWriteErrors: a command whose output cannot be written exits 1
// and says so, on a writer that fails and on /dev/full.
func TestStdoutWriteErrors(t *testing.T) {
	dir := genTree(t, 20)
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err == nil {
		defer full.Close()
	}
	cmds := commandsOn(t, dir)
	for name, args := range quickCommands {
		cmds[name] = args
	}
	for name, args := range cmds {
		for wname, w := range map[string]io.Writer{"failing writer": failingWriter{}, "/dev/full": full} {
			t.Run(name+"/"+wname, func(t *testing.T) {
				if w == (*os.File)(nil) {
					t.Skip("no /dev/full")
				}
				var stderr bytes.Buffer
				code := Main(context.Background(), args, w, &stderr)
				if code != ExitError || !strings.Contains(stderr.String(), "letgo: write stdout: ") {
					t.Errorf("Main(%q) to a %s = %d, stderr %q; want %d, \"write stdout: ...\"", args, wname, code, stderr.String(), ExitError)
				}
			})
		}
	}
}

// TestStickyWriter: the first error is kept and later writes are refused.
func TestStickyWriter(t *testing.T) {
	var b bytes.Buffer
	lw := &limitWriter{w: &b, n: 5}
	s := &stickyWriter{w: lw}
	fmt.Fprint(s, "abc")
	fmt.Fprint(s, "defg")
	fmt.Fprint(s, "h")
	if s.err == nil || b.String() != "abcde" {
		t.Errorf("after a failed write: err %v, written %q; want an error and %q", s.err, b.String(), "abcde")
	}
}

// limitWriter accepts n bytes, then fails (a disk filling up mid-report).
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		n, _ := l.w.Write(p[:l.n])
		l.n = 0
		return n, errDiskFull
	}
	l.n -= len(p)
	return l.w.Write(p)
}

func TestWriteFileAtomic(t *testing.T) {
	const old = "the previous report\n"
	tests := []struct {
		name     string
		write    func(io.Writer) error
		cancel   bool
		wantErr  bool
		wantBody string
	}{
		{"render fails midway", func(w io.Writer) error {
			lw := &limitWriter{w: w, n: 10}
			_, err := io.WriteString(lw, strings.Repeat("new report ", 1000))
			return err
		}, false, true, old},
		{"write error after a large render", func(w io.Writer) error {
			io.WriteString(w, strings.Repeat("x", 1<<20))
			return errDiskFull
		}, false, true, old},
		{"interrupted", func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }, true, true, old},
		{"success", func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }, false, false, "new\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "report.json")
			if err := os.WriteFile(path, []byte(old), 0o640); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancel {
				cancel()
			}
			defer cancel()
			err := writeFileAtomic(ctx, path, tt.write)
			if (err != nil) != tt.wantErr {
				t.Errorf("writeFileAtomic: err %v, want error %v", err, tt.wantErr)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tt.wantBody {
				t.Errorf("after writeFileAtomic the file holds %q, want %q", got, tt.wantBody)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
				t.Errorf("mode after writeFileAtomic: %v %v, want 0640", fi.Mode(), err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("directory holds %d entries after writeFileAtomic, want 1 (no temporary file left)", len(ents))
			}
		})
	}
	t.Run("through a symlink", func(t *testing.T) {
		dir := t.TempDir()
		real := filepath.Join(dir, "real.json")
		link := filepath.Join(dir, "link.json")
		os.WriteFile(real, []byte(old), 0o644)
		if err := os.Symlink("real.json", link); err != nil {
			t.Skip(err)
		}
		if err := writeFileAtomic(context.Background(), link, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(real)
		fi, _ := os.Lstat(link)
		if string(got) != "new\n" || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("through a symlink: target holds %q, link mode %v; want %q and the link kept", got, fi.Mode(), "new\n")
		}
	})
	t.Run("new file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.json")
		if err := writeFileAtomic(context.Background(), path, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != "new\n" {
			t.Errorf("new file holds %q", got)
		}
	})
	t.Run("device", func(t *testing.T) {
		if _, err := os.Stat("/dev/null"); err != nil {
			t.Skip("no /dev/null")
		}
		if err := writeFileAtomic(context.Background(), "/dev/null", func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
			t.Errorf("writing to /dev/null: %v", err)
		}
		if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode().IsRegular() {
			t.Errorf("/dev/null was replaced: %v %v", fi.Mode(), err)
		}
	})
}

// TestOutputAndBaselineReplace: --output and baseline write replace an
// existing file whole, and an interrupted run leaves it as it was.
func TestOutputAndBaselineReplace(t *testing.T) {
	dir := genTree(t, 20)
	out := t.TempDir()
	for _, tt := range []struct {
		name string
		file string
		args []string
	}{
		{"scan --output", "report.json", []string{"scan", "--format", "json", "--output", "FILE", dir}},
		{"baseline write", "baseline.json", []string{"baseline", "write", "FILE", dir}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(out, tt.file)
			args := append([]string{}, tt.args...)
			for i, a := range args {
				if a == "FILE" {
					args[i] = path
				}
			}
			os.WriteFile(path, []byte("previous\n"), 0o644)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, stderr bytes.Buffer
			if code := Main(ctx, args, &stdout, &stderr); code != ExitError {
				t.Errorf("interrupted %s: exit %d, want 1", tt.name, code)
			}
			if got, _ := os.ReadFile(path); string(got) != "previous\n" {
				t.Errorf("interrupted %s left %q, want the previous file", tt.name, got)
			}
			_, errOut, code := run(t, args...)
			if code != ExitClean {
				t.Fatalf("%s: exit %d: %s", tt.name, code, errOut)
			}
			got, _ := os.ReadFile(path)
			var doc struct {
				Schema   int   `json:"schema"`
				Findings []any `json:"findings"`
			}
			if err := json.Unmarshal(got, &doc); err != nil || doc.Schema != 1 || len(doc.Findings) == 0 {
				t.Errorf("%s wrote %q (%v), want a whole JSON document with findings", tt.name, got, err)
			}
		})
	}
}

// TestHostileNamesCLI scans a tree whose file and entry-point names carry
// escape sequences, a newline, Markdown and URI metacharacters: no raw
// control character reaches the terminal, and each format keeps its shape.
func TestHostileNamesCLI(t *testing.T) {
	dir := t.TempDir()
	names := []string{"\x1b[31mevil|`x`.py", "two\nlines.py", "100% #1.py", "admin\u202etxt.py"}
	for _, n := range names {
		write(t, dir, n, "import eventlet\n")
	}
	write(t, dir, "svc.py", "import eventlet\n\n\ndef main():\n    pass\n")
	write(t, dir, "setup.cfg", "[metadata]\nname = evil\n\n[entry_points]\nconsole_scripts =\n    svc\x1b]0;owned\x07 = svc:main\n")
	raw := func(s string) int { return strings.IndexAny(s, "\x1b\x07\r\u202e") }
	for _, format := range []string{"text", "markdown", "flake8"} {
		t.Run(format, func(t *testing.T) {
			out, errOut, code := run(t, "scan", "--format", format, "--group", "rule", dir)
			if code != ExitClean {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if i := raw(out); i >= 0 {
				t.Errorf("scan --format %s prints a raw control character at %d:\n%q", format, i, out)
			}
			if format == "flake8" {
				res, _, _ := scanJSON(t, dir)
				if lines := strings.Count(out, "\n"); lines != len(res.Findings) {
					t.Errorf("flake8 prints %d lines for %d findings:\n%s", lines, len(res.Findings), out)
				}
			}
			if format == "text" && (!strings.Contains(out, `\x1b[31mevil|`) || !strings.Contains(out, `svc\x1b]0;owned\x07`)) {
				t.Errorf("text output lacks the escaped names:\n%s", out)
			}
		})
	}
	t.Run("sarif", func(t *testing.T) {
		out, errOut, code := run(t, "scan", "--format", "sarif", dir)
		if code != ExitClean {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct {
								URI       string `json:"uri"`
								URIBaseID string `json:"uriBaseId"`
							} `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		decoded := map[string]bool{}
		for _, r := range log.Runs[0].Results {
			a := r.Locations[0].PhysicalLocation.ArtifactLocation
			u, err := url.Parse(a.URI)
			if err != nil || u.Fragment != "" || u.RawQuery != "" || u.Scheme != "" && u.Scheme != "file" {
				t.Errorf("uri %q does not parse as a path (%v, %+v)", a.URI, err, u)
				continue
			}
			if strings.ContainsAny(a.URI, " #\n\x1b") {
				t.Errorf("uri %q is not percent-encoded", a.URI)
			}
			decoded[strings.TrimPrefix(u.Path, filepath.ToSlash(dir)+"/")] = true
		}
		for _, n := range names {
			if !decoded[n] {
				t.Errorf("no result's uri decodes to %q (got %v)", n, decoded)
			}
		}
	})
	for _, cmd := range [][]string{{"graph", dir}, {"modes", dir}, {"why", "svc\x1b]0;owned\x07", "--path", dir}} {
		t.Run(cmd[0], func(t *testing.T) {
			out, errOut, code := run(t, cmd...)
			if code != ExitClean {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if i := raw(out); i >= 0 || !strings.Contains(out, `svc\x1b]0;owned\x07`) {
				t.Errorf("%s prints the entry point raw (control character at %d):\n%q", cmd[0], i, out)
			}
		})
	}
}
