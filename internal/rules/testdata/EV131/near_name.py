from nimbus import backdoor

backdoor.open()
