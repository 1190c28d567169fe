def heartbeat_loop(stop, interval):
    while not stop.is_set():
        ping()
        stop.wait(interval)
