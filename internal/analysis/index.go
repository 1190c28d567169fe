package analysis

import (
	"slices"
	"strings"
	"sync"

	"github.com/letgo-dev/letgo/internal/pysem"
)

// FileIndex is what every rule of one file would otherwise compute again:
// the canonical name of each call and reference (Pass.Resolve of its
// resolved name, once per file instead of once per rule), the calls and
// references by the first component of that name, so a rule that matches
// names below a few packages visits only the sites that can match, and
// which registered keywords the source contains (one pass over the file
// instead of one strings.Contains per rule and keyword). The driver gives
// every pass of a file the same index (Pass.Index); a pass without one
// builds its own. Built lazily: a file no rule asks about pays nothing.
type FileIndex struct {
	calls, refs   []string
	callsByRoot   map[string][]int32
	refsByRoot    map[string][]int32
	keywords      []bool
	built, kwDone bool
	// values are the file's value tracking as a pass without the model
	// made it (KeepValues), for the driver's summary of the file.
	values *pysem.Values
}

// KeepValues keeps the file's value tracking for the driver when the pass
// has no model (the first pass): its names are then the view's own, and
// a tracking made without full is what pysem.SummarizeDecls would make
// again (pysem.SummarizeDeclsFrom reuses it).
func (p *Pass) KeepValues(vs *pysem.Values) {
	if p.model != nil || p.Index == nil {
		return
	}
	p.Index.values = vs
}

// Values is what KeepValues kept, nil when no rule kept any.
func (x *FileIndex) Values() *pysem.Values { return x.values }

// NewFileIndex returns an empty index for one file's passes.
func NewFileIndex() *FileIndex { return &FileIndex{} }

func (p *Pass) index() *FileIndex {
	if p.Index == nil {
		p.Index = &FileIndex{}
	}
	x := p.Index
	if !x.built {
		x.built = true
		v := p.View
		x.calls = make([]string, len(v.Calls))
		x.callsByRoot = map[string][]int32{}
		for i, c := range v.Calls {
			n := p.Resolve(c.Resolved)
			x.calls[i] = n
			if n != "" {
				r := nameRoot(n)
				x.callsByRoot[r] = append(x.callsByRoot[r], int32(i))
			}
		}
		x.refs = make([]string, len(v.Refs))
		x.refsByRoot = map[string][]int32{}
		for i, r := range v.Refs {
			n := p.Resolve(r.Resolved)
			x.refs[i] = n
			if n != "" {
				rt := nameRoot(n)
				x.refsByRoot[rt] = append(x.refsByRoot[rt], int32(i))
			}
		}
	}
	return x
}

func nameRoot(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return name
}

// CallNames returns Resolve(c.Resolved) of each of the view's calls, by
// index. The slice is shared: do not modify it.
func (p *Pass) CallNames() []string { return p.index().calls }

// RefNames returns Resolve(r.Resolved) of each of the view's references,
// by index. The slice is shared: do not modify it.
func (p *Pass) RefNames() []string { return p.index().refs }

// CallsUnder returns, in source order (the order of View.Calls), the
// indexes of the calls whose canonical name has one of roots as its first
// component.
func (p *Pass) CallsUnder(roots []string) []int32 { return under(p.index().callsByRoot, roots) }

// RefsUnder is CallsUnder for references.
func (p *Pass) RefsUnder(roots []string) []int32 { return under(p.index().refsByRoot, roots) }

func under(by map[string][]int32, roots []string) []int32 {
	var out []int32
	n := 0
	for _, r := range roots {
		if is := by[r]; len(is) > 0 {
			n++
			out = is
		}
	}
	if n <= 1 {
		return out
	}
	out = nil
	for _, r := range roots {
		out = append(out, by[r]...)
	}
	slices.Sort(out)
	return out
}

// Keyword is a registered source keyword (see RegisterKeyword).
type Keyword int

var keywords []string

// RegisterKeyword registers a string whose presence in a file's source a
// rule asks with Pass.Has. Call it at package initialisation only.
func RegisterKeyword(s string) Keyword {
	if s == "" {
		panic("analysis: empty keyword")
	}
	keywords = append(keywords, s)
	return Keyword(len(keywords) - 1)
}

// Has reports whether the file's source contains the keyword, as
// strings.Contains(p.File.Src, keyword) would; the first call for a file
// looks for every registered keyword in one pass over the source.
func (p *Pass) Has(k Keyword) bool {
	if p.Index == nil {
		p.Index = &FileIndex{}
	}
	x := p.Index
	if !x.kwDone {
		x.kwDone = true
		x.keywords = findKeywords(p.File.Src, keywordTable())
	}
	return x.keywords[k]
}

// kwTable is the registered keywords prepared for a multi-pattern search
// (Wu-Manber, blocks of two bytes): keywords of at least wmMin bytes are
// found in one pass that skips over the source by the shift of the two
// bytes at the end of its window; shorter ones by strings.Contains.
type kwTable struct {
	kws   []string
	short []int // keywords shorter than wmMin
	m     int   // the shortest of the other keywords' lengths
	// shift[b] is how far the window may move when its last two bytes are
	// b (b0 | b1<<8): 0 when they end the first m bytes of some keyword,
	// whose candidates are cands[start[b]:start[b+1]].
	shift [1 << 16]uint8
	start [1<<16 + 1]uint16
	cands []uint16
}

const wmMin = 4

var keywordTable = sync.OnceValue(func() *kwTable { return newKwTable(keywords) })

func newKwTable(kws []string) *kwTable {
	t := &kwTable{kws: kws, m: 256}
	var long []int
	for i, k := range kws {
		if len(k) < wmMin {
			t.short = append(t.short, i)
			continue
		}
		long = append(long, i)
		t.m = min(t.m, len(k))
	}
	for b := range t.shift {
		t.shift[b] = uint8(t.m - 1)
	}
	byEnd := map[uint16][]uint16{}
	for _, i := range long {
		k := kws[i]
		for j := 0; j+1 < t.m; j++ {
			b := uint16(k[j]) | uint16(k[j+1])<<8
			t.shift[b] = min(t.shift[b], uint8(t.m-2-j))
		}
		b := uint16(k[t.m-2]) | uint16(k[t.m-1])<<8
		byEnd[b] = append(byEnd[b], uint16(i))
	}
	for b := range 1 << 16 {
		t.start[b] = uint16(len(t.cands))
		t.cands = append(t.cands, byEnd[uint16(b)]...)
	}
	t.start[1<<16] = uint16(len(t.cands))
	return t
}

// findKeywords reports which of the table's keywords occur in src, as
// strings.Contains would; it stops when all are found.
func findKeywords(src string, t *kwTable) []bool {
	found := make([]bool, len(t.kws))
	left := len(t.kws)
	for _, k := range t.short {
		found[k] = strings.Contains(src, t.kws[k])
		left--
	}
	m := t.m
	for pos := m - 1; pos < len(src) && left > 0; {
		b := uint16(src[pos-1]) | uint16(src[pos])<<8
		if s := t.shift[b]; s != 0 {
			pos += int(s)
			continue
		}
		rest := src[pos-m+1:]
		for _, k := range t.cands[t.start[b]:t.start[b+1]] {
			if !found[k] && strings.HasPrefix(rest, t.kws[k]) {
				found[k] = true
				left--
			}
		}
		pos++
	}
	return found
}
