from oslo_service import loopingcall


class PollTimeout(loopingcall.LoopingCallTimeOut):
    pass


class Finished(loopingcall.LoopingCallDone):
    def __init__(self, value):
        super().__init__(retvalue=value)
