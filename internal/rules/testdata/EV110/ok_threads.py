import threading
from concurrent import futures

threading.Thread(target=print).start()
futures.ThreadPoolExecutor(2).submit(print)
