from nimbus.api import wsgi

app = wsgi.Server()
