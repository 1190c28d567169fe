from oslo_config import cfg

cfg.CONF.set_override('heartbeat_timeout_threshold', 60, group='oslo_messaging_rabbit')
