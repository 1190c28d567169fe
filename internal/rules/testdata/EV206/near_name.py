from nimbus import patcher

patcher.original('threading')
