import greenlet  # want EV107


def current():
    from greenlet import getcurrent  # want EV107
    return getcurrent()
