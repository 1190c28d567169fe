try:
    import eventlet
except ImportError:
    eventlet = None


def start():
    import eventlet.wsgi
    return eventlet.wsgi
