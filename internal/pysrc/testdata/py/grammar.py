"""Every statement kind, written for letgo's differential test."""
from __future__ import annotations

import eventlet
import eventlet.wsgi as ewsgi, os.path
from eventlet import (
    greenthread as gt,
    GreenPool,
)
from . import sibling
from .. import parent
from ...deep.module import thing as other

try:
    from eventlet.green import threading as gthreading
except (ImportError, AttributeError):
    gthreading = None
else:
    ok()
finally:
    cleanup()

if os.environ.get('OS_SERVICE_DISABLE_EVENTLET_PATCHING', 'false').lower() in ('1', 'true'):
    import threading
elif sys.platform == 'win32':
    import msvcrt
else:
    eventlet.monkey_patch(all=False, socket=True, thread=False)


@decorator
@decorator.with_args(1, key='v')
class Service(base.Service, metaclass=Meta):
    """Class docstring mentioning eventlet.spawn."""

    attr: int = 0
    pool = GreenPool(size=10)

    def __init__(self, conf, backend='eventlet', *args, timeout=None, **kwargs):
        super().__init__(conf)
        self.tg = gt.spawn(self._run, conf.interval)

    @property
    def value(self) -> int:
        return self._value

    @staticmethod
    def helper(a, /, b, *, c=1.5, d=(1, 'two', None), e=-3):
        global counter
        counter += 1
        del a[0]
        assert b, 'message'
        return a, b

    async def coro(self):
        async with lock() as held:
            await asyncio.sleep(0)
        async for item in stream():
            yield item

    def gen(self):
        x = yield
        y = yield from inner()
        return x, y


def outer():
    value = 1

    def inner():
        nonlocal value
        value += 1
        return value
    return inner


for i, (a, b) in enumerate(pairs()):
    if i:
        continue
    break
else:
    pass

while running():
    eventlet.sleep(0)
else:
    done()

with open('f') as fh, eventlet.Timeout(5, False):
    data = fh.read()

try:
    risky()
except eventlet.Timeout as exc:
    raise RuntimeError('timed out') from exc
except:
    raise

match command.split():
    case [action]:
        run(action)
    case [action, obj] if valid(obj):
        run(action, obj)
    case Point(x=0, y=0) | Point(x=1):
        origin()
    case {'key': value, **rest}:
        mapping(value, rest)
    case str() | bytes() as text:
        handle(text)
    case _:
        fallback()

x: list[int] = []
a = b = c = make()
a, *rest = values()
first, second = second, first
matrix @= other
counter **= 2
result = (n := compute()) and n > 1 or not n
items[1:2] = [3]
obj.attr += 1
