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


class Agent:
    def run(self):
        while not self._stop.wait(0.5):  # want EV504
            self._send_heartbeat()

    def loop(self):
        while True:
            self.agent.report_state()
            time.sleep(1)  # want EV504


class AgentHeartbeater:
    def run(self):
        while self._run_next():
            time.sleep(0.1)  # want EV504


while running():
    coordinator.heartbeat()
    time.sleep(0.1)  # want EV504
