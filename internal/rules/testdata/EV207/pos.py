import sys

import eventlet

sys.modules['eventlet'] = None  # want EV207


def _refuse(*args, **kwargs):
    raise RuntimeError('eventlet is disabled in threading mode')


eventlet.monkey_patch = _refuse  # want EV207
