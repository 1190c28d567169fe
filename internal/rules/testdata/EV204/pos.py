# fixture: path=nimbus/tests/__init__.py
import eventlet

eventlet.monkey_patch()  # want EV204
