package store_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/store/postgres"
	"github.com/letgo-dev/letgo/internal/store/sqlite"
	"github.com/letgo-dev/letgo/internal/store/storetest"
)

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "letgo.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, openSQLite)
}

// postgresDSN is the test server's URL. Without one the PostgreSQL tests
// skip on a developer's machine but fail in CI, which must run them.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("LETGO_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LETGO_TEST_POSTGRES is not set: CI must run the PostgreSQL store tests (.ci/run sets it)")
		}
		t.Skip("LETGO_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	return dsn
}

// openPostgres opens a store in a schema of its own, dropped at the end,
// so that tests and concurrent runs against one server never collide.
func openPostgres(t *testing.T) store.Store {
	t.Helper()
	ctx := context.Background()
	dsn := postgresDSN(t)
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to LETGO_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "letgo_test_" + randomHex(t)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func randomHex(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func TestPostgres(t *testing.T) {
	postgresDSN(t) // one skip or failure, not one per subtest
	storetest.Run(t, openPostgres)
}

// TestPostgresConcurrentOpen opens one new database from several
// goroutines at once: every open succeeds (without the advisory lock,
// concurrent CREATE TABLEs collide on PostgreSQL's catalog).
func TestPostgresConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	dsn := postgresDSN(t)
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := "letgo_test_" + randomHex(t)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			s, err := store.Open(ctx, u.String())
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Open = %v", err)
		}
	}
}

func TestParseDSN(t *testing.T) {
	for _, tt := range []struct {
		dsn     string
		backend store.Backend
		target  string
	}{
		{"letgo.db", store.SQLite, "letgo.db"},
		{"./data/letgo.db", store.SQLite, "./data/letgo.db"},
		{"/var/lib/letgo.db", store.SQLite, "/var/lib/letgo.db"},
		{"sqlite:letgo.db", store.SQLite, "letgo.db"},
		{"sqlite:///var/lib/letgo.db", store.SQLite, "/var/lib/letgo.db"},
		{"sqlite://rel/letgo.db", store.SQLite, "rel/letgo.db"},
		{"./odd://name.db", store.SQLite, "./odd://name.db"},
		{"postgres://u@db/letgo?sslmode=disable", store.Postgres, "postgres://u@db/letgo?sslmode=disable"},
		{"postgresql://u@db/letgo", store.Postgres, "postgresql://u@db/letgo"},
		{"", "", ""},
		{"sqlite:", "", ""},
		{"mysql://u@db/letgo", "", ""},
	} {
		backend, target, err := store.ParseDSN(tt.dsn)
		if backend != tt.backend || target != tt.target || (err == nil) != (tt.backend != "") {
			t.Errorf("ParseDSN(%q) = %q, %q, %v; want %q, %q", tt.dsn, backend, target, err, tt.backend, tt.target)
		}
	}
}

func TestOpenSQLiteForms(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "letgo.db")
	ctx := context.Background()
	for _, dsn := range []string{path, "sqlite:" + path, "sqlite://" + path} {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("Open(%q) = %v", dsn, err)
		}
		if s.Backend() != store.SQLite {
			t.Errorf("Open(%q).Backend() = %q, want sqlite", dsn, s.Backend())
		}
		s.Close()
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Open did not create %s: %v", path, err)
	}
}

// TestOpenBad opens stores that cannot be: each is an error naming the
// store, and a file that is there is left as it was.
func TestOpenBad(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	garbageData := []byte(strings.Repeat("this is not a database\n", 400))
	if err := os.WriteFile(garbage, garbageData, 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "file")
	if err := os.WriteFile(aFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, dsn string }{
		{"garbage file", garbage},
		{"missing directory", filepath.Join(dir, "no", "such", "letgo.db")},
		{"parent is a file", filepath.Join(aFile, "letgo.db")},
		{"a directory", dir},
		{"unreachable postgres", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct{ name, dsn string }{"read-only directory", filepath.Join(ro, "letgo.db")})
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) = nil error, want an error", tt.dsn)
			}
			want := fmt.Sprintf("open store %q: ", tt.dsn)
			if strings.HasPrefix(tt.dsn, "postgres://") {
				want = "open store \"postgres://nobody@127.0.0.1:1/none"
			}
			t.Logf("Open(%q) = %v", tt.dsn, err)
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Open(%q) = %q, want it to start %q", tt.dsn, err, want)
			}
		})
	}
	if got, _ := os.ReadFile(garbage); string(got) != string(garbageData) {
		t.Errorf("Open changed the garbage file it refused")
	}
}

func TestRedactPassword(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://u:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open(url with password) = %v, want an error without the password", err)
	}
}

// The child processes: the tests below re-execute this test binary with
// LETGO_STORE_CHILD set, and it becomes a writer of scans.
const (
	childEnv     = "LETGO_STORE_CHILD"
	childPathEnv = "LETGO_STORE_CHILD_PATH"
	childRepoEnv = "LETGO_STORE_CHILD_REPO"
	childFrom    = "LETGO_STORE_CHILD_FROM"
)

// Scans the children write: big enough that a kill lands mid-write.
const childFindings, childEntryPoints = 500, 30

func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		return // not a child: nothing to do
	}
	ctx := context.Background()
	s, err := store.Open(ctx, os.Getenv(childPathEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	repo := os.Getenv(childRepoEnv)
	from := 0
	fmt.Sscan(os.Getenv(childFrom), &from)
	n := 1 << 30 // "loop": until killed
	if mode == "write" {
		n = from + 10
	}
	for i := from; i < n; i++ {
		commit := fmt.Sprintf("c%05d", i)
		fmt.Printf("begin %s\n", commit)
		m := store.Meta{Repo: repo, Commit: commit, Ref: "master", RuleSet: "r1", ScannedAt: time.Now()}
		if _, _, err := s.SaveScan(ctx, &store.Scan{Meta: m, Result: storetest.NewResult(int64(i), childFindings, childEntryPoints)}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("saved %s\n", commit)
	}
	s.Close()
	os.Exit(0)
}

func child(t *testing.T, mode, path, repo string, from int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childPathEnv+"="+path, childRepoEnv+"="+repo, fmt.Sprintf("%s=%d", childFrom, from))
	cmd.Stderr = os.Stderr
	return cmd
}

// checkSQLite asserts the file is sound and holds whole scans only: every
// scan has all its rows, no row belongs to a scan that is not there.
func checkSQLite(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen %s: %v", path, err)
	}
	defer db.Close()
	var ok string
	if err := db.Read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("PRAGMA integrity_check = %q, %v; want ok", ok, err)
	}
	rows, err := db.Read.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Errorf("PRAGMA foreign_key_check reports violations")
	}
	rows.Close()
	for _, tt := range []struct{ table, count string }{
		{"findings", "n_findings"},
		{"entrypoints", "n_entrypoints"},
	} {
		var bad int
		q := fmt.Sprintf(`SELECT COUNT(*) FROM scans s WHERE s.%s <> (SELECT COUNT(*) FROM %s x WHERE x.scan_id = s.id)`, tt.count, tt.table)
		if err := db.Read.QueryRowContext(ctx, q).Scan(&bad); err != nil || bad != 0 {
			t.Errorf("%d scans with missing %s (%v)", bad, tt.table, err)
		}
		var orphans int
		q = fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE scan_id NOT IN (SELECT id FROM scans)`, tt.table)
		if err := db.Read.QueryRowContext(ctx, q).Scan(&orphans); err != nil || orphans != 0 {
			t.Errorf("%d %s rows of no scan (%v)", orphans, tt.table, err)
		}
	}
}

// TestSQLiteKill9 kills a writer with SIGKILL in the middle of saving a
// scan, six times over one file, at points spread over the write (a save
// takes about 13ms): each time the file is sound, every scan the writer
// reported committed is there whole, and the scan it was writing is either
// whole or absent. A save that committed its parts separately fails here.
func TestSQLiteKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "letgo.db")
	committed := map[string]bool{}
	next := 0
	for round := 0; round < 6; round++ {
		cmd := child(t, "loop", path, "openstack/nova", next)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		saved, inFlight := 0, ""
		for lines.Scan() {
			verb, commit, _ := strings.Cut(lines.Text(), " ")
			switch verb {
			case "saved":
				committed[commit] = true
				saved++
			case "begin":
				inFlight = commit
			}
			if verb == "begin" && saved >= 2 {
				// A save takes tens of milliseconds; land somewhere in it.
				time.Sleep(time.Duration(round*2+1) * time.Millisecond)
				break
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		for lines.Scan() { // what it printed before it died
			verb, commit, _ := strings.Cut(lines.Text(), " ")
			switch verb {
			case "saved":
				committed[commit] = true
				saved++
			case "begin":
				inFlight = commit
			}
		}
		cmd.Wait()
		t.Logf("round %d: killed while saving %s after %d scans", round, inFlight, saved)
		checkSQLite(t, path)

		s, err := store.Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen after kill: %v", err)
		}
		scans, err := s.Scans(ctx, store.ScanFilter{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, sc := range scans {
			seen[sc.Commit] = true
			if !committed[sc.Commit] && sc.Commit != inFlight {
				t.Errorf("scan %s is stored but was never begun before the kill", sc.Commit)
			}
			fs, err := s.Findings(ctx, sc.ID)
			if err != nil || len(fs) != childFindings {
				t.Errorf("scan %s: %d findings, %v; want %d", sc.Commit, len(fs), err, childFindings)
			}
			if _, err := s.Result(ctx, sc.ID); err != nil {
				t.Errorf("scan %s: %v", sc.Commit, err)
			}
		}
		for c := range committed {
			if !seen[c] {
				t.Errorf("scan %s was committed before the kill and is lost", c)
			}
		}
		t.Logf("round %d: in-flight scan %s stored: %v", round, inFlight, seen[inFlight])
		if seen[inFlight] {
			committed[inFlight] = true
		}
		s.Close()
		next += saved + 1
	}
}

// TestSQLiteProcesses runs two writer processes on one new file at once:
// both complete (the busy timeout and immediate transactions make them take
// turns), and the file holds all their scans.
func TestSQLiteProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "letgo.db")
	var cmds []*exec.Cmd
	for _, repo := range []string{"openstack/nova", "openstack/cinder"} {
		cmd := child(t, "write", path, repo, 0)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer process: %v", err)
		}
	}
	checkSQLite(t, path)
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	repos, err := s.Repos(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 2 || repos[0].Scans != 10 || repos[1].Scans != 10 {
		t.Errorf("Repos() = %+v, want 2 repositories of 10 scans", repos)
	}
}

// TestSQLiteSize reports what a realistic scan costs on disk.
func TestSQLiteSize(t *testing.T) {
	const n = 20
	perScan := sizePerScan(t, n)
	t.Logf("sqlite: %d bytes per scan (%d findings, %d entry points, %d scans)", perScan, childFindings, childEntryPoints, n)
	// A tripwire, not a target: an order of magnitude above the measured
	// size means rows are stored many times over.
	if perScan > 2<<20 {
		t.Errorf("%d bytes per scan, want under 2 MiB", perScan)
	}
}

func sizePerScan(t testing.TB, n int) int64 {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "letgo.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			t.Fatal(err)
		}
		var pages, pageSize, free int64
		db.Read.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages)
		db.Read.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize)
		db.Read.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&free)
		return (pages - free) * pageSize
	}
	empty := size()
	for i := 0; i < n; i++ {
		m := store.Meta{Repo: "openstack/nova", Commit: fmt.Sprintf("c%d", i), Ref: "master", RuleSet: "r1"}
		if _, _, err := s.SaveScan(ctx, &store.Scan{Meta: m, Result: storetest.NewResult(int64(i), childFindings, childEntryPoints)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return (size() - empty) / int64(n)
}

func BenchmarkSQLiteSaveScan(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "letgo.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	res := storetest.NewResult(1, childFindings, childEntryPoints)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := store.Meta{Repo: "openstack/nova", Commit: fmt.Sprintf("c%d", i), Ref: "master", RuleSet: "r1"}
		if _, _, err := s.SaveScan(ctx, &store.Scan{Meta: m, Result: res}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(sizePerScan(b, 5)), "bytes/scan")
}
