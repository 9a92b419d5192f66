#!/usr/bin/env python3
"""A large realistic fleet: a stake-weighted validator set, an RPC fleet with capacity and a few
shared services, timed in recoverysim (ns per event, peak memory), one and two threads.

Model (``build``), written with fleets (``Model.fleet``) and tag selectors:

- ``validators`` validators over three clouds, stakes heavy-tailed (Pareto, seeded, fixed per
  instance); the chain is live while more than 2/3 of the stake is up; crashes (restart in
  minutes) compete with disk failures (rebuild in hours);
- ``rpc`` RPC nodes of 500 requests/s each, demand 60% of the fleet's capacity, down below half
  of the demand (degraded in between);
- shared services: a pair of load balancers (any of), DNS, an indexer (2 of 3), a database in
  hot standby; the public API needs the chain, the RPC fleet, the balancers and DNS;
- one region outage per cloud (every 2 years, 1-8 h) and a weekly rolling patch of the RPC fleet.

    python benchmarks/bench_fleet.py [--validators 3000] [--rpc 400] [--replications 100] [--threads 1 2]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

import recoverysim as rs

CLOUDS = ("aws-eu", "gcp-us", "bare-metal")


def build(validators: int = 3000, rpc: int = 400, seed: int = 7) -> rs.Model:
    """The fleet model (see the module docstring)."""
    rng = np.random.default_rng(seed)
    stake = np.maximum(1, np.round(10 * (rng.pareto(1.5, validators) + 1))).astype(int)
    m = rs.Model(f"fleet-{validators}v-{rpc}rpc")
    m.crew("sre", 3)
    m.fleet(
        "validator-{i:05d}",
        validators,
        modes=[
            rs.FailureMode("crash", rs.Exponential("1000h"), rs.Exponential("10m")),
            rs.FailureMode("disk", rs.Weibull(1.2, "3y"), [rs.Step("detect", "15m"), rs.Step("rebuild", rs.Triangular("2h", "6h", "24h"))]),
        ],
        tags={"role": "validator", "stake": [str(s) for s in stake], "cloud": [CLOUDS[i % 3] for i in range(validators)]},
    )
    m.fleet("rpc-{i:04d}", rpc, mttf="1500h", mttr="1h", tags={"role": "rpc", "rps": "500", "cloud": [CLOUDS[i % 2] for i in range(rpc)]})
    m.fleet("lb-{i}", 2, mttf="8000h", mttr="30m", tags={"role": "lb", "cloud": "aws-eu"})
    m.component("dns", mttf="20000h", mttr="15m")
    m.fleet(
        "indexer-{i}",
        3,
        failure=rs.Exponential("2000h"),
        repair=rs.Step("resync", "3h", crew="sre"),
        tags={"role": "indexer", "cloud": "gcp-us"},
    )
    m.fleet(
        "db-{i}", 2, failure=rs.Exponential("4000h"), repair=rs.Step("restore", "4h", crew="sre"), tags={"role": "db", "cloud": "aws-eu"}
    )
    m.service("chain", rs.weighted(tags={"role": "validator"}, weight="stake", more_than="2/3"))
    m.service("rpc", rs.capacity(tags={"role": "rpc"}, weight="rps"), demand=0.6 * 500 * rpc, down_below="50%")
    m.service("indexer", rs.k_of_n(2, tags={"role": "indexer"}))
    m.service("db", rs.standby("db-1", "db-2", detection="1m", switchover="2m", dormancy=1))
    m.service("api", rs.all_of("chain", "rpc", rs.any_of(tags={"role": "lb"}), "dns", "indexer", "db"), rto="1h", availability="99.95%")
    for cloud in CLOUDS:
        m.shock(f"{cloud}-outage", every="2y", targets={"cloud": cloud}, outage=rs.Uniform("1h", "8h"))
    m.maintenance("rpc-patch", targets={"role": "rpc"}, every="1w", duration="10m", rolling=max(1, rpc // 20))
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--validators", type=int, default=3000)
    ap.add_argument("--rpc", type=int, default=400)
    ap.add_argument("--replications", type=int, default=200)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    t0 = time.perf_counter()
    m = build(args.validators, args.rpc)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    m.compile()
    compiled = time.perf_counter() - t0
    print(
        f"model   : {len(m.components):,} components, {len(m.services)} services, {len(m.shocks)} shocks (built in {built:.2f} s, compiled in {compiled:.2f} s)"
    )
    m.simulate("1y", 1, seed=args.seed, threads=1, progress=False)  # warm-up
    res = None
    for threads in args.threads:
        t0, c0 = time.perf_counter(), time.process_time()
        res = m.simulate("1y", args.replications, seed=args.seed, threads=threads, progress=False)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"threads {threads}: {args.replications} replications of a year in {secs:.2f} s, {res.events / args.replications:,.0f} events"
            f" per replication, {1e9 * secs / res.events:.0f} ns/event (wall clock), {1e9 * cpu / res.events:.0f} CPU-ns/event"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak    : {peak:,.0f} MB resident (whole process)")
    assert res is not None
    for s in ("chain", "rpc", "api"):
        print(f"{s:8}: availability {res.availability(s).mean:.6f}, downtime {res.downtime(s).mean():.2f} h/y")
    print(
        f"rpc     : degraded {res.capacity_hours('rpc')['degraded'].mean():.2f} h/y, demand not served {res.unserved_fraction('rpc').mean:.2e}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
