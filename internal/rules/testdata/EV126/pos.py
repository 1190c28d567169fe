from eventlet import websocket


@websocket.WebSocketWSGI  # want EV126
def handle(ws):
    pass
