from nimbus import corolocal

store = corolocal.local()
