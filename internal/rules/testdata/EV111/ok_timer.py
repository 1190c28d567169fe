import threading

threading.Timer(5, print).start()
