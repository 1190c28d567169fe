"""Helpers. monkey_patch() here injects decorators: nothing to do with eventlet."""
import functools
import importlib


def monkey_patch(modules, decorator_path):
    module_name, _, name = decorator_path.rpartition('.')
    decorator = getattr(importlib.import_module(module_name), name)
    for module in modules:
        for attr, value in list(vars(module).items()):
            if callable(value):
                setattr(module, attr, functools.wraps(value)(decorator(value)))
