import eventlet
from eventlet import timeout

with eventlet.Timeout(10):  # want EV118
    pass
t = timeout.Timeout(5, False)  # want EV118
eventlet.with_timeout(5, print)  # want EV118
