package pyproj

import (
	"sort"
	"strings"
)

// Locating a value's line must cost time linear in the file, whatever the
// file holds: a setup.cfg or pyproject.toml with a hundred thousand
// requirements used to be searched from the top for each one (minutes for
// a few MB). Both indexes below are built in one pass; searches move
// forward from a cursor, as values are listed in file order, and share a
// budget after which a line is answered approximately (the key's line, or
// 0) instead of searched for.

// searchBudget is how many times over a file may be searched in total.
const searchBudget = 8

// iniIndex is the lines of an INI text with its section headers and keys.
type iniIndex struct {
	lines   []string
	secLine map[string]int // section → line of its last header (1-based)
	keyLine map[string]int // section + "\x00" + key → first line (1-based)
	budget  int            // line visits left to value searches
}

func newINIIndex(text string) *iniIndex {
	ix := &iniIndex{lines: strings.Split(text, "\n"), secLine: map[string]int{}, keyLine: map[string]int{}}
	ix.budget = searchBudget*len(ix.lines) + 10000
	section, in := "", false
	for i, l := range ix.lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section, in = strings.TrimSpace(t[1:len(t)-1]), true
			ix.secLine[section] = i + 1
			continue
		}
		if !in || t == "" {
			continue
		}
		// A key matches a line that is the key alone, or starts with it
		// followed by a space, "=" or ":".
		ix.addKey(section, t, i+1)
		if j := strings.IndexAny(t, "=:"); j >= 0 {
			ix.addKey(section, strings.TrimRight(t[:j], " \t"), i+1)
		}
		if j := strings.IndexByte(t, ' '); j >= 0 {
			ix.addKey(section, t[:j], i+1)
		}
	}
	return ix
}

func (ix *iniIndex) addKey(section, key string, line int) {
	k := section + "\x00" + key
	if _, ok := ix.keyLine[k]; !ok {
		ix.keyLine[k] = line
	}
}

// lineOf finds the line of key in [section] (1-based; the section's line
// when the key is not found or is "", 0 when neither is).
func (ix *iniIndex) lineOf(section, key string) int {
	if key != "" {
		if l, ok := ix.keyLine[section+"\x00"+key]; ok {
			return l
		}
	}
	return ix.secLine[section]
}

// valueCursor finds the lines of one multi-line value, in order.
type valueCursor struct {
	ix    *iniIndex
	start int // the key's line, 1-based
	next  int // index of the first line not yet searched
}

func (ix *iniIndex) value(section, key string) *valueCursor {
	start := ix.lineOf(section, key)
	return &valueCursor{ix: ix, start: start, next: max(start-1, 0)}
}

// line finds the next line of the value that contains needle (the key's
// line when there is none, or when the search budget is spent).
func (c *valueCursor) line(needle string) int {
	if c.start == 0 {
		return 0
	}
	lines := c.ix.lines
	for i := c.next; i < len(lines) && c.ix.budget > 0; i++ {
		c.ix.budget--
		if i > c.start-1 && strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			break
		}
		if strings.Contains(lines[i], needle) {
			c.next = i + 1
			return i + 1
		}
	}
	return c.start
}

// textIndex finds needles in a text and says on which line they are.
type textIndex struct {
	text   string
	starts []int // byte offset of each line's start
	budget int   // bytes left to searches
}

func newTextIndex(text string) *textIndex {
	ix := &textIndex{text: text, starts: []int{0}, budget: searchBudget*len(text) + 1<<20}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			ix.starts = append(ix.starts, i+1)
		}
	}
	return ix
}

// find returns the line (1-based) of the first needle at or after byte
// from, and the offset after it; 0 and from when it is absent or the
// budget is spent.
func (ix *textIndex) find(needle string, from int) (line, next int) {
	if from > len(ix.text) || ix.budget <= 0 || needle == "" {
		return 0, from
	}
	i := strings.Index(ix.text[from:], needle)
	if i < 0 {
		ix.budget -= len(ix.text) - from
		return 0, from
	}
	ix.budget -= i + len(needle)
	off := from + i
	return sort.SearchInts(ix.starts, off+1), off + len(needle)
}

// line is the line of the first needle in the text (0 if absent).
func (ix *textIndex) line(needle string) int {
	l, _ := ix.find(needle, 0)
	return l
}
