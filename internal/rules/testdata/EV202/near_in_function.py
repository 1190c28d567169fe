# fixture: path=nimbus/cmd/__init__.py
import eventlet


def patch():
    eventlet.monkey_patch()
