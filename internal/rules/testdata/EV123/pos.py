from eventlet import corolocal

store = corolocal.local()  # want EV123
