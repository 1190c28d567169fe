import multiprocessing
import os
import threading


def daemonize():
    t = threading.Thread(target=print)
    t.start()
    pid = os.fork()  # want EV503
    return pid


multiprocessing.set_start_method('fork')  # want EV503
ctx = multiprocessing.get_context('spawn')  # want EV503
