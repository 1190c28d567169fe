from oslo_service import eventlet_backdoor  # want EV402
from oslo_service import wsgi  # want EV402

server = wsgi.Server(CONF, 'api', app)  # want EV402
eventlet_backdoor.initialize_if_enabled(CONF)  # want EV402
