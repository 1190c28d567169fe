package scan

import (
	"reflect"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysem"
)

// A file's second pass (names through the semantic model, the facts of
// the project's other files) is kept with what its analysis read: every
// name it asked the model to resolve, with the answer, and every fact of
// the model it read (analysis.Pass.Fact), with the value. A later tree
// in which the file's content is the same and every such read gives the
// same answer gets the same result without the file being parsed again:
// the second pass of a release analyses again only the files whose
// content, or whose reads of the model and facts, changed.

// secondDeps are the reads of one second pass.
type secondDeps struct {
	canon   map[string]string
	facts   []factRead
	project string // the project key, when a rule read the project
}

type factRead struct {
	kind  analysis.FactKind
	name  string
	value any
}

func (d *secondDeps) readFact(kind analysis.FactKind, name string, value any) {
	d.facts = append(d.facts, factRead{kind, name, value})
}

type secondMemo struct {
	r    fileResult
	deps *secondDeps
}

// holds says whether every read gives today the answer it gave.
func (d *secondDeps) holds(canonical func(string) string, model *pysem.Model, project string) bool {
	if d.project != "" && d.project != project {
		return false
	}
	for n, c := range d.canon {
		if canonical(n) != c {
			return false
		}
	}
	for _, fr := range d.facts {
		if !reflect.DeepEqual(analysis.FactValue(model, fr.kind, fr.name), fr.value) {
			return false
		}
	}
	return true
}

func (c *Cache) secondPass(id string, proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, canonical func(string) string, model *pysem.Model, tops *topNames) fileResult {
	project := c.projectKey(proj)
	key := f.Path + "\x00" + id + "\x00" + tops.key + "\x00second\x00" + f.Module
	c.mu.Lock()
	m := c.second[key]
	c.mu.Unlock()
	if m != nil && m.deps.holds(canonical, model, project) {
		c.mu.Lock()
		c.SecondHits++
		c.mu.Unlock()
		return m.r
	}
	rec := &secondDeps{}
	r := scanFileRecording(proj, f, enabled, canonical, model, tops, rec)
	if r.project {
		rec.project = project
	}
	c.mu.Lock()
	c.SecondMisses++
	if !r.skipped {
		if c.second == nil {
			c.second = map[string]*secondMemo{}
		}
		c.second[key] = &secondMemo{r: r, deps: rec}
	}
	c.mu.Unlock()
	return r
}
