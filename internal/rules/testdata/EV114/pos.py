import eventlet
from eventlet import greenpool

pool = eventlet.GreenPool(10)  # want EV114
other = greenpool.GreenPool(size=4)  # want EV114


class Pool(eventlet.GreenPool):  # want EV114
    pass
