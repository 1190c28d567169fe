import threading

me = threading.current_thread()
