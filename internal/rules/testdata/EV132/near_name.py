from nimbus import greenlet_utils

greenlet_utils.getcurrent()
