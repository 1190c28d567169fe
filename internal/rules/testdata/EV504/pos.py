import time

from eventlet import sleep


def _report_state(self):
    while True:
        self.send()
        time.sleep(0.5)  # want EV504


def heartbeat_loop(stop):
    while not stop.is_set():
        ping()
        stop.wait(1)  # want EV504
        sleep(0.2)  # want EV504
