import os

debug = os.environ.get('NIMBUS_DEBUG')
