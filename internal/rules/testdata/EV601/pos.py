# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock

import eventlet


@mock.patch('eventlet.spawn')  # want EV601
def test_spawn(spawn):
    pass


def test_sleep():
    with mock.patch.object(eventlet, 'sleep'):  # want EV601
        pass
