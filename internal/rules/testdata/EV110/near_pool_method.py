from nimbus.common import utils

# A project's own spawn helper and a pool method of unknown type are not
# eventlet's spawn.
utils.spawn(print)
pool = make_pool()
pool.spawn(print)
spawn = utils.spawn
spawn(print)
