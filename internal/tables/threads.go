package tables

// Thread, pool, executor and process constructors, and what starts or
// serves work.

// ThreadCtors construct native threads.
var ThreadCtors = []string{"threading.Thread", "threading.Timer"}

// ConcurrencyCtors build objects whose spawn/submit/start runs work
// concurrently.
var ConcurrencyCtors = []string{"eventlet.GreenPool", "eventlet.greenpool.GreenPool", "concurrent.futures.ThreadPoolExecutor",
	"concurrent.futures.ProcessPoolExecutor", "futurist.ThreadPoolExecutor", "futurist.GreenThreadPoolExecutor",
	"threading.Thread", "threading.Timer", "oslo_service.threadgroup.ThreadGroup"}

// ThreadAPIs start native threads or thread pools (an entry ending in "."
// stands for every name below it).
var ThreadAPIs = []string{"threading.Thread", "threading.Timer", "concurrent.futures.", "futurist.", "cotyledon.",
	"socketserver.ThreadingMixIn", "socketserver.ThreadingTCPServer"}

// ProcessAPIs start processes (the names and every name below them).
var ProcessAPIs = []string{"multiprocessing.Process", "multiprocessing.Pool", "multiprocessing.get_context", "os.fork"}

// AsCompleted yield futures as they finish (EV507).
var AsCompleted = []string{"concurrent.futures.as_completed", "concurrent.futures._base.as_completed"}

// NativeAtImport are stdlib constructors of native primitives.
var NativeAtImport = []string{"threading.Lock", "threading.RLock", "threading.Condition", "threading.Semaphore",
	"threading.BoundedSemaphore", "threading.Event", "threading.Thread", "threading.Timer", "threading.local",
	"queue.Queue", "queue.LifoQueue", "queue.PriorityQueue", "queue.SimpleQueue",
	"concurrent.futures.ThreadPoolExecutor", "_thread.allocate_lock", "_thread.start_new_thread"}

// ServiceCalls are callees (resolved dotted names, matched as a suffix on a
// dot boundary) that make a process long-running: launchers, process
// managers and servers.
var ServiceCalls = []string{
	"oslo_service.service.launch", "oslo_service.service.ProcessLauncher", "oslo_service.service.ServiceLauncher",
	"oslo_service.service.Launcher", "oslo_service.wsgi.Server", "cotyledon.ServiceManager",
	"eventlet.wsgi.server", "eventlet.serve", "wsgiref.simple_server.make_server", "werkzeug.serving.run_simple",
	"socketserver.TCPServer", "socketserver.ThreadingTCPServer", "socketserver.UnixStreamServer",
	"http.server.HTTPServer", "http.server.ThreadingHTTPServer", "asyncio.run", "uvicorn.run",
	// Worker processes started by main: main is their process manager.
	"multiprocessing.Process", "multiprocessing.context.Process",
}
