from eventlet import backdoor

backdoor.backdoor_server(sock)  # want EV131
