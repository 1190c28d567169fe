from nimbus.api import app

application = app.build()
