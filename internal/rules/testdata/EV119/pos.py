import eventlet

try:
    pass
except eventlet.Timeout:  # want EV119
    pass
except (ValueError, eventlet.timeout.Timeout) as exc:  # want EV119
    pass
