from nimbus import monkey_patch
monkey_patch.patch(backend='threading')

from oslo_service import service  # noqa: E402

from nimbus import worker  # noqa: E402


def main():
    launcher = service.launch(worker.CONF, worker.WorkerService(), workers=2)
    launcher.wait()
