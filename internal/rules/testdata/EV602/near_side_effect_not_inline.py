# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock


@mock.patch('eventlet.spawn', side_effect=lambda f, *a: None)
def test_spawn(spawn):
    pass


@mock.patch('nimbus.worker.process', side_effect=lambda f: f())
def test_process(process):
    pass
