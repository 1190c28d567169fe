package rules

import (
	"sort"
	"strings"
	"sync"
)

var ids = sync.OnceValue(func() []string {
	var out []string
	for _, r := range All() {
		out = append(out, r.ID)
	}
	sort.Strings(out)
	return out
})

// NormalizeSelector puts a rule selector (an id or a prefix, as given to
// --select, --ignore, a configuration or a suppression comment) in the
// form rule ids are matched against: upper case, without the "xx" of a
// family written EV1xx.
func NormalizeSelector(sel string) string {
	return strings.TrimRight(strings.ToUpper(strings.TrimSpace(sel)), "X")
}

// KnownSelector reports whether sel names at least one rule: an id, or a
// prefix of one (EV, EV1, EV11, EV1xx).
func KnownSelector(sel string) bool {
	s := NormalizeSelector(sel)
	if len(s) < 2 || len(s) > 5 || !strings.HasPrefix(s, "EV") {
		return false
	}
	for _, id := range ids() {
		if strings.HasPrefix(id, s) {
			return true
		}
	}
	return false
}

// Suggest returns the rule id closest to an unknown selector (one edit
// away: EV1O1 → EV101), or "" when none is that close.
func Suggest(sel string) string {
	s := NormalizeSelector(sel)
	for _, id := range ids() {
		if oneEdit(s, id) {
			return id
		}
	}
	return ""
}

// Families returns the rule families as prefixes (EV1, EV2, ...).
func Families() []string {
	var out []string
	for _, id := range ids() {
		if f := id[:3]; len(out) == 0 || out[len(out)-1] != f {
			out = append(out, f)
		}
	}
	return out
}

// oneEdit reports whether a and b differ by one substitution, insertion or
// deletion.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}
