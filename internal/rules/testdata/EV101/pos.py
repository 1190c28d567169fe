import eventlet  # want EV101
import eventlet.wsgi as ew  # want EV101
from eventlet import greenthread as gt  # want EV101
from eventlet.green import socket  # want EV101


class Server:
    import eventlet.queue  # want EV101
