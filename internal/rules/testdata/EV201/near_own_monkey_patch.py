# fixture: path=nimbus/cmd/api.py
# The project's utils.monkey_patch injects decorators: not eventlet.
from nimbus.common import utils

utils.monkey_patch(['nimbus.api'], 'nimbus.common.trace.trace')
