# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock


@mock.patch('eventlet.spawn', side_effect=lambda f, *a: None)
def test_spawn(spawn):
    pass


@mock.patch('nimbus.worker.process', side_effect=lambda f: f())
def test_process(process):
    pass


CALLS = []


def record(fn, *args):
    CALLS.append((fn, args))


def test_recorded():
    with mock.patch('nimbus.utils.spawn', side_effect=record):
        pass


class Deferred:
    def __init__(self, target):
        self.target = target


def test_deferred_class():
    with mock.patch('nimbus.utils.spawn', new=Deferred):
        pass
