# fixture: path=nimbus/service.py
import eventlet

eventlet.monkey_patch()
