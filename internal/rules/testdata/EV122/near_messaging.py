from nimbus import queue

q = queue.LightQueue()
