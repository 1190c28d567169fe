"""WSGI entry point, deployed by module path under a WSGI container."""
from nimbus.api import app


def init_application():
    return app.build()


application = init_application()
