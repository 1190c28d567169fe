# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock

import fixtures
import futurist


@mock.patch('eventlet.spawn', side_effect=lambda f, *a, **kw: f(*a, **kw))  # want EV602
def test_inline(spawn):
    pass


def test_executor():
    with mock.patch.object(EXECUTOR, 'submit', side_effect=lambda fn, *args: fn(*args)):  # want EV602
        pass


class SyncSpawnFixture(fixtures.Fixture):
    def setUp(self):
        super().setUp()
        executor = futurist.SynchronousExecutor()

        def spawn(func, *args, **kwargs):
            return executor.submit(func, *args, **kwargs)

        self.useFixture(fixtures.MonkeyPatch('nimbus.utils.spawn', spawn))  # want EV602


class FakeThread:
    def __init__(self, target, *args):
        self.result = target(*args)


def run_now(fn, *args):
    return fn(*args)


def test_fake_class():
    with mock.patch('nimbus.utils.spawn_n', new=FakeThread):  # want EV602
        pass
    with mock.patch.object(POOL, 'spawn', run_now):  # want EV602
        pass
