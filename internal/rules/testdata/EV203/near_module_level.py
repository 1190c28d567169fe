import eventlet

eventlet.monkey_patch()


def patch(modules):
    setattr(modules, 'patched', True)
