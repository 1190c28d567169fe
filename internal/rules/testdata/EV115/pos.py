import eventlet

pile = eventlet.GreenPile(pool)  # want EV115
