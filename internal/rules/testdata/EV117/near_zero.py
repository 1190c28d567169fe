import eventlet

eventlet.sleep(0)
