// Package tables holds the name lists letgo's layers match Python code
// against: eventlet and greenlet APIs, oslo.service components, thread
// and pool constructors, root-helper libraries, objects that cannot be
// pickled, loaders. Data only, in one place; the rules, the mode
// interpreter, the semantic model and the scan read them. Nothing here
// is to be modified at run time.
package tables

// The eventlet and greenlet API, as the rules and the mode interpreter
// match it: canonical dotted names (what an expression resolves to
// through imports, aliases and project facades); an entry ending in "."
// stands for every name below it.

// Spawn start a green thread (EV110).
var Spawn = []string{"eventlet.spawn", "eventlet.spawn_n", "eventlet.greenthread.spawn", "eventlet.greenthread.spawn_n", "eventlet.GreenThread", "eventlet.greenthread.GreenThread"}

// SpawnAfter start a green thread after a delay (EV111).
var SpawnAfter = []string{"eventlet.spawn_after", "eventlet.spawn_after_local", "eventlet.greenthread.spawn_after", "eventlet.greenthread.spawn_after_local"}

// Kill kill a green thread (EV112).
var Kill = []string{"eventlet.kill", "eventlet.greenthread.kill"}

// Current are the current green thread and GreenletExit (EV113).
var Current = []string{"eventlet.getcurrent", "eventlet.greenthread.getcurrent", "eventlet.corolocal.get_ident", "eventlet.GreenletExit", "eventlet.greenthread.GreenletExit", "eventlet.support.greenlets.GreenletExit"}

// GreenPool are eventlet's pool of green threads (EV114).
var GreenPool = []string{"eventlet.GreenPool", "eventlet.greenpool.GreenPool"}

// ResourcePools are eventlet's pools of objects (EV134).
var ResourcePools = []string{"eventlet.pools.", "eventlet.db_pool."}

// GreenPile are eventlet's GreenPile (EV115, EV507).
var GreenPile = []string{"eventlet.GreenPile", "eventlet.greenpool.GreenPile"}

// Sleep are eventlet's sleep (EV116, EV117).
var Sleep = []string{"eventlet.sleep", "eventlet.greenthread.sleep"}

// Timeout are eventlet's Timeout and with_timeout (EV118, EV119).
var Timeout = []string{"eventlet.Timeout", "eventlet.timeout.Timeout", "eventlet.with_timeout", "eventlet.timeout.with_timeout", "eventlet.greenthread.with_timeout"}

// Event are eventlet's Event (EV120).
var Event = []string{"eventlet.Event", "eventlet.event.Event"}

// Semaphore are eventlet's semaphores.
var Semaphore = []string{"eventlet.Semaphore", "eventlet.BoundedSemaphore", "eventlet.CappedSemaphore", "eventlet.semaphore."}

// Queue are eventlet's queues.
var Queue = []string{"eventlet.Queue", "eventlet.LightQueue", "eventlet.LifoQueue", "eventlet.PriorityQueue", "eventlet.queue."}

// Corolocal is eventlet's green-thread-local storage.
var Corolocal = []string{"eventlet.corolocal."}

// WSGI are eventlet's WSGI server and listening sockets.
var WSGI = []string{"eventlet.wsgi.", "eventlet.listen", "eventlet.wrap_ssl", "eventlet.green.ssl.wrap_socket", "eventlet.convenience.listen", "eventlet.convenience.wrap_ssl"}

// Serve are eventlet's convenience servers and connections.
var Serve = []string{"eventlet.serve", "eventlet.connect", "eventlet.StopServe", "eventlet.convenience.serve", "eventlet.convenience.connect"}

// Websocket is eventlet's websocket support.
var Websocket = []string{"eventlet.websocket."}

// Green are eventlet's green standard-library modules.
var Green = []string{"eventlet.green."}

// Tpool is eventlet's native thread pool.
var Tpool = []string{"eventlet.tpool."}

// Hubs are eventlet's hubs.
var Hubs = []string{"eventlet.hubs."}

// Debug are eventlet's debug hooks.
var Debug = []string{"eventlet.debug."}

// Backdoor is eventlet's backdoor console.
var Backdoor = []string{"eventlet.backdoor."}

// Greenlet is the greenlet package.
var Greenlet = []string{"greenlet."}

// ImportPatched import a module with green dependencies.
var ImportPatched = []string{"eventlet.import_patched", "eventlet.patcher.import_patched", "eventlet.patcher.inject"}

// MonkeyPatch are eventlet's monkey patching.
var MonkeyPatch = []string{"eventlet.monkey_patch", "eventlet.patcher.monkey_patch"}

// Probes ask whether (or undo what) monkey patching did.
var Probes = []string{"eventlet.patcher.is_monkey_patched", "eventlet.patcher.original", "eventlet.patcher.already_patched",
	"oslo_utils.eventletutils.is_monkey_patched", "oslo_utils.eventletutils.fetch_current_thread_functor"}

// SpawnLike start green threads, for the checks of tests that assert right
// after spawning (EV604).
var SpawnLike = []string{"eventlet.spawn", "eventlet.spawn_n", "eventlet.greenthread.spawn", "eventlet.greenthread.spawn_n", "eventlet.spawn_after"}

// ZeroSleeps are the sleeps that yield when given 0 (EV605).
var ZeroSleeps = map[string]bool{"time.sleep": true, "eventlet.sleep": true, "eventlet.greenthread.sleep": true}

// EventletNotRuntime are the eventlet names (prefixes and one call) that
// do not run work on eventlet's hub: probes, tpool (a native thread pool),
// debug hooks, support code, green modules, import_patched.
var EventletNotRuntime = []string{"eventlet.patcher.", "eventlet.tpool.", "eventlet.debug.", "eventlet.support.", "eventlet.green.", "eventlet.import_patched"}

// EventletSubmodules are the submodules of eventlet ("from eventlet import
// wsgi" names a submodule).
var EventletSubmodules = []string{"eventlet.wsgi", "eventlet.greenthread", "eventlet.greenpool", "eventlet.queue", "eventlet.event",
	"eventlet.semaphore", "eventlet.timeout", "eventlet.tpool", "eventlet.hubs", "eventlet.debug",
	"eventlet.backdoor", "eventlet.green", "eventlet.patcher", "eventlet.corolocal", "eventlet.websocket"}
