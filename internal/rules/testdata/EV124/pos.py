import eventlet
import eventlet.wsgi

sock = eventlet.listen(('0.0.0.0', 8080))  # want EV124
eventlet.wsgi.server(sock, app)  # want EV124


class Protocol(eventlet.wsgi.HttpProtocol):  # want EV124
    pass
