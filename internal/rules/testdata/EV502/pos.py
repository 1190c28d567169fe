import multiprocessing
import threading
from concurrent import futures

from oslo_config import cfg

CONF = cfg.CONF


class Worker:
    def __init__(self):
        self.lock = threading.Lock()

    def run(self):
        pass


def work(conf):
    pass


def main():
    ctx = multiprocessing.get_context('spawn')
    ctx.Process(target=lambda: work(None)).start()  # want EV502
    w = Worker()
    multiprocessing.Process(target=work, args=(w,)).start()  # want EV502
    multiprocessing.Process(target=work, args=(CONF,)).start()  # want EV502

    def inner():
        pass
    multiprocessing.Process(target=inner).start()  # want EV502
    with futures.ProcessPoolExecutor() as pool:
        pool.submit(work, threading.Event())  # want EV502


def serve(server, workers):
    from oslo_service import service
    service.launch(CONF, server, workers=workers)  # want EV502


def serve_workers():
    from oslo_service import service
    launcher = service.ProcessLauncher(CONF)
    launcher.launch_service(Worker(), workers=2)  # want EV502
