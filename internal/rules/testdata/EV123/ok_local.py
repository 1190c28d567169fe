import threading

store = threading.local()
