from eventlet import patcher
from oslo_utils import eventletutils

if patcher.is_monkey_patched('thread'):  # want EV206
    pass
original_threading = patcher.original('threading')  # want EV206
eventletutils.is_monkey_patched('socket')  # want EV206
