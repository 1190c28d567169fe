import eventlet
from eventlet import greenthread as gt
from eventlet import queue
from oslo_config import cfg
from oslo_service import service

CONF = cfg.CONF
_pool = eventlet.GreenPool(size=16)
_jobs = queue.LightQueue()


class WorkerService(service.Service):
    def start(self):
        super().start()
        gt.spawn(self._consume)
        self.tg.add_timer(30, self._report_state)

    def _consume(self):
        while True:
            job = _jobs.get()
            _pool.spawn_n(job.run)
            eventlet.sleep(0)

    def _report_state(self):
        with eventlet.Timeout(5, False):
            self._send_heartbeat()

    def _send_heartbeat(self):
        pass
