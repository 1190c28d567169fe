from nimbus.console import websocket

proxy = websocket.WebSocketProxy()
