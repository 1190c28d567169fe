def patch():
    from nimbus import eventlet_compat
    return eventlet_compat
