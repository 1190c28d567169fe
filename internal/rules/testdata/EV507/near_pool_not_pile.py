from eventlet import GreenPool


def run(nodes):
    pool = GreenPool()
    for n in nodes:
        pool.spawn(fetch, n)
    pile = [n for n in nodes]
    for n in pile:
        print(n)
    return list(zip(nodes, pile))
