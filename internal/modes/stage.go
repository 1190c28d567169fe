package modes

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Series is one OpenStack release series: its name and release date.
type Series struct {
	Name     string    `json:"name"`
	Codename string    `json:"codename,omitempty"`
	Release  time.Time `json:"release"`
}

// SeriesTable maps release series to dates, oldest first: the
// initial-release dates of openstack/releases data/series_status.yaml
// (August 2026), the last one an estimate (first week of October). Data,
// kept here in one place and the fallback of the fleet when no releases
// data is given; extend it as series are named.
var SeriesTable = []Series{
	{"2024.1", "Caracal", date(2024, 4, 3)},
	{"2024.2", "Dalmatian", date(2024, 10, 2)},
	{"2025.1", "Epoxy", date(2025, 4, 2)},
	{"2025.2", "Flamingo", date(2025, 10, 1)},
	{"2026.1", "Gazpacho", date(2026, 4, 1)},
	{"2026.2", "Hibiscus", date(2026, 9, 30)},
	{"2027.1", "Indri", date(2027, 3, 24)},
	{"2027.2", "", date(2027, 10, 6)},
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Community timeline: threading default everywhere by 2027.1; eventlet gone
// from the Oslo libraries by 2027.2.
const (
	ThreadingDefaultBy = "2027.1"
	EventletRemovedBy  = "2027.2"
)

// CurrentSeries is the series in development at t: the first one not yet
// released.
func CurrentSeries(t time.Time) Series {
	for _, s := range SeriesTable {
		if t.Before(s.Release) {
			return s
		}
	}
	return SeriesTable[len(SeriesTable)-1]
}

// ServiceMode is an entry point and its mode, for the stage. A service of
// the project whose mode is Unknown (the analysis was cut short, or the
// default depends on what letgo cannot decide) is passed too: the stage
// then says it could not place it.
type ServiceMode struct {
	Name string
	Mode Mode
}

// Stage is where a project stands in the three-release pattern.
type Stage struct {
	// Stage is 0 eventlet only … 3 eventlet removed; nil when there is
	// nothing to judge (no services: an empty tree, a library, a
	// subdirectory), with Reason saying what was found.
	Stage            *int     `json:"stage"`
	Reason           string   `json:"reason,omitempty"`
	Name             string   `json:"name"`
	BlockingServices []string `json:"blocking_services"`
	Summary          string   `json:"summary"`
	Timeline         string   `json:"timeline"`
	// UnknownServices are the services whose mode letgo could not
	// determine: the stage stands for the others only.
	UnknownServices []string `json:"unknown_services,omitempty"`
	// EventletFree says whether the project is eventlet-free in practice:
	// no entry point loads eventlet unconditionally, through its own code
	// or a library's (unknown when it has no entry points, or when no
	// library roots were given and nothing seen loads it). BlockedBy names the
	// library modules through which its entry points load it. Both come
	// from the import graph, extended by the one shape of library code
	// run at import that is modelled (a backend registry's component
	// fetch loading its eventlet backend, see FixSource).
	EventletFree Answer   `json:"eventlet_free,omitempty"`
	BlockedBy    []string `json:"blocked_by,omitempty"`
	// Services and Tools count the root's entry points by kind: services
	// (long-running processes and WSGI applications, the ones the stage
	// places) and tools (commands that run and return, left out of it).
	Services int `json:"services"`
	Tools    int `json:"tools"`
	// ThreadingDefault counts the services whose default mode is
	// threading (threading-only or dual with threading default).
	ThreadingDefault int `json:"threading_default"`
	// Library is the verdict for a root with no services that is a
	// library: whether it still needs eventlet and which concurrency
	// backend it selects by default.
	Library *Library `json:"library,omitempty"`
}

var stageNames = [...]string{
	"eventlet only",
	"both modes, eventlet default",
	"both modes, threading default",
	"eventlet removed",
}

// ComputeStage places a project: services are entry points with a mode;
// requiresEventlet and importsEventlet describe its dependencies and code.
func ComputeStage(services []ServiceMode, requiresEventlet, importsEventlet bool, now time.Time) Stage {
	by := map[Mode][]string{}
	for _, s := range services {
		by[s.Mode] = append(by[s.Mode], s.Name)
	}
	for _, v := range by {
		sort.Strings(v)
	}
	st := Stage{BlockingServices: []string{}}
	var level int
	switch {
	case len(by[EventletOnly]) > 0:
		level = 0
		st.BlockingServices = by[EventletOnly]
		st.Summary = fmt.Sprintf("%d service(s) run only on eventlet: %s", len(by[EventletOnly]), strings.Join(by[EventletOnly], ", "))
	case len(by[DualDefaultEventlet]) > 0:
		level = 1
		st.BlockingServices = by[DualDefaultEventlet]
		st.Summary = fmt.Sprintf("%d service(s) still default to eventlet: %s", len(by[DualDefaultEventlet]), strings.Join(by[DualDefaultEventlet], ", "))
	case len(by[DualDefaultThreading]) > 0 || requiresEventlet || importsEventlet:
		level = 2
		st.BlockingServices = by[DualDefaultThreading]
		var why []string
		if n := len(by[DualDefaultThreading]); n > 0 {
			why = append(why, fmt.Sprintf("%d service(s) can still run on eventlet", n))
		}
		if requiresEventlet {
			why = append(why, "eventlet is still a requirement")
		}
		if importsEventlet {
			why = append(why, "runtime code still imports eventlet")
		}
		st.Summary = "threading is the default; " + strings.Join(why, "; ")
	default:
		level = 3
		st.Summary = "no service runs eventlet, nothing requires or imports it"
	}
	st.Stage, st.Name = &level, stageNames[level]
	unknown := by[Unknown]
	if len(unknown) > 0 {
		st.UnknownServices = unknown
		st.Summary += fmt.Sprintf("; the mode of %d service(s) is unknown: %s", len(unknown), strings.Join(unknown, ", "))
	}
	cur := CurrentSeries(now)
	switch {
	case level >= 2 && len(unknown) > 0:
		// Services that may still default to eventlet: the project cannot
		// be called on track (a known service behind is behind regardless).
		st.Timeline = fmt.Sprintf("undetermined: threading is the default of the services letgo could place, but the mode of %s is unknown", strings.Join(unknown, ", "))
	case level >= 2:
		st.Timeline = fmt.Sprintf("on track: threading is the default, as required by %s", ThreadingDefaultBy)
	case cur.Name <= ThreadingDefaultBy:
		st.Timeline = fmt.Sprintf("behind: every service must default to threading by %s (release %s); %s is in development",
			ThreadingDefaultBy, seriesDate(ThreadingDefaultBy), cur.Name)
	default:
		st.Timeline = fmt.Sprintf("late: threading was due as the default by %s", ThreadingDefaultBy)
	}
	return st
}

// Level returns a stage as a value for Stage.Stage.
func Level(n int) *int { return &n }

// Undetermined is the stage of a root with no services to place: the
// three-release pattern is about services, and no services is no evidence
// of any stage. found says what the root holds.
func Undetermined(found string) Stage {
	return Stage{BlockingServices: []string{}, Reason: "no services to judge: " + found,
		Summary:  "no services (console scripts, WSGI scripts or modules defining application) found: " + found,
		Timeline: "undetermined: the three-release pattern is about services"}
}

// String is the stage for people: "stage 2 (both modes, threading
// default)", or "stage undetermined".
func (s Stage) String() string {
	if s.Stage == nil {
		return "stage undetermined"
	}
	return fmt.Sprintf("stage %d (%s)", *s.Stage, s.Name)
}

func seriesDate(name string) string {
	for _, s := range SeriesTable {
		if s.Name == name {
			return s.Release.Format("2006-01-02")
		}
	}
	return "?"
}

// Library is a library's own scale of the migration.
type Library struct {
	// Eventlet is required (an unconditional import reachable from the
	// package's public modules, or a hard requirement), optional (guarded
	// imports, an extra) or gone.
	Eventlet LibraryVerdict `json:"eventlet"`
	// Evidence are the facts behind Eventlet: the import chain or the
	// requirement line.
	Evidence []Evidence `json:"evidence,omitempty"`
	// DefaultBackend is the concurrency backend the library selects when
	// nothing else does, where it selects one ("eventlet", "threading").
	DefaultBackend  string    `json:"default_backend,omitempty"`
	BackendEvidence *Evidence `json:"backend_evidence,omitempty"`
	Timeline        string    `json:"timeline"`
}
