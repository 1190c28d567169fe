def patch():
    import threading
    return threading
