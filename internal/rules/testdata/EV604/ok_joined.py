# fixture: path=nimbus/tests/unit/test_worker.py
import threading


def test_thread_joined(self):
    t = threading.Thread(target=self.worker.run)
    t.start()
    t.join()
    self.assertTrue(self.worker.done)


def test_any_order(self):
    t1 = threading.Thread(target=self.worker.run)
    t2 = threading.Thread(target=self.worker.run)
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    self.worker.notify.assert_has_calls([1, 2], any_order=True)


def test_one_spawn_ordered(self):
    t = threading.Thread(target=self.worker.run)
    t.start()
    t.join()
    self.worker.notify.assert_has_calls([1, 2])
