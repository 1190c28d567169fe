"""Writes two large synthetic Rally results for timing `letgo compare`.

Made up for letgo (not real Rally output): arms A and B in the current
task-export format, each with WORKLOADS workloads of ITERATIONS iterations
and two atomic actions (three cells per workload). B is 3% slower on even
workloads; timings are rounded to the millisecond, and every fourth workload
sits on a 10 ms grid, so ties are common as in real Rally output.
Deterministic; writes A.json and B.json into OUTDIR (never into the repo).

    python3 scripts/gen_rally_bench.py OUTDIR [ITERATIONS [WORKLOADS]]
    letgo compare --format json OUTDIR/A.json OUTDIR/B.json
"""
import json
import math
import os
import random
import sys


def arm(path, slow, seed, iterations, workloads):
    rng = random.Random(seed)
    ws = []
    for w in range(workloads):
        grid = 0.01 if w % 4 == 3 else 0.001
        factor = slow if w % 2 == 0 else 1.0
        data = []
        for i in range(iterations):
            t0 = 1700000000.0 + i * 2
            boot = round(factor * 2.0 * math.exp(rng.gauss(0, 0.1)) / grid) * grid
            delete = round(factor * 0.5 * math.exp(rng.gauss(0, 0.1)) / grid) * grid
            data.append({
                "timestamp": t0, "duration": round(boot + delete, 6), "idle_duration": 0.0,
                "error": [],
                "atomic_actions": [
                    {"name": "nova.boot_server", "started_at": t0, "finished_at": round(t0 + boot, 6), "children": []},
                    {"name": "nova.delete_server", "started_at": round(t0 + boot, 6), "finished_at": round(t0 + boot + delete, 6), "children": []},
                ],
            })
        ws.append({"uuid": "w%d" % w, "name": "NovaServers.boot_and_delete_server", "description": "",
                   "args": {"flavor": {"name": "m1.tiny"}, "image": {"name": "cirros"}, "n": w},
                   "runner": {"type": "constant", "times": iterations, "concurrency": 1},
                   "contexts": {}, "sla": {}, "data": data})
    doc = {"info": {"rally_version": "3.4.0", "format_version": "1.2"},
           "tasks": [{"uuid": "t1", "title": "letgo benchmark", "subtasks": [{"title": "s1", "workloads": ws}]}]}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_rally_bench.py OUTDIR [ITERATIONS [WORKLOADS]]")
    out = sys.argv[1]
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    workloads = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    os.makedirs(out, exist_ok=True)
    arm(os.path.join(out, "A.json"), 1.0, 1, iterations, workloads)
    arm(os.path.join(out, "B.json"), 1.03, 2, iterations, workloads)


main()
