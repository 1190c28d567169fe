import eventlet.debug

eventlet.debug.hub_exceptions(False)  # want EV130
eventlet.debug.hub_blocking_detection(True)  # want EV130
