import concurrent.futures

from eventlet import GreenPile


def count(nodes):
    pile = GreenPile()
    for n in nodes:
        pile.spawn(check, n)
    return sum(pile)


def distinct(nodes):
    pile = GreenPile()
    for n in nodes:
        pile.spawn(check, n)
    return {r for r in pile}, sorted(pile), any(pile)


def as_they_come(executor, nodes):
    futs = {executor.submit(fetch, n): n for n in nodes}
    for fut in concurrent.futures.as_completed(futs):
        print(futs[fut], fut.result())
