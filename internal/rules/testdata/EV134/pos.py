import eventlet
from eventlet import db_pool
from eventlet import pools


class ClientPool(pools.Pool):  # want EV134
    def create(self):
        return make_client()


tokens = eventlet.pools.TokenPool(max_size=4)  # want EV134
conns = db_pool.ConnectionPool(driver, host='db')  # want EV134
