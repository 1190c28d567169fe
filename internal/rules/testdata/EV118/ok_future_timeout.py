result = executor.submit(call).result(timeout=10)
