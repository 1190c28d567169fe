import sys

sys.modules['nimbus.fake'] = object()
