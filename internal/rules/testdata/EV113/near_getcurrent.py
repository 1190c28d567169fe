from nimbus import context

ctx = context.getcurrent()
