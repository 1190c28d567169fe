# fixture: path=nimbus/tests/unit/test_heart.py
import time


class TestHeart:
    def test_heartbeat_loop(self):
        heart = self.coord.heart
        heart.start()
        while not heart.beats:
            time.sleep(1)
