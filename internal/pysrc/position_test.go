package pysrc

import (
	"math/rand"
	"sort"
	"testing"
)

// tablePosition is Position as a table of every line start gives it.
func tablePosition(src string, p Pos) Position {
	lines := lineStarts(src)
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > p }) - 1
	if i < 0 {
		i = 0
	}
	return Position{Line: i + 1, Col: int(p - lines[i])}
}

// TestPositionIsTable checks the counting Position against the table of
// line starts on random texts (some with \r and \r\n), for offsets asked
// in order, out of order, repeated, before the start and past the end, and
// for enough of them that the file falls back to the table.
func TestPositionIsTable(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	alphabet := []string{"a", "b", " ", "\n", "\n", "x = 1", "\r", "\r\n", "é"}
	for n := range 400 {
		var b []byte
		size := rng.Intn(300)
		for len(b) < size {
			tok := alphabet[rng.Intn(len(alphabet))]
			if n%3 != 0 && (tok == "\r" || tok == "\r\n") {
				tok = "\n" // most texts have no carriage return
			}
			b = append(b, tok...)
		}
		src := string(b)
		f := &File{Src: src}
		asks := 1 + rng.Intn(60)
		for k := range asks {
			var p Pos
			switch {
			case k%7 == 6:
				p = Pos(-rng.Intn(3))
			case k%11 == 10:
				p = Pos(len(src) + rng.Intn(3))
			case n%2 == 0:
				p = Pos(k * (len(src) + 1) / asks) // in order
			default:
				p = Pos(rng.Intn(len(src) + 1))
			}
			if got, want := f.Position(p), tablePosition(src, p); got != want {
				t.Fatalf("text %d %q: Position(%d) = %+v, want %+v (ask %d)", n, src, p, got, want, k)
			}
		}
	}
}
