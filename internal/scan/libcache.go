package scan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysem"
)

// rootFile is the first pass's way to a file's result through the cache.
// A scanned root's files are keyed by their content ids (Options.Blobs,
// which name the scanned root's files only). A library root's (--with,
// site-packages) are keyed by the file's absolute path and its status
// (size, modification and change times, inode): a series of scans against
// the same libraries (history, a backfill) parses each library file once,
// and a library file written since is parsed again. Library files never
// take a scanned root's content id: a library's setup.py is not the
// scanned tree's setup.py.
func (c *Cache) rootFile(library bool, blobs map[string]string, proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, canonical func(string) string, model *pysem.Model, tops *topNames) fileResult {
	if !library {
		return c.scanFile(blobs, proj, f, enabled, canonical, model, tops)
	}
	if c == nil || canonical != nil {
		return scanFile(proj, f, enabled, canonical, model, tops)
	}
	sig, ok := statSignature(f.Abs)
	if !ok {
		return scanFile(proj, f, enabled, nil, nil, tops)
	}
	// What the first pass keeps of a file depends on its module name, its
	// kind, the roots' top-level names and the rules (a library root runs
	// none; the count keeps a caller's different choice apart).
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%t\x00%v\x00%s\x00%d", f.Abs, sig, f.Module, f.IsPackage, f.Kind, tops.key, len(enabled))
	c.mu.Lock()
	r, hit := c.libs[key]
	if hit {
		c.LibHits++
	} else {
		c.LibMisses++
	}
	c.mu.Unlock()
	if hit {
		return r
	}
	r = scanFile(proj, f, enabled, nil, nil, tops)
	// A file changed while it was read is not cached under the status
	// seen before.
	if after, ok := statSignature(f.Abs); ok && after == sig {
		c.mu.Lock()
		if c.libs == nil {
			c.libs = map[string]fileResult{}
		}
		c.libs[key] = r
		c.mu.Unlock()
	}
	return r
}

// librariesKey identifies the library roots' Python files by path and
// status, for the caches of what depends on the whole model (modes): a
// library that changes between two scans through one cache is not served
// the modes inferred with its old version. "" without library roots.
func librariesKey(scans []*rootScan) string {
	h := sha256.New()
	n := 0
	for _, rs := range scans {
		if !rs.library {
			continue
		}
		for _, f := range rs.pyFiles {
			sig, _ := statSignature(f.Abs)
			fmt.Fprintf(h, "%s\x00%s\x00%s\n", f.Abs, f.Module, sig)
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
