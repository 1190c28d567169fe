import concurrent.futures

try:
    pass
except concurrent.futures.TimeoutError:
    pass
