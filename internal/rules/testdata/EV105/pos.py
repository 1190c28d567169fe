from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eventlet.greenpool import GreenPool  # want EV105
