print("print 'hello' is Python 2")
