# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock


@mock.patch('nimbus.eventlet_compat.spawn')
def test_compat(spawn):
    pass
