import websockets

server = websockets.serve(handle, 'localhost', 8765)
