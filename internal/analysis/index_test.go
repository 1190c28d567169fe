package analysis

import (
	"slices"

	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testKeywords = []string{"sleep", ".wait(", "SO_KEEPALIVE", "TCP_KEEPIDLE", "assert", "run_as_root", "root_helper", "priv", "sleep(", "heartbeat_in_pthread", "EVENTLET", "eventlet", "s", "ss"}

// TestFindKeywordsIsContains checks the one-pass keyword search against
// strings.Contains on random texts over a small alphabet (so keywords,
// their prefixes and overlaps occur often) and on edge cases.
func TestFindKeywordsIsContains(t *testing.T) {
	tab := newKwTable(testKeywords)
	alphabet := "sleep(.wait)priv_rootEVENTLETeventlet \n"
	rng := rand.New(rand.NewSource(1))
	texts := []string{"", "s", "sleep", "slee", "xsleep(", "eventleT", "EVENTLE", "privsleep(", "root_helpe", "ssleep"}
	for range 3000 {
		n := rng.Intn(60)
		var b strings.Builder
		for range n {
			if rng.Intn(8) == 0 {
				b.WriteString(testKeywords[rng.Intn(len(testKeywords))])
			} else {
				b.WriteByte(alphabet[rng.Intn(len(alphabet))])
			}
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		got := findKeywords(s, tab)
		for i, k := range testKeywords {
			if got[i] != strings.Contains(s, k) {
				t.Fatalf("%q in %q: %v, strings.Contains says %v", k, s, got[i], !got[i])
			}
		}
	}
}

// BenchmarkKeywords compares the one-pass search with one strings.Contains
// per keyword over the Python files under LETGO_BENCH_DIR.
func BenchmarkKeywords(b *testing.B) {
	dir := os.Getenv("LETGO_BENCH_DIR")
	if dir == "" {
		b.Skip("LETGO_BENCH_DIR not set")
	}
	var srcs []string
	var total int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".py") {
			if data, err := os.ReadFile(p); err == nil {
				srcs = append(srcs, string(data))
				total += int64(len(data))
			}
		}
		return nil
	})
	kws := testKeywords[:12]
	tab := newKwTable(kws)
	b.Run("onepass", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			for _, s := range srcs {
				findKeywords(s, tab)
			}
		}
	})
	b.Run("contains", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			for _, s := range srcs {
				for _, k := range kws {
					_ = strings.Contains(s, k)
				}
			}
		}
	})
}

// TestFileIndex checks the shared index against resolving each site in
// the pass: names, the sites under given roots in source order, and that
// passes sharing an index see the same answers.
func TestFileIndex(t *testing.T) {
	src := "import eventlet, time, os\nfrom eventlet import greenthread\n" +
		"time.sleep(1)\neventlet.spawn(f)\nos.getpid()\ngreenthread.sleep(0)\ntime.time()\n" +
		"try:\n    pass\nexcept eventlet.Timeout:\n    pass\nx = os.environ\n"
	f := pysrc.Parse("m.py", []byte(src))
	v := pysrc.Analyze(f, "m", false)
	canon := func(s string) string {
		if s == "os.getpid" {
			return "eventlet.patched.getpid" // a model rewriting a name
		}
		return s
	}
	idx := NewFileIndex()
	p := NewPass(&Rule{ID: "EV000"}, "m.py", pyproj.KindRuntime, v, nil, canon, func(Finding) {})
	p.Index = idx
	q := NewPass(&Rule{ID: "EV001"}, "m.py", pyproj.KindRuntime, v, nil, canon, func(Finding) {})
	q.Index = idx
	names := p.CallNames()
	if len(names) != len(v.Calls) {
		t.Fatalf("%d names for %d calls", len(names), len(v.Calls))
	}
	for i, c := range v.Calls {
		if names[i] != p.Resolve(c.Resolved) {
			t.Errorf("call %d: %q, Resolve says %q", i, names[i], p.Resolve(c.Resolved))
		}
	}
	for i, r := range v.Refs {
		if q.RefNames()[i] != q.Resolve(r.Resolved) {
			t.Errorf("ref %d: %q, Resolve says %q", i, q.RefNames()[i], q.Resolve(r.Resolved))
		}
	}
	var got []string
	for _, i := range q.CallsUnder([]string{"time", "eventlet"}) {
		got = append(got, names[i])
	}
	want := "time.sleep eventlet.spawn eventlet.patched.getpid eventlet.greenthread.sleep time.time"
	if strings.Join(got, " ") != want {
		t.Errorf("calls under time, eventlet: %q, want %q", strings.Join(got, " "), want)
	}
	if is := p.CallsUnder([]string{"os"}); len(is) != 0 {
		t.Errorf("calls under os after the rewrite: %v", is)
	}
	var refs []string
	for _, i := range p.RefsUnder([]string{"eventlet"}) {
		refs = append(refs, p.RefNames()[i])
	}
	if !slices.Contains(refs, "eventlet.Timeout") {
		t.Errorf("refs under eventlet: %q", refs)
	}
}

// TestHasNoqa checks hasNoqa against lower-casing, on every case mix of
// "noqa", neighbours of its letters under |0x20 and non-ASCII text.
func TestHasNoqa(t *testing.T) {
	texts := []string{"", "noq", "# NoQa: EV110", "# n o q a", "# nOqA", "\u212a noqa", "İnoqa", "# NOQ@", "N\x0eOQA", "nOq\x01", "ноqa"}
	for m := range 16 {
		b := []byte("xnoqa")
		for i := range 4 {
			if m&(1<<i) != 0 {
				b[i+1] -= 'a' - 'A'
			}
		}
		texts = append(texts, string(b), string(b[:4]))
	}
	for _, s := range texts {
		if got, want := hasNoqa(s), strings.Contains(strings.ToLower(s), "noqa"); got != want {
			t.Errorf("hasNoqa(%q) = %v, want %v", s, got, want)
		}
	}
}
