import eventlet
from eventlet import patcher

eventlet.monkey_patch()  # want EV201
patcher.monkey_patch(all=False, socket=True, thread=False)  # want EV201
