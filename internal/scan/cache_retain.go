package scan

import "strings"

// Retain drops from the cache what a scan of the tree with these content
// ids (path → id, as in Options.Blobs) cannot reuse: file results and views
// of other versions of a file or of files not in the tree, the paths that
// went through a second pass that are not in it, and modes
// inferred for another set of Python files. A caller scanning one tree
// after another (history over release tags) calls it before each scan, so
// the cache holds the current tree, not every tree seen; a file that
// returns to an older version is parsed again.
func (c *Cache) Retain(blobs map[string]string) {
	if c == nil {
		return
	}
	fp := pythonFingerprint(blobs) + "\x00"
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.files {
		if !current(blobs, k) {
			delete(c.files, k)
		}
	}
	for k := range c.second {
		if !current(blobs, k) {
			delete(c.second, k)
		}
	}
	for k := range c.views {
		if !current(blobs, k) {
			delete(c.views, k)
		}
	}
	for k := range c.secondPaths {
		if p, _, _ := strings.Cut(k, "\x00"); blobs[p] == "" {
			delete(c.secondPaths, k) // by path: a changed file still counts
		}
	}
	for k := range c.modes {
		if !strings.HasPrefix(k, fp) {
			delete(c.modes, k)
		}
	}
}

// current says whether a cache key (path NUL id, and whatever else a key
// has after another NUL) names a file of the tree.
func current(blobs map[string]string, key string) bool {
	p, rest, _ := strings.Cut(key, "\x00")
	id, _, _ := strings.Cut(rest, "\x00")
	got, ok := blobs[p]
	return ok && got == id
}

// Len is the number of file results, views and mode results cached.
func (c *Cache) Len() (files, views, modes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.files), len(c.views), len(c.modes)
}
