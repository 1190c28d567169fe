from oslo_service import backend

current = backend.get_backend()
