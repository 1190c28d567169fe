"""Decide once per process whether to run on eventlet or on native threads."""
import os

TRUE_VALUES = ('1', 'true', 'yes')


def _eventlet_disabled():
    value = os.environ.get('NIMBUS_DISABLE_EVENTLET_PATCHING', '')
    return value.lower() in TRUE_VALUES


def patch(backend='eventlet'):
    """Select the concurrency backend; call first thing in a command."""
    from oslo_service import backend as service_backend
    if backend == 'eventlet' and not _eventlet_disabled():
        import eventlet
        eventlet.monkey_patch()
        service_backend.init_backend(service_backend.BackendType.EVENTLET)
    else:
        service_backend.init_backend(service_backend.BackendType.THREADING)
