from eventlet import tpool

result = tpool.execute(conn.lookup, 'x')  # want EV128
proxy = tpool.Proxy(conn)  # want EV128
