def patch(backend='threading'):
    from oslo_service import backend as service_backend
    service_backend.init_backend(service_backend.BackendType.THREADING)
