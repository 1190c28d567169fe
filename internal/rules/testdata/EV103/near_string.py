import sys

if 'eventlet' in sys.modules:
    mode = 'import eventlet'
