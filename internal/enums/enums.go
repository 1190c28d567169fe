// Package enums holds the closed sets of values that cross layers: an
// entry point's concurrency mode and kind, and the verdict of the import
// graph on eventlet. It imports nothing, so every layer may use it (the
// rules read what modes and graph decided without importing them); modes
// and graph re-export these types under their own names.
package enums

// Mode is the concurrency mode of an entry point: one of Modes.
type Mode string

// Mode names.
const (
	ModeEventletOnly         Mode = "eventlet-only"
	ModeDualDefaultEventlet  Mode = "dual-default-eventlet"
	ModeDualDefaultThreading Mode = "dual-default-threading"
	ModeThreadingOnly        Mode = "threading-only"
	ModeNone                 Mode = "none"
	ModeUnknown              Mode = "unknown"
)

// Modes is the closed set of modes, in the order of the migration.
var Modes = []Mode{ModeEventletOnly, ModeDualDefaultEventlet, ModeDualDefaultThreading, ModeThreadingOnly, ModeNone, ModeUnknown}

// Kind is what an entry point is for: one of Kinds.
type Kind string

// Kinds of entry point.
const (
	// KindService is a long-running process: its main launches a service,
	// serves, runs a process manager or loops forever.
	KindService Kind = "service"
	// KindTool runs a command and returns (db sync, status, manage).
	KindTool Kind = "tool"
	// KindWSGI is an application served by a WSGI container.
	KindWSGI Kind = "wsgi"
	// KindUnknown is an entry point whose code is not in the project.
	KindUnknown Kind = "unknown"
)

// Kinds is the closed set of entry-point kinds.
var Kinds = []Kind{KindService, KindTool, KindWSGI, KindUnknown}

// Verdict says how an entry point reaches eventlet through its imports:
// one of Verdicts.
type Verdict string

// Verdicts.
const (
	VerdictUnconditional Verdict = "unconditional"
	VerdictGuarded       Verdict = "guarded"
	VerdictNone          Verdict = "none"
	// VerdictUnknown: the module is in no root given, so nothing can be
	// said.
	VerdictUnknown Verdict = "unknown"
)

// Verdicts is the closed set of verdicts.
var Verdicts = []Verdict{VerdictUnconditional, VerdictGuarded, VerdictNone, VerdictUnknown}

// Guard says under what condition an import runs, as the JSON names it
// (a finding's guard, a hop of an entry point's chain): one of Guards.
// They are the names of pysrc.GuardKind, which the contract test checks.
type Guard string

// Guards of an import.
const (
	GuardUnconditional Guard = "unconditional"
	GuardTry           Guard = "try"
	GuardIf            Guard = "if"
	GuardFunction      Guard = "function"
	GuardTypeChecking  Guard = "type-checking"
	GuardDynamic       Guard = "dynamic"
)

// Guards is the closed set of guards.
var Guards = []Guard{GuardUnconditional, GuardTry, GuardIf, GuardFunction, GuardTypeChecking, GuardDynamic}
