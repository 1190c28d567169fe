from nimbus import db

db.connect('sqlite://')
