import eventlet

eventlet.sleep(1)
