import eventlet

eventlet.sleep(5)  # want EV117
eventlet.sleep(interval)  # want EV117
