from nimbus import monkey_patch
monkey_patch.patch()

import sys  # noqa: E402

from oslo_service import wsgi  # noqa: E402

from nimbus.api import app  # noqa: E402


def main():
    server = wsgi.Server(app.CONF, 'nimbus-api', app.build(), port=8774)
    server.start()
    server.wait()
    return 0


if __name__ == '__main__':
    sys.exit(main())
