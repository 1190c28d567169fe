import os
import sys

if 'eventlet' in sys.modules:
    import eventlet  # want EV103
if os.environ.get('NIMBUS_DISABLE_EVENTLET_PATCHING'):
    pass
else:
    from eventlet import patcher  # want EV103
