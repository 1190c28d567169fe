from unittest import mock

import eventlet
import testtools

from nimbus import worker


class TestWorker(testtools.TestCase):
    @mock.patch('eventlet.spawn_n', side_effect=lambda f, *a: f(*a))
    def test_consume_runs_jobs_inline(self, spawn):
        worker.WorkerService()
        eventlet.sleep(0)
        spawn.assert_not_called()

    def test_heartbeat_does_not_hang(self):
        with eventlet.Timeout(1):
            worker.WorkerService()._send_heartbeat()
