from wsgiref import simple_server

server = simple_server.make_server('', 8080, app)
