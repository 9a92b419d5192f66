#!/usr/bin/env python3
"""SimPy 4 reference implementation of the recoverysim benchmark model.

This is the "peer" implementation used by the speed benchmark: the C++
engine is timed against it, and both must agree on mean service downtime
within their confidence intervals.

Reference model
---------------
* 10 groups of 5 identical, independent components (50 components).
* A group is up while at least 3 of its 5 components are up (3-out-of-5).
* The service is up while all 10 groups are up (series of groups).
* Each component alternates up/down: time to failure ~ Exponential(mean
  1000 h), repair time ~ Exponential(mean 4 h). Every component is repaired
  independently (unlimited repairmen); repair starts at the failure instant.
* All components start up at t = 0; the horizon is 8760 h (one year).

Per replication the simulation reports
* ``downtime`` - hours in [0, horizon] during which the service is down (an
  outage still in progress at the horizon is counted up to the horizon),
* ``outages``  - number of service up -> down transitions,
* ``events``   - number of component failures plus repair completions
  processed before the horizon.

Implementation: one SimPy process per component looping
``timeout(ttf) -> mark down -> timeout(repair) -> mark up``. Group up-counts
and the number of down groups are maintained incrementally on each
transition, so the service state and the instants it changes are known
exactly (no polling).

Analytic sanity value
---------------------
Steady-state component unavailability q = MTTR / (MTTF + MTTR) = 4/1004.
Components are independent (unlimited repair), so a group is up with
probability  P(group up) = sum_{i=3..5} C(5,i) (1-q)^i q^(5-i)  and the
service unavailability is  U = 1 - P(group up)^10  ~= 6.27e-6.
The expected yearly downtime is therefore about 8760 * U ~= 0.0549 h. The
simulated value is very slightly lower because all components start up
(the transient relaxes with time constant ~4 h, negligible over a year).
Note that outages are rare (~0.04 per replication-year; a group outage lasts
~4/3 h on average), so the downtime estimator has a large relative variance:
a few hundred replications give only a rough CI.
"""

import argparse
import math
import time

import numpy as np
import simpy

N_GROUPS = 10
GROUP_SIZE = 5
K_NEEDED = 3  # group is up while >= K_NEEDED components are up
MTTF = 1000.0  # hours
MTTR = 4.0  # hours
HORIZON = 8760.0  # hours


def exact_steady_unavailability(mttf=MTTF, mttr=MTTR, n_groups=N_GROUPS, group_size=GROUP_SIZE, k_needed=K_NEEDED):
    """Steady-state service unavailability 1 - P(group up)^n_groups."""
    q = mttr / (mttf + mttr)
    p_group_up = sum(math.comb(group_size, i) * (1.0 - q) ** i * q ** (group_size - i) for i in range(k_needed, group_size + 1))
    return 1.0 - p_group_up**n_groups


class Replication:
    """State of one replication: group up-counts and service outage bookkeeping."""

    def __init__(self, env, rng):
        self.env = env
        self.rng = rng
        self.up_count = [GROUP_SIZE] * N_GROUPS
        self.groups_down = 0
        self.down_since = 0.0
        self.downtime = 0.0
        self.outages = 0
        self.events = 0
        for g in range(N_GROUPS):
            for _ in range(GROUP_SIZE):
                env.process(self.component(g))

    def component(self, g):
        env, rng = self.env, self.rng
        while True:
            yield env.timeout(rng.exponential(MTTF))
            self.fail(g)
            yield env.timeout(rng.exponential(MTTR))
            self.repair(g)

    def fail(self, g):
        self.events += 1
        self.up_count[g] -= 1
        if self.up_count[g] == K_NEEDED - 1:  # group just went down
            self.groups_down += 1
            if self.groups_down == 1:  # service just went down
                self.outages += 1
                self.down_since = self.env.now

    def repair(self, g):
        self.events += 1
        self.up_count[g] += 1
        if self.up_count[g] == K_NEEDED:  # group just came back up
            self.groups_down -= 1
            if self.groups_down == 0:  # service just came back up
                self.downtime += self.env.now - self.down_since

    def finish(self, horizon):
        if self.groups_down > 0:  # outage in progress at horizon
            self.downtime += horizon - self.down_since


def run_replication(seed, horizon=HORIZON):
    """Simulate one replication; returns (downtime, outages, events)."""
    env = simpy.Environment()
    rep = Replication(env, np.random.default_rng(seed))
    env.run(until=horizon)  # events at t >= horizon are not processed
    rep.finish(horizon)
    return rep.downtime, rep.outages, rep.events


def simulate(replications: int, seed: int = 1, horizon: float = HORIZON) -> dict:
    """Run `replications` independent replications (RNG seed = seed + r)."""
    t0 = time.perf_counter()
    downtime = np.empty(replications)
    outages = np.empty(replications, dtype=np.int64)
    events = np.empty(replications, dtype=np.int64)
    for r in range(replications):
        downtime[r], outages[r], events[r] = run_replication(seed + r, horizon)
    return {"downtime": downtime, "outages": outages, "events": events, "seconds": time.perf_counter() - t0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--replications", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    res = simulate(args.replications, args.seed)
    n, secs = args.replications, res["seconds"]
    dt = res["downtime"]
    mean = dt.mean()
    half = 1.96 * dt.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
    u = exact_steady_unavailability()
    print(f"replications      : {n} in {secs:.3f} s")
    print(f"replications/s    : {n / secs:.1f}")
    print(f"events/s          : {res['events'].sum() / secs:.0f} (mean {res['events'].mean():.1f} events/replication)")
    print(f"mean outages      : {res['outages'].mean():.4f}")
    print(f"mean downtime [h] : {mean:.5f} +/- {half:.5f} (95% CI [{mean - half:.5f}, {mean + half:.5f}])")
    print(f"exact steady [h]  : {HORIZON * u:.5f} (unavailability {u:.4e})")


if __name__ == "__main__":
    main()
