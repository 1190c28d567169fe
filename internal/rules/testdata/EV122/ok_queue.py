import queue

q = queue.SimpleQueue()
try:
    pass
except queue.Empty:
    pass
