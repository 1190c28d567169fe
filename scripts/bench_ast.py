"""Baseline for scripts/bench-frontend.sh: CPython's ast over a tree.

Each of N processes reads its share of the .py files (untimed), then parses
every file with ast.parse and walks the whole tree (timed). The reported
time is the slowest process's, i.e. the wall time of the parallel phase.
"""
import argparse
import ast
import multiprocessing
import os
import statistics
import sys
import time
import warnings


def work(paths):
    srcs = []
    for p in paths:
        with open(p, "rb") as f:
            srcs.append(f.read())
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    nodes = errors = 0
    for s in srcs:
        try:
            tree = ast.parse(s)
        except (SyntaxError, ValueError):
            errors += 1
            continue
        for _ in ast.walk(tree):
            nodes += 1
    return time.perf_counter() - start, nodes, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    files = []
    for d in a.dirs:
        for root, dirnames, names in os.walk(d):
            dirnames[:] = [x for x in dirnames if x not in (".git", ".tox")]
            files += [os.path.join(root, n) for n in names if n.endswith(".py")]
    files.sort()
    sizes = {p: os.path.getsize(p) for p in files}
    # Balance shares by size, largest first.
    shares = [[] for _ in range(a.procs)]
    loads = [0] * a.procs
    for p in sorted(files, key=lambda p: -sizes[p]):
        i = loads.index(min(loads))
        shares[i].append(p)
        loads[i] += sizes[p]
    total = sum(sizes.values())
    times = []
    with multiprocessing.Pool(a.procs) as pool:
        for _ in range(a.repeat):
            res = pool.map(work, shares)
            times.append(max(r[0] for r in res))
    med = statistics.median(times)
    print("files %d\nbytes %d\nprocs %d\nruns %d\nmedian_seconds %.4f\nmb_per_s %.1f" % (
        len(files), total, a.procs, a.repeat, med, total / med / 1e6))


if __name__ == "__main__":
    sys.exit(main())
