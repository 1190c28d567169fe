from oslo_utils import timeutils

now = timeutils.utcnow()
