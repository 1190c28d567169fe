package tables

// oslo.service components, oslo.messaging servers, futurist and
// oslo.utils names whose behaviour depends on the concurrency backend.

// MessagingServers build oslo.messaging servers and listeners, which take
// an executor.
var MessagingServers = []string{"oslo_messaging.get_rpc_server", "oslo_messaging.get_notification_listener",
	"oslo_messaging.get_batch_notification_listener", "oslo_messaging.rpc.get_rpc_server",
	"oslo_messaging.notify.get_notification_listener", "oslo_messaging.rpc.server.get_rpc_server"}

// ServiceEventletOnly are the oslo.service modules that exist only for
// eventlet.
var ServiceEventletOnly = []string{"oslo_service.wsgi.", "oslo_service.eventlet_backdoor."}

// ServiceBackendPrivate are oslo.service's private backend modules.
var ServiceBackendPrivate = []string{"oslo_service.backend.eventlet.", "oslo_service.backend.threading.", "oslo_service.backend.common."}

// ServiceComponents are the oslo.service components whose implementation
// the backend chooses.
var ServiceComponents = []string{"oslo_service.service.launch", "oslo_service.service.ProcessLauncher", "oslo_service.service.ServiceLauncher",
	"oslo_service.service.Launcher", "oslo_service.threadgroup.ThreadGroup", "oslo_service.loopingcall."}

// ServiceExceptions are the exception classes under the component
// prefixes: raising LoopingCallDone or catching LoopingCallTimeOut is
// how a looping call's function talks to it, not a component that runs
// on a backend (the FixedIntervalLoopingCall that runs it is reported).
var ServiceExceptions = []string{"oslo_service.loopingcall.LoopingCallDone", "oslo_service.loopingcall.LoopingCallTimeOut"}

// ServiceRuntimeComponents are the oslo.service components that run work
// on the backend the service selects (an entry ending in "." stands for
// every name below it).
var ServiceRuntimeComponents = []string{"oslo_service.service.launch", "oslo_service.service.ProcessLauncher",
	"oslo_service.service.ServiceLauncher", "oslo_service.threadgroup.ThreadGroup", "oslo_service.loopingcall.",
	"oslo_service.wsgi.Server", "oslo_service.service.Service"}

// FuturistGreen are futurist's green executor and future.
var FuturistGreen = []string{"futurist.GreenThreadPoolExecutor", "futurist.GreenFuture", "futurist._futures.GreenThreadPoolExecutor"}

// Eventletutils is oslo.utils' eventlet helper module.
var Eventletutils = []string{"oslo_utils.eventletutils."}
