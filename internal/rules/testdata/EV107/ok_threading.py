import threading

key = threading.get_ident()
