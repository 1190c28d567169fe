import eventlet
from eventlet import greenthread

eventlet.kill(worker)  # want EV112
greenthread.kill(worker, ValueError)  # want EV112
