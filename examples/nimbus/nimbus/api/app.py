from oslo_config import cfg

CONF = cfg.CONF


def build():
    def application(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'nimbus']
    return application
