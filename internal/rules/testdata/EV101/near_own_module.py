# fixture: path=nimbus/cmd/api.py
# A project's own module named eventlet, imported relatively, is not eventlet.
from . import eventlet
from nimbus.cmd import eventlet as cmd_eventlet
import eventlets_helper
