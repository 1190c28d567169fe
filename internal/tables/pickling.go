package tables

// What the pickling rule (EV502) and the value tracking of pysem know:
// process pools, objects that cannot be pickled, holders of the
// oslo.config object.

// PoolCtors are the constructors of process pools, managers and
// launchers.
var PoolCtors = []string{"multiprocessing.Pool", "multiprocessing.pool.Pool", "concurrent.futures.ProcessPoolExecutor",
	"futurist.ProcessPoolExecutor", "cotyledon.ServiceManager", "oslo_service.service.ProcessLauncher"}

// Unpicklable maps constructors whose objects cannot be pickled to what
// they are. Data in one place. Each entry was checked with
// multiprocessing's ForkingPickler (Python 3.11; eventlet 0.41): sockets are
// not here because multiprocessing passes them to children (DupFd), nor
// are eventlet's Semaphore and LightQueue, which pickle.
var Unpicklable = map[string]string{
	"threading.Lock": "a lock", "threading.RLock": "a lock", "threading.Condition": "a condition",
	"threading.Event": "an event", "threading.Semaphore": "a semaphore", "threading.BoundedSemaphore": "a semaphore",
	"threading.Thread": "a thread", "threading.Timer": "a thread",
	"queue.Queue": "a queue", "queue.LifoQueue": "a queue", "queue.PriorityQueue": "a queue", "queue.SimpleQueue": "a queue",
	"open": "an open file", "io.open": "an open file", "tempfile.TemporaryFile": "an open file",
	"concurrent.futures.ThreadPoolExecutor": "an executor", "concurrent.futures.ProcessPoolExecutor": "an executor",
	"futurist.ThreadPoolExecutor": "an executor", "futurist.GreenThreadPoolExecutor": "an executor",
	"oslo_service.threadgroup.ThreadGroup": "a thread group",
	"sqlalchemy.create_engine":             "a database engine", "sqlalchemy.orm.sessionmaker": "a database session factory",
	"sqlalchemy.orm.Session":       "a database session",
	"oslo_messaging.get_transport": "a messaging transport", "oslo_messaging.get_rpc_transport": "a messaging transport",
	"oslo_messaging.get_notification_transport": "a messaging transport", "oslo_messaging.get_rpc_client": "a messaging client",
	"oslo_messaging.RPCClient": "a messaging client", "oslo_messaging.Notifier": "a messaging notifier",
	"oslo_messaging.get_rpc_server": "a messaging server",
	"logging.FileHandler":           "a logging handler", "logging.StreamHandler": "a logging handler",
	"logging.handlers.RotatingFileHandler": "a logging handler", "logging.handlers.WatchedFileHandler": "a logging handler",
	"oslo_config.cfg.ConfigOpts": "an oslo.config ConfigOpts object",
	"eventlet.GreenPool":         "a green pool", "eventlet.greenpool.GreenPool": "a green pool",
	"eventlet.queue.Queue": "a green queue", "eventlet.event.Event": "a green event",
	"greenlet.greenlet": "a greenlet",
}

// UnpicklableValues are module-level objects that cannot be pickled.
var UnpicklableValues = map[string]string{
	"oslo_config.cfg.CONF": "the oslo.config CONF object",
}

// ConfigHolders are library classes whose instances keep the oslo.config
// object they are given (oslo.policy's Enforcer stores it as self.conf).
var ConfigHolders = map[string]bool{"oslo_policy.policy.Enforcer": true}
