package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/letgo-dev/letgo/internal/fleet"
	"github.com/letgo-dev/letgo/internal/scan"
	"github.com/letgo-dev/letgo/internal/store"
	"github.com/letgo-dev/letgo/internal/textsafe"
)

// fleetNow is the clock of the fleet commands; tests pin it so that
// scanned_at, generated_at and the timeline statements are reproducible.
var fleetNow = time.Now

// fleetFlags are the flags of every fleet subcommand; each registers the
// ones it takes.
type fleetFlags struct {
	governance, manifest, db, format, team string
	src, with                              listFlag
	workers                                int
	releases, since                        string // fleet backfill
	fileCache                              bool
	fileCacheMax                           byteSize
}

func (f *fleetFlags) register(fs *flag.FlagSet, sub string) {
	fs.StringVar(&f.governance, "governance", "", "a checkout of openstack/governance (or its reference/ folder): the team map")
	fs.StringVar(&f.manifest, "manifest", "", "a letgo manifest (TOML): the team map, for any organisation")
	fs.StringVar(&f.db, "db", "letgo.db", "the store: a SQLite file, a sqlite: URL or a postgres:// URL")
	fs.Var(&f.src, "src", "a directory holding checkouts named like the repositories (nova, glance_store); repeatable")
	if sub == "backfill" || sub == "" {
		fs.StringVar(&f.releases, "releases", "", "fleet backfill: a checkout of openstack/releases: the tag and commit each series shipped")
		fs.StringVar(&f.since, "since", "", "fleet backfill: the oldest series to scan (2024.1 or caracal); default: every series")
	}
	if sub == "scan" || sub == "backfill" || sub == "" {
		fs.Var(&f.with, "with", "a library root every repository's imports resolve against (not reported); repeatable")
		fs.IntVar(&f.workers, "workers", 0, "parallel workers for the whole fleet (default: number of CPUs)")
		fs.BoolVar(&f.fileCache, "file-cache", sub == "backfill", "keep each file's analysis in the store (by blob id or content hash), so a later run parses only files no earlier run saw")
		f.fileCacheMax = 1 << 30
		fs.Var(&f.fileCacheMax, "file-cache-max", "with --file-cache: the most the store's file cache keeps (bytes, or with K, M, G; 0 no bound); a run drops the entries of other letgo builds, then the least recently used beyond it")
	}
	def := "text"
	if sub == "status" || sub == "diff" {
		fs.StringVar(&f.team, "team", "", "only this team's repositories")
	}
	fs.StringVar(&f.format, "format", def, "output format: text, json"+map[bool]string{true: ", markdown, csv"}[sub != "scan" && sub != "backfill"])
}

func runFleet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "scan":
		return runFleetScan(ctx, args[1:], stdout, stderr)
	case "status":
		return runFleetStatus(ctx, args[1:], stdout, stderr)
	case "backfill":
		return runFleetBackfill(ctx, args[1:], stdout, stderr)
	case "diff":
		return runFleetDiff(ctx, args[1:], stdout, stderr)
	case "report":
		return runFleetReport(ctx, args[1:], stdout, stderr)
	}
	// No subcommand, or --help: the synopsis and every flag of the family.
	c, _ := commandOf(flag.NewFlagSet("fleet", flag.ContinueOnError))
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	var f fleetFlags
	f.register(fs, "")
	fs.StringVar(&f.team, "team", "", "fleet status: only this team's repositories")
	commandUsage(stderr, c, fs)
	if sub == "" {
		return ExitUsage
	}
	if isHelp(sub) {
		return ExitClean
	}
	fmt.Fprintf(stderr, "letgo: unknown fleet subcommand %q\n", textsafe.Line(sub))
	return ExitUsage
}

// teamMap reads the map --governance or --manifest names (nil, nil when
// neither is given) and reports its problems on stderr.
func (f *fleetFlags) teamMap(stderr io.Writer) (*fleet.Map, error) {
	var m *fleet.Map
	var err error
	switch {
	case f.governance != "" && f.manifest != "":
		return nil, usageError{errors.New("give --governance or --manifest, not both")}
	case f.governance != "":
		m, err = fleet.ReadGovernance(f.governance)
	case f.manifest != "":
		m, err = fleet.ReadManifest(f.manifest)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read team map: %w", err)
	}
	for _, p := range m.Problems {
		fmt.Fprintf(stderr, "letgo: warning: %s\n", textsafe.Line(p.Error()))
	}
	return m, nil
}

// reasonBare marks, inside locate, a repository found only as a bare
// repository: it is found (located.bare), scanned at HEAD through the
// history machinery.
const reasonBare = "bare repository"

// located is a repository of the team map found under a --src: a checkout,
// or a bare repository (bare), which is read from git's objects.
type located struct {
	repo fleet.Repo
	dir  string
	bare bool
}

// locate finds each repository of the map under the --src directories, as
// a directory named like the repository's last path element (nova, or
// nova.git); the first --src holding it wins. A repository no --src holds
// is missing (unless it is retired); one whose name is shared by two
// repositories of the map (one checkout cannot be both) fails. A bare
// repository is found when no --src holds a checkout of it.
func locate(m *fleet.Map, srcs []string) (found []located, missing []string, failures []fleet.Failure) {
	byBase := map[string][]string{}
	for _, r := range m.Repos {
		b := path.Base(r.Name)
		byBase[b] = append(byBase[b], r.Name)
	}
	for _, r := range m.Repos {
		base := path.Base(r.Name)
		dir, reason := "", ""
	srcLoop:
		for _, src := range srcs {
			for _, name := range []string{base, base + ".git"} {
				cand := filepath.Join(src, name)
				fi, err := os.Stat(cand)
				switch {
				case err != nil:
					continue
				case !fi.IsDir():
					dir, reason = cand, "not a directory"
				case isBareRepo(cand):
					dir, reason = cand, reasonBare
					continue // a checkout beside it, or in a later --src, is better
				default:
					dir, reason = cand, ""
					break srcLoop
				}
			}
		}
		switch {
		case dir == "" && r.Retired:
			// A retired repository (legacy.yaml, a retired manifest team)
			// is not expected under --src: not missing.
		case dir == "":
			missing = append(missing, r.Name)
		case reason != "" && reason != reasonBare:
			failures = append(failures, fleet.Failure{Repo: r.Name, Dir: dir, Reason: reason})
		case len(byBase[base]) > 1:
			failures = append(failures, fleet.Failure{Repo: r.Name, Dir: dir,
				Reason: fmt.Sprintf("ambiguous checkout: the team map names %s, all checked out as %q", strings.Join(byBase[base], ", "), base)})
		default:
			found = append(found, located{repo: r, dir: dir, bare: reason == reasonBare})
		}
	}
	return found, missing, failures
}

// isBareRepo tells a bare git repository (HEAD and objects/ and no .git)
// from a checkout.
func isBareRepo(dir string) bool {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
		return false
	}
	head, err1 := os.Stat(filepath.Join(dir, "HEAD"))
	objects, err2 := os.Stat(filepath.Join(dir, "objects"))
	return err1 == nil && err2 == nil && head.Mode().IsRegular() && objects.IsDir()
}

// ruleSetHash is the one definition of a stored scan's rule-set hash: letgo's
// version and the ids of the rules that ran. Two scans with the same hash
// were judged by the same rules, so a scan of the same commit is not stored
// again. The library roots (--with) are not part of it: re-scanning an
// unchanged commit against other libraries stores nothing new.
func ruleSetHash(version string, ruleIDs []string) string {
	ids := slices.Clone(ruleIDs)
	sort.Strings(ids)
	h := sha256.New()
	fmt.Fprintf(h, "letgo %s\n", version)
	for _, id := range ids {
		fmt.Fprintf(h, "%s\n", id)
	}
	return "rules-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// contentPrefix marks the commit of a scan of a tree that is not a git
// checkout: the store needs a commit to recognise a re-scan, so such a
// tree is stored under the hash of its files, and reported with commit "".
const contentPrefix = "content-sha256:"

// gitEnv is the environment of git: the caller's, without the variables
// that would point git at another repository than the directory given.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
			"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// gitOut runs git in dir with no shell. core.fsmonitor names a program git
// runs when it reads the index, and the checkouts' configuration was
// vetted by nobody; GIT_CEILING_DIRECTORIES keeps git from taking an
// enclosing repository for this one.
func gitOut(ctx context.Context, dir string, args ...string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", abs, "-c", "core.fsmonitor=false"}, args...)...)
	cmd.Env = append(gitEnv(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(abs))
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("git %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// revision is what is known of the code a checkout holds.
type revision struct {
	commit, ref string
	committed   time.Time
	git         bool
}

// checkoutRevision reads HEAD of a git checkout; a directory without .git
// is not one (commit "", a content id is used instead).
func checkoutRevision(ctx context.Context, dir string) (revision, error) {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err != nil {
		return revision{}, nil
	}
	prefix, err := gitOut(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return revision{}, err
	}
	if prefix != "" {
		return revision{}, fmt.Errorf("%s is the subdirectory %q of another repository", dir, prefix)
	}
	rev := revision{git: true}
	if rev.commit, err = gitOut(ctx, dir, "rev-parse", "--verify", "--end-of-options", "HEAD^{commit}"); err != nil {
		return revision{}, err
	}
	// A detached HEAD has no branch: the ref stays empty.
	rev.ref, _ = gitOut(ctx, dir, "symbolic-ref", "--quiet", "--short", "HEAD")
	when, err := gitOut(ctx, dir, "show", "-s", "--format=%cI", "--no-show-signature", "--end-of-options", rev.commit)
	if err != nil {
		return revision{}, err
	}
	if rev.committed, err = time.Parse(time.RFC3339, when); err != nil {
		return revision{}, fmt.Errorf("commit date %q: %w", when, err)
	}
	return rev, nil
}

// contentID hashes every file of a tree that is not a git checkout (paths,
// modes, contents; symlinks by target; .git left out), so that a re-scan of
// unchanged files is recognised and a changed file is not.
func contentID(ctx context.Context, dir string) (string, error) {
	id, _, err := contentIDs(ctx, dir)
	return id, err
}

// contentIDs is contentID with the content id of each regular file
// (path → "sha256:" and the hash of its bytes), for the file cache.
func contentIDs(ctx context.Context, dir string) (string, map[string]string, error) {
	files := map[string]string{}
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "l %q %q\n", rel, target)
		case d.Type().IsRegular():
			fh, err := os.Open(p)
			if err != nil {
				return err
			}
			fh2 := sha256.New()
			_, err = io.Copy(fh2, fh)
			fh.Close()
			if err != nil {
				return err
			}
			sum := fh2.Sum(nil)
			fmt.Fprintf(h, "f %q %x\n", rel, sum)
			files[rel] = "sha256:" + hex.EncodeToString(sum)
		}
		return nil
	})
	if err != nil {
		return "", nil, fmt.Errorf("hash tree %s: %w", dir, err)
	}
	return contentPrefix + hex.EncodeToString(h.Sum(nil)), files, nil
}

// resolved is dir with its symlinks resolved: a --src of symlinks to the
// checkouts is a fleet, and the scan does not walk into a root that is a
// symlink. A path that cannot be resolved is kept, for the scan to report.
func resolved(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return r
	}
	return dir
}

// sameDir reports whether two paths name one directory.
func sameDir(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return ra == rb
}

// scannedRepo is the outcome of one repository's scan.
type scannedRepo struct {
	Repo      string  `json:"repo"`
	Team      string  `json:"team"`
	Dir       string  `json:"dir"`
	Commit    string  `json:"commit"`
	ContentID string  `json:"content_id,omitempty"`
	Ref       string  `json:"ref"`
	ScanID    int64   `json:"scan_id"`
	Stored    bool    `json:"stored"` // false: the store already held this scan
	Stage     *int    `json:"stage"`
	ElapsedMS float64 `json:"elapsed_ms"`
}

// fleetScanOutput is what fleet scan prints.
type fleetScanOutput struct {
	Schema  int             `json:"schema"`
	Store   string          `json:"store"`
	Scanned []scannedRepo   `json:"scanned"`
	Missing []string        `json:"missing"`
	Failed  []fleet.Failure `json:"failed"`
	// FileCache is what the store's file cache holds after the run's
	// prune (null without --file-cache).
	FileCache *store.CachePruned `json:"file_cache"`
	ElapsedMS float64            `json:"elapsed_ms"`
}

// checkSources checks what fleet scan and fleet backfill both need: no
// arguments, a team map, --src directories that exist, a text or json
// format. ok is false with the exit code when something is wrong.
func (f *fleetFlags) checkSources(fs *flag.FlagSet, cmd, argsHint, srcWhat string, stderr io.Writer) (int, bool) {
	switch {
	case fs.NArg() > 0:
		return exitFor(stderr, usageError{fmt.Errorf("%s takes no arguments (got %q)%s", cmd, fs.Arg(0), argsHint)}), false
	case f.governance == "" && f.manifest == "":
		return exitFor(stderr, usageError{fmt.Errorf("%s needs the team map: --governance DIR or --manifest FILE", cmd)}), false
	case len(f.src) == 0:
		return exitFor(stderr, usageError{fmt.Errorf("%s needs --src DIR: where %s are", cmd, srcWhat)}), false
	case f.format != "text" && f.format != "json":
		return exitFor(stderr, usageError{fmt.Errorf("--format must be text or json, not %q", f.format)}), false
	}
	for _, src := range f.src {
		if fi, err := os.Stat(src); err != nil || !fi.IsDir() {
			return errorf(stderr, "--src %s: not a directory", src), false
		}
	}
	return 0, true
}

func runFleetScan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fleet scan", flag.ContinueOnError)
	var f fleetFlags
	f.register(fs, "scan")
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if code, ok := f.checkSources(fs, "fleet scan", ": name checkouts' parents with --src", "the checkouts", stderr); !ok {
		return code
	}
	m, err := f.teamMap(stderr)
	if err != nil {
		return exitFor(stderr, err)
	}
	start := time.Now()
	found, missing, failures := locate(m, f.src)
	if len(found) == 0 && len(failures) == 0 {
		return errorf(stderr, "no repository the team map names is under --src %s (checkouts are found by the repository's last path element: nova, glance_store)", strings.Join(f.src, ", "))
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return failed(ctx, stderr, "", err)
	}
	defer st.Close()

	with := append(append([]string{}, f.with...), m.With...)
	budget := f.workers
	if budget <= 0 {
		budget = runtime.GOMAXPROCS(0)
	}
	parallel := min(budget, len(found))
	perScan := max(1, budget/max(1, parallel))

	results := make([]*scannedRepo, len(found))
	errs := make([]string, len(found))
	done := make([]bool, len(found))
	var mu sync.Mutex
	next, completed := 0, 0
	showProgress := isTerminal(stderr)
	// save stores, under mu and in the team map's order, every completed
	// scan whose predecessors are all stored, so the store fills in the same
	// order whatever the scheduling, and an interrupted run keeps them.
	pending := make([]*store.Scan, len(found))
	save := func(ctx context.Context) error {
		for next < len(found) && done[next] {
			if s := pending[next]; s != nil {
				id, created, err := st.SaveScan(ctx, s)
				if err != nil {
					return err
				}
				results[next].ScanID, results[next].Stored = id, created
				pending[next] = nil
			}
			next++
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i, loc := range found {
		g.Go(func() error {
			t0 := time.Now()
			s, sr, why := scanOne(gctx, st, loc, with, perScan, f.fileCache)
			if gctx.Err() != nil {
				return gctx.Err()
			}
			if sr != nil {
				sr.ElapsedMS = float64(time.Since(t0).Microseconds()) / 1000
			}
			mu.Lock()
			defer mu.Unlock()
			results[i], pending[i], errs[i], done[i] = sr, s, why, true
			completed++
			if showProgress {
				fmt.Fprintf(stderr, "\r\x1b[Kletgo: fleet %d/%d repositories (%s)", completed, len(found), textsafe.Line(loc.repo.Name))
			}
			return save(gctx)
		})
	}
	err = g.Wait()
	if showProgress {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return failed(ctx, stderr, "fleet scan", err)
	}
	out := fleetScanOutput{Schema: 1, Store: f.db, Missing: missing, Failed: failures, Scanned: []scannedRepo{}}
	if out.FileCache, err = f.pruneFileCache(ctx, st); err != nil {
		return failed(ctx, stderr, "fleet scan", err)
	}
	for i, r := range results {
		if errs[i] != "" {
			out.Failed = append(out.Failed, fleet.Failure{Repo: found[i].repo.Name, Dir: found[i].dir, Reason: errs[i]})
			continue
		}
		out.Scanned = append(out.Scanned, *r)
	}
	sort.Slice(out.Failed, func(i, j int) bool { return out.Failed[i].Repo < out.Failed[j].Repo })
	out.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
	if f.format == "json" {
		writeJSON(stdout, out)
		return ExitClean
	}
	writeFleetScanText(stdout, &out)
	return ExitClean
}

// scanOne scans one checkout; a failure is its reason, and the fleet run
// goes on.
func scanOne(ctx context.Context, st store.Store, loc located, with []string, workers int, fileCache bool) (*store.Scan, *scannedRepo, string) {
	if loc.bare {
		return scanBare(ctx, st, loc, with, workers, fileCache)
	}
	rev, err := checkoutRevision(ctx, loc.dir)
	if err != nil {
		return nil, nil, err.Error()
	}
	commit := rev.commit
	var blobs map[string]string // content ids of the files, when hashed
	if !rev.git {
		if commit, blobs, err = cachedContentID(ctx, st, resolved(loc.dir)); err != nil {
			return nil, nil, err.Error()
		}
	}
	sr := &scannedRepo{Repo: loc.repo.Name, Team: loc.repo.Owner, Dir: loc.dir, Commit: rev.commit, Ref: rev.ref}
	if !rev.git {
		sr.ContentID = strings.TrimPrefix(commit, contentPrefix)
	}
	// A commit the store holds under the same rule set would be stored as
	// nothing new: it is not scanned again (fleet_skip.go).
	if held, err := storedScan(ctx, st, loc.repo.Name, commit, rev.ref); err != nil {
		return nil, nil, err.Error()
	} else if held != nil {
		sr.ScanID = held.ID
		if held.Stage != nil {
			sr.Stage = held.Stage.Stage
		}
		return nil, sr, ""
	}
	var libs []string
	for _, w := range with {
		if !sameDir(w, loc.dir) { // a library of the fleet is not its own library
			libs = append(libs, resolved(w))
		}
	}
	now := fleetNow()
	opts := scan.Options{With: libs, Workers: workers, Version: Version, Now: now}
	// A tree that is not a checkout has its files' content ids: the
	// store's file cache serves the files an earlier scan analysed.
	var files *storeFiles
	if !rev.git && fileCache {
		if blobs == nil {
			var id string
			if id, blobs, err = contentIDs(ctx, resolved(loc.dir)); err != nil {
				return nil, nil, err.Error()
			}
			if id != commit {
				return nil, nil, fmt.Sprintf("%s changed while it was read", loc.dir)
			}
		}
		files = newStoreFiles(ctx, st)
		opts.Cache, opts.Blobs = scan.NewCache(), blobs
		opts.Cache.Persist = files
	}
	res, err := scan.Run(ctx, []string{resolved(loc.dir)}, opts)
	if err != nil {
		return nil, nil, err.Error()
	}
	if files != nil {
		if err := files.flush(); err != nil {
			return nil, nil, err.Error()
		}
	}
	res.Graph = nil // not stored, and the largest part of a result
	s := &store.Scan{Meta: store.Meta{Repo: loc.repo.Name, Team: loc.repo.Owner, Commit: commit, Ref: rev.ref,
		ScannedAt: now, CommittedAt: rev.committed, Version: Version, RuleSet: ruleSetHash(Version, res.Rules)}, Result: res}
	if res.Stage != nil {
		sr.Stage = res.Stage.Stage
	}
	return s, sr, ""
}

func writeFleetScanText(w io.Writer, out *fleetScanOutput) {
	stored := 0
	for _, r := range out.Scanned {
		if r.Stored {
			stored++
		}
	}
	fmt.Fprintf(w, "fleet scan: %d repositories scanned (%d stored, %d already in the store), %d missing, %d failed, %.1fs\n",
		len(out.Scanned), stored, len(out.Scanned)-stored, len(out.Missing), len(out.Failed), out.ElapsedMS/1000)
	for _, r := range out.Scanned {
		state := "stored   "
		if !r.Stored {
			state = "unchanged"
		}
		at := shortCommit(r.Commit)
		if r.Commit == "" {
			at = "not a git checkout"
		} else if r.Ref != "" {
			at += " (" + r.Ref + ")"
		}
		fmt.Fprintf(w, "  %s  %-28s %-8s %s\n", state, textsafe.Line(r.Repo), stageText(r.Stage), textsafe.Line(at))
	}
	if len(out.Failed) > 0 {
		fmt.Fprintln(w, "failed:")
		for _, fl := range out.Failed {
			fmt.Fprintf(w, "  %-28s %s\n", textsafe.Line(fl.Repo), textsafe.Line(fl.Reason))
		}
	}
	writeMissing(w, out.Missing)
}

func writeMissing(w io.Writer, missing []string) {
	switch {
	case len(missing) == 0:
	case len(missing) <= 20:
		fmt.Fprintf(w, "missing (named by the team map, under no --src): %s\n", textsafe.Line(strings.Join(missing, ", ")))
	default:
		fmt.Fprintf(w, "missing: %d repositories the team map names are under no --src (--format json lists them)\n", len(missing))
	}
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func stageText(s *int) string {
	if s == nil {
		return "-"
	}
	return fmt.Sprintf("stage %d", *s)
}
