from oslo_service import loopingcall
from oslo_service.loopingcall import LoopingCallDone, LoopingCallTimeOut


def _check(volume):
    if volume.ready:
        raise loopingcall.LoopingCallDone()
    if volume.failed:
        raise LoopingCallDone(False)


def handle(exc):
    try:
        exc.wait()
    except (LoopingCallDone, LoopingCallTimeOut):
        pass
    except loopingcall.LoopingCallTimeOut as e:
        return e
    return isinstance(exc, LoopingCallDone)


def test_done(self):
    self.assertRaises(loopingcall.LoopingCallDone, _check, None)
