package tables

import (
	"maps"
	"regexp"
	"slices"
	"testing"
)

// TestNames: every entry of every table is a dotted Python name (one
// ending in "." stands for the names below it), and no table repeats an
// entry.
func TestNames(t *testing.T) {
	dotted := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\.?$`)
	lists := map[string][]string{
		"Spawn":                    Spawn,
		"SpawnAfter":               SpawnAfter,
		"Kill":                     Kill,
		"Current":                  Current,
		"GreenPool":                GreenPool,
		"ResourcePools":            ResourcePools,
		"GreenPile":                GreenPile,
		"Sleep":                    Sleep,
		"Timeout":                  Timeout,
		"Event":                    Event,
		"Semaphore":                Semaphore,
		"Queue":                    Queue,
		"Corolocal":                Corolocal,
		"WSGI":                     WSGI,
		"Serve":                    Serve,
		"Websocket":                Websocket,
		"Green":                    Green,
		"Tpool":                    Tpool,
		"Hubs":                     Hubs,
		"Debug":                    Debug,
		"Backdoor":                 Backdoor,
		"Greenlet":                 Greenlet,
		"ImportPatched":            ImportPatched,
		"MonkeyPatch":              MonkeyPatch,
		"Probes":                   Probes,
		"SpawnLike":                SpawnLike,
		"EventletNotRuntime":       EventletNotRuntime,
		"EventletSubmodules":       EventletSubmodules,
		"RootHelpers":              RootHelpers,
		"MockPatch":                MockPatch,
		"MessagingServers":         MessagingServers,
		"ServiceEventletOnly":      ServiceEventletOnly,
		"ServiceBackendPrivate":    ServiceBackendPrivate,
		"ServiceComponents":        ServiceComponents,
		"ServiceExceptions":        ServiceExceptions,
		"ServiceRuntimeComponents": ServiceRuntimeComponents,
		"FuturistGreen":            FuturistGreen,
		"Eventletutils":            Eventletutils,
		"PoolCtors":                PoolCtors,
		"ThreadCtors":              ThreadCtors,
		"ConcurrencyCtors":         ConcurrencyCtors,
		"ThreadAPIs":               ThreadAPIs,
		"ProcessAPIs":              ProcessAPIs,
		"AsCompleted":              AsCompleted,
		"NativeAtImport":           NativeAtImport,
		"ServiceCalls":             ServiceCalls,
	}
	lists["ZeroSleeps"] = slices.Sorted(maps.Keys(ZeroSleeps))
	lists["Loaders"] = slices.Sorted(maps.Keys(Loaders))
	lists["StevedoreManagers"] = slices.Sorted(maps.Keys(StevedoreManagers))
	lists["StdlibTop"] = slices.Sorted(maps.Keys(StdlibTop))
	lists["Unpicklable"] = slices.Sorted(maps.Keys(Unpicklable))
	lists["UnpicklableValues"] = slices.Sorted(maps.Keys(UnpicklableValues))
	lists["ConfigHolders"] = slices.Sorted(maps.Keys(ConfigHolders))
	for name, l := range lists {
		if len(l) == 0 {
			t.Errorf("%s is empty", name)
		}
		seen := map[string]bool{}
		for _, n := range l {
			if !dotted.MatchString(n) {
				t.Errorf("%s: %q is not a dotted name", name, n)
			}
			if seen[n] {
				t.Errorf("%s: %q twice", name, n)
			}
			seen[n] = true
		}
	}
}
