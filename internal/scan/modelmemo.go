package scan

import (
	"slices"

	"github.com/letgo-dev/letgo/internal/pysem"
)

// The semantic model is a function of the roots it is built from: their
// modules' summaries, entry points and library flags. A scan through a
// Cache whose roots are the last scan's (every file served from the cache,
// so the same summaries, as in a history ref that changed no Python file)
// reuses the last model, and with it the canonical names it has already
// worked out for every name of every file. Summaries are compared by
// identity: a summary is never changed once made.

// keptModel is the model of the last scan through a Cache.
type keptModel struct {
	roots []pysem.Root
	model *pysem.Model
	// again is finishRoot's answer, for a file's first-pass result (its
	// summary) in a module, whether the model makes it need a second
	// pass: a function of the file's names and the model only.
	again map[againKey]bool
}

type againKey struct {
	summary *pysem.Summary
	module  string
}

// keptAgain is the kept answer for a file under model, if any.
func (c *Cache) keptAgain(model *pysem.Model, k againKey) (need, ok bool) {
	if c == nil || k.summary == nil {
		return false, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.model == nil || c.model.model != model {
		return false, false
	}
	need, ok = c.model.again[k]
	return need, ok
}

// keepAgain keeps a file's answer under model.
func (c *Cache) keepAgain(model *pysem.Model, k againKey, need bool) {
	if c == nil || k.summary == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.model == nil || c.model.model != model {
		return
	}
	if c.model.again == nil {
		c.model.again = map[againKey]bool{}
	}
	c.model.again[k] = need
}

// semModel is pysem.New(roots), or the last scan's model when its roots
// are the same.
func (c *Cache) semModel(roots []pysem.Root) *pysem.Model {
	if c == nil {
		return pysem.New(roots)
	}
	c.mu.Lock()
	kept := c.model
	c.mu.Unlock()
	if kept != nil && sameRoots(kept.roots, roots) {
		return kept.model
	}
	m := pysem.New(roots)
	c.mu.Lock()
	c.model = &keptModel{roots: roots, model: m}
	c.mu.Unlock()
	return m
}

func sameRoots(a, b []pysem.Root) bool {
	return slices.EqualFunc(a, b, func(x, y pysem.Root) bool {
		return x.Library == y.Library && slices.Equal(x.Modules, y.Modules) && slices.Equal(x.EntryPoints, y.EntryPoints)
	})
}
