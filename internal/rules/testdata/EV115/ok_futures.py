futs = [executor.submit(get, n) for n in nodes]
results = [f.result() for f in futs]
