import queue


class ClientPool:
    def __init__(self, size):
        self._free = queue.Queue(size)
        for _ in range(size):
            self._free.put(make_client())

    def get(self):
        return self._free.get()

    def put(self, client):
        self._free.put(client)
