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
	if c.secondPaths == nil {
		c.secondPaths = map[string]bool{}
	}
	c.secondPaths[f.Path+"\x00"+f.Module] = true
	c.mu.Unlock()
	if m != nil && m.deps.holds(canonical, model, project) {
		c.mu.Lock()
		c.SecondHits++
		c.mu.Unlock()
		return m.r
	}
	rec := &secondDeps{}
	c.mu.Lock()
	kp, kept := c.parsed[f]
	if kept {
		delete(c.parsed, f)
		c.parsedBytes -= kp.reserved
	}
	c.mu.Unlock()
	var r fileResult
	if kept && kp.id == id {
		r = analyzeFile(proj, f, kp.p, enabled, canonical, model, tops, rec)
	} else {
		kept = false
		r = scanFileRecording(proj, f, enabled, canonical, model, tops, rec)
	}
	if r.project {
		rec.project = project
	}
	c.mu.Lock()
	c.SecondMisses++
	if kept {
		c.SecondParsed++
	}
	if !r.skipped {
		if c.second == nil {
			c.second = map[string]*secondMemo{}
		}
		c.second[key] = &secondMemo{r: r, deps: rec}
	}
	c.mu.Unlock()
	return r
}

// A changed file is parsed by its first pass and, when the model makes it
// need one, again by its second pass (the second-pass memo above holds
// only for unchanged content). A file whose path went through a second
// pass in an earlier scan through the cache (the previous release of a
// history or backfill) will most likely need one again: its first pass
// keeps its parse for the second pass, which then resolves the view's
// chains on it instead of parsing the file again. The parses kept are
// bounded by the size of their sources (maxParsedBytes; a view and its
// tree are about ten times their source), and those no second pass took
// are dropped when the scan ends.

// maxParsedBytes bounds the sources of the parses a scan keeps for its
// second pass.
var maxParsedBytes int64 = 4 << 20

type keptParse struct {
	id       string
	p        parsed
	reserved int64
}

// firstPassKeeping is a changed file's first pass: scanFile, keeping the parse
// when the file's path went through an earlier second pass and the bound
// allows.
func (c *Cache) firstPassKeeping(id string, proj *pyproj.Project, f *pyproj.File, enabled []*analysis.Rule, tops *topNames) fileResult {
	size := max(f.Size, 1)
	c.mu.Lock()
	keep := c.secondPaths[f.Path+"\x00"+f.Module] && c.parsedBytes+size <= maxParsedBytes
	if keep {
		c.parsedBytes += size // reserved while the file is parsed
	}
	c.mu.Unlock()
	if !keep {
		return scanFile(proj, f, enabled, nil, nil, tops)
	}
	r, p := firstPassParsed(proj, f, enabled, tops)
	c.mu.Lock()
	if p == nil {
		c.parsedBytes -= size
	} else {
		if c.parsed == nil {
			c.parsed = map[*pyproj.File]keptParse{}
		}
		c.parsed[f] = keptParse{id: id, p: *p, reserved: size}
	}
	c.mu.Unlock()
	return r
}

// dropParsed drops the kept parses of the projects' files that no second
// pass took.
func (c *Cache) dropParsed(projs []*pyproj.Project) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.parsed) == 0 {
		return
	}
	for _, proj := range projs {
		if proj == nil {
			continue
		}
		for _, f := range proj.Files {
			if kp, ok := c.parsed[f]; ok {
				delete(c.parsed, f)
				c.parsedBytes -= kp.reserved
			}
		}
	}
}
