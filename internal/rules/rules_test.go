package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pyproj"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

var (
	idRE   = regexp.MustCompile(`^EV[1-9][0-9]{2}$`)
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

func TestRegistry(t *testing.T) {
	all := All()
	if len(all) < 45 {
		t.Errorf("catalogue has %d rules, want at least 45", len(all))
	}
	ids, slugs := map[string]bool{}, map[string]bool{}
	for _, r := range all {
		if !idRE.MatchString(r.ID) {
			t.Errorf("%s: id does not match EVnnn", r.ID)
		}
		if ids[r.ID] {
			t.Errorf("%s: duplicate id", r.ID)
		}
		ids[r.ID] = true
		if !slugRE.MatchString(r.Slug) || slugs[r.Slug] {
			t.Errorf("%s: bad or duplicate slug %q", r.ID, r.Slug)
		}
		slugs[r.Slug] = true
		if _, ok := analysis.FamilyNames[r.Family()]; !ok {
			t.Errorf("%s: unknown family %d", r.ID, r.Family())
		}
		switch r.Risk {
		case analysis.RiskLow, analysis.RiskMedium, analysis.RiskHigh:
		default:
			t.Errorf("%s: bad risk %q", r.ID, r.Risk)
		}
		if !slices.Contains(analysis.RuleKinds, r.Kind) {
			t.Errorf("%s: kind %q is not one of analysis.RuleKinds", r.ID, r.Kind)
		}
		if r.Concern != "" && !slices.Contains(analysis.Concerns, r.Concern) {
			t.Errorf("%s: concern %q is not one of analysis.Concerns", r.ID, r.Concern)
		}
		d := r.Doc
		for name, text := range map[string]string{"summary": d.Summary, "what": d.What, "why": d.Why, "replacement": d.Replacement, "example": d.Example} {
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: doc section %s is empty", r.ID, name)
			}
		}
		if strings.HasSuffix(d.Summary, ".") {
			t.Errorf("%s: summary %q must not end with a period", r.ID, d.Summary)
		}
		if r.Python == nil && r.Project == nil && r.Graph == nil && r.Family() != 9 {
			t.Errorf("%s: rule has no check", r.ID)
		}
	}
}

// TestTableRoots: the cheap pre-check in names.match must admit every
// package the tables name, or a rule silently never fires.
func TestTableRoots(t *testing.T) {
	for _, tab := range ruleTables {
		for _, n := range tab {
			if !tableRoots[root(n)] {
				t.Errorf("%q: root %q missing from tableRoots", n, root(n))
			}
		}
	}
	for ctor := range unpicklable {
		if !tableRoots[root(ctor)] {
			t.Errorf("%q: root %q missing from tableRoots", ctor, root(ctor))
		}
	}
}

func TestConfigOptsPickles(t *testing.T) {
	for min, want := range map[string]bool{"6.8.0": false, "9.3.0": false, "9.7.1": false, "9.7.2": true, "9.8": true, "10.0.0": false, "10.5.0": false, "10.6.0": true, "10.6": true, "11": true} {
		if got := configOptsPickles(min); got != want {
			t.Errorf("configOptsPickles(%s) = %v, want %v", min, got, want)
		}
	}
	for spec, want := range map[string]string{"oslo.config>=9.3.0": "9.3.0", "oslo.config!=4.3.0,!=4.4.0,>=5.2.0 # Apache-2.0": "5.2.0", "oslo.config": "", "oslo.config>=10.6.0;python_version>='3.10'": "10.6.0"} {
		if got := minVersion(spec); got != want {
			t.Errorf("minVersion(%q) = %q, want %q", spec, got, want)
		}
	}
}

// TestSpawnOrderClassified: each EV507 finding says whether the order is a
// real requirement, with its evidence.
func TestSpawnOrderClassified(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "EV507", "pos.py"))
	if err != nil {
		t.Fatal(err)
	}
	file := pysrc.Parse("svc/pile.py", src)
	view := pysrc.Analyze(file, "svc.pile", false)
	got := map[int]string{}
	r := ByID("EV507")
	r.Python(analysis.NewPass(r, "svc/pile.py", pyproj.KindRuntime, view, nil, nil, func(f analysis.Finding) { got[f.Line] = f.Message }))
	for line, want := range map[int]string{
		11: "a real ordering requirement",                                 // zip(nodes, pile)
		18: "a real ordering requirement",                                 // enumerate(pile)
		27: "the comment at line 23 says the order matters",               // comment above the pile
		36: "if the results are only aggregated, the order is incidental", // plain loop
		38: "if the results are only aggregated, the order is incidental", // list(pile)
		43: "matched to the wrong inputs",                                 // zip over as_completed
		51: "the comment at line 50 says the order does not matter",       // a negated comment
	} {
		if !strings.Contains(got[line], want) {
			t.Errorf("line %d: %q, want it to say %q", line, got[line], want)
		}
	}
	if len(got) != 7 {
		t.Errorf("%d findings, want 7: %v", len(got), got)
	}
}

// TestDeclsOwnClass: a module's own class shadows the name it imports,
// and its declaration names the imported class as its base.
func TestDeclsOwnClass(t *testing.T) {
	src := "from pkg.impl import API, Base\nfrom pkg.other import Thing as Thing2\n\n\nclass Base(Base):\n    pass\n"
	file := pysrc.Parse("pkg/__init__.py", []byte(src))
	view := pysrc.Analyze(file, "pkg", true)
	r := ByID("EV502")
	pp := newPicklePass(analysis.NewPass(r, "pkg/__init__.py", pyproj.KindRuntime, view, nil, nil, func(analysis.Finding) {}), false)
	c, path := pp.class("pkg.Base")
	if c == nil || path != "pkg/__init__.py" {
		t.Fatalf("the module's own class Base has no declaration (%v, %q)", c, path)
	}
	if len(c.Bases) != 1 || c.Bases[0] != "pkg.impl.Base" {
		t.Errorf("bases %v, want [pkg.impl.Base]", c.Bases)
	}
	if c, _ := pp.class("pkg.API"); c != nil {
		t.Errorf("an imported class is declared here: %v", c)
	}
}

func TestOrderComments(t *testing.T) {
	for comment, want := range map[string][2]bool{
		" use a GreenPile to keep them ordered and in sync": {true, false},
		" results come back in order":                       {true, false},
		" order does not matter":                            {true, true},
		" any order will do":                                {true, true},
		" draw the border":                                  {false, false},
		" reorder later":                                    {false, false},
	} {
		if got := [2]bool{orderWord.MatchString(comment), orderNegated.MatchString(comment)}; got != want {
			t.Errorf("%q: order %v, negated %v; want %v", comment, got[0], got[1], want)
		}
	}
}

// TestGreenModuleOncePerBinding: EV127 reports a green module once per
// import (or once per module reached without one), and says how many uses
// the finding covers.
func TestGreenModuleOncePerBinding(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want map[int]string // line -> one of its messages
		n    int            // findings in all
	}{
		{"attributes on one line",
			"from eventlet.green import socket\n\nsock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n",
			map[int]string{1: "eventlet green stdlib module used: eventlet.green.socket imported, 3 uses in this file"}, 1},
		{"imported, not used",
			"from eventlet.green import subprocess\n",
			map[int]string{1: "eventlet green stdlib module used: eventlet.green.subprocess imported"}, 1},
		{"two modules of one import",
			"from eventlet.green import os, time\n\nos.getpid()\n",
			map[int]string{1: "eventlet green stdlib module used: eventlet.green.os imported, 1 use in this file"}, 2},
		{"the package imported",
			"from eventlet import green\n\ngreen.socket.socket(green.socket.AF_INET)\n",
			map[int]string{1: "eventlet green stdlib module used: eventlet.green imported, 2 uses in this file"}, 1},
		{"reached through import eventlet",
			"import eventlet\n\nx = 1\nfam = eventlet.green.socket.AF_INET, eventlet.green.socket.AF_UNIX\neventlet.green.socket.socket()\n",
			map[int]string{4: "eventlet green stdlib module used: eventlet.green.socket.AF_INET referenced, first of 3 uses of eventlet.green.socket in this file"}, 1},
		{"one use without an import",
			"import eventlet\n\neventlet.green.os.getpid()\n",
			map[int]string{3: "eventlet green stdlib module used: eventlet.green.os.getpid() called"}, 1},
	}
	r := ByID("EV127")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := pysrc.Parse("svc/net.py", []byte(tt.src))
			view := pysrc.Analyze(file, "svc.net", false)
			got := map[int][]string{}
			r.Python(analysis.NewPass(r, "svc/net.py", pyproj.KindRuntime, view, nil, nil, func(f analysis.Finding) { got[f.Line] = append(got[f.Line], f.Message) }))
			n := 0
			for _, ms := range got {
				n += len(ms)
			}
			for line, want := range tt.want {
				if !slices.Contains(got[line], want) {
					t.Errorf("EV127(%q) line %d = %q, want %q", tt.src, line, got[line], want)
				}
			}
			if n != tt.n {
				t.Errorf("EV127(%q) = %d findings %v, want %d", tt.src, n, got, tt.n)
			}
		})
	}
}
