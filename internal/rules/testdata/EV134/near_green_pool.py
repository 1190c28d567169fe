import eventlet
from nimbus.common import pools

workers = eventlet.GreenPool(10)


class ClientPool(pools.Pool):
    pass
