from nimbus import hubs

hubs.use_hub('poll')
