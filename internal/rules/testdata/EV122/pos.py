import eventlet.queue
from eventlet import queue as greenqueue

q = eventlet.queue.LightQueue()  # want EV122
p = greenqueue.PriorityQueue(5)  # want EV122
try:
    pass
except greenqueue.Empty:  # want EV122
    pass
