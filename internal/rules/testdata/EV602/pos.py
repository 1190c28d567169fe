# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock


@mock.patch('eventlet.spawn', side_effect=lambda f, *a, **kw: f(*a, **kw))  # want EV602
def test_inline(spawn):
    pass


def test_executor():
    with mock.patch.object(EXECUTOR, 'submit', side_effect=lambda fn, *args: fn(*args)):  # want EV602
        pass
