try:
    import eventlet
except ValueError:
    pass
