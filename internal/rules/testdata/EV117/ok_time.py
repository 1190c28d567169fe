import time

time.sleep(5)
stop.wait(5)
