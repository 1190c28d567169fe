from nimbus import conf

value = conf.CONF.worker.heartbeat_in_pthread
