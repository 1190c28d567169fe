import time
_sleep = time.sleep
def _slower(seconds):
    _sleep(seconds * 1.2)
time.sleep = _slower
