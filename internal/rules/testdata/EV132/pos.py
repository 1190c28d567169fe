import greenlet

g = greenlet.greenlet(run)  # want EV132
me = greenlet.getcurrent()  # want EV132
