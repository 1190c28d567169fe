import httplib2
