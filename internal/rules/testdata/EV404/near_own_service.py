from nimbus import service

service.launch(svc)
