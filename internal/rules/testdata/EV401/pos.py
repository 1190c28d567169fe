import oslo_messaging as messaging

server = messaging.get_rpc_server(transport, target, endpoints, executor='eventlet')  # want EV401
listener = messaging.get_notification_listener(transport, targets, endpoints, executor=EXECUTOR)  # want EV401
