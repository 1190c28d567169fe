from nimbus import loader

mod = loader.import_patched('httplib2')
