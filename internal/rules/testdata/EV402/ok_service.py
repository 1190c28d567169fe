from oslo_service import service

launcher = service.ServiceLauncher(CONF)
