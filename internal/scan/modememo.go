package scan

import (
	"reflect"

	"github.com/letgo-dev/letgo/internal/modes"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// The mode interpreter's results are kept per entry point (module and
// function) with what the inference read: the modules it looked at (by
// path and content id, or their absence), the names it asked the model to
// resolve and the library import fixes it asked about. A later tree whose
// answers to all of them are the same gets the same result without
// running the interpreter: a release that changed files off the entry
// point's import closure infers nothing again. Only with content ids
// (Options.Blobs), as the modes cache.

// modeDeps are the answers an inference was given.
type modeDeps struct {
	files map[string]string // module → path NUL content id, "" when not in the project
	canon map[string]string
	fixes map[string]*modes.LibraryFix
}

// modeMemo is one kept inference: Infer's result, or ClassifyKind's.
type modeMemo struct {
	deps  *modeDeps
	infer modes.Result
	kind  modes.KindResult
}

// recordingSource is the viewSource of an inference, recording what it
// answers (modes.Source and modes.FixSource).
type recordingSource struct {
	src  *viewSource
	deps *modeDeps
}

func newRecordingSource(src *viewSource) *recordingSource {
	return &recordingSource{src: src, deps: &modeDeps{files: map[string]string{}, canon: map[string]string{}, fixes: map[string]*modes.LibraryFix{}}}
}

func (r *recordingSource) file(module string) {
	if _, ok := r.deps.files[module]; !ok {
		r.deps.files[module] = r.src.fileKey(module)
	}
}

func (r *recordingSource) View(module string) *pysrc.View {
	r.file(module)
	return r.src.View(module)
}

func (r *recordingSource) Has(module string) bool {
	r.file(module)
	return r.src.Has(module)
}

func (r *recordingSource) Outline(module string) *modes.Outline {
	r.file(module)
	return r.src.Outline(module)
}

func (r *recordingSource) Path(module string) string {
	r.file(module)
	return r.src.Path(module)
}

func (r *recordingSource) Unreadable(module string) string {
	r.file(module)
	return r.src.Unreadable(module)
}

func (r *recordingSource) Canonical(name string) string {
	c := r.src.Canonical(name)
	r.deps.canon[name] = c
	return c
}

func (r *recordingSource) ImportFixes(module string) *modes.LibraryFix {
	f := r.src.ImportFixes(module)
	r.deps.fixes[module] = f
	return f
}

// fileKey identifies the file a module names: path and content id, ""
// when the project has no such module; "?" when its content id is not
// known (then nothing is reused).
func (s *viewSource) fileKey(module string) string {
	f := s.files[module]
	if f == nil {
		return ""
	}
	id, ok := s.blobs[f.Path]
	if !ok {
		return "?"
	}
	return f.Path + "\x00" + id
}

// holds says whether the source gives today every answer the kept
// inference was given.
func (d *modeDeps) holds(src *viewSource) bool {
	for m, key := range d.files {
		if key == "?" || src.fileKey(m) != key {
			return false
		}
	}
	for n, c := range d.canon {
		if src.Canonical(n) != c {
			return false
		}
	}
	for m, f := range d.fixes {
		if !reflect.DeepEqual(src.ImportFixes(m), f) {
			return false
		}
	}
	return true
}

// memoInfer is modes.Infer through the cache's kept inferences.
func (c *Cache) memoInfer(src *viewSource, module, fn string) modes.Result {
	if c == nil || src.blobs == nil {
		return modes.Infer(src, module, fn)
	}
	key := "infer\x00" + module + "\x00" + fn
	if m := c.keptMode(key); m != nil && m.deps.holds(src) {
		c.countMode(true)
		return m.infer
	}
	c.countMode(false)
	rec := newRecordingSource(src)
	r := modes.Infer(rec, module, fn)
	c.keepMode(key, &modeMemo{deps: rec.deps, infer: r})
	return r
}

// memoKind is modes.ClassifyKind through the cache's kept inferences.
func (c *Cache) memoKind(src *viewSource, module, fn string) modes.KindResult {
	if c == nil || src.blobs == nil {
		return modes.ClassifyKind(src, module, fn)
	}
	key := "kind\x00" + module + "\x00" + fn
	if m := c.keptMode(key); m != nil && m.deps.holds(src) {
		return m.kind
	}
	rec := newRecordingSource(src)
	k := modes.ClassifyKind(rec, module, fn)
	c.keepMode(key, &modeMemo{deps: rec.deps, kind: k})
	return k
}

func (c *Cache) keptMode(key string) *modeMemo {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.memo[key]
}

func (c *Cache) keepMode(key string, m *modeMemo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.memo == nil {
		c.memo = map[string]*modeMemo{}
	}
	c.memo[key] = m
}

func (c *Cache) countMode(hit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hit {
		c.ModeHits++
	} else {
		c.ModeMisses++
	}
}
