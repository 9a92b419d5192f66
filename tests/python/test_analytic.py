"""The simulator against exact answers from reliability theory.

Every reference value below is computed in this file from a formula whose source is cited next to
it; nothing is fitted to the simulator. Every tolerance is the simulator's own confidence interval:
a check passes when the exact value lies inside the ``CONFIDENCE`` (99.99%) Student-t interval over
replications, i.e. within about 3.9 standard errors. With some 50 checks the chance that any of them
fails by bad luck is below 1%; with fixed seeds the outcome is deterministic anyway (results do not
depend on the thread count).

Starting every component "as good as new and up" at t = 0 biases availability over a finite
horizon upward by O(MTTR / T). The references handle that explicitly:

* exponential components: the exact transient point availability of the two-state Markov process
  is known, so the reference is its exact time average over [0, T] (any horizon);
* general distributions: the steady-state value plus the second-order renewal term b / T
  (see :func:`alternating_renewal`), with T >= 200 cycles so that the remainder is negligible.

Steady-state cases also assert that the horizon is long enough that the transient differs from the
steady-state formula by less than 0.1 standard error, so they verify the steady-state formula
itself, not only the transient.

Run with ``-s`` to print one line per check (exact, estimate, standard error, distance in standard
errors).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pytest
from exactcheck import (
    CONFIDENCE,
    Moments,
    RenewalReference,
    alternating_renewal,
    check,
    check_steady_horizon,
    deterministic_moments,
    exp_moments,
)
from exactcheck import simulate as _simulate_keeping

import recoverysim as rs


def _simulate(model: rs.Model, horizon: float, replications: int, seed: int) -> rs.Results:
    """These checks read per-replication values only: no outage records (the cached results of
    the module then stay small)."""
    return _simulate_keeping(model, horizon, replications, seed, keep=0)


# --------------------------------------------------------------------------------------------------
# Checking helpers
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Reference formulas
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exp2State:
    """A component with exponential time to failure and exponential repair (rates lam, mu)."""

    mttf: float
    mttr: float

    @property
    def lam(self) -> float:
        return 1.0 / self.mttf

    @property
    def mu(self) -> float:
        return 1.0 / self.mttr

    @property
    def steady(self) -> float:
        # Steady-state availability of the two-state Markov chain: mu / (lam + mu) = MTTF / (MTTF + MTTR).
        return self.mu / (self.lam + self.mu)

    def point(self, t: np.ndarray) -> np.ndarray:
        # Point availability starting up at t = 0 (Kolmogorov forward equations of the two-state
        # Markov chain; Barlow & Proschan, Mathematical Theory of Reliability, ch. 7;
        # Trivedi, Probability and Statistics with Reliability..., sec. 8.2):
        #   A(t) = mu/(lam+mu) + lam/(lam+mu) * exp(-(lam+mu) t)
        s = self.lam + self.mu
        return self.mu / s + self.lam / s * np.exp(-s * np.asarray(t, dtype=float))

    def mean_availability(self, T: float) -> float:
        # Interval (average) availability over [0, T] = (1/T) * integral of A(t):
        #   A_avg(T) = mu/(lam+mu) + lam/((lam+mu)^2 T) * (1 - exp(-(lam+mu) T))
        s = self.lam + self.mu
        return self.mu / s + self.lam / (s * s * T) * -math.expm1(-s * T)

    def expected_failures(self, T: float) -> float:
        # Failures arrive with intensity lam * 1{up}; so E[N(T)] = lam * E[uptime in [0, T]]
        #   = lam * T * A_avg(T)   (compensator of the failure counting process)
        return self.lam * T * self.mean_availability(T)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)


def structure_mean_availability(h: Callable[[Sequence[np.ndarray]], np.ndarray], comps: Sequence[Exp2State], T: float) -> float:
    """(1/T) * integral_0^T h(A_1(t), ..., A_n(t)) dt for independent exponential components.

    With independent components (one repairer each), the component states at time t are independent,
    so the point availability of a coherent structure is its reliability function h evaluated at the
    components' point availabilities (Barlow & Proschan, Statistical Theory of Reliability and Life
    Testing, ch. 2 and 7). The time average follows by Fubini. The integral is computed by composite
    20-point Gauss-Legendre on panels shorter than half the fastest time constant, up to 50 slowest
    time constants; beyond that A_i(t) equals its limit to 1e-21.
    """
    s = np.array([c.lam + c.mu for c in comps])
    t_c = min(T, 50.0 / s.min())
    n_panels = max(1, math.ceil(t_c * s.max() * 2))
    edges = np.linspace(0.0, t_c, n_panels + 1)
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    t = (mid[:, None] + half[:, None] * _GL_NODES[None, :]).ravel()
    w = (half[:, None] * _GL_WEIGHTS[None, :]).ravel()
    integral = float(np.sum(w * h([c.point(t) for c in comps])))
    if T > t_c:
        integral += (T - t_c) * float(h([np.asarray(c.steady) for c in comps]))
    return integral / T


def structure_steady(h: Callable[[Sequence[np.ndarray]], np.ndarray], comps: Sequence[Exp2State]) -> float:
    return float(h([np.asarray(c.steady) for c in comps]))


# Reliability functions h(p) of coherent structures of independent components
# (Barlow & Proschan, Statistical Theory of Reliability and Life Testing, ch. 1-2).


def h_series(p: Sequence[np.ndarray]) -> np.ndarray:
    # Series: every component must be up: prod p_i.
    return functools.reduce(np.multiply, p)


def h_parallel(p: Sequence[np.ndarray]) -> np.ndarray:
    # Parallel (1-out-of-n): down only when all are down: 1 - prod (1 - p_i).
    return 1.0 - functools.reduce(np.multiply, [1.0 - x for x in p])


def h_k_of_n_identical(k: int, n: int) -> Callable[[Sequence[np.ndarray]], np.ndarray]:
    # k-out-of-n with identical p: binomial tail sum_{j=k}^{n} C(n, j) p^j (1-p)^(n-j).
    def h(p: Sequence[np.ndarray]) -> np.ndarray:
        assert len(p) == n
        x = p[0]
        return np.asarray(sum(math.comb(n, j) * x**j * (1.0 - x) ** (n - j) for j in range(k, n + 1)))

    return h


def h_k_of_n(k: int) -> Callable[[Sequence[np.ndarray]], np.ndarray]:
    # k-out-of-n with different p_i: P(at least k up) for a Poisson-binomial count, by the usual
    # recursion over components (Barlow & Heidtmann 1984, "Computing k-out-of-n system reliability").
    def h(p: Sequence[np.ndarray]) -> np.ndarray:
        dist = [np.ones_like(p[0])]  # dist[j] = P(j of the components seen so far are up)
        for x in p:
            new = [dist[0] * (1.0 - x)]
            for j in range(1, len(dist)):
                new.append(dist[j] * (1.0 - x) + dist[j - 1] * x)
            new.append(dist[-1] * x)
            dist = new
        return np.asarray(sum(dist[k:]))

    return h


def weibull_moments(shape: float, scale: float) -> Moments:
    # E[X^r] = scale^r * Gamma(1 + r/shape).
    return Moments(scale * math.gamma(1 + 1 / shape), scale**2 * math.gamma(1 + 2 / shape))


def lognormal_moments(mean: float, std: float) -> Moments:
    # Parametrized by the mean and standard deviation of the duration itself: E[X^2] = std^2 + mean^2.
    return Moments(mean, std * std + mean * mean)


def mixture_moments(weights: Sequence[float], parts: Sequence[Moments]) -> Moments:
    tot = sum(weights)
    return Moments(sum(w * p.m1 for w, p in zip(weights, parts)) / tot, sum(w * p.m2 for w, p in zip(weights, parts)) / tot)


# --------------------------------------------------------------------------------------------------
# 0. The reference code itself
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("T", [0.5, 20.0, 1e4], ids=lambda T: f"T={T:g}")
def test_reference_integrator_matches_closed_forms(T: float) -> None:
    """The numerical time average reproduces closed forms (pure mathematics, no simulation)."""
    a, b = Exp2State(10.0, 2.0), Exp2State(7.0, 3.0)
    assert structure_mean_availability(h_series, [a], T) == pytest.approx(a.mean_availability(T), rel=1e-12)
    # Series of two: A_a(t) A_b(t) expanded into four exponentials and integrated term by term.
    sa, sb = a.lam + a.mu, b.lam + b.mu
    ca, da, cb, db = a.steady, 1 - a.steady, b.steady, 1 - b.steady

    def avg_exp(rate: float) -> float:  # (1/T) * integral_0^T exp(-rate t) dt
        return -math.expm1(-rate * T) / (rate * T)

    closed = ca * cb + ca * db * avg_exp(sb) + da * cb * avg_exp(sa) + da * db * avg_exp(sa + sb)
    assert structure_mean_availability(h_series, [a, b], T) == pytest.approx(closed, rel=1e-12)
    # The renewal expansion's transient term reduces to the exact one for exponential X and Y.
    ref = alternating_renewal(exp_moments(a.mttf), exp_moments(a.mttr), T)
    assert ref.mean_availability - ref.steady == pytest.approx(a.lam / (a.lam + a.mu) ** 2 / T, rel=1e-12)


# --------------------------------------------------------------------------------------------------
# 1 and 8. A single exponential component: transient availability, failures, outages
# --------------------------------------------------------------------------------------------------

# (id, MTTF, MTTR, horizon, replications, seed)
SINGLE_EXP_CASES = [
    ("T=MTTR", 10.0, 2.0, 2.0, 200_000, 101),
    ("T=2MTTF", 10.0, 2.0, 20.0, 200_000, 102),
    ("T=10MTTF", 10.0, 2.0, 100.0, 100_000, 103),
    ("T=5000MTTF-steady", 10.0, 2.0, 50_000.0, 1_000, 104),
    ("rare-failures-1y", 2000.0, 0.5, 8760.0, 20_000, 105),
]
SINGLE_EXP_IDS = [c[0] for c in SINGLE_EXP_CASES]


@functools.cache
def _single_exp(mttf: float, mttr: float, T: float, n: int, seed: int) -> rs.Results:
    m = rs.Model("single-exponential")
    m.component("a", mttf=mttf, mttr=mttr)
    m.service("svc", rs.all_of("a"))
    return _simulate(m, T, n, seed)


@pytest.mark.parametrize("case", SINGLE_EXP_CASES, ids=SINGLE_EXP_IDS)
def test_single_exponential_transient_availability(case: tuple) -> None:
    name, mttf, mttr, T, n, seed = case
    res = _single_exp(mttf, mttr, T, n, seed)
    c = Exp2State(mttf, mttr)
    exact = c.mean_availability(T)
    est = check(f"1 single-exp {name}: A_avg(T)", res.availability("svc", CONFIDENCE), exact)
    if name.endswith("steady"):
        check_steady_horizon(f"1 single-exp {name}: MTTF/(MTTF+MTTR)", exact, c.steady, est)


@pytest.mark.parametrize("case", SINGLE_EXP_CASES, ids=SINGLE_EXP_IDS)
def test_single_exponential_expected_failures(case: tuple) -> None:
    name, mttf, mttr, T, n, seed = case
    res = _single_exp(mttf, mttr, T, n, seed)
    c = Exp2State(mttf, mttr)
    failures = res.failures("a")
    check(f"1 single-exp {name}: E[N(T)] = lam T A_avg(T)", failures, c.expected_failures(T))
    # Pathwise form of the same fact: N(T) - lam * U(T) is a zero-mean martingale (U = uptime;
    # the failure intensity is lam while up), exact at any T without the transient formula
    # (Doob-Meyer compensator; Andersen, Borgan, Gill & Keiding, Statistical Models Based on
    # Counting Processes, ch. II).
    uptime = T - res.component_downtime("a")
    check(f"1 single-exp {name}: E[N - lam U] = 0", failures - c.lam * uptime, 0.0)


@pytest.mark.parametrize("case", SINGLE_EXP_CASES, ids=SINGLE_EXP_IDS)
def test_single_exponential_outages_equal_failures(case: tuple) -> None:
    name, mttf, mttr, T, n, seed = case
    res = _single_exp(mttf, mttr, T, n, seed)
    c = Exp2State(mttf, mttr)
    outages = res.outage_counts("svc")
    # A service made of one component is down exactly when the component is: every failure in
    # [0, T) starts one outage, and the downtimes coincide (identities, per replication).
    np.testing.assert_array_equal(outages, res.failures("a"))
    np.testing.assert_allclose(res.downtime("svc"), res.component_downtime("a"), rtol=1e-12, atol=1e-9)
    # Expected outages per horizon = expected failures = lam T A_avg(T).
    check(f"8 single-exp {name}: E[outages] = lam T A_avg(T)", outages, c.expected_failures(T))


# --------------------------------------------------------------------------------------------------
# 2. A single component with non-exponential failure and repair: alternating renewal process
# --------------------------------------------------------------------------------------------------

# (id, failure distribution, its moments, repair distribution, its moments, horizon, reps, seed)
GENERAL_CASES = [
    (
        "weibull1.5-fail_lognormal-repair",
        rs.Weibull(shape=1.5, scale=20.0),
        weibull_moments(1.5, 20.0),
        rs.LogNormal.from_mean_std(4.0, 2.0),
        lognormal_moments(4.0, 2.0),
        400_000.0,
        400,
        201,
    ),
    (
        "lognormal-fail_weibull2-repair",
        rs.LogNormal.from_mean_std(30.0, 45.0),
        lognormal_moments(30.0, 45.0),
        rs.Weibull(shape=2.0, scale=5.0),
        weibull_moments(2.0, 5.0),
        400_000.0,
        400,
        202,
    ),
    (
        "weibull0.7-fail_lognormal-heavy-repair",
        rs.Weibull(shape=0.7, scale=15.0),
        weibull_moments(0.7, 15.0),
        rs.LogNormal.from_mean_std(3.0, 6.0),
        lognormal_moments(3.0, 6.0),
        400_000.0,
        400,
        203,
    ),
]


@functools.cache
def _general(idx: int) -> rs.Results:
    _, failure, _, repair, _, T, n, seed = GENERAL_CASES[idx]
    m = rs.Model("single-general")
    m.component("a", failure=failure, repair=repair)
    m.service("svc", rs.all_of("a"))
    return _simulate(m, T, n, seed)


@pytest.mark.parametrize("idx", range(len(GENERAL_CASES)), ids=[c[0] for c in GENERAL_CASES])
def test_general_component_steady_availability(idx: int) -> None:
    name, _, up, _, down, T, _, _ = GENERAL_CASES[idx]
    ref = alternating_renewal(up, down, T)
    assert ref.cycles >= 200, "horizon must cover at least 200 up/down cycles"
    res = _general(idx)
    est = check(f"2 {name}: MTTF/(MTTF+MTTR) (+b/T)", res.availability("svc", CONFIDENCE), ref.mean_availability)
    check_steady_horizon(f"2 {name}: MTTF/(MTTF+MTTR)", ref.mean_availability, ref.steady, est)


@pytest.mark.parametrize("idx", range(len(GENERAL_CASES)), ids=[c[0] for c in GENERAL_CASES])
def test_general_component_expected_failures(idx: int) -> None:
    name, _, up, _, down, T, _, _ = GENERAL_CASES[idx]
    ref = alternating_renewal(up, down, T)
    res = _general(idx)
    check(f"2 {name}: E[F(T)] renewal", res.failures("a"), ref.expected_failures)
    np.testing.assert_array_equal(res.outage_counts("svc"), res.failures("a"))


# --------------------------------------------------------------------------------------------------
# 3-6. Structures of independent exponential components (one repairer each)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StructureCase:
    id: str
    comps: dict[str, Exp2State]
    services: tuple[tuple[str, rs.Requirement], ...]  # defined in this order
    # service name -> (reliability function, names of the components it is applied to)
    refs: dict[str, tuple[Callable[[Sequence[np.ndarray]], np.ndarray], tuple[str, ...]]]
    horizon: float
    replications: int
    seed: int


_SERIES10 = {f"c{i}": Exp2State(40.0 * (i + 1), 1.0 + i % 4) for i in range(10)}
_PAIR = {"a": Exp2State(20.0, 5.0), "b": Exp2State(50.0, 10.0)}
_TRIO = {f"n{i}": Exp2State(30.0, 6.0) for i in range(3)}
_SEVEN = {f"v{i}": Exp2State(40.0, 8.0) for i in range(7)}
_MIXED3 = {"x": Exp2State(20.0, 4.0), "y": Exp2State(30.0, 10.0), "z": Exp2State(60.0, 5.0)}
_NESTED = {"a": Exp2State(10.0, 5.0), "b": Exp2State(20.0, 10.0), "c": Exp2State(15.0, 5.0), "d": Exp2State(25.0, 10.0)}
_BRIDGE = {k: Exp2State(mttf, mttr) for k, mttf, mttr in [("a", 10, 3), ("b", 12, 2), ("c", 8, 4), ("d", 15, 5), ("e", 9, 2)]}
# Minimal path sets of the bridge, written as a nested requirement that shares components.
_BRIDGE_REQ = rs.any_of(rs.all_of("a", "d"), rs.all_of("b", "e"), rs.all_of("a", "c", "e"), rs.all_of("b", "c", "d"))


def h_nested(p: Sequence[np.ndarray]) -> np.ndarray:
    # top = all_of(any_of(a, b), any_of(b, c)); b is shared. Pivotal decomposition on b
    # (Barlow & Proschan, Statistical Theory..., ch. 1): h = p_b * 1 + (1 - p_b) * p_a * p_c.
    pa, pb, pc = p
    return pb + (1.0 - pb) * pa * pc


def h_nested_or_d(p: Sequence[np.ndarray]) -> np.ndarray:
    # any_of(top, d), d independent of top: 1 - (1 - h_nested)(1 - p_d).
    pa, pb, pc, pd = p
    return 1.0 - (1.0 - h_nested([pa, pb, pc])) * (1.0 - pd)


def h_bridge(p: Sequence[np.ndarray]) -> np.ndarray:
    # Bridge network with minimal paths {a,d}, {b,e}, {a,c,e}, {b,c,d}; pivot on the bridge c
    # (Barlow & Proschan, Statistical Theory..., ch. 1, the classic example):
    #   c up:   (a or b) and (d or e);   c down: (a and d) or (b and e).
    pa, pb, pc, pd, pe = p
    up = (1 - (1 - pa) * (1 - pb)) * (1 - (1 - pd) * (1 - pe))
    down = 1 - (1 - pa * pd) * (1 - pb * pe)
    return pc * up + (1 - pc) * down


STRUCTURE_CASES = [
    StructureCase(
        "3-series-of-10",
        _SERIES10,
        (("svc", rs.all_of(*_SERIES10)),),
        {"svc": (h_series, tuple(_SERIES10))},
        horizon=200_000.0,
        replications=500,
        seed=301,
    ),
    StructureCase(
        "4-parallel-1-of-2",
        _PAIR,
        (("svc", rs.any_of("a", "b")),),
        {"svc": (h_parallel, ("a", "b"))},
        horizon=200_000.0,
        replications=500,
        seed=401,
    ),
    StructureCase(
        "5-2-of-3-identical",
        _TRIO,
        (("svc", rs.k_of_n(2, *_TRIO)),),
        {"svc": (h_k_of_n_identical(2, 3), tuple(_TRIO))},
        horizon=200_000.0,
        replications=500,
        seed=501,
    ),
    StructureCase(
        "5-5-of-7-identical",
        _SEVEN,
        (("svc", rs.k_of_n(5, *_SEVEN)),),
        {"svc": (h_k_of_n_identical(5, 7), tuple(_SEVEN))},
        horizon=200_000.0,
        replications=500,
        seed=502,
    ),
    StructureCase(
        "5-2-of-3-mixed",
        _MIXED3,
        (("svc", rs.k_of_n(2, "x", "y", "z")),),
        {"svc": (h_k_of_n(2), ("x", "y", "z"))},
        horizon=200_000.0,
        replications=500,
        seed=503,
    ),
    StructureCase(
        "6-nested-services-shared-b",
        _NESTED,
        (
            ("s1", rs.any_of("a", "b")),
            ("s2", rs.any_of("b", "c")),
            ("top", rs.all_of("s1", "s2")),
            ("top_or_d", rs.any_of("top", "d")),
        ),
        {
            "s1": (h_parallel, ("a", "b")),
            "s2": (h_parallel, ("b", "c")),
            "top": (h_nested, ("a", "b", "c")),
            "top_or_d": (h_nested_or_d, ("a", "b", "c", "d")),
        },
        horizon=200_000.0,
        replications=500,
        seed=601,
    ),
    StructureCase(
        "6-bridge-shared-components",
        _BRIDGE,
        (("svc", _BRIDGE_REQ),),
        {"svc": (h_bridge, ("a", "b", "c", "d", "e"))},
        horizon=200_000.0,
        replications=500,
        seed=602,
    ),
]

STRUCTURE_CHECKS = [(i, svc) for i, case in enumerate(STRUCTURE_CASES) for svc in case.refs]


@functools.cache
def _structure(idx: int) -> rs.Results:
    case = STRUCTURE_CASES[idx]
    m = rs.Model(case.id)
    for name, c in case.comps.items():
        m.component(name, mttf=c.mttf, mttr=c.mttr)
    for name, req in case.services:
        m.service(name, req)
    return _simulate(m, case.horizon, case.replications, case.seed)


@pytest.mark.parametrize("idx,service", STRUCTURE_CHECKS, ids=[f"{STRUCTURE_CASES[i].id}:{s}" for i, s in STRUCTURE_CHECKS])
def test_structure_availability(idx: int, service: str) -> None:
    case = STRUCTURE_CASES[idx]
    h, names = case.refs[service]
    comps = [case.comps[n] for n in names]
    exact = structure_mean_availability(h, comps, case.horizon)
    steady = structure_steady(h, comps)
    res = _structure(idx)
    est = check(f"{case.id}:{service} h(A(t)) averaged", res.availability(service, CONFIDENCE), exact)
    check_steady_horizon(f"{case.id}:{service} h(A_inf)", exact, steady, est)


@pytest.mark.parametrize("idx", range(len(STRUCTURE_CASES)), ids=[c.id for c in STRUCTURE_CASES])
def test_structure_component_availability(idx: int) -> None:
    """Each component, inside a structure, still behaves as an independent two-state process."""
    case = STRUCTURE_CASES[idx]
    res = _structure(idx)
    T = case.horizon
    for name, c in case.comps.items():
        check(f"{case.id}: component {name} A_avg(T)", 1.0 - res.component_downtime(name) / T, c.mean_availability(T))


def test_nested_shared_component_is_not_treated_as_independent() -> None:
    """Power check: the simulator is far from the answer that wrongly treats s1 and s2 as independent."""
    idx = next(i for i, c in enumerate(STRUCTURE_CASES) if c.id == "6-nested-services-shared-b")
    case = STRUCTURE_CASES[idx]
    a, b, c = (case.comps[n].steady for n in "abc")
    wrong = (1 - (1 - a) * (1 - b)) * (1 - (1 - b) * (1 - c))
    est = _structure(idx).availability("top", CONFIDENCE)
    assert abs(est.mean - wrong) > 10 * est.half_width


# --------------------------------------------------------------------------------------------------
# 7. Competing failure modes on one component
# --------------------------------------------------------------------------------------------------

# mode name -> (exponential failure mean, repair distribution, repair moments)
COMPETING_MODES = {
    "crash": (50.0, rs.Exponential(1.0), exp_moments(1.0)),
    "disk": (200.0, rs.Deterministic(5.0), deterministic_moments(5.0)),
    "network": (100.0, rs.LogNormal.from_mean_std(2.0, 3.0), lognormal_moments(2.0, 3.0)),
}
COMPETING_T, COMPETING_N, COMPETING_SEED = 400_000.0, 400, 701


@functools.cache
def _competing() -> rs.Results:
    m = rs.Model("competing-modes")
    m.component("c", modes=[rs.FailureMode(k, rs.Exponential(mttf), repair) for k, (mttf, repair, _) in COMPETING_MODES.items()])
    m.service("svc", rs.all_of("c"))
    return _simulate(m, COMPETING_T, COMPETING_N, COMPETING_SEED)


def _competing_reference() -> tuple[float, dict[str, float], RenewalReference]:
    # Competing exponential modes: the up time is the minimum of the modes' times to failure,
    # exponential with rate Lam = sum lam_i, and mode i is the one that fires with probability
    # lam_i / Lam, independently of when (Ross, Introduction to Probability Models, sec. 5.2.3).
    # The down time is then the mixture of the repair times with these weights; the component is
    # an alternating renewal process and
    #   A = (1/Lam) / (1/Lam + sum_i (lam_i/Lam) MTTR_i) = 1 / (1 + sum_i lam_i MTTR_i).
    rates = {k: 1.0 / mttf for k, (mttf, _, _) in COMPETING_MODES.items()}
    lam_total = sum(rates.values())
    probs = {k: r / lam_total for k, r in rates.items()}
    down = mixture_moments(list(rates.values()), [mom for _, _, mom in COMPETING_MODES.values()])
    ref = alternating_renewal(exp_moments(1.0 / lam_total), down, COMPETING_T)
    closed = 1.0 / (1.0 + sum(rates[k] * mom.m1 for k, (_, _, mom) in COMPETING_MODES.items()))
    assert ref.steady == pytest.approx(closed, rel=1e-12)
    return lam_total, probs, ref


def test_competing_modes_availability() -> None:
    _, _, ref = _competing_reference()
    assert ref.cycles >= 200
    res = _competing()
    est = check("7 competing modes: 1/(1 + sum lam_i MTTR_i) (+b/T)", res.availability("svc", CONFIDENCE), ref.mean_availability)
    check_steady_horizon("7 competing modes: steady", ref.mean_availability, ref.steady, est)
    check("7 competing modes: E[failures] renewal", res.failures("c"), ref.expected_failures)


@pytest.mark.parametrize("mode", list(COMPETING_MODES))
def test_competing_modes_failure_split(mode: str) -> None:
    lam_total, probs, ref = _competing_reference()
    res = _competing()
    n_mode, n_all = res.failures("c", mode=mode), res.failures("c")
    lam_i = 1.0 / COMPETING_MODES[mode][0]
    # Share of mode i among failures: sum over failures of (1{mode i} - lam_i/Lam) is a martingale
    # with mean 0 (each failure's mode is independent of the past), so E[N_i - (lam_i/Lam) N] = 0.
    check(f"7 competing modes: E[N_{mode} - (lam_i/Lam) N] = 0", n_mode - probs[mode] * n_all, 0.0)
    # Expected count of mode i = (lam_i/Lam) * E[F(T)] from the renewal expansion.
    check(f"7 competing modes: E[N_{mode}] = lam_i/Lam E[F]", n_mode, probs[mode] * ref.expected_failures)
    # Exact at any T: mode i's failures have intensity lam_i while up, so E[N_i - lam_i U] = 0.
    uptime = COMPETING_T - res.component_downtime("c")
    check(f"7 competing modes: E[N_{mode} - lam_i U] = 0", n_mode - lam_i * uptime, 0.0)
