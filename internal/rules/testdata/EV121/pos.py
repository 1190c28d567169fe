from eventlet import semaphore

lock = semaphore.Semaphore(4)  # want EV121
bounded = semaphore.BoundedSemaphore()  # want EV121
