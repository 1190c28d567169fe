from oslo_service.backend import BackendType
from oslo_service import backend
