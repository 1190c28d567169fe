# fixture: path=nimbus/worker.py
import time

time.sleep(0)


def test_like_name():
    time.sleep(0.1)
