from eventlet import event

done = event.Event()  # want EV120
