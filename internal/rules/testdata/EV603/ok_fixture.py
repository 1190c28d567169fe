# fixture: path=nimbus/tests/unit/test_worker.py
import fixtures


def test_stop(self):
    self.useFixture(fixtures.Timeout(5, gentle=True))
