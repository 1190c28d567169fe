import time


def poll_volume(vol):
    while vol.busy:
        time.sleep(0.5)


def heartbeat_once():
    time.sleep(0.5)


def drain(queue):
    while queue:
        process(queue.pop())
        time.sleep(0.5)


class Mapping:
    def run(self):
        while self.pending:
            time.sleep(0.5)


while busy():
    time.sleep(0.5)


def wait_for_host(ip):
    while True:
        if ping(ip):
            break
        time.sleep(1)
