from oslo_concurrency import processutils

processutils.execute('ls', run_as_root=False)
