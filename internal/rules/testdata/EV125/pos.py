import eventlet

eventlet.serve(sock, handle)  # want EV125
conn = eventlet.connect(('localhost', 1234))  # want EV125
