# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock


@mock.patch('eventlet.spawn', return_value=None)
def test_spawn(spawn):
    pass
