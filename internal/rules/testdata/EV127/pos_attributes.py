import eventlet
from eventlet.green import socket  # want EV127


def bind(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    return sock


def probe():
    return eventlet.green.os.getpid(), eventlet.green.os.getppid()  # want EV127


def again():
    return eventlet.green.os.getpid()
