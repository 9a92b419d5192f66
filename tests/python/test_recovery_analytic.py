"""Recovery mechanics against exact answers: crews, standby, inspections, retries, RTO and RPO.

The companion of ``test_analytic.py`` for what happens *after* a failure: shared repair crews
(finite-source queues), cold / warm / hot standby with imperfect switchover, hidden failures found
by periodic inspection, retried repair steps and escalation, detection delays and RTO compliance,
periodic backups and asynchronous replication and RPO compliance.

The conventions are those of ``test_analytic.py``. Every reference value is computed in this file
from a formula whose derivation or source is given next to it; nothing is fitted to the simulator.
Every tolerance is the simulator's own ``CONFIDENCE`` (99.99%) Student-t interval over
replications (for pooled ratios such as RTO/RPO compliance: the delta-method interval of the
engine's own estimator). Seeds are fixed, so the outcome is deterministic (and independent of the
thread count).

Finite horizons are handled explicitly, as in ``test_analytic.py``:

* Markov models (shared crews, standby): the exact time average over [0, T] of the transient state
  probabilities of the birth-death chain started with everything up (:class:`BirthDeath`);
* renewal models (detection delay, escalation): the second-order renewal expansion
  (:func:`alternating_renewal`, :func:`renewal_reward`);
* periodic inspection with instantaneous repair: exact for any T (every interval between two
  inspections starts with an as-good-as-new item).

Steady-state checks also assert that the horizon is long enough that the finite-horizon
correction is below 0.1 standard error, so they verify the steady-state formula itself.

Run with ``-s`` to print one line per check (exact, estimate, standard error, distance in standard
errors).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import exactcheck
import numpy as np
import pytest
from exactcheck import (
    CONFIDENCE,
    MAX_TRANSIENT_BIAS_SE,
    Moments,
    alternating_renewal,
    check,
    check_steady_horizon,
    deterministic_moments,
    exp_moments,
    sum_moments,
)

import recoverysim as rs
from recoverysim.stats import ratio_estimate

check_far = functools.partial(exactcheck.check_far, widths=10.0)
_simulate = functools.partial(exactcheck.simulate, keep=0)

# --------------------------------------------------------------------------------------------------
# Checking helpers: see exactcheck.py
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Reference formulas
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BirthDeath:
    """A birth-death Markov chain on the number of failed units j = 0..n, started at j = 0.

    ``birth[j]`` is the rate j -> j+1 (a failure), ``death[j]`` the rate j+1 -> j (a repair).
    """

    birth: tuple[float, ...]
    death: tuple[float, ...]

    def __post_init__(self) -> None:
        assert len(self.birth) == len(self.death) and all(r > 0 for r in self.birth + self.death)

    @property
    def n_states(self) -> int:
        return len(self.birth) + 1

    def generator(self) -> np.ndarray:
        q = np.zeros((self.n_states, self.n_states))
        for j, (b, d) in enumerate(zip(self.birth, self.death)):
            q[j, j + 1] = b
            q[j + 1, j] = d
        q -= np.diag(q.sum(axis=1))
        return q

    @property
    def steady(self) -> np.ndarray:
        # Detailed balance pi_j birth_j = pi_{j+1} death_j, so pi_j is proportional to
        # prod_{i<j} birth_i / death_i (Ross, Introduction to Probability Models, ch. 6, birth and
        # death processes; Kleinrock, Queueing Systems vol. 1, ch. 3).
        w = np.cumprod([1.0] + [b / d for b, d in zip(self.birth, self.death)])
        return w / w.sum()

    def mean_occupancy(self, T: float) -> np.ndarray:
        """(1/T) * integral_0^T p(t) dt: expected share of [0, T] spent in each state.

        p(t) = e_0 exp(Q t) (Kolmogorov forward equations). A birth-death chain is reversible, so
        S = D^(1/2) Q D^(-1/2) with D = diag(pi) is symmetric: S = U diag(w) U^T with real
        w <= 0, and exp(Q t) = D^(-1/2) U diag(exp(w t)) U^T D^(1/2). Integrating term by term:
        integral_0^T exp(w t) dt = expm1(w T) / w (T for the zero eigenvalue). Exact for any T.
        """
        pi = self.steady
        s_half = np.sqrt(pi)
        q = self.generator()
        sym = (s_half[:, None] * q) / s_half[None, :]
        sym = (sym + sym.T) / 2  # symmetric up to rounding
        w, u = np.linalg.eigh(sym)
        scale = np.abs(w).max()
        g = np.array([T if abs(x) < 1e-12 * scale else math.expm1(x * T) / x for x in w])
        e0 = np.zeros(self.n_states)
        e0[0] = 1.0
        row = ((e0 / s_half) @ u) * g @ u.T * s_half
        return row / T


def renewal_reward(r1: float, ru: float, up: Moments, down: Moments, T: float) -> float:
    """E[W(T)] to o(1) for a reward earned inside the cycles of an alternating renewal process.

    The reward of a cycle accrues at rate w(u) at position u of the cycle; r1 = E[integral_0^C w(u) du]
    and ru = E[integral_0^C u w(u) du]. As in alternating_renewal: the cycles started by T are
    1..N(T)+1 (a stopping time), so by Wald their reward is r1 (E[N(T)] + 1) with
    E[N(T)] + 1 = T/m + E[C^2]/(2 m^2) + o(1); subtract the reward still to come after T in the
    cycle straddling T, which is length-biased with a uniform position V, so that
    E[integral_V^C w] -> E[C * (1/C) integral_0^C integral_v^C w(u) du dv] / m = ru / m. Hence
        E[W(T)] = r1 (T/m + E[C^2]/(2 m^2)) - ru/m + o(1).
    (With w = 1{u < X}: r1 = E[X], ru = E[X^2]/2, which is exactly alternating_renewal's b.)
    """
    m = up.m1 + down.m1
    c2 = up.m2 + 2 * up.m1 * down.m1 + down.m2
    return r1 * (T / m + c2 / (2 * m * m)) - ru / m


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(40)


def gauss_legendre(f: Callable[[np.ndarray], np.ndarray], a: float, b: float) -> float:
    """integral_a^b f for a smooth f (40-point Gauss-Legendre: exact for polynomials of degree 79)."""
    mid, half = (a + b) / 2, (b - a) / 2
    return float(half * np.sum(_GL_WEIGHTS * f(mid + half * _GL_NODES)))


# --------------------------------------------------------------------------------------------------
# 0. The reference code itself (pure mathematics, no simulation)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("T", [0.3, 5.0, 1e5], ids=lambda T: f"T={T:g}")
def test_birth_death_reference(T: float) -> None:
    # Two states: the mean availability of the two-state Markov chain in closed form
    # (Barlow & Proschan, Mathematical Theory of Reliability, ch. 7):
    #   A_avg(T) = mu/(lam+mu) + lam/((lam+mu)^2 T) (1 - exp(-(lam+mu) T)).
    lam, mu = 0.3, 2.0
    s = lam + mu
    closed = mu / s + lam / (s * s * T) * -math.expm1(-s * T)
    occ = BirthDeath((lam,), (mu,)).mean_occupancy(T)
    assert occ[0] == pytest.approx(closed, rel=1e-12)
    assert occ.sum() == pytest.approx(1.0, rel=1e-12)
    # Two independent two-state units (birth 2 lam, lam; death mu, 2 mu): P(j down) is binomial in
    # q(t) = 1 - A(t), whose square averages in closed form by expanding (c + d e^{-s t})^2.
    chain = BirthDeath((2 * lam, lam), (mu, 2 * mu))
    c, d = lam / s, -lam / s  # q(t) = c + d exp(-s t)

    def avg_exp(rate: float) -> float:  # (1/T) * integral_0^T exp(-rate t) dt
        return -math.expm1(-rate * T) / (rate * T)

    both_down = c * c + 2 * c * d * avg_exp(s) + d * d * avg_exp(2 * s)
    assert chain.mean_occupancy(T)[2] == pytest.approx(both_down, rel=1e-10)


def test_machine_repair_stationary_distribution() -> None:
    """Two machines (up ~ Exp(mean 1 h)), repairs ~ Exp(mean 0.5 h), one repairer.

    Finite-source (machine-repair) queue M/M/1//2 (Kleinrock, Queueing Systems vol. 1, ch. 3,
    finite customer population; Gross & Harris, Fundamentals of Queueing Theory, ch. 2, finite
    source queues): with j machines down,
    failures occur at (2 - j) lam and the single repairer completes at mu:
        pi_1 = (2 lam / mu) pi_0 = pi_0,   pi_2 = (lam / mu) pi_1 = pi_0 / 2,
    so pi_0 (1 + 1 + 1/2) = 1: pi = (0.4, 0.4, 0.2). A machine is up in state 0, and in state 1
    with probability 1/2 (symmetry): 0.4 + 0.2 = 0.6. Both are down with probability 0.2.
    """
    pi = MACHINE_REPAIR.steady
    np.testing.assert_allclose(pi, [0.4, 0.4, 0.2], rtol=1e-14)
    np.testing.assert_allclose(pi @ MACHINE_REPAIR.generator(), 0.0, atol=1e-14)  # pi Q = 0
    assert pi[0] + pi[1] / 2 == pytest.approx(0.6, rel=1e-14)


def test_renewal_reward_reference() -> None:
    # w = 1{u < X} reproduces the uptime expansion of alternating_renewal exactly.
    up, down = exp_moments(3.0), sum_moments(deterministic_moments(0.5), exp_moments(1.5))
    T = 1000.0
    ref = alternating_renewal(up, down, T)
    assert renewal_reward(up.m1, up.m2 / 2, up, down, T) == pytest.approx(ref.mean_availability * T, rel=1e-13)
    # Exponential X, Y: the exact transient uptime is A T + lam/(lam+mu)^2 (1 - e^{-(lam+mu) T}).
    lam, mu = 1 / 3.0, 1 / 2.0
    exact_uptime = T * BirthDeath((lam,), (mu,)).mean_occupancy(T)[0]
    assert renewal_reward(3.0, 9.0, exp_moments(3.0), exp_moments(2.0), T) == pytest.approx(exact_uptime, rel=1e-13)


# --------------------------------------------------------------------------------------------------
# 1, 2, 3, 5. Shared repair crews and standby groups: birth-death chains
# --------------------------------------------------------------------------------------------------

LAM1, MU1 = 1.0, 2.0  # case 1: up ~ Exp(mean 1 h), repair ~ Exp(mean 0.5 h)
# Case 1: machine repair, one repairer: j down -> failures at (2 - j) lam, repairs at mu.
MACHINE_REPAIR = BirthDeath((2 * LAM1, LAM1), (MU1, MU1))

LAM, MU = 0.1, 0.5  # cases 2, 3, 5: MTTF 10 h, MTTR 2 h (rho = lam/mu = 0.2)


def _crew_model(name: str, lam: float, mu: float) -> rs.Model:
    """Two exponential units sharing ONE repairer (crew of size 1, FIFO)."""
    m = rs.Model(name)
    m.crew("oncall", size=1)
    for c in ("a", "b"):
        m.component(c, failure=rs.Exponential(1 / lam), repair=rs.Procedure(rs.Step("repair", rs.Exponential(1 / mu), crew="oncall")))
    return m


def _build_machine_repair() -> rs.Model:
    m = _crew_model("machine-repair", LAM1, MU1)
    m.service("either", rs.any_of("a", "b"))  # down only when both machines are down
    m.service("both", rs.all_of("a", "b"))
    return m


def _build_one_of_two_one_crew() -> rs.Model:
    m = _crew_model("1oo2-one-crew", LAM, MU)
    m.service("svc", rs.any_of("a", "b"))
    return m


def _build_cold_standby_one_crew() -> rs.Model:
    m = _crew_model("cold-standby-one-crew", LAM, MU)
    m.service("svc", rs.standby("a", "b", detection=0, switchover=0, success=1.0, dormancy=0.0))
    return m


def _build_hot_standby_own_repairers() -> rs.Model:
    m = rs.Model("hot-standby")
    for c in ("a", "b"):
        m.component(c, mttf=1 / LAM, mttr=1 / MU)  # each its own (unlimited) repairer
    m.service("svc", rs.standby("a", "b", detection=0, switchover=0, success=1.0, dormancy=1.0))
    m.service("parallel", rs.any_of("a", "b"))
    return m


@dataclass(frozen=True)
class ChainCase:
    id: str
    build: Callable[[], rs.Model]
    chain: BirthDeath
    up_states: dict[str, tuple[int, ...]]  # service -> states (number of units down) where it is up
    # service -> [(description, the birth-death chain of a plausible wrong model)] for power checks
    wrong: dict[str, list[tuple[str, BirthDeath]]]
    horizon: float
    replications: int
    seed: int


CHAIN_CASES = [
    # 1. Machine repair (see test_machine_repair_stationary_distribution).
    ChainCase(
        "1-machine-repair",
        _build_machine_repair,
        MACHINE_REPAIR,
        {"either": (0, 1), "both": (0,)},
        # Wrong: each machine with its own repairer (2 -> 1 at 2 mu): P(both down) = (1/3)^2.
        {"either": [("independent repairs", BirthDeath((2 * LAM1, LAM1), (MU1, 2 * MU1)))]},
        horizon=50_000.0,
        replications=100,
        seed=1101,
    ),
    # 2. 1-out-of-2 (any_of) with one crew: 0 -> 1 at 2 lam, 1 -> 2 at lam, 1 -> 0 and 2 -> 1 at mu.
    #    A = 1 - pi_2 = 1 - 2 rho^2 / (1 + 2 rho + 2 rho^2) (Rausand & Hoyland, System Reliability
    #    Theory, 2nd ed., ch. 8, parallel system with one repair crew).
    ChainCase(
        "2-one-of-two-one-crew",
        _build_one_of_two_one_crew,
        BirthDeath((2 * LAM, LAM), (MU, MU)),
        {"svc": (0, 1)},
        # Wrong: independent repairs, A = 1 - q^2 with q = lam / (lam + mu).
        {"svc": [("independent repairs 1 - q^2", BirthDeath((2 * LAM, LAM), (MU, 2 * MU)))]},
        horizon=200_000.0,
        replications=200,
        seed=1201,
    ),
    # 3. Cold standby, instant perfect switchover, one crew: only the active unit can fail, so
    #    0 -> 1 at lam and 1 -> 2 at lam; repairs at mu (one crew). A = pi_0 + pi_1
    #    = (1 + rho) / (1 + rho + rho^2) (Rausand & Hoyland, ch. 8, standby system with repair).
    ChainCase(
        "3-cold-standby-one-crew",
        _build_cold_standby_one_crew,
        BirthDeath((LAM, LAM), (MU, MU)),
        {"svc": (0, 1)},
        # Wrong: the spare ageing while it waits (the case-2 chain), or the crew ignored.
        {
            "svc": [
                ("spare ageing while cold (hot 1oo2)", BirthDeath((2 * LAM, LAM), (MU, MU))),
                ("crew limit ignored", BirthDeath((LAM, LAM), (MU, 2 * MU))),
            ]
        },
        horizon=200_000.0,
        replications=200,
        seed=1301,
    ),
    # 5. Hot standby (dormancy 1), instant perfect switchover, each unit its own repairer: the
    #    units are independent two-state processes and the non-revertive group is down exactly
    #    when both are down (a failed active unit is replaced at once by an up spare; with none
    #    up, the first to recover serves). So A(t) = 1 - q(t)^2, steady 1 - q^2 with
    #    q = MTTR / (MTTF + MTTR): the chain 0 -> 1 at 2 lam, 1 -> 2 at lam, 1 -> 0 mu, 2 -> 1 2 mu.
    ChainCase(
        "5-hot-standby-own-repairers",
        _build_hot_standby_own_repairers,
        BirthDeath((2 * LAM, LAM), (MU, 2 * MU)),
        {"svc": (0, 1), "parallel": (0, 1)},
        # Wrong: dormancy ignored (spare cold): 0 -> 1 at lam only.
        {"svc": [("spare treated as cold", BirthDeath((LAM, LAM), (MU, 2 * MU)))]},
        horizon=200_000.0,
        replications=200,
        seed=1501,
    ),
]
CHAIN_CHECKS = [(i, svc) for i, c in enumerate(CHAIN_CASES) for svc in c.up_states]


@functools.cache
def _chain(idx: int) -> rs.Results:
    case = CHAIN_CASES[idx]
    return _simulate(case.build(), case.horizon, case.replications, case.seed)


@pytest.mark.parametrize("idx,service", CHAIN_CHECKS, ids=[f"{CHAIN_CASES[i].id}:{s}" for i, s in CHAIN_CHECKS])
def test_chain_service_availability(idx: int, service: str) -> None:
    case = CHAIN_CASES[idx]
    states = list(case.up_states[service])
    exact = float(case.chain.mean_occupancy(case.horizon)[states].sum())
    steady = float(case.chain.steady[states].sum())
    res = _chain(idx)
    est = check(f"{case.id}:{service} A = sum pi_j (j up), time-averaged", res.availability(service, CONFIDENCE), exact)
    check_steady_horizon(f"{case.id}:{service} A = sum pi_j (j up)", exact, steady, est)
    for what, wrong_chain in case.wrong.get(service, []):
        check_far(f"{case.id}:{service} far from: {what}", est, float(wrong_chain.steady[states].sum()))


def test_machine_repair_each_machine_up_60_percent() -> None:
    idx = next(i for i, c in enumerate(CHAIN_CASES) if c.id == "1-machine-repair")
    case = CHAIN_CASES[idx]
    res = _chain(idx)
    T = case.horizon
    occ = case.chain.mean_occupancy(T)
    exact = float(occ[0] + occ[1] / 2)  # by symmetry each machine is the failed one half of the time in state 1
    for c in ("a", "b"):
        est = check(f"1-machine-repair: machine {c} up pi_0 + pi_1/2", 1.0 - res.component_downtime(c) / T, exact)
        check_steady_horizon(f"1-machine-repair: machine {c} up 0.6", exact, 0.6, est)
        # Wrong: its own repairer, mu / (lam + mu) = 2/3.
        check_far(f"1-machine-repair: machine {c} far from independent repair 2/3", est, MU1 / (LAM1 + MU1))
    # P(both down) = pi_2 = 0.2: the share of time the any_of service is down.
    est = check("1-machine-repair: P(both down) = pi_2", res.downtime("either") / T, float(occ[2]))
    check_steady_horizon("1-machine-repair: P(both down) = 0.2", float(occ[2]), 0.2, est)


def test_hot_standby_is_parallel_pathwise() -> None:
    """Hot standby with instant perfect switchover and a 1-of-2 any_of over the same components are
    down at exactly the same times (see case 5), so their downtimes agree replication by replication."""
    idx = next(i for i, c in enumerate(CHAIN_CASES) if c.id == "5-hot-standby-own-repairers")
    res = _chain(idx)
    np.testing.assert_allclose(res.downtime("svc"), res.downtime("parallel"), rtol=1e-12, atol=1e-9)
    # Each unit is an independent two-state process (hot spare ages at rate 1): A_avg(T) in closed form.
    T = CHAIN_CASES[idx].horizon
    exact = float(BirthDeath((LAM,), (MU,)).mean_occupancy(T)[0])
    for c in ("a", "b"):
        check(f"5-hot-standby: unit {c} A_avg(T) (two-state chain)", 1.0 - res.component_downtime(c) / T, exact)


def test_hot_standby_outages_are_parallel_outages() -> None:
    """The same pathwise identity for the outages: both services go down and up at the same instants."""
    idx = next(i for i, c in enumerate(CHAIN_CASES) if c.id == "5-hot-standby-own-repairers")
    res = _chain(idx)
    np.testing.assert_array_equal(res.outage_counts("svc"), res.outage_counts("parallel"))


# --------------------------------------------------------------------------------------------------
# 4. Standby without repair: reliability of a two-unit standby system
# --------------------------------------------------------------------------------------------------


def standby_reliability(t: float, lam: float, p: float, alpha: float) -> float:
    """R(t) of a two-unit standby system without repair (the classical cold / warm standby
    formulas, e.g. Rausand & Hoyland, System Reliability Theory, 2nd ed., standby systems),
    derived here.

    The active unit fails at rate lam; the spare ages at rate alpha * lam while waiting
    (alpha = dormancy: 0 cold, 1 hot); the switchover succeeds with probability p, after which
    the spare, memoryless, lives Exp(lam). Conditioning on the first failure time s:
        R(t) = e^{-lam t} + p integral_0^t lam e^{-lam s} e^{-alpha lam s} e^{-lam (t - s)} ds
             = e^{-lam t} (1 + p (1 - e^{-alpha lam t}) / alpha)      (-> e^{-lam t}(1 + p lam t) cold).
    """
    if alpha == 0:
        return math.exp(-lam * t) * (1 + p * lam * t)
    return math.exp(-lam * t) * (1 + p * -math.expm1(-alpha * lam * t) / alpha)


def standby_expected_uptime(T: float, lam: float, p: float, alpha: float) -> float:
    """integral_0^T R(t) dt in closed form (so expected downtime over [0, T] = T - this)."""
    a = -math.expm1(-lam * T) / lam  # integral e^{-lam t}
    if alpha == 0:
        # integral lam t e^{-lam t} dt = (1 - e^{-lam T} (1 + lam T)) / lam
        return a + p * (-math.expm1(-lam * T) - lam * T * math.exp(-lam * T)) / lam
    # integral e^{-(1+alpha) lam t} dt = (1 - e^{-(1+alpha) lam T}) / ((1+alpha) lam)
    b = -math.expm1(-(1 + alpha) * lam * T) / ((1 + alpha) * lam)
    return a + p / alpha * (a - b)


# (id, switchover success p, dormancy alpha, horizon, replications, seed)
STANDBY_NO_REPAIR = [
    ("cold-p=1", 1.0, 0.0, 2.0, 200_000, 1401),
    ("cold-p=0.7", 0.7, 0.0, 2.0, 200_000, 1402),
    ("warm0.5-p=0.9", 0.9, 0.5, 2.0, 200_000, 1403),
]
NO_REPAIR = 1e9  # hours: nothing is repaired within the horizon


@functools.cache
def _standby_no_repair(p: float, alpha: float, T: float, n: int, seed: int) -> rs.Results:
    m = rs.Model("standby-no-repair")
    for c in ("p", "q"):
        m.component(c, failure=rs.Exponential(1.0), repair=rs.Deterministic(NO_REPAIR))
    m.service("s", rs.standby("p", "q", detection=0, switchover=0, success=p, dormancy=alpha))
    return _simulate(m, T, n, seed)


@pytest.mark.parametrize("case", STANDBY_NO_REPAIR, ids=[c[0] for c in STANDBY_NO_REPAIR])
def test_standby_without_repair_reliability(case: tuple) -> None:
    name, p, alpha, T, n, seed = case
    res = _standby_no_repair(p, alpha, T, n, seed)
    # The service never went down in [0, T] <=> it had no downtime (a real outage has positive
    # length: without repair it lasts until the horizon).
    check(f"4 standby {name}: P(up throughout [0,T]) = R(T)", (res.downtime("s") == 0).astype(float), standby_reliability(T, 1.0, p, alpha))
    # Expected downtime over [0, T] = integral_0^T (1 - R(t)) dt.
    check(f"4 standby {name}: E[downtime] = T - int_0^T R", res.downtime("s"), T - standby_expected_uptime(T, 1.0, p, alpha))


def test_standby_instant_switchover_is_not_an_outage() -> None:
    name, p, alpha, T, n, seed = STANDBY_NO_REPAIR[0]
    res = _standby_no_repair(p, alpha, T, n, seed)
    check(
        f"4 standby {name}: P(no outage in [0,T]) = R(T)",
        (res.outage_counts("s") == 0).astype(float),
        standby_reliability(T, 1.0, p, alpha),
    )


# --------------------------------------------------------------------------------------------------
# 6. Detection delay + exponential restore: RTO compliance, outage duration, time by phase
# --------------------------------------------------------------------------------------------------

DETECT_D = 0.25  # h, deterministic "detect" step
RESTORE_MU = 2.0  # /h, exponential "restore" step (mean 0.5 h)
DETECT_MTTF = 2.0  # h, exponential time to failure
DETECT_RTO = 0.75  # h: P(D <= RTO) = 1 - e^{-mu (RTO - d)} = 1 - e^{-1} ~ 0.632
DETECT_T, DETECT_N, DETECT_SEED = 20_000.0, 200, 1601


@functools.cache
def _detect() -> rs.Results:
    m = rs.Model("detect-restore")
    m.component(
        "a",
        failure=rs.Exponential(DETECT_MTTF),
        repair=rs.Procedure(rs.Step("detect", rs.Deterministic(DETECT_D)), rs.Step("restore", rs.Exponential(1 / RESTORE_MU))),
    )
    m.service("s", rs.all_of("a"), rto=DETECT_RTO)
    return _simulate(m, DETECT_T, DETECT_N, DETECT_SEED)


def _detect_moments() -> tuple[Moments, Moments]:
    up = exp_moments(DETECT_MTTF)
    down = sum_moments(deterministic_moments(DETECT_D), exp_moments(1 / RESTORE_MU))  # D = d + X
    return up, down


def test_detection_delay_rto_compliance() -> None:
    d, mu, rto, T = DETECT_D, RESTORE_MU, DETECT_RTO, DETECT_T
    # Outage duration D = d + X, X ~ Exp(mu): P(D <= RTO) = 1 - exp(-mu (RTO - d)) for RTO >= d.
    p = -math.expm1(-mu * (rto - d))
    # Finite horizon: the estimator counts an outage that started at T - u as met if it ended by T
    # (D <= u < RTO), but as a breach only if it started before T - RTO. With outages starting at the
    # stationary rate nu = 1/m near T (key renewal theorem), E[met] = p E[N] - nu int_0^RTO (p - F(u)) du
    # and E[breach] = (1 - p)(E[N] - nu RTO), so the pooled ratio is
    #   p + (1 - p) nu I / (E[N] - nu int_0^RTO (1 - F)),   I = int_0^RTO F(u) du = (RTO - d) - p / mu.
    up, down = _detect_moments()
    ref = alternating_renewal(up, down, T)
    m = up.m1 + down.m1
    nu = 1.0 / m
    integral_f = (rto - d) - p / mu
    den = ref.expected_failures - nu * (rto - integral_f)
    exact = p + (1 - p) * nu * integral_f / den
    res = _detect()
    est = check("6 detect+restore: RTO compliance 1 - e^{-mu (RTO - d)}", res.rto_compliance("s", CONFIDENCE), exact)
    check_steady_horizon("6 detect+restore: RTO compliance (steady)", exact, p, est)
    assert 0.55 < p < 0.7


def test_detection_delay_mean_outage_duration() -> None:
    up, down = _detect_moments()
    ref = alternating_renewal(up, down, DETECT_T)
    res = _detect()
    # Pooled mean outage length = E[downtime(T)] / E[outages(T)] (outages = failures, one component);
    # both from the renewal expansion; the limit is E[D] = d + 1/mu.
    exact = DETECT_T * (1.0 - ref.mean_availability) / ref.expected_failures
    est = check(
        "6 detect+restore: mean outage duration d + 1/mu", ratio_estimate(res.downtime("s"), res.outage_counts("s"), CONFIDENCE), exact
    )
    check_steady_horizon("6 detect+restore: mean outage duration (steady)", exact, DETECT_D + 1 / RESTORE_MU, est)


def test_detection_delay_time_by_phase() -> None:
    d, mu, T = DETECT_D, RESTORE_MU, DETECT_T
    res = _detect()
    up, down = _detect_moments()
    ref = alternating_renewal(up, down, T)
    m = up.m1 + down.m1
    a_inf = ref.steady
    phases = res.raw.service_phase_downtime[:, res.service_names.index("s"), :]
    detect = phases[:, res.phase_names.index("detect")]
    restore = phases[:, res.phase_names.index("restore")]
    n_out = res.outage_counts("s").astype(float)
    # Identities: one component and no standby, so an outage is exactly detect then restore
    # (the other phases hold at most rounding noise: see the report on 'other').
    np.testing.assert_allclose(detect + restore, res.downtime("s"), rtol=1e-9, atol=1e-9)
    assert np.abs(np.delete(phases, [res.phase_names.index("detect"), res.phase_names.index("restore")], axis=1)).max() < 1e-9
    by_phase = res.downtime_by_phase("s")
    assert by_phase["detect"] == pytest.approx(detect.mean(), rel=1e-12)
    assert by_phase["restore"] == pytest.approx(restore.mean(), rel=1e-12)
    # Per horizon: every outage spends d detecting, except the one cut by the horizon: it started
    # at T - u with u < d at the stationary rate 1/m and lost d - u: E[detect] = d E[N] - d^2 / (2 m).
    check("6 detect+restore: E[detect time] = d E[N] - d^2/(2m)", detect, d * ref.expected_failures - d * d / (2 * m))
    # The same per replication (bounded, so a sharp check): E[detect - d N] = -d^2 / (2 m).
    check("6 detect+restore: E[detect - d N] = -d^2/(2m)", detect - d * n_out, -d * d / (2 * m))
    # Restore: by Wald every outage started brings an Exp(mu) restore (mean 1/mu), of which only
    # what lies after T is missing: for the outage open at T (probability 1 - A) the memoryless
    # remainder has mean 1/mu (restore running or not started yet): E[restore] = E[N]/mu - (1 - A)/mu.
    check("6 detect+restore: E[restore time] = E[N]/mu - (1-A)/mu", restore, (ref.expected_failures - (1 - a_inf)) / mu)
    check("6 detect+restore: E[restore - N/mu] = -(1-A)/mu", restore - n_out / mu, -(1 - a_inf) / mu)


# --------------------------------------------------------------------------------------------------
# 7, 8. Backups, replication and RPO
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossCase:
    """One component with a single exponential data-loss failure mode and exponential repair."""

    id: str
    mttf: float
    data_loss: bool | str
    backup_every: float | None  # B (duration 0, offset 0)
    backup_success: float  # s
    lag_mean: float | None  # L: replication lag ~ Exp(mean L)
    rpo: float
    horizon: float
    replications: int
    seed: int
    repair_mean: float = 0.5

    @property
    def lam(self) -> float:
        return 1.0 / self.mttf

    @property
    def lag_applies(self) -> bool:
        return self.lag_mean is not None and self.data_loss is True

    def window_survival(self, y: float) -> float:
        """S(y) = P(W > y) for the protection window W = min(time since the latest successful
        backup, replication lag), ignoring the baseline (the age bound, handled separately).

        Backups every B succeeding with probability s independently, failure phase U uniform on
        [0, B): W_backup = U + B G with G ~ Geometric (failed backups before the latest success,
        P(G = g) = (1 - s)^g s). For y = jB + r, 0 <= r < B:
            P(U + B G > y) = P(G > j) + P(G = j) P(U > r) = (1 - s)^j (1 - s r / B).
        Replication (data_loss=True only): P(lag > y) = e^{-y/L}. Independent, so multiply.
        """
        s = 1.0
        if self.backup_every is not None:
            j = math.floor(y / self.backup_every)
            r = y - j * self.backup_every
            s *= (1 - self.backup_success) ** j * (1 - self.backup_success * r / self.backup_every)
        if self.lag_applies:
            s *= math.exp(-y / self.lag_mean)  # type: ignore[operator]
        return s

    # The loss of an incident is min(A, W): A = the age at failure (time since the baseline, i.e.
    # since the last recovery: with one data-loss mode every recovery resets the baseline), and W as
    # above. A ~ Exp(lam) is independent of W: the backup outcomes and lag are independent draws,
    # and with the recovery instant's phase V uniform on the backup grid (its long-run law, see
    # phase_bias_bound) the failure phase (V + a) mod B is uniform for every age a. Hence
    #   P(loss > x | A = u) = 1{u > x} S(x),  E[loss | A = u] = integral_0^u S(y) dy.

    def p_within(self) -> float:
        # P(loss <= x) = 1 - P(A > x) S(x) = 1 - e^{-lam x} S(x).
        # (s = 1, no replica: 1 - e^{-lam x}(1 - x/B) -> x/B as lam B -> 0; replica only:
        # 1 - e^{-(lam + 1/L) x} -> 1 - e^{-x/L}.)
        return 1.0 - math.exp(-self.lam * self.rpo) * self.window_survival(self.rpo)

    def _loss_integrals(self) -> tuple[float, float]:
        """(integral_0^inf S(y) e^{-lam y} dy, integral_0^inf y S(y) e^{-lam y} dy)."""
        a = self.lam + (1.0 / self.lag_mean if self.lag_applies else 0.0)  # type: ignore[operator]
        if self.backup_every is None:  # S(y) e^{-lam y} = e^{-a y}
            return 1.0 / a, 1.0 / (a * a)
        # Panel j = [jB, (j+1)B): S(jB + t) e^{-lam (jB + t)} = rho^j (1 - s t/B) e^{-a t} with
        # rho = (1 - s) e^{-a B}; sum_j rho^j = 1/(1 - rho), sum_j j rho^j = rho/(1 - rho)^2.
        B, s = self.backup_every, self.backup_success
        rho = (1 - s) * math.exp(-a * B)
        i0 = gauss_legendre(lambda t: (1 - s * t / B) * np.exp(-a * t), 0.0, B)
        i1 = gauss_legendre(lambda t: t * (1 - s * t / B) * np.exp(-a * t), 0.0, B)
        return i0 / (1 - rho), (B * i0 * rho / (1 - rho) ** 2 + i1 / (1 - rho))

    def mean_loss(self) -> float:
        # E[min(A, W)] = integral_0^inf P(A > y) P(W > y) dy = integral S(y) e^{-lam y} dy.
        return self._loss_integrals()[0]

    def _moments(self) -> tuple[Moments, Moments]:
        return exp_moments(self.mttf), exp_moments(self.repair_mean)

    def pooled(self) -> tuple[float, float, float]:
        """(share within RPO, mean loss, expected incidents) pooled over replications of length T,
        to o(1/T): the ratios of expected totals the engine's pooled estimators converge to.

        Incidents have intensity lam while up, and each incident's mark (1{loss <= x}, or loss)
        has conditional mean phi(age) given the history, so (compensator of a marked point
        process; Andersen, Borgan, Gill & Keiding, ch. II) E[sum of marks] = lam E[int_0^T 1{up}
        phi(age_t) dt]: a renewal reward with w(u) = phi(u) during the up time A of each cycle.
        With A ~ Exp(lam): r1 = int phi(u) e^{-lam u} du, ru = int u phi(u) e^{-lam u} du.
        """
        lam, x, T = self.lam, self.rpo, self.horizon
        up, down = self._moments()
        sx = self.window_survival(x)
        # Count (phi = 1): r1 = 1/lam, ru = 1/lam^2.
        n_all = lam * renewal_reward(1 / lam, 1 / lam**2, up, down, T)
        # Within RPO: phi(u) = 1 - 1{u > x} S(x):
        #   r1 = (1 - e^{-lam x} S(x)) / lam,  ru = 1/lam^2 - S(x) e^{-lam x} (x/lam + 1/lam^2).
        r1 = (1 - math.exp(-lam * x) * sx) / lam
        ru = 1 / lam**2 - sx * math.exp(-lam * x) * (x / lam + 1 / lam**2)
        n_within = lam * renewal_reward(r1, ru, up, down, T)
        # Loss: phi(u) = int_0^u S(y) dy; by parts r1 = (1/lam) int S e^{-lam y},
        #   ru = int_0^inf S(y) int_y^inf u e^{-lam u} du dy = int S(y) e^{-lam y} (y/lam + 1/lam^2) dy.
        k0, k1 = self._loss_integrals()
        lost = lam * renewal_reward(k0 / lam, k1 / lam + k0 / lam**2, up, down, T)
        return n_within / n_all, lost / n_all, n_all

    def phase_bias_bound(self, n_incidents: float) -> tuple[float, float]:
        """Bound on what the uniform-phase assumption can be off by, per pooled share and mean loss.

        The recovery phase V_n = (recovery instant before incident n) mod B starts at V_1 = 0
        (t = 0 is on the backup grid) and V_{n+1} = (V_n + A_n + R_n) mod B. The wrapped density
        of A ~ Exp(lam) on [0, B) is at least lam e^{-lam B} / (1 - e^{-lam B}) = (1 - eps) / B,
        so adding it (and then R_n) is a Doeblin-minorised kernel that keeps the uniform law:
        TV(V_n, uniform) <= eps^(n-1). Given A > y the failure phase is (V_n + y + A') mod B with
        A' ~ Exp(lam) (memoryless), so its law is within eps TV(V_n, uniform) <= eps^n of uniform.
        P(loss > y) = P(A > y) P(lag > y) P(phase + B G > y | A > y) therefore moves by at most
        eps^n e^{-lam y} P(lag > y) P(G >= floor(y/B)) for incident n: for the share within the
        RPO (y = x) by at most eps^n, for the mean loss (integrated over y) by at most
        eps^n min(1/a, B/s), a = lam (+ 1/L with a replica). Summed over incidents: eps/(1 - eps)
        per replication, divided by the expected incidents per replication.
        """
        if self.backup_every is None:
            return 0.0, 0.0
        lb = self.lam * self.backup_every
        eps = 1.0 - lb * math.exp(-lb) / -math.expm1(-lb)
        total = eps / (1.0 - eps)
        a = self.lam + (1.0 / self.lag_mean if self.lag_applies else 0.0)  # type: ignore[operator]
        loss_scale = min(1.0 / a, self.backup_every / self.backup_success)
        return total / n_incidents, total * loss_scale / n_incidents


# The baseline effect. After a data-loss incident is recovered, the recovery instant becomes the
# baseline (what was lost is not lost twice), so the next loss is at most the age A at the failure:
# loss = min(A, W) and P(loss <= x) = 1 - e^{-lam x} S(x) instead of the textbook 1 - S(x). With
# s = 1 and no replica this exceeds x/B by 1 - e^{-lam x}(1 - x/B) - x/B ~ lam x (1 - x/B), and
# the mean loss falls short of B/2 by ~ lam B^2 / 6. For MTTF = 20,000 h, B = 1 h, x = 0.4 h
# that is 1.2e-5 and 8e-6 h: under 0.1 standard error, which report_textbook asserts, so those
# cases verify the textbook RPO/B and B/2 themselves. "7-backup-1h_mttf-2h_baseline" makes the
# effect large on purpose (0.509 instead of 0.4) and checks that the simulator is far from RPO/B.
# (id -> textbook (share within the RPO, mean loss), whether MTTF >> B makes the effect negligible)
TEXTBOOK: dict[str, tuple[tuple[float, float], bool]] = {
    # RPO/B and B/2.
    "7-backup-1h_mttf-20000h": ((0.4 / 1.0, 1.0 / 2), True),
    # RPO = B + r: 1 - (1 - s)(1 - s r/B); mean: B/2 + B E[G] = B/2 + B (1 - s)/s.
    "7-backup-1h-s0.8_mttf-40000h": ((1 - (1 - 0.8) * (1 - 0.8 * 0.5), 0.5 + 0.2 / 0.8), True),
    # 1 - e^{-RPO/L} and L: MTTF = 1000 L only, so here the age bound is visible (printed, not asserted).
    "8-replica-lag-6m_mttf-100h": ((-math.expm1(-0.1 / 0.1), 0.1), False),
}


def report_textbook(case: LossCase, what: str, steady: float, which: int, est: rs.Estimate) -> None:
    if case.id not in TEXTBOOK:
        return
    values, negligible = TEXTBOOK[case.id]
    effect = steady - values[which]
    print(
        f"ANALYTIC {case.id + ': ' + what + ' baseline effect':<66} textbook={values[which]:.8g} "
        f"effect={effect:.3g} = {effect / est.stderr:+.3f} SE"
    )
    if negligible:
        assert abs(effect) < MAX_TRANSIENT_BIAS_SE * est.stderr, f"{case.id}: baseline effect not negligible"


LOSS_CASES = [
    # 7. Backups every B = 1 h, success 1, MTTF >> B: P(loss <= RPO) -> RPO/B, mean loss -> B/2.
    LossCase("7-backup-1h_mttf-20000h", 20_000.0, True, 1.0, 1.0, None, 0.4, 1.2e9, 100, 1701),
    # 7. The baseline effect made large (MTTF = 2B): 1 - e^{-lam x}(1 - x/B) = 0.509, not x/B = 0.4.
    LossCase("7-backup-1h_mttf-2h_baseline", 2.0, True, 1.0, 1.0, None, 0.4, 100_000.0, 100, 1702),
    # 7. Backups that fail: s = 0.8, RPO = 1.5 B: 1 - (1 - s)(1 - s/2) = 0.88; mean loss -> B/2 + B(1-s)/s.
    LossCase("7-backup-1h-s0.8_mttf-40000h", 40_000.0, True, 1.0, 0.8, None, 1.5, 2.4e9, 100, 1703),
    # 7. Failing backups and a strong baseline effect together.
    LossCase("7-backup-1h-s0.6_mttf-3h", 3.0, True, 1.0, 0.6, None, 0.5, 150_000.0, 100, 1704),
    # 8. Async replication, lag ~ Exp(6 min), no backups: P(loss <= x) = 1 - e^{-(lam + 1/L) x}.
    LossCase("8-replica-lag-6m_mttf-100h", 100.0, True, None, 1.0, 0.1, 0.1, 2e6, 100, 1801),
    # 8. data_loss="backup" ignores the replica; with no backups the loss is the time since the
    #    baseline, A ~ Exp(lam): P(loss <= x) = 1 - e^{-lam x}, mean loss MTTF.
    LossCase("8-replica-ignored_backup-mode_mttf-100h", 100.0, "backup", None, 1.0, 0.1, 50.0, 2e6, 100, 1802),
    # 8. Replica and hourly backups: P(loss > x) = e^{-lam x} (1 - x/B) e^{-x/L}.
    LossCase("8-replica-lag-15m+backup-1h_mttf-100h", 100.0, True, 1.0, 1.0, 0.25, 0.25, 3e6, 100, 1803),
    # 8. Same component, data_loss="backup": the replica does not help: e^{-lam x} (1 - x/B).
    LossCase("8-replica+backup-1h_backup-mode_mttf-100h", 100.0, "backup", 1.0, 1.0, 0.25, 0.25, 3e6, 100, 1804),
]
LOSS_IDS = [c.id for c in LOSS_CASES]


@functools.cache
def _loss(idx: int) -> rs.Results:
    c = LOSS_CASES[idx]
    m = rs.Model(c.id)
    m.component(
        "db",
        modes=[rs.FailureMode("lost", rs.Exponential(c.mttf), rs.Exponential(c.repair_mean), data_loss=c.data_loss)],
        backup=None if c.backup_every is None else rs.Backup(every=c.backup_every, duration=0.0, success=c.backup_success),
        replication=None if c.lag_mean is None else rs.Replication(lag=rs.Exponential(c.lag_mean)),
    )
    m.service("s", rs.all_of("db"), rpo=c.rpo)
    return _simulate(m, c.horizon, c.replications, c.seed)


def test_loss_reference_limits() -> None:
    """The window integrals reduce to the textbook limits (pure mathematics)."""
    B = 1.0
    # s = 1, no replica: E[loss] = int_0^B e^{-lam y} (1 - y/B) dy in closed form.
    lam = 0.5
    c = LossCase("x", 1 / lam, True, B, 1.0, None, 0.4, 1.0, 1, 0)
    closed = -math.expm1(-lam * B) / lam - (-math.expm1(-lam * B) - lam * B * math.exp(-lam * B)) / (lam * lam * B)
    assert c.mean_loss() == pytest.approx(closed, rel=1e-12)
    # MTTF -> infinity: P(loss <= x) -> s x/B for x < B, mean -> B/2 + B (1 - s)/s.
    for s in (1.0, 0.8, 0.3):
        far = LossCase("x", 1e12, True, B, s, None, 0.4, 1.0, 1, 0)
        assert far.p_within() == pytest.approx(s * 0.4 / B, rel=1e-9)
        assert far.mean_loss() == pytest.approx(B / 2 + B * (1 - s) / s, rel=1e-9)
        assert LossCase("x", 1e12, True, B, s, None, B, 1.0, 1, 0).p_within() == pytest.approx(s, rel=1e-9)
    # Replica only: min of two exponentials.
    r = LossCase("x", 100.0, True, None, 1.0, 0.1, 0.1, 1.0, 1, 0)
    assert r.mean_loss() == pytest.approx(1 / (0.01 + 10.0), rel=1e-14)
    # The numeric integral against a brute-force one (fine trapezoid) with everything switched on.
    full = LossCase("x", 3.0, True, B, 0.6, 0.7, 0.5, 1.0, 1, 0)
    y = np.linspace(0.0, 60.0, 600_001)
    sy = np.array([full.window_survival(v) for v in y[::1000]])  # spot values
    assert np.all(np.diff(sy) <= 1e-15)  # a survival function is non-increasing
    f = (1 - 0.6) ** np.floor(y / B) * (1 - 0.6 * (y - np.floor(y / B) * B) / B) * np.exp(-y / 0.7) * np.exp(-y / 3.0)
    k0, k1 = full._loss_integrals()
    assert k0 == pytest.approx(np.trapezoid(f, y), rel=1e-8)
    assert k1 == pytest.approx(np.trapezoid(y * f, y), rel=1e-8)


@pytest.mark.parametrize("idx", range(len(LOSS_CASES)), ids=LOSS_IDS)
def test_rpo_compliance(idx: int) -> None:
    case = LOSS_CASES[idx]
    res = _loss(idx)
    steady = case.p_within()
    exact, _, n_all = case.pooled()
    est = check(f"{case.id}: RPO compliance 1 - e^(-lam x) S(x)", res.rpo_compliance("s", CONFIDENCE), exact)
    check_steady_horizon(f"{case.id}: RPO compliance (steady)", exact, steady, est)
    bound, _ = case.phase_bias_bound(n_all)
    assert bound < MAX_TRANSIENT_BIAS_SE * est.stderr, f"{case.id}: start-up phase effect bound {bound:.3g} too large"
    report_textbook(case, "RPO compliance", steady, 0, est)
    if case.id == "7-backup-1h_mttf-2h_baseline":
        # ... but here it is large and the simulator sees it.
        check_far(f"{case.id}: far from RPO/B (baseline ignored)", est, case.rpo / case.backup_every)  # type: ignore[operator]
    if case.id == "8-replica-ignored_backup-mode_mttf-100h":
        with_replica = LossCase("x", case.mttf, True, None, 1.0, case.lag_mean, case.rpo, 1.0, 1, 0).p_within()
        check_far(f"{case.id}: far from the replica-protected answer", est, with_replica)


@pytest.mark.parametrize("idx", range(len(LOSS_CASES)), ids=LOSS_IDS)
def test_mean_data_loss(idx: int) -> None:
    case = LOSS_CASES[idx]
    res = _loss(idx)
    _, exact, n_all = case.pooled()
    incidents = res.data_loss_incidents("s")
    est = check(f"{case.id}: mean loss int_0^inf e^(-lam y) S(y) dy", ratio_estimate(res.data_lost("s"), incidents, CONFIDENCE), exact)
    check_steady_horizon(f"{case.id}: mean loss (steady)", exact, case.mean_loss(), est)
    report_textbook(case, "mean loss", case.mean_loss(), 1, est)
    _, bound = case.phase_bias_bound(n_all)
    assert bound < MAX_TRANSIENT_BIAS_SE * est.stderr, f"{case.id}: start-up phase effect bound {bound:.3g} too large"
    # Every failure of a data-loss mode is one incident; the expected count from the renewal expansion.
    np.testing.assert_array_equal(incidents, res.failures("db"))
    check(f"{case.id}: E[incidents] (renewal)", incidents, n_all)


# --------------------------------------------------------------------------------------------------
# 9. Hidden failures found by periodic inspection
# --------------------------------------------------------------------------------------------------

# (id, lam, tau, offset, number of inspection intervals, replications, seed)
INSPECTION_CASES = [
    ("lam.tau=1", 0.5, 2.0, 0.0, 10_000, 200, 1901),
    ("lam.tau=0.24_offset-6h", 0.01, 24.0, 6.0, 2_000, 400, 1902),
]


def inspection_intervals(tau: float, offset: float, k: int) -> list[float]:
    """Lengths of the intervals between inspections covering [0, T] with T = offset + k tau."""
    return ([offset] if offset > 0 else []) + [tau] * k


@functools.cache
def _inspection(lam: float, tau: float, offset: float, k: int, n: int, seed: int) -> rs.Results:
    m = rs.Model("hidden-failure")
    m.component(
        "a",
        failure=rs.Exponential(1 / lam),
        repair=rs.Procedure(rs.Step("inspect", 0, every=tau, offset=offset), rs.Step("repair", 0)),
    )
    m.service("s", rs.all_of("a"))
    return _simulate(m, offset + k * tau, n, seed)


@pytest.mark.parametrize("case", INSPECTION_CASES, ids=[c[0] for c in INSPECTION_CASES])
def test_periodic_inspection(case: tuple) -> None:
    name, lam, tau, offset, k, n, seed = case
    T = offset + k * tau
    res = _inspection(lam, tau, offset, k, n, seed)
    # A failure is found at the next inspection and repaired in zero time, so at every inspection
    # instant the item is up and as good as new (or, memoryless, as good as new): each interval of
    # length l between inspections independently holds an Exp(lam) life truncated at l, with
    # expected uptime E[min(X, l)] = (1 - e^{-lam l}) / lam and one failure with probability
    # 1 - e^{-lam l}. Exact for any T made of whole intervals. In steady state this is the
    # renewal cycle tau N, N ~ Geometric(1 - e^{-lam tau}), E[cycle] = tau / (1 - e^{-lam tau}),
    # A = (1/lam) / E[cycle] = (1 - e^{-lam tau}) / (lam tau): 1 - the average probability of
    # failure on demand of a periodically tested item (Rausand & Hoyland, System Reliability
    # Theory, 2nd ed., ch. 10, reliability of safety systems; IEC 61508-6 Annex B: PFD_avg ~ lam tau / 2).
    lengths = inspection_intervals(tau, offset, k)
    uptime = sum(-math.expm1(-lam * length) / lam for length in lengths)
    exact = uptime / T
    steady = -math.expm1(-lam * tau) / (lam * tau)
    est = check(f"9 inspection {name}: A = sum (1-e^(-lam l))/lam / T", res.availability("s", CONFIDENCE), exact)
    if offset == 0:
        assert exact == pytest.approx(steady, rel=1e-12)  # whole intervals: no transient at all
        print(f"ANALYTIC {'9 inspection ' + name + ': equals (1-e^(-lam tau))/(lam tau) exactly':<66} steady={steady:.8g}")
    else:
        check_steady_horizon(f"9 inspection {name}: (1-e^(-lam tau))/(lam tau)", exact, steady, est)
    check(
        f"9 inspection {name}: E[failures] = sum (1 - e^(-lam l))", res.failures("a"), sum(-math.expm1(-lam * length) for length in lengths)
    )
    # All the downtime is spent waiting for the inspection (the steps take no time).
    phases = res.raw.service_phase_downtime[:, 0, :]
    np.testing.assert_allclose(phases[:, res.phase_names.index("inspection_wait")], res.downtime("s"), rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------------------------------
# 10. Retried repair steps and escalation
# --------------------------------------------------------------------------------------------------

RETRY_MTTF, RETRY_STEP_MEAN, RETRY_P = 10.0, 1.0, 0.4
RETRY_T, RETRY_N, RETRY_SEED = 20_000.0, 400, 2001


@functools.cache
def _retry() -> rs.Results:
    m = rs.Model("retry")
    m.component(
        "a", failure=rs.Exponential(RETRY_MTTF), repair=rs.Procedure(rs.Step("restore", rs.Exponential(RETRY_STEP_MEAN), success=RETRY_P))
    )
    m.service("s", rs.all_of("a"))
    return _simulate(m, RETRY_T, RETRY_N, RETRY_SEED)


def test_retried_step_is_exponential() -> None:
    # A step retried until it succeeds: a Geometric(p) number of independent Exp(mu) attempts,
    # whose sum is Exp(p mu) (a geometric sum of exponentials is exponential: Ross, Introduction to
    # Probability Models, ch. 5, or thinning of a Poisson process). So the component is a
    # two-state Markov process with rates lam and p mu: A = MTTF / (MTTF + MTTR/p), and its exact
    # transient time average over [0, T] applies.
    lam, eff_mu = 1 / RETRY_MTTF, RETRY_P / RETRY_STEP_MEAN
    chain = BirthDeath((lam,), (eff_mu,))
    res = _retry()
    exact = float(chain.mean_occupancy(RETRY_T)[0])
    steady = RETRY_MTTF / (RETRY_MTTF + RETRY_STEP_MEAN / RETRY_P)
    est = check("10 retry p=0.4: A_avg(T) with MTTR = (1/mu)/p", res.availability("s", CONFIDENCE), exact)
    check_steady_horizon("10 retry p=0.4: MTTF/(MTTF + MTTR/p)", exact, steady, est)
    check_far("10 retry p=0.4: far from ignoring retries", est, RETRY_MTTF / (RETRY_MTTF + RETRY_STEP_MEAN))
    # Failures: intensity lam while up, so E[N(T)] = lam T A_avg(T).
    check("10 retry p=0.4: E[failures] = lam T A_avg(T)", res.failures("a"), lam * RETRY_T * exact)


ESC_MTTF, ESC_STEP_MEAN, ESC_P, ESC_K, ESC_REBUILD = 10.0, 1.0, 0.4, 2, 6.0
ESC_T, ESC_N, ESC_SEED = 40_000.0, 400, 2002


@functools.cache
def _escalation() -> rs.Results:
    m = rs.Model("escalation")
    m.procedure("rebuild", rs.Step("rebuild", rs.Deterministic(ESC_REBUILD)))
    m.component(
        "a",
        failure=rs.Exponential(ESC_MTTF),
        repair=rs.Procedure(rs.Step("restore", rs.Exponential(ESC_STEP_MEAN), success=ESC_P, max_attempts=ESC_K, escalate="rebuild")),
    )
    m.service("s", rs.all_of("a"))
    return _simulate(m, ESC_T, ESC_N, ESC_SEED)


def escalation_repair_moments(mean: float, p: float, k: int, rebuild: float) -> Moments:
    """Repair time Y = sum of M Exp(mean) attempts + 1{all k attempts failed} * rebuild, where
    M = min(G, k) and G ~ Geometric(p) is the attempt that would succeed.

    E[S_M | M] = M mean, E[S_M^2 | M] = M (M + 1) mean^2 (Gamma(M) moments); the escalation
    happens with probability (1 - p)^k, and then M = k:
        E[Y]   = E[M] mean + (1-p)^k rebuild,
        E[Y^2] = E[M (M+1)] mean^2 + 2 rebuild (1-p)^k k mean + (1-p)^k rebuild^2.
    """
    pm = [(1 - p) ** (j - 1) * p for j in range(1, k)] + [(1 - p) ** (k - 1)]  # P(M = j), j = 1..k
    em = sum(j * q for j, q in zip(range(1, k + 1), pm))
    emm = sum(j * (j + 1) * q for j, q in zip(range(1, k + 1), pm))
    esc = (1 - p) ** k
    return Moments(em * mean + esc * rebuild, emm * mean**2 + 2 * rebuild * esc * k * mean + esc * rebuild**2)


def test_retries_then_escalation() -> None:
    down = escalation_repair_moments(ESC_STEP_MEAN, ESC_P, ESC_K, ESC_REBUILD)
    # Check the moments by the direct sum over outcomes (success at attempt 1, at 2, escalation).
    p, mu_mean, R = ESC_P, ESC_STEP_MEAN, ESC_REBUILD
    assert ESC_K == 2
    direct_m1 = p * mu_mean + (1 - p) * p * 2 * mu_mean + (1 - p) ** 2 * (2 * mu_mean + R)
    direct_m2 = p * 2 * mu_mean**2 + (1 - p) * p * 6 * mu_mean**2 + (1 - p) ** 2 * (6 * mu_mean**2 + 4 * mu_mean * R + R * R)
    assert down.m1 == pytest.approx(direct_m1, rel=1e-14) and down.m2 == pytest.approx(direct_m2, rel=1e-14)
    ref = alternating_renewal(exp_moments(ESC_MTTF), down, ESC_T)
    assert ref.cycles >= 200
    res = _escalation()
    est = check("10 retry x2 then rebuild: MTTF/(MTTF+E[Y]) (+b/T)", res.availability("s", CONFIDENCE), ref.mean_availability)
    check_steady_horizon("10 retry x2 then rebuild: MTTF/(MTTF+E[Y])", ref.mean_availability, ref.steady, est)
    check("10 retry x2 then rebuild: E[failures] renewal", res.failures("a"), ref.expected_failures)
    # Where the time goes: the rebuild hours in [0, T] are a renewal reward earning at rate 1
    # during the rebuild of a cycle (up X, then k failed attempts S_k, then R), which happens
    # with probability (1-p)^k; attempt durations do not depend on their outcome, so
    #   r1 = (1-p)^k R,  ru = E[1{esc} int_{X+S_k}^{X+S_k+R} u du] = (1-p)^k (R (MTTF + k mean) + R^2/2).
    phases = res.raw.service_phase_downtime[:, 0, :]
    rebuild = phases[:, res.phase_names.index("rebuild")]
    esc = (1 - p) ** ESC_K
    r1 = esc * R
    ru = esc * (R * (ESC_MTTF + ESC_K * mu_mean) + R * R / 2)
    exact = renewal_reward(r1, ru, exp_moments(ESC_MTTF), down, ESC_T)
    check("10 retry x2 then rebuild: E[rebuild hours] (renewal reward)", rebuild, exact)
    restore = phases[:, res.phase_names.index("restore")]
    np.testing.assert_allclose(rebuild + restore, res.downtime("s"), rtol=1e-9, atol=1e-9)
