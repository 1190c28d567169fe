import threading

lock = threading.Semaphore(4)
