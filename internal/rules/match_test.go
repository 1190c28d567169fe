package rules

import "testing"

// TestMayMatch: the pre-check's tables answer as tableRoots does, for
// every root, names below them, and look-alikes (same first byte or
// length, a prefix, a longer name).
func TestMayMatch(t *testing.T) {
	cases := []string{"", ".", "e", "eventle", "eventlets", "eventletx.y", "nova.x", "os.path.join", "self.x", "o", "open", "opens", "io.x", "i", "x" + "eventlet"}
	for r := range tableRoots {
		cases = append(cases, r, r+".x.y", r[:len(r)-1], r+"x")
	}
	for _, name := range cases {
		if got, want := mayMatch(name), tableRoots[root(name)]; got != want {
			t.Errorf("mayMatch(%q) = %v, want %v", name, got, want)
		}
	}
}
