import time


def poll_volume(vol):
    while vol.busy:
        time.sleep(0.5)


def heartbeat_once():
    time.sleep(0.5)
