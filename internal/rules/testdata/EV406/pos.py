from oslo_utils import eventletutils  # want EV406

eventletutils.warn_eventlet_not_patched(['thread'])  # want EV406
ev = eventletutils.Event()  # want EV406
