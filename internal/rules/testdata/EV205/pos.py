import os

os.environ['EVENTLET_NO_GREENDNS'] = 'yes'  # want EV205
hub = os.environ.get('EVENTLET_HUB')  # want EV205
off = os.getenv('OS_NIMBUS_DISABLE_EVENTLET_PATCHING', 'false')  # want EV205
