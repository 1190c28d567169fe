import concurrent.futures

import eventlet
from eventlet import GreenPile


def fetch_all(nodes):
    pile = GreenPile(len(nodes))
    for n in nodes:
        pile.spawn(fetch, n)
    return dict(zip(nodes, pile))  # want EV507


def numbered(nodes):
    pile = eventlet.GreenPile()
    for n in nodes:
        pile.spawn(fetch, n)
    for i, r in enumerate(pile):  # want EV507
        print(i, r)


def fragments(responses):
    # a pile keeps the fragments in order
    pile = GreenPile(len(responses))
    for r in responses:
        pile.spawn(read, r)
    payload = [f for f in pile]  # want EV507
    return payload


def collect(nodes):
    pile = GreenPile()
    for n in nodes:
        pile.spawn(fetch, n)
    out = []
    for r in pile:  # want EV507
        out.append(r)
    return out, list(pile)  # want EV507


def wrong_pairing(executor, nodes):
    futs = [executor.submit(fetch, n) for n in nodes]
    return list(zip(nodes, concurrent.futures.as_completed(futs)))  # want EV507


def tally(nodes):
    pile = GreenPile()
    for n in nodes:
        pile.spawn(fetch, n)
    # the order does not matter here
    return [r for r in pile]  # want EV507
