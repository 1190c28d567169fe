from nimbus import executors

executor = executors.GreenThreadPoolExecutor(8)
