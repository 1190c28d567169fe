"""Writes the synthetic Rally results used by internal/compare tests.

Made up for letgo (not real Rally output): two arms of two workloads in the
current task-export format, and two arms in the legacy `rally task results`
format with durations on a 3 s polling grid. Deterministic.
    python3 internal/compare/testdata/make_rally.py
"""
import json
import math
import random


def current(path, boot_scale, seed, fail_at):
    rng = random.Random(seed)
    def it(i, boot, delete):
        t0 = 1700000000.0 + i * 30
        wait = boot * 0.7
        return {
            "timestamp": t0, "duration": boot + delete, "idle_duration": 0.0,
            "error": ["TimeoutException", "boot timed out", ""] if i == fail_at else [],
            "atomic_actions": [
                {"name": "nova.boot_server", "started_at": t0, "finished_at": t0 + boot, "failed": i == fail_at,
                 "children": [{"name": "nova.wait_for_server", "started_at": t0 + 0.1, "finished_at": t0 + 0.1 + wait, "children": []}]},
                {"name": "nova.delete_server", "started_at": t0 + boot, "finished_at": t0 + boot + delete, "children": []},
            ],
        }
    data = [it(i, round(10 * boot_scale * math.exp(rng.gauss(0, 0.02)), 4), round(4 * math.exp(rng.gauss(0, 0.01)), 4)) for i in range(20)]
    workloads = [
        {"uuid": "w1", "name": "NovaServers.boot_and_delete_server", "description": "",
         "args": {"flavor": {"name": "m1.tiny"}, "image": {"name": "cirros"}},
         "runner": {"type": "constant", "times": 20, "concurrency": 2},
         "contexts": {}, "sla": {}, "data": data},
        {"uuid": "w2", "name": "Authenticate.keystone", "args": {}, "runner": {"type": "constant", "times": 12, "concurrency": 1},
         "data": [{"timestamp": 0, "duration": round(0.2 * math.exp(rng.gauss(0, 0.05)), 4), "idle_duration": 0, "error": [],
                   "atomic_actions": [{"name": "keystone.token", "started_at": 0, "finished_at": 0.15, "children": []}]} for _ in range(12)]},
    ]
    doc = {"info": {"rally_version": "3.4.0", "format_version": "1.2"},
           "tasks": [{"uuid": "t1", "title": "letgo synthetic", "subtasks": [{"title": "s1", "workloads": workloads}]}]}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


def legacy(path, offset, seed):
    rng = random.Random(seed)
    results = [{"duration": 3.0 * (3 + rng.randint(0, 2)) + offset, "idle_duration": 0.0, "error": [],
                "atomic_actions": {"cinder.create_volume": 3.0 * (2 + rng.randint(0, 1))}} for _ in range(15)]
    doc = [{"key": {"name": "CinderVolumes.create_and_delete_volume", "pos": 0,
                    "kw": {"args": {"size": 1}, "runner": {"type": "constant", "times": 15, "concurrency": 1}, "context": {}}},
            "result": results, "sla": [], "load_duration": 100.0, "full_duration": 120.0}]
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


current("rally-eventlet.json", 1.0, 1, fail_at=-1)
current("rally-threading.json", 1.2, 2, fail_at=7)
legacy("legacy-eventlet.json", 0.0, 3)
legacy("legacy-threading.json", 0.0, 4)
