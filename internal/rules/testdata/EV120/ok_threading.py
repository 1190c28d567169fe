import threading

done = threading.Event()
