import importlib

name = 'eventlet'
mod = importlib.import_module(name)
