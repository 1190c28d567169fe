# fixture: path=nimbus/tests/unit/test_worker.py
from unittest import mock


@mock.patch('threading.Thread')
def test_thread(thread):
    pass
