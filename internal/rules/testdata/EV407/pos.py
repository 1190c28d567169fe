from oslo_config import cfg

cfg.CONF.set_override('heartbeat_in_pthread', True, group='oslo_messaging_rabbit')  # want EV407
enabled = cfg.CONF.oslo_messaging_rabbit.heartbeat_in_pthread  # want EV407
