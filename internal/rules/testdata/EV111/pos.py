import eventlet
from eventlet import greenthread

eventlet.spawn_after(5, print)  # want EV111
greenthread.spawn_after_local(1, print)  # want EV111
