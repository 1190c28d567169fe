import eventlet
from eventlet import greenthread

eventlet.sleep(0)  # want EV116
eventlet.sleep()  # want EV116
greenthread.sleep(0.0)  # want EV116
