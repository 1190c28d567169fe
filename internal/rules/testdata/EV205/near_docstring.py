"""Set EVENTLET_NO_GREENDNS=yes to avoid green DNS (documentation only)."""
import os

# os.environ['EVENTLET_HUB'] = 'poll'
name = 'EVENTLET_HUB'
