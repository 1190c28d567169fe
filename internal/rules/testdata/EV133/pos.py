import eventlet

httplib2 = eventlet.import_patched('httplib2')  # want EV133
