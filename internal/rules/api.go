package rules

import (
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

// The eventlet API, by rule: the direct-use rules match against these
// tables of internal/tables. Names are canonical: what an expression
// resolves to through imports, aliases and project facades.
var (
	spawnNames      = names(tables.Spawn)
	spawnAfterNames = names(tables.SpawnAfter)
	killNames       = names(tables.Kill)
	currentNames    = names(tables.Current)
	poolNames       = names(tables.GreenPool)
	resourcePools   = names(tables.ResourcePools)
	pileNames       = names(tables.GreenPile)
	sleepNames      = names(tables.Sleep)
	timeoutNames    = names(tables.Timeout)
	eventNames      = names(tables.Event)
	semaphoreNames  = names(tables.Semaphore)
	queueNames      = names(tables.Queue)
	corolocalNames  = names(tables.Corolocal)
	wsgiNames       = names(tables.WSGI)
	serveNames      = names(tables.Serve)
	websocketNames  = names(tables.Websocket)
	greenNames      = names(tables.Green)
	tpoolNames      = names(tables.Tpool)
	hubsNames       = names(tables.Hubs)
	debugNames      = names(tables.Debug)
	backdoorNames   = names(tables.Backdoor)
	greenletNames   = names(tables.Greenlet)
	patchedNames    = names(tables.ImportPatched)
)

func apiRule(id, slug string, risk analysis.Risk, targets names, o apiOpts, doc analysis.Doc) *analysis.Rule {
	return &analysis.Rule{ID: id, Slug: slug, Risk: risk, Kind: analysis.RuleRuntime, Doc: doc,
		Python: apiCheck(targets, doc.Summary, o)}
}

var callsAndRefs = apiOpts{calls: true, refs: true}

// sleepZero reports eventlet.sleep() and eventlet.sleep(0): explicit yields.
func sleepZero(_ *analysis.Pass, c *pysrc.CallSite) bool {
	if len(c.Args) == 0 {
		_, has := keyword(c, "seconds")
		return !has
	}
	a := c.Args[0]
	return a.Kind == pysrc.ValInt && a.Str == "0" || a.Kind == pysrc.ValFloat && a.Float == 0
}

var apiRules = []*analysis.Rule{
	apiRule("EV110", "eventlet-spawn", analysis.RiskMedium, spawnNames, callsAndRefs, analysis.Doc{
		Summary:     "green thread spawned",
		What:        "eventlet.spawn, spawn_n, greenthread.spawn/spawn_n and GreenThread construction.",
		Why:         "Green threads only run cooperatively under eventlet's hub; without monkey patching they never run or block the process.",
		Replacement: "threading.Thread(target=f, args=...).start(), or submit() to a concurrent.futures or futurist executor.",
		Example:     "# before\ngt = eventlet.spawn(worker, item)\ngt.wait()\n# after\nfut = executor.submit(worker, item)\nfut.result()",
	}),
	apiRule("EV111", "eventlet-spawn-after", analysis.RiskMedium, spawnAfterNames, callsAndRefs, analysis.Doc{
		Summary:     "green thread spawned after a delay",
		What:        "eventlet.spawn_after and spawn_after_local.",
		Why:         "Delayed green threads depend on eventlet's hub timers.",
		Replacement: "threading.Timer(delay, f).start(), or a delayed executor (futurist periodics, oslo.service loopingcall on the threading backend).",
		Example:     "# before\neventlet.spawn_after(5, retry)\n# after\nthreading.Timer(5, retry).start()",
	}),
	apiRule("EV112", "greenthread-kill", analysis.RiskHigh, killNames, callsAndRefs, analysis.Doc{
		Summary:     "green thread killed",
		What:        "eventlet.kill / greenthread.kill.",
		Why:         "Native threads cannot be killed from outside; code that relies on kill() to stop work needs a cooperative stop.",
		Replacement: "A threading.Event the worker checks, then join(); futures can be cancelled only before they start.",
		Example:     "# before\neventlet.kill(gt)\n# after\nstop.set()\nthread.join()",
	}),
	apiRule("EV113", "greenthread-current", analysis.RiskMedium, currentNames, callsAndRefs, analysis.Doc{
		Summary:     "current green thread or GreenletExit used",
		What:        "eventlet.getcurrent, corolocal.get_ident and GreenletExit (raised into killed green threads).",
		Why:         "Identity and exit signalling of green threads do not exist under native threads.",
		Replacement: "threading.get_ident() or threading.current_thread(); a stop Event instead of GreenletExit.",
		Example:     "# before\nkey = id(eventlet.getcurrent())\n# after\nkey = threading.get_ident()",
	}),
	apiRule("EV114", "eventlet-greenpool", analysis.RiskMedium, poolNames, callsAndRefs, analysis.Doc{
		Summary:     "GreenPool used",
		What:        "eventlet.GreenPool construction or reference: a pool of green threads that runs work. Pools of objects (eventlet.pools.Pool, TokenPool, eventlet.db_pool) are EV134.",
		Why:         "A GreenPool's spawn, imap, waitall and resize only work under eventlet.",
		Replacement: "concurrent.futures.ThreadPoolExecutor(max_workers=n), or a futurist ThreadPoolExecutor when the pool must be resizable.",
		Example:     "# before\npool = eventlet.GreenPool(10)\nfor r in pool.imap(fetch, urls): ...\n# after\nwith ThreadPoolExecutor(10) as ex:\n    for r in ex.map(fetch, urls): ...",
	}),
	apiRule("EV115", "eventlet-greenpile", analysis.RiskHigh, pileNames, callsAndRefs, analysis.Doc{
		Summary:     "GreenPile used",
		What:        "eventlet.GreenPile construction or reference.",
		Why:         "A GreenPile yields results in submission order; code often relies on that order (e.g. fragment reconstruction).",
		Replacement: "Keep the futures in a list and iterate it in submission order (not as_completed), calling result() on each.",
		Example:     "# before\npile = eventlet.GreenPile(pool)\nfor n in nodes: pile.spawn(get, n)\nresults = list(pile)\n# after\nfuts = [ex.submit(get, n) for n in nodes]\nresults = [f.result() for f in futs]",
	}),
	apiRule("EV116", "eventlet-sleep-zero", analysis.RiskLow, sleepNames, apiOpts{calls: true, filter: sleepZero, skip: notTests, fix: sleepFix,
		message: func(c *pysrc.CallSite, name string) string {
			return fmt.Sprintf("explicit yield: %s(%s) called", name, argsText(c))
		}}, analysis.Doc{
		Summary:     "explicit yield with eventlet.sleep(0)",
		What:        "eventlet.sleep() or eventlet.sleep(0) outside tests (in tests: EV605).",
		Why:         "Yielding to the hub means nothing to native threads; the call keeps eventlet loaded.",
		Replacement: "Delete it, or call a helper that is a no-op in threading mode. `letgo fix` rewrites it as time.sleep(0) (a yield under eventlet's time patching, a GIL release in native threads), adding `import time`, where that is exact: not in a library (no services), nor when the project's runtime code has no eventlet monkey_patch() patching time or one that leaves it unpatched, a test mocks eventlet's sleep (the mock would no longer apply), the file uses eventlet.Timeout (its timers fire only while eventlet's hub runs), the call passes keywords, or the name time means something else where the call is.",
		Example:     "# before\nfor item in items:\n    process(item)\n    eventlet.sleep(0)\n# after\nfor item in items:\n    process(item)",
	}),
	apiRule("EV117", "eventlet-sleep", analysis.RiskLow, sleepNames, apiOpts{calls: true, fix: sleepFix,
		filter: func(p *analysis.Pass, c *pysrc.CallSite) bool { return !sleepZero(p, c) },
		message: func(c *pysrc.CallSite, name string) string {
			return fmt.Sprintf("%s(%s) called", name, argsText(c))
		}}, analysis.Doc{
		Summary:     "eventlet.sleep(n) called",
		What:        "eventlet.sleep with a non-zero delay.",
		Why:         "It only sleeps the calling green thread under eventlet.",
		Replacement: "time.sleep(n); in a loop that must stop promptly, stop_event.wait(n). `letgo fix` rewrites eventlet.sleep(n) as time.sleep(n) (adding `import time`) where that is exact: the project has services and its runtime code calls eventlet's monkey_patch() patching time, and no call leaves time out (so time.sleep is eventlet's sleep in eventlet mode; in a library the application decides, so no rewrite), no test mocks eventlet's sleep, the file does not use eventlet.Timeout (whose timers fire only while eventlet's hub runs), the call passes no keywords, and the name time is the time module there. A Timeout set by a caller in another file is not seen: review the diff (`letgo fix --diff`).",
		Example:     "# before\neventlet.sleep(interval)\n# after\nif self._stop.wait(interval):\n    return",
	}),
	apiRule("EV118", "eventlet-timeout", analysis.RiskHigh, timeoutNames, apiOpts{calls: true, skip: notTests}, analysis.Doc{
		Summary:     "eventlet.Timeout used",
		What:        "eventlet.Timeout as a context manager or object, and with_timeout, in non-test code.",
		Why:         "eventlet.Timeout interrupts a green thread at its next yield; there is no drop-in for native threads, and it derives from BaseException, so `except Exception` does not catch it.",
		Replacement: "Timeouts on the operation itself: future.result(timeout=...), thread.join(timeout), socket or DB statement timeouts.",
		Example:     "# before\nwith eventlet.Timeout(10):\n    reply = client.call(ctx, 'ping')\n# after\nreply = executor.submit(client.call, ctx, 'ping').result(timeout=10)",
	}),
	apiRule("EV119", "eventlet-timeout-except", analysis.RiskHigh, timeoutNames, apiOpts{refs: true, skip: notTests}, analysis.Doc{
		Summary:     "eventlet.Timeout caught or named",
		What:        "eventlet.Timeout in an except clause, a class base or as a value, outside tests.",
		Why:         "Handlers for eventlet.Timeout never fire in threading mode, and they keep eventlet imported.",
		Replacement: "Catch the timeout of the mechanism that replaced it (concurrent.futures.TimeoutError, socket.timeout, ...).",
		Example:     "# before\nexcept eventlet.Timeout:\n# after\nexcept concurrent.futures.TimeoutError:",
	}),
	apiRule("EV120", "eventlet-event", analysis.RiskMedium, eventNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet Event used",
		What:        "eventlet.event.Event (send/wait with a value).",
		Why:         "Green events block the hub, not threads; send() carries a value that threading.Event cannot.",
		Replacement: "threading.Event for signalling; a concurrent.futures.Future when a value is passed.",
		Example:     "# before\ndone = eventlet.event.Event(); done.send(result)\n# after\ndone = Future(); done.set_result(result)",
	}),
	apiRule("EV121", "eventlet-semaphore", analysis.RiskLow, semaphoreNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet semaphore used",
		What:        "eventlet.semaphore.Semaphore, BoundedSemaphore and CappedSemaphore.",
		Why:         "Green semaphores do not block native threads.",
		Replacement: "threading.Semaphore / threading.BoundedSemaphore.",
		Example:     "# before\nsem = eventlet.semaphore.Semaphore(4)\n# after\nsem = threading.Semaphore(4)",
	}),
	apiRule("EV122", "eventlet-queue", analysis.RiskLow, queueNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet queue used",
		What:        "eventlet.queue.Queue, LightQueue, LifoQueue, PriorityQueue and their exceptions.",
		Why:         "Green queues block the hub, not native threads.",
		Replacement: "queue.Queue, queue.LifoQueue, queue.PriorityQueue (queue.SimpleQueue for LightQueue).",
		Example:     "# before\nq = eventlet.queue.LightQueue()\n# after\nq = queue.SimpleQueue()",
	}),
	apiRule("EV123", "eventlet-corolocal", analysis.RiskLow, corolocalNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet corolocal used",
		What:        "eventlet.corolocal.local and friends.",
		Why:         "Green-thread-local storage is shared across all work of a native thread.",
		Replacement: "threading.local.",
		Example:     "# before\nstore = eventlet.corolocal.local()\n# after\nstore = threading.local()",
	}),
	apiRule("EV124", "eventlet-wsgi-server", analysis.RiskHigh, wsgiNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet WSGI server or listener used",
		What:        "eventlet.wsgi.server, HttpProtocol, eventlet.listen and wrap_ssl.",
		Why:         "The embedded eventlet HTTP server is eventlet-only; replacing it changes how operators deploy the API.",
		Replacement: "Deploy the WSGI application by module path under a WSGI container (uWSGI, mod_wsgi, gunicorn), or embed a threaded server.",
		Example:     "# before\neventlet.wsgi.server(eventlet.listen(('', 8080)), app)\n# after (module nimbus/api/wsgi.py)\napplication = app",
	}),
	apiRule("EV125", "eventlet-serve-connect", analysis.RiskMedium, serveNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet.serve or eventlet.connect used",
		What:        "The eventlet convenience servers and clients.",
		Why:         "They rely on green sockets and the hub.",
		Replacement: "socketserver.ThreadingTCPServer, or plain sockets with threads.",
		Example:     "# before\neventlet.serve(eventlet.listen(addr), handle)\n# after\nsocketserver.ThreadingTCPServer(addr, Handler).serve_forever()",
	}),
	apiRule("EV126", "eventlet-websocket", analysis.RiskMedium, websocketNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet websocket used",
		What:        "eventlet.websocket.WebSocketWSGI and friends.",
		Why:         "The websocket support is tied to the eventlet WSGI server.",
		Replacement: "A websocket server that runs on threads (e.g. the websockets package's threading server) behind the WSGI container.",
		Example:     "# before\n@eventlet.websocket.WebSocketWSGI\ndef handle(ws): ...",
	}),
	{ID: "EV127", Slug: "eventlet-green-module", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime, Python: greenModuleCheck, Doc: analysis.Doc{
		Summary:     "eventlet green stdlib module used",
		What:        "eventlet.green.<module> (socket, threading, subprocess, ssl, ...), imported or used. Reported once per binding, not once per attribute: each import of a green module is one finding, and its message counts the uses in the file it covers (`socket.AF_UNIX, socket.SOCK_DGRAM` is two uses of one import); uses that no import covers (reached through `import eventlet` or a facade) are one finding per green module, at the first use, with the count.",
		Why:         "Green modules are cooperative copies of the stdlib that only make sense under the hub. The fix is the import, so the import is what is counted.",
		Replacement: "The stdlib module of the same name.",
		Example:     "# before\nfrom eventlet.green import subprocess\n# after\nimport subprocess",
	}},
	apiRule("EV128", "eventlet-tpool", analysis.RiskMedium, tpoolNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet tpool used",
		What:        "eventlet.tpool.execute and tpool.Proxy.",
		Why:         "tpool offloads blocking calls from the hub to real threads; in threading mode that detour is useless.",
		Replacement: "Call the function directly in threading mode (keep tpool only on the eventlet path).",
		Example:     "# before\nresult = tpool.execute(conn.lookup, name)\n# after\nresult = conn.lookup(name)",
	}),
	apiRule("EV129", "eventlet-hubs", analysis.RiskLow, hubsNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet hubs used",
		What:        "eventlet.hubs.use_hub, get_hub, trampoline and friends.",
		Why:         "Hub control has no meaning without eventlet.",
		Replacement: "Delete it; use selectors or threads where the hub was driven directly.",
		Example:     "# before\neventlet.hubs.use_hub('poll')\n# after\n(removed)",
	}),
	apiRule("EV130", "eventlet-debug", analysis.RiskLow, debugNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet debug hooks used",
		What:        "eventlet.debug.hub_blocking_detection, hub_exceptions and friends.",
		Why:         "Debug hooks of the hub have no meaning without eventlet.",
		Replacement: "Delete them (faulthandler and thread dumps replace blocking detection).",
		Example:     "# before\neventlet.debug.hub_exceptions(False)\n# after\n(removed)",
	}),
	apiRule("EV131", "eventlet-backdoor", analysis.RiskLow, backdoorNames, callsAndRefs, analysis.Doc{
		Summary:     "eventlet backdoor used",
		What:        "eventlet.backdoor.backdoor_server and friends.",
		Why:         "The backdoor console is a green thread serving an interpreter; it is eventlet-only.",
		Replacement: "Delete it; use guru meditation reports or a debugger for live inspection.",
		Example:     "# before\neventlet.spawn(backdoor.backdoor_server, sock)\n# after\n(removed)",
	}),
	apiRule("EV132", "greenlet-use", analysis.RiskLow, greenletNames, callsAndRefs, analysis.Doc{
		Summary:     "greenlet API used",
		What:        "greenlet.greenlet, greenlet.getcurrent and friends.",
		Why:         "Direct coroutine switching only works under greenlet/eventlet.",
		Replacement: "threading.Thread, threading.get_ident, threading.local.",
		Example:     "# before\ngreenlet.getcurrent()\n# after\nthreading.current_thread()",
	}),
	apiRule("EV133", "eventlet-import-patched", analysis.RiskMedium, patchedNames, callsAndRefs, analysis.Doc{
		Summary:     "module imported through eventlet.import_patched",
		What:        "eventlet.import_patched and patcher.inject.",
		Why:         "They load green copies of modules; in threading mode the plain module is wanted.",
		Replacement: "A plain import.",
		Example:     "# before\nhttplib2 = eventlet.import_patched('httplib2')\n# after\nimport httplib2",
	}),
	apiRule("EV134", "eventlet-resource-pool", analysis.RiskMedium, resourcePools, callsAndRefs, analysis.Doc{
		Summary:     "eventlet resource pool used",
		What:        "eventlet.pools.Pool and TokenPool (pools of reusable objects: clients, connections, tokens) and eventlet.db_pool's connection pools, constructed, subclassed or referenced. They hand out objects; they run no work, so they are not GreenPools (EV114) and a thread pool does not replace them.",
		Why:         "An exhausted pool's get() waits on an eventlet queue: under native threads without monkey patching that wait is not woken by another thread's put(); its bookkeeping (free items, current size) takes no lock; and the pool keeps eventlet imported.",
		Replacement: "A pool backed by queue.Queue (get() blocks on the queue, put() returns the object, a create function fills it up to the limit), or the library's own pool: SQLAlchemy's QueuePool for database connections, urllib3/requests connection pools, the memcache or HTTP client's pool.",
		Example:     "# before\nclass ClientPool(eventlet.pools.Pool):\n    def create(self):\n        return Client(url)\n# after\nclass ClientPool:\n    def __init__(self, size):\n        self._free = queue.Queue(size)\n        for _ in range(size):\n            self._free.put(Client(url))\n    def get(self):\n        return self._free.get()\n    def put(self, client):\n        self._free.put(client)",
	}),
}

func argsText(c *pysrc.CallSite) string {
	var parts []string
	for _, a := range c.Args {
		parts = append(parts, a.Text)
	}
	if kw := kwargs(c); kw != "" {
		parts = append(parts, kw)
	}
	return strings.Join(parts, ", ")
}
