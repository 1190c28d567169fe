import oslo_messaging as messaging

server = messaging.get_rpc_server(transport, target, endpoints, executor='threading')
