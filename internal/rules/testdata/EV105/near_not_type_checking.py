TYPE_CHECK = False
if TYPE_CHECK:
    from eventlet.greenpool import GreenPool
