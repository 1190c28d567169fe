# fixture: path=nimbus/tests/unit/test_worker.py
import threading

import eventlet


def test_spawn_then_assert(self):
    eventlet.spawn(self.worker.run)
    self.assertTrue(self.worker.done)  # want EV604


def test_thread_then_assert(self):
    t = threading.Thread(target=self.worker.run)
    t.start()
    self.mock.assert_has_calls([1, 2])  # want EV604


def test_ordered_calls_from_a_loop(self):
    pool = eventlet.GreenPool()
    for n in (1, 2):
        pool.spawn(self.worker.run, n)
    pool.waitall()
    self.worker.notify.assert_has_calls([1, 2])  # want EV604
