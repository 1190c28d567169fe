from oslo_concurrency import lockutils

sem = lockutils.Semaphores()
