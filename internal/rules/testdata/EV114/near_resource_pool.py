import eventlet
from eventlet import pools


class ClientPool(pools.Pool):
    def create(self):
        return make_client()


tokens = eventlet.pools.TokenPool(max_size=4)
