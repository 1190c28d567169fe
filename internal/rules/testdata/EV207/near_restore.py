import sys

saved = sys.modules.get('eventlet')
sys.modules['eventlet'] = saved
