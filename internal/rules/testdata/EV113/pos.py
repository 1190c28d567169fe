import eventlet
from eventlet import greenthread

current = eventlet.getcurrent()  # want EV113
try:
    pass
except greenthread.GreenletExit:  # want EV113
    pass
