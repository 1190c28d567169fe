# fixture: path=nimbus/cmd/__init__.py
import eventlet

eventlet.monkey_patch(os=False)  # want EV202
