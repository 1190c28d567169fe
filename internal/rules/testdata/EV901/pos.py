import eventlet

def broken(:  # want EV901
    pass
