from nimbus.objects import event

e = event.Event(name='x')
