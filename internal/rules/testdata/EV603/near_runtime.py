# fixture: path=nimbus/worker.py
import eventlet

with eventlet.Timeout(5):
    pass
