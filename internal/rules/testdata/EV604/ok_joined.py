# fixture: path=nimbus/tests/unit/test_worker.py
import threading


def test_thread_joined(self):
    t = threading.Thread(target=self.worker.run)
    t.start()
    t.join()
    self.assertTrue(self.worker.done)
