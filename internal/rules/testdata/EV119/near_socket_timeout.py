import socket

try:
    pass
except socket.timeout:
    pass
Timeout = TimeoutError
try:
    pass
except Timeout:
    pass
