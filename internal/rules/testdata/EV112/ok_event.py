import threading

stop = threading.Event()
stop.set()
