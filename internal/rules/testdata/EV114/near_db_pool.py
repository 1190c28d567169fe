from sqlalchemy import pool

engine_pool = pool.QueuePool(creator)
GreenPool = object
x = GreenPool()
