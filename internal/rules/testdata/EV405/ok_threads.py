import futurist

executor = futurist.ThreadPoolExecutor(8)
