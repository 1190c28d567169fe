from oslo_service import loopingcall
from oslo_service.loopingcall import FixedIntervalLoopingCall as LoopingCallDone


def _poll(state):
    if state.done:
        raise loopingcall.LoopingCallDone(retvalue=state.result)


def wait_for(state):
    timer = loopingcall.FixedIntervalLoopingCall(_poll, state)  # want EV404
    try:
        return timer.start(interval=1).wait()
    except loopingcall.LoopingCallTimeOut:
        return None


# The name reads like the exception but resolves to a component.
other = LoopingCallDone(_poll, None)  # want EV404
