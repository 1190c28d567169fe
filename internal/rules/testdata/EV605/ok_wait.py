# fixture: path=nimbus/tests/unit/test_worker.py
def test_wait(self):
    fut = self.executor.submit(self.job)
    fut.result()
