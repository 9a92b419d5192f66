"""Measured coverage of the 95 % intervals against exact answers.

Three exponential models with exact answers, each cut into GROUPS independent runs of REPS
replications (replication i depends only on (seed, i), so disjoint blocks of one long run are
independent runs, like runs with distinct seeds, only faster). For each group the public
estimators of :class:`recoverysim.Results` (on a Results restricted to the group's
replications) give 95 % intervals of availability, mean downtime, P(SLA met) and RTO
compliance; the test counts how often they contain the exact value.

Exact values:

- availability and mean downtime over the horizon: the transient mean of the Markov chain,
  ``m.exact().mean_availability(service, horizon)`` (from all up, as the simulation starts);
- P(SLA met) = P(downtime D over the horizon H <= (1 - target) H). For a service whose down
  state is left at one rate nu (a single component: nu = mu; two in parallel with their own
  repairs: nu = 2 mu, the first repair ends the outage), count time only while the service is
  up: the service goes down K times during the first u = H - x of up time, and
  D <= x  <=>  the up time reaches u by H  <=>  S_K <= x, S_K the sum of K independent
  Exp(nu) outages. So P(D <= x) = sum_k P(K = k) P(Gamma(k, nu) <= x), with K the number of
  down-visits of the up-states' chain in time u (Poisson(lambda u) for one component; a
  Markov-modulated count for two, from the matrix exponential of its counting generator);
- RTO compliance = P(an outage lasts <= RTO) = 1 - exp(-nu RTO): outage lengths are
  independent of when they start. The pooled estimator leaves out outages still open at the
  horizon and not yet longer than the RTO, a bias of order (RTO / H)(1 - compliance) < 4e-4 of
  the value here, under 1 % of the intervals' half-width.

Tolerance: with the nominal 95 % coverage, the number of covering groups out of GROUPS is
Binomial(GROUPS, 0.95), standard deviation sqrt(0.95 * 0.05 / GROUPS) = 0.49 % for 2000 groups.
The asserted band 93 %..97 % is +-2 points = 4.1 standard deviations: a method with exactly
nominal coverage leaves it with probability < 5e-5 per check (< 1e-3 for the 12 checks), and a
method whose coverage is 91 % or 99 % is outside it with probability > 99.99 %. Run with ``-s``
to print the table (docs/semantics.md, "Statistics", records it).
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from scipy import linalg, stats

import recoverysim as rs

GROUPS = 2000
HORIZON = 8760.0
BAND = (0.93, 0.97)
SEED = 2026


def single(mttf: float, mttr: float, target: float, rto: float) -> rs.Model:
    m = rs.Model("single")
    m.component("c", mttf=mttf, mttr=mttr)
    m.service("s", "c", availability=target, rto=rto)
    return m


def parallel(mttf: float, mttr: float, target: float, rto: float) -> rs.Model:
    m = rs.Model("parallel")
    m.component("a", mttf=mttf, mttr=mttr)
    m.component("b", mttf=mttf, mttr=mttr)
    m.service("s", rs.any_of("a", "b"), availability=target, rto=rto)
    return m


def p_downtime_at_most(x: float, horizon: float, up_generator: np.ndarray, down_rates: np.ndarray, nu: float, kmax: int = 60) -> float:
    """P(downtime over [0, horizon] <= x), starting in up-state 0. ``up_generator``: the chain
    among the up states (time counted while up); ``down_rates[i]``: rate of going down from up
    state i, returning to state i after an Exp(``nu``) outage."""
    u = horizon - x
    s = len(down_rates)
    # Counting generator on (count, state): down-visits add one to the count.
    q = np.zeros(((kmax + 1) * s, (kmax + 1) * s))
    for k in range(kmax + 1):
        blk = slice(k * s, (k + 1) * s)
        q[blk, blk] = up_generator - np.diag(down_rates)
        if k < kmax:
            q[blk, slice((k + 1) * s, (k + 2) * s)] = np.diag(down_rates)
    row = linalg.expm(q * u)[0]
    pk = row.reshape(kmax + 1, s).sum(axis=1)
    assert pk[-1] < 1e-12  # truncation
    return float(pk[0] + sum(pk[k] * stats.gamma.cdf(x, k, scale=1 / nu) for k in range(1, kmax + 1)))


CASES = {
    # Every year has outages (17.5 expected): Student-t means, delta-method compliance.
    "single (A = 99.0 %)": dict(model=single(500.0, 5.0, 0.99, 5.0), reps=50, up=np.array([[0.0]]), down=np.array([1 / 500]), nu=1 / 5.0),
    # Five nines: 91.6 % of years without an outage; mostly-zero means (MOVER), Wilson shares.
    "five nines (A = 99.9995 %)": dict(
        model=single(100_000.0, 0.5, 0.99999, 0.5), reps=200, up=np.array([[0.0]]), down=np.array([1e-5]), nu=1 / 0.5
    ),
    # Two in parallel, each with its own repair: ~28 % of years with an outage.
    "parallel pair (A = 99.96 %)": dict(
        model=parallel(1000.0, 20.0, 0.9999, 5.0),
        reps=100,
        up=np.array([[-2e-3, 2e-3], [1 / 20, -1 / 20]]),
        down=np.array([0.0, 1e-3]),
        nu=2 / 20.0,
    ),
}


class _Block:
    """Replications [lo, hi) of a run's engine results: per-replication arrays sliced, the rest as is."""

    def __init__(self, raw: object, lo: int, hi: int) -> None:
        self._raw, self._lo, self._hi = raw, lo, hi

    def __getattr__(self, name: str) -> object:
        v = getattr(self._raw, name)
        return v[self._lo : self._hi] if name in self._raw.arrays() else v


def groups(res: rs.Results, size: int) -> list[rs.Results]:
    """The run cut into consecutive blocks of ``size`` replications, each a Results of its own."""
    out = []
    for g in range(res.replications // size):
        r = copy.copy(res)
        r.raw = _Block(res.raw, g * size, (g + 1) * size)
        r.replications = size
        out.append(r)
    return out


def exact_values(case: dict) -> dict[str, float]:
    m = case["model"]
    svc = m.services["s"]
    a = float(m.exact().mean_availability("s", HORIZON))
    x = (1 - svc.availability) * HORIZON
    return {
        "availability": a,
        "mean_downtime": (1 - a) * HORIZON,
        "p_sla_met": p_downtime_at_most(x, HORIZON, case["up"], case["down"], case["nu"]),
        "rto_compliance": 1 - math.exp(-case["nu"] * svc.rto),
    }


@pytest.fixture(scope="module")
def coverage() -> dict[str, dict[str, tuple[float, float]]]:
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for name, case in CASES.items():
        exact = exact_values(case)
        res = case["model"].simulate(HORIZON, GROUPS * case["reps"], seed=SEED, threads=2, progress=False)
        covered = dict.fromkeys(exact, 0)
        for r in groups(res, case["reps"]):
            for q, value in exact.items():
                e = getattr(r, q)("s")
                assert 0 <= e.low <= e.mean <= e.high and e.low < e.high, (name, q, e)
                covered[q] += e.low <= value <= e.high
        table[name] = {q: (covered[q] / GROUPS, exact[q]) for q in exact}
    print(f"\ncoverage of the 95 % intervals, {GROUPS} independent runs per model")
    for name, row in table.items():
        print(f"  {name:<28} reps/run {CASES[name]['reps']:>4}  " + "  ".join(f"{q} {c:.1%} (exact {v:.6g})" for q, (c, v) in row.items()))
    return table


@pytest.mark.slow
@pytest.mark.parametrize("quantity", ["availability", "mean_downtime", "p_sla_met", "rto_compliance"])
@pytest.mark.parametrize("model", list(CASES))
def test_95_percent_intervals_cover_the_exact_value(coverage, model, quantity):
    c, _ = coverage[model][quantity]
    assert BAND[0] <= c <= BAND[1], f"{model}: {quantity} covered in {c:.1%} of {GROUPS} runs"


def test_exact_p_sla_met_matches_a_plain_formula():
    # One component: K is Poisson(lambda u); the matrix-exponential path must agree with it.
    lam, mu, h, x = 1 / 500, 1 / 5, HORIZON, 87.6
    u = h - x
    direct = sum(stats.poisson.pmf(k, lam * u) * (stats.gamma.cdf(x, k, scale=1 / mu) if k else 1.0) for k in range(80))
    assert p_downtime_at_most(x, h, np.array([[0.0]]), np.array([lam]), mu) == pytest.approx(direct, rel=1e-10)
