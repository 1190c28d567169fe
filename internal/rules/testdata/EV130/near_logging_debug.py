import logging

logging.debug('eventlet.debug')
