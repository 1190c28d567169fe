import futurist

executor = futurist.GreenThreadPoolExecutor(8)  # want EV405
