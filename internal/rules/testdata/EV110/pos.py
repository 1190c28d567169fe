import eventlet
from eventlet import greenthread as gt
from eventlet import spawn_n

eventlet.spawn(print, 1)  # want EV110
gt.spawn(print)  # want EV110
spawn_n(print)  # want EV110
go = eventlet.spawn  # want EV110
go(print)  # want EV110


def later():
    eventlet.greenthread.spawn_n(print)  # want EV110
