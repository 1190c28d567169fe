import importlib

driver = importlib.import_module('nimbus.drivers.fake')
