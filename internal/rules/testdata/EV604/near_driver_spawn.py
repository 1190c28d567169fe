# fixture: path=nimbus/tests/unit/test_driver.py
import eventlet


def test_driver_spawn(self):
    self.driver.spawn(self.context, self.instance)
    self.assertTrue(self.instance.created)


def test_waited_in_block(self):
    with self.fixture():
        gt = eventlet.spawn(self.worker.run)
        gt.wait()
    self.assertTrue(self.worker.done)
