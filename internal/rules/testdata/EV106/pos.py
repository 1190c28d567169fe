import importlib

from oslo_utils import importutils

eventlet = importutils.try_import('eventlet')  # want EV106
hubs = importlib.import_module('eventlet.hubs')  # want EV106
green = __import__('greenlet')  # want EV106
