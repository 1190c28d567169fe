from nimbus.virt import tpool

tpool.execute(print)
