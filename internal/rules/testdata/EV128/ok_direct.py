result = conn.lookup('x')
