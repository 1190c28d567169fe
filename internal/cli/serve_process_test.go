package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/store"
)

const serveChildEnv = "LETGO_TEST_SERVE_CHILD"

// TestServeHelperProcess is letgo serve in a child process (as cmd/letgo
// runs it: SIGTERM cancels the context), for the tests that kill it.
func TestServeHelperProcess(t *testing.T) {
	db := os.Getenv(serveChildEnv)
	if db == "" {
		t.Skip("helper process")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, os.Stdout, os.Stderr))
}

type serveChild struct {
	cmd  *exec.Cmd
	addr string
}

func startChild(t *testing.T, db string) *serveChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelperProcess$")
	cmd.Env = append(os.Environ(), serveChildEnv+"="+db)
	errs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	re := regexp.MustCompile(`"url":"http://([^"]+)"`)
	sc := bufio.NewScanner(errs)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, errs)
			return &serveChild{cmd: cmd, addr: m[1]}
		}
	}
	t.Fatal("the server did not start")
	return nil
}

// sendHead opens a connection and sends an upload's headers and the first
// n bytes of its body.
func sendHead(t *testing.T, addr, token string, body []byte, n int) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/scans?repo=openstack/demo&commit=%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		strings.Repeat("ab", 20), addr, token, len(body))
	if _, err := conn.Write(body[:n]); err != nil {
		t.Fatal(err)
	}
	return conn
}

func servedScans(t *testing.T, db string) []store.ScanInfo {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("open the store after the server's end: %v", err)
	}
	defer st.Close()
	all, err := st.Scans(context.Background(), store.ScanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		// Complete: every part of the scan is there.
		fs, err := st.Findings(context.Background(), s.ID)
		if err != nil || len(fs) != s.NumFindings {
			t.Errorf("scan %d: %d findings of %d stored (%v): incomplete", s.ID, len(fs), s.NumFindings, err)
		}
	}
	return all
}

// TestServeKilledAndStopped: a server killed (SIGKILL) in the middle of an
// upload leaves the store as it was; killed right after a whole body, the
// scan is stored whole or not at all; stopped with SIGTERM in the middle of
// an upload, it finishes the upload (201) and exits 0.
func TestServeKilledAndStopped(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	db := filepath.Join(t.TempDir(), "letgo.db")
	secret, _, code := run(t, "token", "create", "--db", db, "--repo", "openstack/*")
	secret = strings.TrimSpace(secret)
	if code != 0 {
		t.Fatal("token create failed")
	}
	out, _, _ := run(t, "scan", "--format", "json", project(t, nil))
	var res contract.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Findings) == 0 {
		t.Fatalf("scan JSON: %v", err)
	}
	body := []byte(out)

	t.Run("killed mid-upload", func(t *testing.T) {
		c := startChild(t, db)
		conn := sendHead(t, c.addr, secret, body, len(body)/2)
		defer conn.Close()
		time.Sleep(200 * time.Millisecond)
		c.cmd.Process.Kill()
		c.cmd.Wait()
		if n := len(servedScans(t, db)); n != 0 {
			t.Errorf("%d scans stored by a killed upload, want 0", n)
		}
	})
	t.Run("killed after the body", func(t *testing.T) {
		c := startChild(t, db)
		conn := sendHead(t, c.addr, secret, body, len(body))
		defer conn.Close()
		time.Sleep(5 * time.Millisecond)
		c.cmd.Process.Kill()
		c.cmd.Wait()
		t.Logf("stored after the kill: %d scans (either is right; each complete)", len(servedScans(t, db)))
	})
	t.Run("SIGTERM mid-upload", func(t *testing.T) {
		before := len(servedScans(t, db))
		c := startChild(t, db)
		conn := sendHead(t, c.addr, secret, body, len(body)/2)
		defer conn.Close()
		time.Sleep(200 * time.Millisecond)
		c.cmd.Process.Signal(syscall.SIGTERM)
		time.Sleep(200 * time.Millisecond)
		if _, err := conn.Write(body[len(body)/2:]); err != nil {
			t.Fatalf("the server dropped the upload in flight: %v", err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer to the upload in flight: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 && !(resp.StatusCode == 200 && before == 1) {
			t.Errorf("upload in flight during SIGTERM = %d", resp.StatusCode)
		}
		if err := c.cmd.Wait(); err != nil {
			t.Errorf("server after SIGTERM: %v, want exit 0", err)
		}
		if n := len(servedScans(t, db)); n != 1 {
			t.Errorf("%d scans after the SIGTERM upload, want 1", n)
		}
	})
}
