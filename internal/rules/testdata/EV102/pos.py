try:
    import eventlet  # want EV102
    from eventlet import tpool  # want EV102
except ImportError:
    eventlet = None
