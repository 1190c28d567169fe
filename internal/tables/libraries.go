package tables

// Libraries and functions by role: loaders of modules and classes by
// name, root helpers, test doubles, the standard library.

// Loaders are the functions that load a class, object or module whose
// dotted name is their first argument.
var Loaders = map[string]bool{
	"oslo_utils.importutils.import_class":     true,
	"oslo_utils.importutils.import_object":    true,
	"oslo_utils.importutils.import_object_ns": true,
	"oslo_utils.importutils.import_module":    true,
	"oslo_utils.importutils.import_any":       true,
	"importlib.import_module":                 true,
}

// StevedoreManagers are stevedore's manager classes.
var StevedoreManagers = map[string]bool{
	"DriverManager": true, "NamedExtensionManager": true, "ExtensionManager": true, "EnabledExtensionManager": true,
	"HookManager": true, "DispatchExtensionManager": true, "NameDispatchExtensionManager": true,
}

// RootHelpers are the root-helper libraries: rootwrap, privsep, os-brick
// (the modules and every module below them).
var RootHelpers = []string{"oslo_rootwrap", "oslo_privsep", "os_brick"}

// MockPatch replace a name for a test: mock.patch and the fixtures that do
// the same.
var MockPatch = []string{"mock.patch", "unittest.mock.patch", "mock.patch.object", "unittest.mock.patch.object",
	"fixtures.MonkeyPatch", "fixtures.MockPatch", "fixtures.MockPatchObject", "fixtures._fixtures.monkeypatch.MonkeyPatch"}

// StdlibTop lists standard-library modules, to place an added import in
// the file's standard-library block, alphabetically, as hacking's H306
// and isort expect.
var StdlibTop = map[string]bool{
	"abc": true, "argparse": true, "array": true, "asyncio": true, "atexit": true, "base64": true, "binascii": true,
	"bisect": true, "builtins": true, "calendar": true, "collections": true, "concurrent": true, "configparser": true,
	"contextlib": true, "copy": true, "csv": true, "ctypes": true, "dataclasses": true, "datetime": true, "decimal": true,
	"difflib": true, "enum": true, "errno": true, "fcntl": true, "fnmatch": true, "functools": true, "gc": true,
	"getpass": true, "glob": true, "grp": true, "gzip": true, "hashlib": true, "heapq": true, "hmac": true, "html": true,
	"http": true, "importlib": true, "inspect": true, "io": true, "ipaddress": true, "itertools": true, "json": true,
	"logging": true, "math": true, "mmap": true, "multiprocessing": true, "netaddr": false, "operator": true, "os": true,
	"pathlib": true, "pickle": true, "platform": true, "posixpath": true, "pprint": true, "pwd": true, "queue": true,
	"random": true, "re": true, "select": true, "selectors": true, "shlex": true, "shutil": true, "signal": true,
	"socket": true, "socketserver": true, "sqlite3": true, "ssl": true, "stat": true, "string": true, "struct": true,
	"subprocess": true, "sys": true, "tempfile": true, "textwrap": true, "threading": true, "time": true,
	"traceback": true, "types": true, "typing": true, "unittest": true, "urllib": true, "uuid": true, "warnings": true,
	"weakref": true, "xml": true, "zipfile": true, "zlib": true,
}
