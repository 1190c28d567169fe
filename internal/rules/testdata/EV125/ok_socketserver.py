import socketserver

socketserver.ThreadingTCPServer(('', 1234), Handler).serve_forever()
