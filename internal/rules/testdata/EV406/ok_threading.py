import threading

ev = threading.Event()
