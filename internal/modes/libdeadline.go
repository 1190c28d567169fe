package modes

// Step places a mode on the three-release path: 0 eventlet only, 1 both
// with eventlet default, 2 both with threading default, 3 threading only;
// false for none, unknown, and a mode stored by another version of letgo.
func Step(mode Mode) (int, bool) {
	switch mode {
	case EventletOnly:
		return 0, true
	case DualDefaultEventlet:
		return 1, true
	case DualDefaultThreading:
		return 2, true
	case ThreadingOnly:
		return 3, true
	case NoRuntime, Unknown:
		return 0, false
	}
	return 0, false
}

// LibraryStep places a library's verdict on the scale the deadlines
// measure services by (Deadline.MinStage), so that the timeline says met
// or missed for libraries too: eventlet gone is 3 (removed, the library
// deadline of 2027.2, Oslo included); optional with a default backend
// other than eventlet is 2 (both modes, threading the default); optional
// with eventlet the default is 1 (it can run without eventlet); required
// is 0 (it cannot be installed or imported without it). ok is false when
// the verdict is not known.
func LibraryStep(lib *Library) (step int, ok bool) {
	if lib == nil {
		return 0, false
	}
	switch lib.Eventlet {
	case LibraryGone:
		return 3, true
	case LibraryOptional:
		if lib.DefaultBackend == "eventlet" {
			return 1, true
		}
		return 2, true
	case LibraryRequired:
		return 0, true
	}
	return 0, false
}

// MeetsDeadline judges a service's stage or a library's verdict against
// one deadline: "meets", "misses", or "unknown" when neither is known.
func MeetsDeadline(stage *int, lib *Library, d Deadline) string {
	step, ok := 0, false
	if stage != nil {
		step, ok = *stage, true
	} else {
		step, ok = LibraryStep(lib)
	}
	switch {
	case !ok:
		return "unknown"
	case step >= d.MinStage:
		return "meets"
	}
	return "misses"
}
