#!/usr/bin/env python3
"""Reference benchmark: recoverysim against SimPy 4 on the same model, in one run.

Model (see simpy_reference.py): 10 groups of 5 identical components, each group up when at
least 3 of its 5 are up, the service up when all 10 groups are up; failures exponential with
mean 1000 h, repairs exponential with mean 4 h, independent repair; horizon 8760 h, all start up.

Beside SimPy it runs the practical limit: minimal_loop.cpp, the smallest hand-written C++ loop of
the same model (built here with the compiler and -O3 on first use). Prints replications per
second and events per second of all three, the speed ratios (engine on one thread / SimPy; engine
/ minimal loop; two threads / one thread), and checks that both agree on mean downtime: the
difference of the two means must lie within its 95% confidence interval, and both must cover the
exact steady-state value within theirs (up to the small start-all-up transient).

    python benchmarks/bench_reference.py [--simpy-reps 5000] [--engine-reps 200000]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import simpy_reference as peer  # noqa: E402

import recoverysim as rs  # noqa: E402


def reference_model() -> rs.Model:
    m = rs.Model("reference-10x(3-of-5)")
    groups = []
    for g in range(peer.N_GROUPS):
        names = [f"g{g}-c{i}" for i in range(peer.GROUP_SIZE)]
        for n in names:
            m.component(n, mttf=peer.MTTF, mttr=peer.MTTR)
        groups.append(rs.k_of_n(peer.K_NEEDED, *names))
    m.service("service", rs.all_of(*groups))
    return m


def ci(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), 1.96 * float(x.std(ddof=1)) / math.sqrt(x.size)


def engine_run(m: rs.Model, reps: int, threads: int, seed: int) -> tuple[rs.Results, float]:
    m.simulate(horizon=peer.HORIZON, replications=min(reps, 2000), seed=seed, threads=threads, progress=False)  # warm-up
    t0 = time.perf_counter()
    res = m.simulate(horizon=peer.HORIZON, replications=reps, seed=seed, threads=threads, progress=False)
    return res, time.perf_counter() - t0


HERE = Path(__file__).resolve().parent
LIMIT_SOURCE = HERE / "minimal_loop.cpp"
LIMIT_BINARY = HERE.parent / "build" / "bench" / "minimal_loop"


def minimal_loop(reps: int, seed: int, groups: int = 10) -> tuple[float, int, float, float]:
    """Build (once) and run the minimal loop: (seconds, events, mean downtime, std downtime)."""
    if not LIMIT_BINARY.exists() or LIMIT_BINARY.stat().st_mtime < LIMIT_SOURCE.stat().st_mtime:
        cxx = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")
        if cxx is None:
            raise SystemExit("no C++ compiler found for benchmarks/minimal_loop.cpp (set CXX)")
        LIMIT_BINARY.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([cxx, "-O3", "-std=c++20", str(LIMIT_SOURCE), "-o", str(LIMIT_BINARY)], check=True)
    subprocess.run([str(LIMIT_BINARY), str(min(reps, 2000)), str(seed), str(groups)], check=True, capture_output=True)  # warm-up
    out = subprocess.run([str(LIMIT_BINARY), str(reps), str(seed), str(groups)], check=True, capture_output=True, text=True).stdout.split()
    return float(out[1]), int(out[2]), float(out[3]), float(out[4])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--simpy-reps", type=int, default=5000)
    ap.add_argument("--engine-reps", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()

    m = reference_model()
    exact = peer.HORIZON * peer.exact_steady_unavailability()

    print(f"SimPy {__import__('simpy').__version__}: {args.simpy_reps} replications ...", flush=True)
    s = peer.simulate(args.simpy_reps, seed=args.seed)
    s_rps = args.simpy_reps / s["seconds"]
    s_eps = s["events"].sum() / s["seconds"]

    print(f"recoverysim {rs.__version__}: {args.engine_reps} replications on 1 and 2 threads ...", flush=True)
    r1, t1 = engine_run(m, args.engine_reps, 1, args.seed)
    print(f"minimal C++ loop (benchmarks/minimal_loop.cpp): {args.engine_reps} replications ...", flush=True)
    lt, l_events, lm, ls = minimal_loop(args.engine_reps, args.seed)
    r2, t2 = engine_run(m, args.engine_reps, 2, args.seed)
    assert np.array_equal(r1.downtime("service"), r2.downtime("service")), "threads changed results"
    e_rps1, e_rps2 = args.engine_reps / t1, args.engine_reps / t2
    e_eps1, e_eps2 = r1.events / t1, r2.events / t2

    sm, sh = ci(s["downtime"])
    em, eh = ci(r1.downtime("service"))
    diff, diff_h = em - sm, math.hypot(sh, eh)

    print()
    print(f"{'':28}{'replications/s':>16}{'events/s':>16}{'events/rep':>12}")
    print(f"{'SimPy 4 (1 process)':28}{s_rps:16,.0f}{s_eps:16,.0f}{s['events'].mean():12.1f}")
    print(f"{'minimal loop (the limit)':28}{args.engine_reps / lt:16,.0f}{l_events / lt:16,.0f}{l_events / args.engine_reps:12.1f}")
    print(f"{'recoverysim, 1 thread':28}{e_rps1:16,.0f}{e_eps1:16,.0f}{r1.events / args.engine_reps:12.1f}")
    print(f"{'recoverysim, 2 threads':28}{e_rps2:16,.0f}{e_eps2:16,.0f}")
    print()
    speedup = e_rps1 / s_rps
    scaling = e_rps2 / e_rps1
    limit = lt / t1  # replications per second, engine over the minimal loop
    print(f"ratio recoverysim(1 thread) / SimPy : {speedup:8.1f}x   (target >= 20x)")
    print(f"ratio recoverysim(1 thread) / limit : {limit:8.2f}x   (target >= 0.9x)")
    print(f"ns per event: recoverysim {1e9 * t1 / r1.events:.0f}, minimal loop {1e9 * lt / l_events:.0f}")
    print(f"ratio 2 threads / 1 thread          : {scaling:8.2f}x   (target >= 1.8x)")
    print()
    print("mean downtime per year (hours), 95% CI")
    print(f"  SimPy        {sm:.5f} +/- {sh:.5f}")
    print(f"  recoverysim  {em:.5f} +/- {eh:.5f}")
    print(f"  minimal loop {lm:.5f} +/- {1.96 * ls / math.sqrt(args.engine_reps):.5f}")
    print(f"  difference   {diff:+.5f} +/- {diff_h:.5f}  -> {'agree' if abs(diff) <= diff_h else 'DISAGREE'}")
    print(f"  exact steady {exact:.5f} (start-all-up makes the simulated mean very slightly lower)")
    ok = abs(diff) <= diff_h and speedup >= 20 and scaling >= 1.8 and limit >= 0.9
    print()
    print("PASS" if ok else "FAIL: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
