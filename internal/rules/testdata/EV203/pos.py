def patch(backend='eventlet'):
    if backend == 'eventlet':
        import eventlet
        eventlet.monkey_patch(thread=False)  # want EV203
