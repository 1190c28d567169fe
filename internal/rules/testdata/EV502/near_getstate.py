import multiprocessing
import threading


class Worker:
    def __init__(self):
        self.lock = threading.Lock()

    def __getstate__(self):
        state = self.__dict__.copy()
        del state['lock']
        return state


def work(w):
    pass


def main():
    w = Worker()
    multiprocessing.Process(target=work, args=(w,)).start()  # want EV502
    pool = ThreadPool()
    pool.submit(work, threading.Lock())
