def heartbeat_loop(stop, interval):
    while not stop.is_set():
        ping()
        stop.wait(interval)


class Beater:
    def run(self):
        while not self._stop.wait(self.interval):
            self._send_heartbeat()
