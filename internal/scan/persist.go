package scan

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/graph"
	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysem"
	"github.com/letgo-dev/letgo/internal/rules"
)

// FileStore keeps the first pass's file results across processes (the
// store's file cache): content is the file's content id (Options.Blobs),
// context a hash of everything else the result depends on. Get's miss and
// a failure are alike to the scan (the file is analysed); an
// implementation reports its failures to its caller another way.
type FileStore interface {
	Get(content, context string) ([]byte, bool)
	Put(content, context string, value []byte)
}

// persistFormat names the encoding of a stored result: a change of
// fileResult or of what it holds changes it.
const persistFormat = "letgo-file/7"

// buildID identifies the letgo binary running: its VCS revision when it
// was built from a clean checkout, else the hash of the executable (a
// development build's results are not served to another build). "" when
// neither is known: nothing is persisted.
var buildID = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, modified := "", ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" && modified == "false" {
			return "vcs:" + rev
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fh, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return ""
	}
	return "exe:" + hex.EncodeToString(h.Sum(nil))
})

// persistContext is what a first-pass result depends on besides the
// file's content: the encoding, the build (letgo's version and code),
// the project settings the rules read (projectKey), the rules that ran,
// the roots' top-level names, and the file's path, module, package and
// kind.
func persistContext(build, project string, f *pyproj.File, enabled []*analysis.Rule, tops *topNames) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%t\x00%v\x00", persistFormat, build, project, tops.key, f.Path, f.Module, f.IsPackage, f.Kind)
	for _, r := range enabled {
		fmt.Fprintf(h, "%s,", r.ID)
	}
	return "file-" + hex.EncodeToString(h.Sum(nil)[:16])
}

// persisted returns the first-pass result of a file with content id id
// from the cache's FileStore, or computes it with scan and puts it there.
func (c *Cache) persisted(id, project string, f *pyproj.File, enabled []*analysis.Rule, tops *topNames, scan func() fileResult) fileResult {
	build := ""
	if c.Persist != nil {
		build = buildID()
	}
	if build == "" {
		return scan()
	}
	// As in memory (Cache.scanFile), a result whose rules did not read
	// the project is kept under a key without the project's settings,
	// for every project; one that did under the project's. Releases bump
	// the settings the rules read (the Python classifiers): under the
	// project's key alone, a later run's release was served nothing.
	anyKey := persistContext(build, anyProject, f, enabled, tops)
	ctxKey := persistContext(build, project, f, enabled, tops)
	for _, k := range [...]string{anyKey, ctxKey} {
		v, ok := c.Persist.Get(id, k)
		if !ok {
			continue
		}
		if r, err := decodeResult(v); err == nil && (k == ctxKey || !r.project) {
			c.mu.Lock()
			c.Misses--
			c.Hits++
			c.Stored++
			c.mu.Unlock()
			return r
		}
	}
	r := scan()
	// An unreadable file may be readable next time: not kept.
	if !r.skipped {
		if v, err := encodeResult(r); err == nil {
			k := ctxKey
			if !r.project {
				k = anyKey
			}
			c.Persist.Put(id, k, v)
		}
	}
	return r
}

// anyProject stands for the project's settings in the key of a result
// whose rules did not read them (projectKey is hex: never this).
const anyProject = "any project"

// storedResult is a fileResult as encoded (gob keeps exported fields
// only; TestStoredResultFields checks that every field reachable is).
type storedResult struct {
	Findings   []analysis.Finding
	Lines      map[int]string
	Imports    []graph.Import
	Imported   []string
	HasSummary bool
	Summary    pysem.Summary
	Names      []string
	WSGILine   int
	HasBackend bool
	Backend    string
	BackendEv  modes.Evidence
	AtImport   map[string]modes.Evidence
	Bytes      int64
	Syntax     bool
	Skipped    bool
	HasOutline bool
	Outline    modes.Outline
	Project    bool
}

// encodeResult encodes a result as gob, uncompressed: flate at its
// fastest took 0.6 M instructions a file, 7-8 % of a further release of a
// backfill (every changed file is encoded), to store values 2.5 times
// smaller (heat's five releases: 5.4 MB of values instead of 2.1 MB,
// under the file cache's bound); decoding skips the inflate too.
func encodeResult(r fileResult) ([]byte, error) {
	s := storedResult{Findings: r.findings, Lines: r.lines, Imports: r.imports, Imported: r.imported,
		Names: r.names, WSGILine: r.wsgiLine, AtImport: r.atImport,
		Bytes: r.bytes, Syntax: r.syntax, Skipped: r.skipped, Project: r.project}
	if r.outline != nil {
		s.HasOutline, s.Outline = true, *r.outline
	}
	if r.summary != nil {
		s.HasSummary, s.Summary = true, *r.summary
	}
	if r.backend != nil {
		s.HasBackend, s.Backend, s.BackendEv = true, r.backend.backend, r.backend.ev
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeResult(v []byte) (fileResult, error) {
	var s storedResult
	if err := gob.NewDecoder(bytes.NewReader(v)).Decode(&s); err != nil {
		return fileResult{}, err
	}
	r := fileResult{findings: s.Findings, lines: s.Lines, imports: s.Imports, imported: s.Imported,
		names: s.Names, wsgiLine: s.WSGILine, atImport: s.AtImport,
		bytes: s.Bytes, syntax: s.Syntax, skipped: s.Skipped, project: s.Project}
	if s.HasOutline {
		o := s.Outline
		r.outline = &o
	}
	if s.HasSummary {
		sum := s.Summary
		r.summary = &sum
	}
	if s.HasBackend {
		r.backend = &backendFact{backend: s.Backend, ev: s.BackendEv}
	}
	return r, nil
}

// projectKey identifies what of a root's project the rules of the first
// pass read (rules.WriteProjectInputs): a change of it is a change of
// every file's result.
func (c *Cache) projectKey(proj *pyproj.Project) string {
	c.mu.Lock()
	k, ok := c.projects[proj]
	c.mu.Unlock()
	if ok {
		return k
	}
	h := sha256.New()
	rules.WriteProjectInputs(h, proj)
	k = hex.EncodeToString(h.Sum(nil)[:12])
	c.mu.Lock()
	if c.projects == nil {
		c.projects = map[*pyproj.Project]string{}
	}
	c.projects[proj] = k
	c.mu.Unlock()
	return k
}
