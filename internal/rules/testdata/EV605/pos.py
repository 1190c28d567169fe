# fixture: path=nimbus/tests/unit/test_worker.py
import time

import eventlet


def test_yield(self):
    eventlet.spawn(self.job)
    eventlet.sleep(0)  # want EV605
    time.sleep(0)  # want EV605
