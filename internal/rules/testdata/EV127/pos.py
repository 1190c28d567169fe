from eventlet.green import subprocess  # want EV127
from eventlet.green import threading as green_threading  # want EV127

subprocess.Popen(['ls'])
