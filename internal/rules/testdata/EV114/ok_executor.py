from concurrent.futures import ThreadPoolExecutor

pool = ThreadPoolExecutor(max_workers=10)
