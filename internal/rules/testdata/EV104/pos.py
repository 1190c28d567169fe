def patch():
    import eventlet  # want EV104
    eventlet.monkey_patch()


lazy = lambda: __import__('os')
