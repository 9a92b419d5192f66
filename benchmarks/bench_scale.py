#!/usr/bin/env python3
"""Size sweep: cost per event and peak memory from 50 to 20,000 components, one thread.

Model: groups of 5 identical components, each group up when 3 of its 5 are up, all groups in
series under one top service; failures exponential with mean 1000 h, repairs exponential with
mean 4 h, horizon one year, all start up. Every row simulates about the same total number of
events (replications shrink as the model grows), so a flat "ns per event" column means the cost
of an event does not grow with the model. A second shape, one k-of-N quorum over all components
(``--shape quorum``), isolates the cost of a single wide gate.

Each row runs in a fresh subprocess so that its peak resident memory (``ru_maxrss``) is its own.
Beside each ``groups`` row runs the practical limit at that size (``minimal_loop.cpp`` with as many
groups, the same events): how much of the growth any event loop pays (a deeper event heap, state
that no longer fits in the caches) and how much is the engine's own.

    python benchmarks/bench_scale.py [--sizes 50 500 5000 20000] [--events 17e6] [--shape groups]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

MTTF, MTTR, HORIZON = 1000.0, 4.0, 8760.0
GROUP, NEEDED = 5, 3


def build(n: int, shape: str):  # noqa: ANN201 - recoverysim is imported in the child only
    import recoverysim as rs

    m = rs.Model(f"sweep-{shape}-{n}")
    names = [f"c{i}" for i in range(n)]
    for c in names:
        m.component(c, mttf=MTTF, mttr=MTTR)
    if shape == "quorum":
        m.service("service", rs.k_of_n(n - n // 50 - 1, *names))  # tolerates 2% of members down
        return m
    groups = []
    for g in range(n // GROUP):
        m.service(f"g{g}", rs.k_of_n(NEEDED, *names[g * GROUP : (g + 1) * GROUP]))
        groups.append(f"g{g}")
    m.service("service", rs.all_of(*groups))
    return m


def child(n: int, reps: int, shape: str) -> None:
    m = build(n, shape)
    compiled_t0 = time.perf_counter()
    m.compile()
    compile_s = time.perf_counter() - compiled_t0
    m.simulate(horizon=HORIZON, replications=1, seed=1, threads=1, progress=False)  # warm-up
    t0 = time.perf_counter()
    res = m.simulate(horizon=HORIZON, replications=reps, seed=7, threads=1, progress=False, per_replication=True)
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {
        "components": n,
        "services": len(m.services),
        "replications": reps,
        "events": res.events,
        "seconds": seconds,
        "compile_s": compile_s,
        "peak_mb": peak_kib / 1024,
        "downtime_h": float(res.downtime("service").mean()),
    }
    print(json.dumps(out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 5000, 20000])
    ap.add_argument("--events", type=float, default=17e6, help="total events per row (about)")
    ap.add_argument("--shape", choices=["groups", "quorum"], default="groups")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(int(args.child[0]), int(args.child[1]), args.child[2])
        return 0

    # Each component fails about HORIZON / (MTTF + MTTR) times a year: two events per failure.
    per_component = 2 * HORIZON / (MTTF + MTTR)
    rows = []
    limit = args.shape == "groups"
    if limit:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_reference import minimal_loop  # noqa: PLC0415 - imports recoverysim: only in the parent
    head = f"{'components':>10} {'services':>9} {'reps':>7} {'events':>12} {'ns/event':>9} {'peak MB':>9} {'MB/rep':>8}"
    print(head + (f" {'limit ns':>9} {'ratio':>6}" if limit else ""), flush=True)
    for n in args.sizes:
        reps = max(1, round(args.events / (per_component * n)))
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n), str(reps), args.shape], check=True, capture_output=True, text=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        r["ns_per_event"] = 1e9 * r["seconds"] / r["events"]
        rows.append(r)
        line = (
            f"{n:>10,} {r['services']:>9,} {reps:>7,} {r['events']:>12,} {r['ns_per_event']:>9.0f} {r['peak_mb']:>9.0f}"
            f" {r['peak_mb'] / reps:>8.1f}"
        )
        if limit:
            seconds, events, _, _ = minimal_loop(reps, 7, n // GROUP)
            r["limit_ns"] = 1e9 * seconds / events
            line += f" {r['limit_ns']:>9.0f} {r['limit_ns'] / r['ns_per_event']:>5.2f}x"
        print(line, flush=True)
    base = rows[0]["ns_per_event"]
    worst = max(r["ns_per_event"] for r in rows)
    print(f"\ncost per event, largest / smallest model: {worst / base:.2f}x   (target <= 2x)")
    if limit:
        lb, lw = rows[0]["limit_ns"], rows[-1]["limit_ns"]
        print(f"the minimal loop, largest / smallest model: {lw / lb:.2f}x (what any event loop pays for the size)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
