from oslo_service import loopingcall
from oslo_service import service

launcher = service.launch(CONF, svc, workers=2)  # want EV404
timer = loopingcall.FixedIntervalLoopingCall(report)  # want EV404
