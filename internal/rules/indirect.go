package rules

import (
	"fmt"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
	"github.com/letgo-dev/letgo/internal/tables"
)

var (
	messagingServerNames     = names(tables.MessagingServers)
	messagingServerRoots     = messagingServerNames.roots()
	serviceEventletOnlyNames = names(tables.ServiceEventletOnly)
	serviceBackendPrivate    = names(tables.ServiceBackendPrivate)
	serviceComponentNames    = names(tables.ServiceComponents)
	// serviceExceptionNames are the exception classes under the component
	// prefixes: raising LoopingCallDone or catching LoopingCallTimeOut is
	// how a looping call's function talks to it, not a component that runs
	// on a backend (the FixedIntervalLoopingCall that runs it is reported).
	serviceExceptionNames = names(tables.ServiceExceptions)
	futuristGreenNames    = names(tables.FuturistGreen)
	eventletutilsNames    = names(tables.Eventletutils)
)

// executorCheck reports oslo.messaging servers and listeners that run on the
// eventlet executor, or whose executor is chosen at run time.
func executorCheck(p *analysis.Pass) {
	callNames := p.CallNames()
	for _, i := range p.CallsUnder(messagingServerRoots) {
		c, name := p.View.Calls[i], callNames[i]
		if _, ok := messagingServerNames.match(name); !ok {
			continue
		}
		v, ok := keyword(c, "executor")
		if !ok && len(c.Args) >= 4 { // get_rpc_server(transport, target, endpoints, executor)
			v, ok = c.Args[3], true
		}
		switch {
		case !ok:
			continue
		case v.Kind == pysrc.ValStr && v.Str == "eventlet":
			p.Report(c.Node, fmt.Sprintf("%s() runs on the eventlet executor (executor='eventlet')", name))
		case v.Kind == pysrc.ValUnknown:
			p.Report(c.Node, fmt.Sprintf("%s() executor chosen at run time from %s: eventlet in eventlet mode", name, clip(v.Text, 60)))
		}
	}
}

func privateBackendCheck(p *analysis.Pass) {
	for _, imp := range p.View.Imports {
		for _, n := range append(importedNames(imp), imp.Module) {
			if _, ok := serviceBackendPrivate.match(n + "."); ok {
				p.ReportImport(imp, n, fmt.Sprintf("private oslo.service backend module %s imported", n))
				break
			}
		}
	}
}

// heartbeatOptionCheck finds the removed heartbeat_in_pthread option in code.
func heartbeatOptionCheck(p *analysis.Pass) {
	if !p.Has(kwHeartbeatInPthread) {
		return
	}
	for _, c := range p.View.Calls {
		for _, a := range c.Args {
			if a.Kind == pysrc.ValStr && a.Str == "heartbeat_in_pthread" {
				p.Report(c.Node, "oslo.messaging option heartbeat_in_pthread used (removed)")
			}
		}
		if v, ok := keyword(c, "heartbeat_in_pthread"); ok {
			p.Report(c.Node, fmt.Sprintf("oslo.messaging option heartbeat_in_pthread=%s set (removed)", v.Text))
		}
	}
	pysrc.InspectAll(p.File.Body, func(n pysrc.Node) bool {
		if a, ok := n.(*pysrc.Attribute); ok && a.Attr == "heartbeat_in_pthread" && strings.Contains(p.File.Text(a.X), "rabbit") {
			p.Report(a, "oslo.messaging option heartbeat_in_pthread read (removed)")
		}
		return true
	})
}

var indirectRules = []*analysis.Rule{
	{
		ID: "EV401", Slug: "messaging-eventlet-executor", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime, Python: executorCheck,
		Doc: analysis.Doc{
			Summary:     "oslo.messaging server on the eventlet executor",
			What:        "get_rpc_server / get_notification_listener with executor='eventlet', or with an executor chosen at run time (reported with the expression).",
			Why:         "The eventlet executor dispatches on green threads: the service needs eventlet for its RPC or notifications whatever else it selects.",
			Replacement: "executor='threading' (with the threading backend), chosen by the same gate as the rest of the service.",
			Example:     "# before\noslo_messaging.get_rpc_server(transport, target, endpoints, executor='eventlet')\n# after\noslo_messaging.get_rpc_server(transport, target, endpoints, executor='threading')",
		},
	},
	{
		ID: "EV402", Slug: "oslo-service-eventlet-only", Risk: analysis.RiskHigh, Kind: analysis.RuleRuntime,
		Python: apiCheck(serviceEventletOnlyNames, "eventlet-only oslo.service component used", apiOpts{calls: true, refs: true, imports: true}),
		Doc: analysis.Doc{
			Summary:     "eventlet-only oslo.service component used",
			What:        "oslo_service.wsgi (Server, Loader) and oslo_service.eventlet_backdoor.",
			Why:         "These components exist only on the eventlet backend; a service that uses them cannot run in threading mode.",
			Replacement: "Serve the WSGI application from a WSGI container (module path) or a threaded server; drop the backdoor.",
			Example:     "# before\nserver = oslo_service.wsgi.Server(CONF, 'api', app)\n# after\n# nimbus/api/wsgi.py\napplication = app",
		},
	},
	{
		ID: "EV403", Slug: "oslo-service-private-backend", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime, Python: privateBackendCheck,
		Doc: analysis.Doc{
			Summary:     "private oslo.service backend module imported",
			What:        "Imports of oslo_service.backend.eventlet, .threading or .common.",
			Why:         "These modules became private; importing them breaks with new oslo.service releases (and the eventlet one loads eventlet).",
			Replacement: "Use the public API: oslo_service.backend.init_backend(BackendType.X) and get_backend().",
			Example:     "# before\nfrom oslo_service.backend.eventlet import service\n# after\nfrom oslo_service import service",
		},
	},
	{
		ID: "EV404", Slug: "oslo-service-component", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Python: apiCheck(serviceComponentNames, "oslo.service component used", apiOpts{calls: true, refs: true, exclude: serviceExceptionNames,
			message: func(c *pysrc.CallSite, name string) string {
				return fmt.Sprintf("%s() runs on the selected oslo.service backend (eventlet unless one is selected)", name)
			}}),
		Doc: analysis.Doc{
			Summary:     "oslo.service component that runs on the selected backend",
			What:        "service.launch, ProcessLauncher, ServiceLauncher, ThreadGroup and loopingcall (periodic_task is only a decorator and is not reported; neither are the exception classes LoopingCallDone and LoopingCallTimeOut, raised or caught around a looping call that is reported itself).",
			Why:         "They run on whichever oslo.service backend was selected, and the library default is still eventlet: a service that uses them without init_backend runs on eventlet.",
			Replacement: "Select the backend explicitly (init_backend(BackendType.THREADING)) before the first use, or through the project's gate.",
			Example:     "from oslo_service import backend\nbackend.init_backend(backend.BackendType.THREADING)\nlauncher = service.launch(CONF, svc, workers=2)",
		},
	},
	{
		ID: "EV405", Slug: "futurist-green-executor", Risk: analysis.RiskMedium, Kind: analysis.RuleRuntime,
		Python: apiCheck(futuristGreenNames, "futurist green executor used", callsAndRefs),
		Doc: analysis.Doc{
			Summary:     "futurist green executor used",
			What:        "futurist.GreenThreadPoolExecutor and GreenFuture.",
			Why:         "The green executor runs work on eventlet green threads.",
			Replacement: "futurist.ThreadPoolExecutor (or concurrent.futures.ThreadPoolExecutor).",
			Example:     "# before\nex = futurist.GreenThreadPoolExecutor(8)\n# after\nex = futurist.ThreadPoolExecutor(8)",
		},
	},
	{
		ID: "EV406", Slug: "oslo-eventletutils", Risk: analysis.RiskLow, Kind: analysis.RuleRuntime,
		Python: apiCheck(eventletutilsNames, "oslo_utils.eventletutils used", apiOpts{calls: true, refs: true, imports: true}),
		Doc: analysis.Doc{
			Summary:     "oslo_utils.eventletutils used",
			What:        "Any use of oslo_utils.eventletutils (warn_eventlet_not_patched, EventletEvent, is_monkey_patched, ...).",
			Why:         "Helpers that exist to cope with eventlet; they go with it.",
			Replacement: "threading.Event for EventletEvent; drop the patch warnings.",
			Example:     "# before\nev = eventletutils.Event()\n# after\nev = threading.Event()",
		},
	},
	{
		ID: "EV407", Slug: "heartbeat-in-pthread", Risk: analysis.RiskMedium, Kind: analysis.RuleConfig, Python: heartbeatOptionCheck,
		Project: heartbeatConfigCheck,
		Doc: analysis.Doc{
			Summary:     "removed heartbeat_in_pthread option used",
			What:        "[oslo_messaging_rabbit] heartbeat_in_pthread set in a config file or read or set in code.",
			Why:         "The option was removed from oslo.messaging: a service that sets it fails or silently ignores it.",
			Replacement: "Delete the option; in threading mode the heartbeat runs on a native thread already.",
			Example:     "# before (etc/nimbus.conf)\n[oslo_messaging_rabbit]\nheartbeat_in_pthread = true\n# after\n(removed)",
		},
	},
}
