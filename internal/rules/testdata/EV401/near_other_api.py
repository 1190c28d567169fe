from nimbus import rpc

server = rpc.get_rpc_server(target, endpoints, executor='eventlet')
