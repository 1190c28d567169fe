from eventlet import hubs

hubs.use_hub('poll')  # want EV129
hub = hubs.get_hub()  # want EV129
