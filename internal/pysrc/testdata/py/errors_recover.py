"""CPython rejects this file; letgo must reject it too and keep going."""
import eventlet

def broken(:
    pass

eventlet.spawn(work)
