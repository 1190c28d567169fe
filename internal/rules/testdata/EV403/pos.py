from oslo_service.backend.eventlet import service  # want EV403
import oslo_service.backend.threading.loopingcall  # want EV403
