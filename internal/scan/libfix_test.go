package scan

import (
	"context"
	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/modes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLibraryFixFixtures: a library module that fetches a backend
// component at import fixes the backend to the library's default before
// the entry point selects one. The mode says what runs (unknown when the
// later init_backend raises, eventlet-only when a later hook is never
// asked), the reachability says eventlet is loaded through the library's
// eventlet backend module, and the evidence names the import, the fetch
// and the default; near misses select first, fetch lazily or come from a
// library with no declared default.
func TestLibraryFixFixtures(t *testing.T) {
	dir, secs := txtarTree(t, filepath.Join("testdata", "libfix", "libfix.txtar"), "want")
	res, err := Run(context.Background(), []string{filepath.Join(dir, "svc")},
		Options{With: []string{filepath.Join(dir, "svclib"), filepath.Join(dir, "otherlib")}, Select: []string{"EV208", "EV508"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	byName := map[string]contract.EntryPoint{}
	for _, ep := range res.EntryPoints {
		got = append(got, ep.Name+" "+string(ep.Mode)+" eventlet="+string(ep.Eventlet))
		byName[ep.Name] = ep
	}
	want := secs["want"]
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("modes (-want +got):\n%s", diff)
	}

	late := byName["svc-late"]
	for _, s := range []string{"init_backend(threading) at svc/cmd/late.py:6 raises BackendAlreadySelected",
		"importing svclib.service at svc/cmd/late.py:2 fixed the backend to eventlet first"} {
		if !strings.Contains(late.ModeReason, s) {
			t.Errorf("svc-late reason %q, want it to contain %q", late.ModeReason, s)
		}
	}
	// The evidence chain: the import, the fetch, the default.
	var evs []string
	for _, e := range byName["svc-hook-late"].ModeEvidence {
		evs = append(evs, e.Path+":"+strconv.Itoa(e.Line))
	}
	wantEv := []string{"svc/cmd/hooklate.py:1", "svclib/service.py:3", "svclib/backend/__init__.py:10", "svc/conf.py:3", "svc/conf.py:3"}
	if len(evs) < len(wantEv) || !cmp.Equal(evs[:len(wantEv)], wantEv) {
		t.Errorf("svc-hook-late evidence %v, want it to start %v", evs, wantEv)
	}
	// The chain to eventlet runs through the backend module the fetch loads.
	var hops []string
	for _, h := range byName["svc-hook-late"].Chain {
		hops = append(hops, h.Module)
	}
	if diff := cmp.Diff([]string{"svc.cmd.hooklate", "svclib.service", "svclib.backend._eventlet", "eventlet"}, hops); diff != "" {
		t.Errorf("svc-hook-late chain (-want +got):\n%s", diff)
	}
	if r := byName["svc-hook-late"].Reason; !strings.Contains(r, "library code run at import loads eventlet") {
		t.Errorf("svc-hook-late reach reason %q, want it to say library code run at import loads eventlet", r)
	}
	// The library module that imports eventlet blocks the entry point,
	// and the stage is not eventlet-free.
	var blockers []string
	for _, b := range res.Blockers {
		blockers = append(blockers, b.Module+" "+strings.Join(b.EntryPoints, ","))
	}
	if diff := cmp.Diff([]string{"svclib.backend._eventlet svc-hook-late,svc-late,svc-threads", "otherlib.backend._eventlet "}, blockers); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
	if st := res.Stage; st == nil || st.EventletFree != modes.AnswerNo || !slices.Contains(st.BlockedBy, "svclib.backend._eventlet") {
		t.Errorf("stage %+v, want not eventlet-free, blocked by svclib.backend._eventlet", st)
	}
	// The late selections are still reported (EV208), the early ones not;
	// the rule reports a fetch before the selection whatever the default.
	// The service on its own threads loads eventlet through the library
	// (EV508).
	var findings []string
	for _, f := range res.Findings {
		findings = append(findings, f.Rule+" "+f.Path+":"+strconv.Itoa(f.Line))
	}
	sort.Strings(findings)
	if diff := cmp.Diff([]string{"EV208 svc/cmd/late.py:6", "EV208 svc/cmd/nodefault.py:6", "EV208 svc/conf.py:3", "EV508 setup.cfg:11"}, findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestStageThreeStillLoading: a project rid of eventlet in its own code
// and requirements is at stage 3, and the summary says its entry points
// still load eventlet through a library's import-time code; without that
// library load the summary does not.
func TestStageThreeStillLoading(t *testing.T) {
	dir, _ := txtarTree(t, filepath.Join("testdata", "libfix", "libfix.txtar"))
	write := func(p, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, entry string
		loads       bool
	}{
		{"loads", "svc-threads = svc.cmd.threads:main", true},
		{"early", "svc-early = svc.cmd.early:main", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			write("svc/setup.cfg", "[metadata]\nname = svc\n[entry_points]\nconsole_scripts =\n    "+c.entry+"\n")
			res, err := Run(context.Background(), []string{filepath.Join(dir, "svc")}, Options{With: []string{filepath.Join(dir, "svclib")}, Select: []string{"EV9"}})
			if err != nil {
				t.Fatal(err)
			}
			st := res.Stage
			if st == nil || st.Stage == nil || *st.Stage != 3 {
				t.Fatalf("stage %+v, want 3", st)
			}
			want := "but its entry points still load eventlet at import through libraries (svclib.backend._eventlet)"
			if got := strings.Contains(st.Summary, want); got != c.loads {
				t.Errorf("summary %q: contains %q = %v, want %v", st.Summary, want, got, c.loads)
			}
		})
	}
}

// TestOpaqueLibraryImport: without the library's code, an entry point that
// selects threading through the library's backend registry after
// importing another module of that library cannot be placed: the import
// may fix the backend first. Its mode is unknown, saying which import and
// how to decide; given the code, the library fixes decide as above. A
// selection before the imports, or an import of another library, keeps
// the mode the code states.
func TestOpaqueLibraryImport(t *testing.T) {
	dir, _ := txtarTree(t, filepath.Join("testdata", "libfix", "libfix.txtar"))
	for _, c := range []struct {
		name string
		with []string
		want []string
	}{
		{"no libraries", nil, []string{
			"svc-early threading-only", "svc-hook-early threading-only", "svc-hook-late unknown", "svc-late unknown",
			"svc-lazy unknown", "svc-nodefault unknown", "svc-threads threading-only"}},
		// svclib given, otherlib not: svclib's lazy fetch is seen to
		// be lazy; otherlib's import stays undecided.
		{"svclib only", []string{"svclib"}, []string{
			"svc-early threading-only", "svc-hook-early threading-only", "svc-hook-late eventlet-only", "svc-late unknown",
			"svc-lazy threading-only", "svc-nodefault unknown", "svc-threads threading-only"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var with []string
			for _, w := range c.with {
				with = append(with, filepath.Join(dir, w))
			}
			res, err := Run(context.Background(), []string{filepath.Join(dir, "svc")}, Options{With: with, Select: []string{"EV9"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			byName := map[string]contract.EntryPoint{}
			for _, ep := range res.EntryPoints {
				got = append(got, ep.Name+" "+string(ep.Mode))
				byName[ep.Name] = ep
			}
			sort.Strings(got)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("modes (-want +got):\n%s", diff)
			}
			nodefault := byName["svc-nodefault"]
			for _, s := range []string{"init_backend(threading) at svc/cmd/nodefault.py:6 comes after svc/cmd/nodefault.py:2 imports otherlib.service",
				"whose code letgo was not given", "--with, the checkout that provides otherlib"} {
				if !strings.Contains(nodefault.ModeReason, s) {
					t.Errorf("svc-nodefault reason %q, want it to contain %q", nodefault.ModeReason, s)
				}
			}
			if nodefault.Switch.Default != "" {
				t.Errorf("svc-nodefault switch %+v, want none for an unknown mode", nodefault.Switch)
			}
			st := res.Stage
			if st == nil || !slices.Contains(st.UnknownServices, "svc-nodefault") {
				t.Fatalf("stage %+v, want svc-nodefault among the unknown services", st)
			}
			// Without the library nothing is known to run eventlet: the
			// stage is not called on track.
			if c.with == nil && !strings.HasPrefix(st.Timeline, "undetermined") {
				t.Errorf("timeline %q, want undetermined", st.Timeline)
			}
		})
	}
}
