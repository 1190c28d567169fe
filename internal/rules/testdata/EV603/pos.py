# fixture: path=nimbus/tests/unit/test_worker.py
import eventlet


def test_stop():
    with eventlet.Timeout(5):  # want EV603
        pass
