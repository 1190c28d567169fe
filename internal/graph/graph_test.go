package graph

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/letgo-dev/letgo/internal/pysrc"
)

func imp(mod string, guard pysrc.GuardKind, line int) Import {
	return Import{Module: mod, Guard: guard, Line: line, Text: "import " + mod}
}

func TestReachPrefersUnconditionalThenShort(t *testing.T) {
	mods := []*Module{
		{Name: "app", Path: "app/__init__.py", IsPackage: true},
		{Name: "app.main", Path: "app/main.py", Imports: []Import{
			imp("app.short", pysrc.GuardTry, 1), // 1 guarded hop
			imp("app.long1", pysrc.GuardUnconditional, 2),
		}},
		{Name: "app.short", Path: "app/short.py", Imports: []Import{imp("eventlet", pysrc.GuardUnconditional, 1)}},
		{Name: "app.long1", Path: "app/long1.py", Imports: []Import{imp("app.long2", pysrc.GuardUnconditional, 1)}},
		{Name: "app.long2", Path: "app/long2.py", Imports: []Import{imp("eventlet.wsgi", pysrc.GuardUnconditional, 3)}},
	}
	g := Build(mods)
	ans := g.Reach("app.main")
	if ans.Verdict != Unconditional {
		t.Fatalf("verdict = %s, want unconditional (a longer unguarded path exists)", ans.Verdict)
	}
	var got []string
	for _, h := range ans.Chain {
		got = append(got, h.Module)
	}
	// app/__init__.py runs first but imports nothing: the chain starts at app.main.
	if fmt.Sprint(got) != "[app.main app.long1 app.long2 eventlet]" {
		t.Errorf("chain = %v", got)
	}
}

func TestReachTypeCheckingNeverRuns(t *testing.T) {
	g := Build([]*Module{{Name: "m", Imports: []Import{imp("eventlet", pysrc.GuardTypeChecking, 1)}}})
	if v := g.Reach("m").Verdict; v != None {
		t.Errorf("verdict = %s, want none", v)
	}
}

func TestMissingModule(t *testing.T) {
	g := Build(nil)
	if a := g.Reach("nope"); a.Verdict != Unknown || a.Reason == "" {
		t.Errorf("answer = %+v, want unknown with a reason", a)
	}
}

// synthetic builds n modules; each imports three others at random (cycles
// galore), mostly unconditionally; one module deep in the graph imports
// eventlet.
func synthetic(n int) []*Module {
	r := rand.New(rand.NewPCG(1, 2))
	mods := make([]*Module, n)
	for i := range mods {
		m := &Module{Name: fmt.Sprintf("pkg.m%d", i)}
		for k := 0; k < 3; k++ {
			guard := pysrc.GuardUnconditional
			if r.IntN(4) == 0 {
				guard = pysrc.GuardFunction
			}
			m.Imports = append(m.Imports, imp(fmt.Sprintf("pkg.m%d", r.IntN(n)), guard, k+1))
		}
		mods[i] = m
	}
	mods[n/2].Imports = append(mods[n/2].Imports, imp("eventlet", pysrc.GuardUnconditional, 9))
	return append(mods, &Module{Name: "pkg", IsPackage: true})
}

func TestHugeGraphWithCycles(t *testing.T) {
	g := Build(synthetic(100_000))
	a, b := g.Reach("pkg.m0"), g.Reach("pkg.m0")
	if a.Verdict == None || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("verdicts %v / %v: want a reachable, deterministic answer", a.Verdict, b.Verdict)
	}
	if last := a.Chain[len(a.Chain)-1]; last.Module != "eventlet" {
		t.Errorf("chain ends at %s", last.Module)
	}
}

func BenchmarkBuild100k(b *testing.B) {
	mods := synthetic(100_000)
	for b.Loop() {
		Build(mods)
	}
}

func BenchmarkReach100k(b *testing.B) {
	g := Build(synthetic(100_000))
	for b.Loop() {
		g.Reach("pkg.m0")
	}
}
