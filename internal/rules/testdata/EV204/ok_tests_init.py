# fixture: path=nimbus/tests/__init__.py
import os

os.environ.setdefault('NIMBUS_TEST', '1')
