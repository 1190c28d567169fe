import threading

current = threading.get_ident()
