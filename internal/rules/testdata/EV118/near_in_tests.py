# fixture: path=nimbus/tests/unit/test_timeouts.py
import eventlet

with eventlet.Timeout(1):
    pass
