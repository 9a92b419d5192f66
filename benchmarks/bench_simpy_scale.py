#!/usr/bin/env python3
"""The SimPy peer at scale: the size-sweep model of ``bench_scale.py`` in SimPy 4 and in the engine.

Model (``bench_scale.build(n, "groups")``): n components in groups of 5, each group up while 3 of
its 5 are up, all groups in series under one service; failures exponential with mean 1000 h,
repairs exponential with mean 4 h, independent repair, one year, all start up. The SimPy side is
the reference peer of ``simpy_reference.py`` (one process per component, group up-counts kept
incrementally) with the number of groups as a parameter.

Prints the events per second of both on one thread, their ratio, and checks that they agree on
mean downtime: the difference of the two means lies within 4 standard errors of the difference.

    python benchmarks/bench_simpy_scale.py [--components 5000] [--simpy-reps 10] [--engine-reps 100]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np
import simpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_scale  # noqa: E402
import simpy_reference as peer  # noqa: E402


class Replication:
    """One replication of ``n_groups`` groups of 3-of-5 in series (the peer's logic, sized)."""

    def __init__(self, env: simpy.Environment, rng: np.random.Generator, n_groups: int) -> None:
        self.env, self.rng = env, rng
        self.up_count = [peer.GROUP_SIZE] * n_groups
        self.groups_down = 0
        self.down_since = 0.0
        self.downtime = 0.0
        self.events = 0
        for g in range(n_groups):
            for _ in range(peer.GROUP_SIZE):
                env.process(self.component(g))

    def component(self, g: int):  # noqa: ANN201 - a SimPy process
        env, rng = self.env, self.rng
        while True:
            yield env.timeout(rng.exponential(peer.MTTF))
            self.events += 1
            self.up_count[g] -= 1
            if self.up_count[g] == peer.K_NEEDED - 1:
                self.groups_down += 1
                if self.groups_down == 1:
                    self.down_since = env.now
            yield env.timeout(rng.exponential(peer.MTTR))
            self.events += 1
            self.up_count[g] += 1
            if self.up_count[g] == peer.K_NEEDED:
                self.groups_down -= 1
                if self.groups_down == 0:
                    self.downtime += env.now - self.down_since

    def finish(self, horizon: float) -> None:
        if self.groups_down > 0:
            self.downtime += horizon - self.down_since


def simpy_run(n_groups: int, reps: int, seed: int) -> tuple[np.ndarray, int, float]:
    t0 = time.perf_counter()
    downtime = np.empty(reps)
    events = 0
    for r in range(reps):
        env = simpy.Environment()
        rep = Replication(env, np.random.default_rng(seed + r), n_groups)
        env.run(until=peer.HORIZON)
        rep.finish(peer.HORIZON)
        downtime[r], events = rep.downtime, events + rep.events
    return downtime, events, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--components", type=int, default=5000)
    ap.add_argument("--simpy-reps", type=int, default=10)
    ap.add_argument("--engine-reps", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    n_groups = args.components // peer.GROUP_SIZE

    m = bench_scale.build(args.components, "groups")
    m.simulate(horizon=peer.HORIZON, replications=1, seed=args.seed, threads=1, progress=False)  # warm-up
    t0 = time.perf_counter()
    res = m.simulate(horizon=peer.HORIZON, replications=args.engine_reps, seed=args.seed, threads=1, progress=False)
    e_secs = time.perf_counter() - t0
    e_dt = res.downtime("service")
    e_rate = res.events / e_secs

    s_dt, s_events, s_secs = simpy_run(n_groups, args.simpy_reps, args.seed)
    s_rate = s_events / s_secs

    def mean_se(x: np.ndarray) -> tuple[float, float]:
        return float(x.mean()), float(x.std(ddof=1)) / math.sqrt(x.size) if x.size > 1 else math.inf

    (em, ese), (sm, sse) = mean_se(e_dt), mean_se(s_dt)
    se = math.hypot(ese, sse)
    print(f"model             : {args.components:,} components, {n_groups:,} groups of 3-of-5 in series, one year")
    print(f"engine (1 thread) : {args.engine_reps} replications in {e_secs:.2f} s, {e_rate:,.0f} events/s, {1e9 / e_rate:.0f} ns/event")
    print(f"SimPy             : {args.simpy_reps} replications in {s_secs:.2f} s, {s_rate:,.0f} events/s, {1e9 / s_rate:.0f} ns/event")
    print(f"ratio             : engine / SimPy = {e_rate / s_rate:.1f}x events per second")
    exact = peer.HORIZON * peer.exact_steady_unavailability(n_groups=n_groups)
    print(f"mean downtime [h] : engine {em:.4f} +/- {1.96 * ese:.4f}, SimPy {sm:.4f} +/- {1.96 * sse:.4f}, steady state {exact:.4f}")
    agree = abs(em - sm) <= 4 * se
    print(f"agreement         : difference {em - sm:+.4f} h, {'within' if agree else 'OUTSIDE'} 4 standard errors ({4 * se:.4f} h)")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
