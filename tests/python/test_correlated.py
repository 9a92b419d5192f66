"""Correlated failures and operations against exact answers: shocks, cascades, load sharing,
no ageing while down, maintenance windows, root causes.

Same conventions as ``test_analytic.py``: every reference value is computed in this file from a
formula whose derivation or source is written next to it; nothing is fitted to the simulator.
A statistical check passes when the exact value lies inside the simulator's own ``CONFIDENCE``
(99.99%) Student-t interval over replications (about 3.9 standard errors); proportions are means
of 0/1 indicators per replication (the same interval, i.e. the Wald binomial interval) and pooled
ratios use the delta-method interval of :func:`recoverysim.stats.ratio_estimate`. Seeds are fixed,
so the outcome is deterministic (results do not depend on the thread count).

Deterministic models (fixed failure and repair times) are checked exactly against a timeline
written out by hand in a comment next to the test.

Run with ``-s`` to print one line per statistical check (exact, estimate, standard error, distance
in standard errors).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import exactcheck
import numpy as np
import pytest
from exactcheck import CONFIDENCE, gauss_legendre
from exactcheck import simulate as _simulate

import recoverysim as rs
from recoverysim.stats import ratio_estimate

check = functools.partial(exactcheck.check, tag="CORRELATED")
check_far = functools.partial(exactcheck.check_far, widths=3.0, tag="CORRELATED")  # > ~12 standard errors
check_steady_horizon = functools.partial(exactcheck.check_steady_horizon, tag="CORRELATED")

NEVER = rs.Deterministic(1e12)  # a time to failure far beyond every horizon used here
D = rs.Deterministic


# --------------------------------------------------------------------------------------------------
# Checking helpers: see exactcheck.py
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# 1. Beta-factor common cause failure of a redundant pair, no repair: reliability R(T)
# --------------------------------------------------------------------------------------------------
#
# Beta-factor model (Fleming 1975; NUREG/CR-5485, "Guidelines on Modeling Common-Cause Failures in
# Probabilistic Risk Assessment", sec. 5; IEC 61508-6 annex D): each component's failure rate lam is
# split into an independent part (1 - beta) lam and a common-cause part beta lam that fails every
# member at once. Modelled as two components with rate (1 - beta) lam each and a shock of rate
# beta lam that triggers the failure mode of both. Without repair the pair any_of(a, b) survives to
# T iff no shock came by T (prob e^{-beta lam T}) and, independently, not both independent failure
# times are <= T:
#     R(T) = e^{-beta lam T} (1 - (1 - e^{-(1 - beta) lam T})^2)                           (exact)
# The textbook form with Q = 1 - e^{-lam T} (the single-component unreliability),
#     R ~= (1 - beta Q) (1 - ((1 - beta) Q)^2),
# is a first-order approximation (it takes the common-cause and the independent failure
# probabilities as beta Q and (1 - beta) Q instead of 1 - e^{-beta lam T} and
# 1 - e^{-(1 - beta) lam T}); it is optimistic and good only for small lam T.
# Each component alone still fails with rate lam (first of two independent exponentials), so
# P(a failed by T) = 1 - e^{-lam T} whatever beta is.

BETA_LAM = 1.0 / 1000.0  # per hour
# (id, beta, lam T, replications, seed)
BETA_CASES = [
    ("beta=0.1-lamT=1", 0.1, 1.0, 400_000, 1101),
    ("beta=0.3-lamT=1", 0.3, 1.0, 400_000, 1102),
    ("beta=0.1-lamT=0.1", 0.1, 0.1, 400_000, 1103),
    ("beta=0.3-lamT=0.1", 0.3, 0.1, 400_000, 1104),
]


def beta_factor_exact(beta: float, lam_t: float) -> float:
    return math.exp(-beta * lam_t) * (1.0 - (-math.expm1(-(1.0 - beta) * lam_t)) ** 2)


def beta_factor_textbook(beta: float, lam_t: float) -> float:
    q = -math.expm1(-lam_t)
    return (1.0 - beta * q) * (1.0 - ((1.0 - beta) * q) ** 2)


@functools.cache
def _beta_factor(beta: float, lam_t: float, n: int, seed: int) -> rs.Results:
    lam = BETA_LAM
    m = rs.Model("beta-factor-pair")
    for c in ("a", "b"):
        m.component(c, failure=rs.Exponential(1.0 / ((1.0 - beta) * lam)), repair=D(1e9))
    m.shock("ccf", every=rs.Exponential(1.0 / (beta * lam)), targets=["a", "b"], probability=1.0, mode="failure")
    m.service("pair", rs.any_of("a", "b"))
    return _simulate(m, lam_t / lam, n, seed)


def test_beta_factor_reference_formulas() -> None:
    """Pure mathematics: beta = 0 is the independent pair; the textbook form is close for small lam T."""
    for lam_t in (0.01, 0.1, 1.0):
        q = -math.expm1(-lam_t)
        assert beta_factor_exact(0.0, lam_t) == pytest.approx(1 - q * q, rel=1e-14)
        assert beta_factor_textbook(0.0, lam_t) == pytest.approx(1 - q * q, rel=1e-14)
    for beta in (0.1, 0.3):
        # Relative error on the unreliability 1 - R: a few percent at lam T = 0.1, under 1% at 0.02.
        for lam_t, tol in ((0.1, 0.04), (0.02, 0.01)):
            ex, ap = beta_factor_exact(beta, lam_t), beta_factor_textbook(beta, lam_t)
            assert abs(ap - ex) < tol * (1 - ex), (beta, lam_t, ap, ex)


@pytest.mark.parametrize("case", BETA_CASES, ids=[c[0] for c in BETA_CASES])
def test_beta_factor_reliability(case: tuple) -> None:
    name, beta, lam_t, n, seed = case
    res = _beta_factor(beta, lam_t, n, seed)
    survived = (res.outage_counts("pair") == 0).astype(float)  # R(T): no outage of the pair in [0, T)
    exact = beta_factor_exact(beta, lam_t)
    est = check(f"1 {name}: R(T) = e^-bLT (1-(1-e^-(1-b)LT)^2)", survived, exact)
    # No repair within the horizon: the pair fails at most once.
    assert set(np.unique(res.outage_counts("pair"))) <= {0, 1}
    # The common cause matters: far from the independent pair 1 - Q^2.
    q = -math.expm1(-lam_t)
    check_far(f"1 {name}: not the independent pair 1-Q^2", est, 1 - q * q)
    textbook = beta_factor_textbook(beta, lam_t)
    z_textbook = (est.mean - textbook) / est.stderr
    print(f"CORRELATED 1 {name}: textbook (1-bQ)(1-((1-b)Q)^2) = {textbook:.8g}, z = {z_textbook:+.2f}")
    if lam_t >= 1.0:
        # At lam T = 1 the first-order approximation is off by 11-22% of the unreliability, and
        # the simulation resolves that: it follows the exact formula, not the approximation.
        check_far(f"1 {name}: not the first-order textbook form", est, textbook)
    # Each component alone: rate (1 - beta) lam + beta lam = lam, so P(failed by T) = 1 - e^{-lam T}.
    for c in ("a", "b"):
        check(f"1 {name}: P({c} failed by T) = 1-e^-LT", res.failures(c), q)


# --------------------------------------------------------------------------------------------------
# 2. Shocks that hold components down: M/G/infinity
# --------------------------------------------------------------------------------------------------
#
# Shocks arrive as a Poisson process of rate nu; each holds its hit components down for a duration
# D ~ Uniform(lo, hi), independently of the others (overlapping holds nest). The shocks in progress
# form an M/G/infinity queue. Started empty at 0, the number in progress at t is Poisson with mean
# nu m(t), m(t) = integral_0^t P(D > s) ds (Takacs; Ross, Stochastic Processes, sec. 2.3, the
# infinite-server queue); m(t) = E[D] for t >= hi, so the steady state P(busy) = 1 - e^{-nu E[D]}.
#
# Marks: each shock also carries independent coin flips (probability p) saying which of the n
# components it hits. By the marking/thinning theorem the shocks in progress at t that hit at least
# one of a set S of j components form a Poisson number with mean nu m(t) (1 - (1-p)^j). Hence:
#   * all_of(n components) is up at t iff no shock in progress hit any of them:
#       P(up) = exp(-nu m(t) q),  q = 1 - (1-p)^n;
#   * any_of(n components) is down iff every component is held; by inclusion-exclusion over the
#     sets S of components that are *not* held,
#       P(down) = sum_{j=0}^{n} (-1)^j C(n, j) exp(-nu m(t) (1 - (1-p)^j)).
#     With p = 1 both reduce to the M/G/infinity busy probability.
# Outages: an all_of outage begins when a shock that hits at least one component arrives while no
# such shock is in progress; these shocks are Poisson of rate nu q, so by PASTA
#       E[outages in [0, T)] = nu q integral_0^T exp(-nu q m(t)) dt.
# (With p = 1 the outages are the busy periods of the M/G/infinity queue, rate nu e^{-nu E[D]}.)

HOLD_NU = 1.0 / 100.0
HOLD_LO, HOLD_HI = 10.0, 50.0
HOLD_N = 3
HOLD_T = 200_000.0
HOLD_REPS = 200


def uniform_m(t: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """m(t) = integral_0^t P(D > s) ds for D ~ Uniform(lo, hi)."""
    t = np.asarray(t, dtype=float)
    mid = lo + (t - lo) - (t - lo) ** 2 / (2.0 * (hi - lo))
    return np.where(t <= lo, t, np.where(t >= hi, (lo + hi) / 2.0, mid))


def mean_exp_m(c: float, T: float, lo: float = HOLD_LO, hi: float = HOLD_HI) -> float:
    """(1/T) integral_0^T exp(-c m(t)) dt, exactly: closed form on [0, lo] and [hi, T],
    Gauss-Legendre (exact to rounding for this entire integrand) on [lo, hi]."""
    assert T >= hi
    first = -math.expm1(-c * lo) / c if c > 0 else lo
    middle = gauss_legendre(lambda t: np.exp(-c * uniform_m(t, lo, hi)), lo, hi)
    last = (T - hi) * math.exp(-c * (lo + hi) / 2.0)
    return (first + middle + last) / T


def any_of_held_down(nu: float, p: float, n: int, T: float | None) -> float:
    """Mean over [0, T] (T None: steady state) of P(every one of n components is held)."""
    ed = (HOLD_LO + HOLD_HI) / 2.0
    total = 0.0
    for j in range(n + 1):
        c = nu * (1.0 - (1.0 - p) ** j)
        total += (-1) ** j * math.comb(n, j) * (math.exp(-c * ed) if T is None else mean_exp_m(c, T))
    return total


def test_hold_reference_formulas() -> None:
    """Pure mathematics: the integrator against a dense trapezoid; inclusion-exclusion at p = 1."""
    T = 500.0
    t = np.linspace(0.0, T, 2_000_001)
    for c in (0.003, 0.01, 0.05):
        y = np.exp(-c * uniform_m(t, HOLD_LO, HOLD_HI))
        trap = float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(t))) / T
        assert mean_exp_m(c, T) == pytest.approx(trap, rel=1e-9)
    # m(t) is continuous at lo and hi.
    assert uniform_m(np.array([HOLD_HI]), HOLD_LO, HOLD_HI)[0] == pytest.approx((HOLD_LO + HOLD_HI) / 2)
    # p = 1: any_of is down iff a shock is in progress.
    assert any_of_held_down(HOLD_NU, 1.0, HOLD_N, None) == pytest.approx(-math.expm1(-HOLD_NU * (HOLD_LO + HOLD_HI) / 2), rel=1e-12)
    # n = 1: held iff a hitting shock is in progress: 1 - exp(-nu p E[D]).
    assert any_of_held_down(HOLD_NU, 0.4, 1, None) == pytest.approx(-math.expm1(-HOLD_NU * 0.4 * (HOLD_LO + HOLD_HI) / 2), rel=1e-12)


@functools.cache
def _hold(p: float, seed: int) -> rs.Results:
    m = rs.Model(f"hold-shock-p={p:g}")
    names = [f"h{i}" for i in range(HOLD_N)]
    for c in names:
        m.component(c, failure=NEVER, repair=D(1.0), tags={"zone": "z1"})
    # A bare duration means exponential inter-arrival times with that mean (Poisson arrivals).
    m.shock("zone-outage", every=1.0 / HOLD_NU, targets={"zone": "z1"}, probability=p, outage=rs.Uniform(HOLD_LO, HOLD_HI))
    m.service("any", rs.any_of(*names))
    m.service("all", rs.all_of(*names))
    return _simulate(m, HOLD_T, HOLD_REPS, seed)


# (id, p, seed)
HOLD_CASES = [("p=1", 1.0, 1201), ("p=0.5", 0.5, 1202)]


@pytest.mark.parametrize("case", HOLD_CASES, ids=[c[0] for c in HOLD_CASES])
def test_hold_shock_unavailability(case: tuple) -> None:
    name, p, seed = case
    res = _hold(p, seed)
    T, nu, ed = HOLD_T, HOLD_NU, (HOLD_LO + HOLD_HI) / 2
    q = 1.0 - (1.0 - p) ** HOLD_N
    # all_of: unavailability 1 - exp(-nu q m(t)), time-averaged.
    exact_all = 1.0 - mean_exp_m(nu * q, T)
    est = check(f"2 hold {name}: all_of unavail 1-exp(-nu q m(t)) avg", res.downtime("all") / T, exact_all)
    check_steady_horizon(f"2 hold {name}: all_of 1-exp(-nu q E[D])", exact_all, -math.expm1(-nu * q * ed), est)
    # any_of: inclusion-exclusion.
    exact_any = any_of_held_down(nu, p, HOLD_N, T)
    est = check(f"2 hold {name}: any_of unavail incl-excl avg", res.downtime("any") / T, exact_any)
    check_steady_horizon(f"2 hold {name}: any_of steady", exact_any, any_of_held_down(nu, p, HOLD_N, None), est)
    if p < 1:
        # Coin flips per component make any_of much better than all_of (not one common fate).
        check_far(f"2 hold {name}: any_of not the p=1 answer", est, -math.expm1(-nu * ed))
    # Each component: held iff a shock that hit it is in progress: thinned rate nu p.
    for c in ("h0", f"h{HOLD_N - 1}"):
        exact_c = 1.0 - mean_exp_m(nu * p, T)
        check(f"2 hold {name}: {c} unavail 1-exp(-nu p m(t)) avg", res.component_downtime(c) / T, exact_c)
    # Nothing else happens: no failures, and every outage has the shock as root cause.
    for c in ("h0", "h1", "h2"):
        assert not res.failures(c).any()
    for s in ("any", "all"):
        by = res.downtime_by_shock(s)
        assert list(by.index) == ["zone-outage"]
        assert by["zone-outage"] == pytest.approx(res.downtime(s).mean(), rel=1e-12)


@pytest.mark.parametrize("case", HOLD_CASES, ids=[c[0] for c in HOLD_CASES])
def test_hold_shock_outage_count(case: tuple) -> None:
    name, p, seed = case
    res = _hold(p, seed)
    T, nu = HOLD_T, HOLD_NU
    q = 1.0 - (1.0 - p) ** HOLD_N
    # all_of outages: arrivals of hitting shocks (rate nu q) that find none in progress (PASTA).
    exact = nu * q * T * mean_exp_m(nu * q, T)
    check(f"2 hold {name}: all_of E[outages] = nu q int exp(-nu q m)", res.outage_counts("all"), exact)
    if p == 1.0:
        # The any_of outages are the M/G/infinity busy periods, the same clusters.
        np.testing.assert_array_equal(res.outage_counts("any"), res.outage_counts("all"))
        np.testing.assert_allclose(res.downtime("any"), res.downtime("all"), rtol=1e-12)


def test_hold_deterministic_timeline_no_ageing_no_renewal() -> None:
    """A held component does not age, resumes where it stopped, and is not renewed by the hold.

    a: fails at age 100 (Deterministic), repair 5 h. Shock every 30 h (deterministic), holds a for
    10 h. Horizon 200.
      hold [30,40), [60,70), [90,100), [120,130); a ages 30+20+20+20 = 90 by t = 120, then
      10 more in [130,140): fails at t = 140 (age 100) -> repair [140,145), as good as new;
      hold [150,160) (age 5 at 150), [180,190); a's age reaches 25 + 10 = 35 at 200: no more failure.
    Had the holds not stopped ageing, a would fail at 100; had they renewed it, never (a hold
    every 30 h would reset its age before it reached 100).
    Service all_of(a): 7 outages, downtime 6 x 10 + 5 = 65 h: 60 h caused by the shock, 5 h by
    a's failure mode.
    """
    m = rs.Model("hold-timeline")
    m.component("a", failure=D(100), repair=D(5))
    m.shock("hold", every=D(30), targets="a", outage=D(10))
    m.service("svc", rs.all_of("a"))
    res = _simulate(m, 200.0, 3, 1301)
    np.testing.assert_array_equal(res.failures("a"), [1, 1, 1])
    np.testing.assert_array_equal(res.outage_counts("svc"), [7, 7, 7])
    np.testing.assert_allclose(res.downtime("svc"), 65.0, rtol=1e-12)
    np.testing.assert_allclose(res.component_downtime("a"), 65.0, rtol=1e-12)
    out = res.outages("svc")
    rep0 = out[out["replication"] == 0]
    np.testing.assert_allclose(rep0["start_h"], [30, 60, 90, 120, 140, 150, 180])
    np.testing.assert_allclose(rep0["duration_h"], [10, 10, 10, 10, 5, 10, 10])
    assert list(rep0["shock"].fillna("-")) == ["hold"] * 4 + ["-"] + ["hold"] * 2
    by = res.downtime_by_cause("svc")
    assert by.loc[("hold", "shock"), "downtime_h"] == pytest.approx(60.0)
    assert by.loc[("a", "failure"), "downtime_h"] == pytest.approx(5.0)


def test_hold_on_failed_component_and_nested_holds() -> None:
    """A hold on a component under repair delays its return; overlapping holds nest.

    a: fails at age 100, repair 10 h; shock s1 at 105, 210 (every 105 h) holds a for 10 h.
      t = 100 a fails; 105 held (already down); 110 repaired (as good as new, age 0) but still
      held until 115 -> outage [100,115), cause a/failure. Age counts from 115: s1 at 210 (age 95)
      holds [210,220); a fails at 225 (age 100), down [225,235). Horizon 300.
    b never fails; shock A every 40 h holds 25 h, shock B every 50 h holds 20 h:
      A [40,65) [80,105) [120,145) [160,185);  B [50,70) [100,120) [150,170)
      union [40,70) A, [80,145) A, [150,185) B (horizon 200 for the B-model outages in [0, 200)).
    """
    m = rs.Model("hold-on-failed")
    m.component("a", failure=D(100), repair=D(10))
    m.shock("s1", every=D(105), targets="a", outage=D(10))
    m.service("svc", rs.all_of("a"))
    res = _simulate(m, 300.0, 2, 1311)
    np.testing.assert_array_equal(res.failures("a"), 2)
    np.testing.assert_allclose(res.downtime("svc"), 35.0, rtol=1e-12)
    r = res.outages("svc")
    r = r[r["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [100, 210, 225])
    np.testing.assert_allclose(r["duration_h"], [15, 10, 10])
    assert list(r["shock"].fillna("-")) == ["-", "s1", "-"]
    np.testing.assert_allclose(r["phase_repair_h"], [10, 0, 10])
    np.testing.assert_allclose(r["phase_shock_h"], [5, 10, 0])

    m = rs.Model("nested-holds")
    m.component("b", failure=NEVER, repair=D(1))
    m.shock("A", every=D(40), targets="b", outage=D(25))
    m.shock("B", every=D(50), targets="b", outage=D(20))
    m.service("svc", rs.all_of("b"))
    res = _simulate(m, 200.0, 2, 1312)
    r = res.outages("svc")
    r = r[r["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [40, 80, 150])
    np.testing.assert_allclose(r["duration_h"], [30, 65, 35])
    assert list(r["shock"]) == ["A", "A", "B"]
    assert res.downtime_by_shock("svc").to_dict() == pytest.approx({"A": 95.0, "B": 35.0})


# --------------------------------------------------------------------------------------------------
# 3. Load-sharing k-out-of-n against its birth-death chain
# --------------------------------------------------------------------------------------------------
#
# n identical exponential members, failure rate lam at base load, each repaired independently at
# rate mu. While j members are down every up member ages at rate 1 + f j, so (memoryless) it fails
# at rate lam (1 + f j). The number of down members is then a birth-death chain on 0..n with
#     birth_j = (n - j) lam (1 + f j),   death_j = j mu
# (Trivedi, Probability and Statistics with Reliability..., sec. 8.4-8.5, load-sharing /
# shared-load k-out-of-n; Ross, Introduction to Probability Models, sec. 6.3). Steady state:
# pi_j proportional to prod_{i<j} birth_i / death_{i+1}. The service k_of_n(k) is up iff j <= n - k.
# Finite horizon from j = 0: p(t) = e_0 exp(Q t); its time average is computed exactly by the
# spectral decomposition of the (reversible, hence symmetrisable) generator. Expected member
# failures in [0, T] = integral_0^T sum_j p_j(t) birth_j dt (compensator of the failure count).
# With f = 0 the members are independent and the availability is the binomial tail with
# A = mu / (lam + mu).


@dataclass(frozen=True)
class LoadSharing:
    n: int
    k: int
    lam: float
    mu: float
    f: float

    def birth(self, j: int) -> float:
        return (self.n - j) * self.lam * (1.0 + self.f * j)

    def generator(self) -> np.ndarray:
        q = np.zeros((self.n + 1, self.n + 1))
        for j in range(self.n + 1):
            if j < self.n:
                q[j, j + 1] = self.birth(j)
            if j > 0:
                q[j, j - 1] = j * self.mu
            q[j, j] = -q[j].sum()
        return q

    def steady(self) -> np.ndarray:
        w = [1.0]
        for j in range(self.n):
            w.append(w[-1] * self.birth(j) / ((j + 1) * self.mu))
        return np.asarray(w) / sum(w)

    def _spectral(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Reversible chain: S = diag(sqrt(pi)) Q diag(1/sqrt(pi)) is symmetric, exp(Qt) =
        # diag(1/sqrt(pi)) exp(St) diag(sqrt(pi)).
        pi = self.steady()
        r = np.sqrt(pi)
        s = (r[:, None] * self.generator()) / r[None, :]
        assert np.allclose(s, s.T, rtol=1e-12, atol=1e-15)
        ev, vec = np.linalg.eigh((s + s.T) / 2)
        # A generator has exactly one zero eigenvalue (the largest); remove its rounding error.
        top = int(np.argmax(ev))
        assert abs(ev[top]) < 1e-12 * np.abs(ev).max()
        ev[top] = 0.0
        return r, ev, vec

    def point(self, t: float) -> np.ndarray:
        """p(t) starting with every member up."""
        r, ev, vec = self._spectral()
        e = vec @ np.diag(np.exp(ev * t)) @ vec.T
        return (e / r[:, None] * r[None, :])[0]

    def mean(self, T: float) -> np.ndarray:
        """(1/T) integral_0^T p(t) dt starting with every member up."""
        r, ev, vec = self._spectral()
        # integral_0^T e^{x t} dt = T for x = 0, expm1(x T) / x otherwise.
        w = np.array([T if x == 0.0 else math.expm1(x * T) / x for x in ev])
        integral = vec @ np.diag(w) @ vec.T
        return (integral / r[:, None] * r[None, :])[0] / T

    def availability(self, p: np.ndarray) -> float:
        return float(p[: self.n - self.k + 1].sum())

    def failures(self, T: float) -> float:
        return T * float(sum(self.mean(T)[j] * self.birth(j) for j in range(self.n + 1)))


LS_LAM, LS_MU, LS_T, LS_REPS = 1.0 / 50.0, 1.0 / 10.0, 100_000.0, 200
# (id, f, seed)
LS_CASES = [("f=1", 1.0, 1401), ("f=0-independent", 0.0, 1402)]


def test_load_sharing_reference_chain() -> None:
    """Pure mathematics: with f = 0 the chain is n independent two-state members (binomial)."""
    ch = LoadSharing(3, 2, LS_LAM, LS_MU, 0.0)
    a_inf = LS_MU / (LS_LAM + LS_MU)
    binom = a_inf**3 + 3 * a_inf**2 * (1 - a_inf)
    assert ch.availability(ch.steady()) == pytest.approx(binom, rel=1e-14)
    s = LS_LAM + LS_MU
    for t in (0.5, 7.0, 40.0):
        a = LS_MU / s + LS_LAM / s * math.exp(-s * t)  # two-state point availability
        assert ch.availability(ch.point(t)) == pytest.approx(a**3 + 3 * a**2 * (1 - a), rel=1e-12)
    # The spectral time average against quadrature of the point values.
    T = 60.0
    quad = gauss_legendre(lambda ts: np.array([ch.availability(ch.point(x)) for x in ts]), 0.0, T, panels=4) / T
    assert ch.availability(ch.mean(T)) == pytest.approx(quad, rel=1e-12)
    # Long horizon: the time average tends to pi (the transient adds O(1/T)).
    assert ch.mean(1e13) == pytest.approx(ch.steady(), rel=1e-10)


@functools.cache
def _load_sharing(f: float, seed: int) -> rs.Results:
    m = rs.Model(f"2-of-3-load-sharing-f={f:g}")
    for i in range(3):
        m.component(f"m{i}", mttf=1.0 / LS_LAM, mttr=1.0 / LS_MU)
    m.service("quorum", rs.k_of_n(2, "m0", "m1", "m2", load_sharing=f))
    return _simulate(m, LS_T, LS_REPS, seed)


@pytest.mark.parametrize("case", LS_CASES, ids=[c[0] for c in LS_CASES])
def test_load_sharing_k_of_n(case: tuple) -> None:
    name, f, seed = case
    ch = LoadSharing(3, 2, LS_LAM, LS_MU, f)
    res = _load_sharing(f, seed)
    exact = ch.availability(ch.mean(LS_T))
    est = check(f"3 2-of-3 {name}: birth-death P(j<=1) avg", res.availability("quorum", CONFIDENCE), exact)
    check_steady_horizon(f"3 2-of-3 {name}: birth-death steady", exact, ch.availability(ch.steady()), est)
    failures = res.failures("m0") + res.failures("m1") + res.failures("m2")
    check(f"3 2-of-3 {name}: E[member failures] = int sum p_j birth_j", failures, ch.failures(LS_T))
    a = LS_MU / (LS_LAM + LS_MU)
    binom = a**3 + 3 * a**2 * (1 - a)
    if f == 0:
        assert ch.availability(ch.steady()) == pytest.approx(binom, rel=1e-14)
    else:
        # Load sharing clusters failures: clearly worse than independent members.
        check_far(f"3 2-of-3 {name}: not the independent binomial", est, binom)
        independent = LoadSharing(3, 2, LS_LAM, LS_MU, 0.0)
        wrong = independent.availability(independent.mean(LS_T))
        check_far(f"3 2-of-3 {name}: not the f=0 chain (finite T)", est, wrong)


# --------------------------------------------------------------------------------------------------
# 4. No ageing while the service is down (age_when_down=False): a hand-counted timeline
# --------------------------------------------------------------------------------------------------


def _series_ab(age_when_down: bool) -> rs.Results:
    m = rs.Model("series-deterministic", age_when_down=age_when_down)
    m.component("a", failure=D(10), repair=D(2))
    m.component("b", failure=D(16), repair=D(3))
    m.service("svc", rs.all_of("a", "b"))
    return _simulate(m, 100.0, 3, 1501)


# age_when_down=False: while the series is down, the component that is still up does not age, so
# both ages advance only with the system's uptime U. a fails at U = 10, 20, 30, ...; b at U = 16,
# 32, 48, 64, ... (first tie at U = 80, beyond the horizon). Real time = U + downtime so far:
#   U=10 a: [10,12)   U=16 b: [18,21)   U=20 a: [25,27)   U=30 a: [37,39)   U=32 b: [41,44)
#   U=40 a: [52,54)   U=48 b: [62,65)   U=50 a: [67,69)   U=60 a: [79,81)   U=64 b: [85,88)
#   U=70 a: [94,96)   (U=80 would be t = 106 > 100)
# -> 11 outages, a 7 failures, b 4, downtime 7 x 2 + 4 x 3 = 26 h.
FROZEN_OUTAGES = [
    (10, 2, "a"),
    (18, 3, "b"),
    (25, 2, "a"),
    (37, 2, "a"),
    (41, 3, "b"),
    (52, 2, "a"),
    (62, 3, "b"),
    (67, 2, "a"),
    (79, 2, "a"),
    (85, 3, "b"),
    (94, 2, "a"),
]
# age_when_down=True (default): a and b are independent alternating processes:
#   a down [12k+10, 12k+12): 10, 22, 34, 46, 58, 70, 82, 94 (8 failures)
#   b down [19k+16, 19k+19): 16, 35, 54, 73, 92              (5 failures)
# Union: [10,12) [16,19) [22,24) [34,38) [46,48) [54,57) [58,60) [70,72) [73,76) [82,84) [92,96)
# -> 11 outages, downtime 8 x 2 + 5 x 3 - 2 (overlaps [35,36) and [94,95)) = 29 h; the outage
# [34,38) is begun by a, [92,96) by b.
AGEING_OUTAGES = [
    (10, 2, "a"),
    (16, 3, "b"),
    (22, 2, "a"),
    (34, 4, "a"),
    (46, 2, "a"),
    (54, 3, "b"),
    (58, 2, "a"),
    (70, 2, "a"),
    (73, 3, "b"),
    (82, 2, "a"),
    (92, 4, "b"),
]


@pytest.mark.parametrize(
    "age_when_down,timeline,fail_a,fail_b",
    [(False, FROZEN_OUTAGES, 7, 4), (True, AGEING_OUTAGES, 8, 5)],
    ids=["age_when_down=False", "age_when_down=True"],
)
def test_age_when_down_timeline(age_when_down: bool, timeline: list, fail_a: int, fail_b: int) -> None:
    res = _series_ab(age_when_down)
    downtime = sum(d for _, d, _ in timeline)
    np.testing.assert_allclose(res.downtime("svc"), downtime, rtol=1e-12)
    np.testing.assert_array_equal(res.outage_counts("svc"), len(timeline))
    np.testing.assert_array_equal(res.failures("a"), fail_a)
    np.testing.assert_array_equal(res.failures("b"), fail_b)
    np.testing.assert_allclose(res.component_downtime("a"), 2.0 * fail_a, rtol=1e-12)
    np.testing.assert_allclose(res.component_downtime("b"), 3.0 * fail_b, rtol=1e-12)
    out = res.outages("svc")
    for rep in range(3):
        r = out[out["replication"] == rep]
        np.testing.assert_allclose(r["start_h"], [s for s, _, _ in timeline], atol=1e-9)
        np.testing.assert_allclose(r["duration_h"], [d for _, d, _ in timeline], atol=1e-9)
        assert list(r["component"]) == [c for _, _, c in timeline]
        assert not r["censored"].any()


@pytest.mark.parametrize("second_service", [False, True], ids=["only-series", "also-in-a-service-that-stays-up"])
def test_age_when_down_needs_every_service_above_down(second_service: bool) -> None:
    """A component stops ageing only while *every* service above it is down.

    a: fails at age 10, repair 1 h; b: fails at age 3, repair 100 h; c never fails. Horizon 150.
    s1 = all_of(a, b) is down [3,103) and from 106 (b fails again at age 3) to the horizon.
      * a only under s1: a is idle whenever s1 is down: age 3 by t = 3, 6 by t = 106: never fails.
      * a also under s2 = all_of(a, c), which stays up: a keeps ageing and fails every 11 h:
        at 10, 21, ..., 142: 13 failures, all while s1 is already down (no new s1 outage).
    """
    m = rs.Model("ageing-two-services", age_when_down=False)
    m.component("a", failure=D(10), repair=D(1))
    m.component("b", failure=D(3), repair=D(100))
    m.component("c", failure=NEVER, repair=D(1))
    m.service("s1", rs.all_of("a", "b"))
    if second_service:
        m.service("s2", rs.all_of("a", "c"))
    res = _simulate(m, 150.0, 2, 1502)
    np.testing.assert_array_equal(res.failures("a"), 13 if second_service else 0)
    np.testing.assert_array_equal(res.failures("b"), 2)
    r = res.outages("s1")
    r = r[r["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [3, 106])
    np.testing.assert_allclose(r["duration_h"], [100, 44])
    assert list(r["component"]) == ["b", "b"]
    if second_service:
        np.testing.assert_array_equal(res.outage_counts("s2"), 13)
        np.testing.assert_allclose(res.downtime("s2"), 13.0, rtol=1e-12)


# --------------------------------------------------------------------------------------------------
# 5. Maintenance windows: planned downtime by every/duration arithmetic
# --------------------------------------------------------------------------------------------------
#
# Windows at offset + k every (k = 0, 1, ...) while offset + k every < T; each lasts `duration`,
# and one still open at the horizon counts up to it:
#     planned downtime = sum_k min(duration, T - (offset + k every)).


def windows_reference(every: float, duration: float, offset: float, T: float) -> tuple[int, float]:
    starts = [offset + k * every for k in range(int(math.ceil((T - offset) / every)) + 1) if offset + k * every < T]
    return len(starts), sum(min(duration, T - s) for s in starts)


@pytest.mark.parametrize("T", [1000.0, 842.25, 2.0, 2.3, 8760.0], ids=lambda T: f"T={T:g}")
def test_maintenance_planned_downtime_arithmetic(T: float) -> None:
    # every 168 h, 0.5 h, offset 2 h: windows at 2, 170, 338, 506, 674, 842, 1010, ...
    # T = 1000: 6 windows, 3 h; T = 842.25: 6 windows, the last cut to 0.25 h: 2.75 h;
    # T = 2: none (the first is due at 2, not < T); T = 2.3: one, cut to 0.3 h; T = 8760: 53 windows.
    n_exp, planned_exp = windows_reference(168.0, 0.5, 2.0, T)
    by_hand = {1000.0: (6, 3.0), 842.25: (6, 2.75), 2.0: (0, 0.0), 2.3: (1, 0.3), 8760.0: (53, 26.5)}[T]
    assert (n_exp, planned_exp) == pytest.approx(by_hand)
    m = rs.Model("maintenance-arithmetic")
    m.component("c", failure=NEVER, repair=D(1.0))
    m.maintenance("patch", targets="c", every="168h", duration="30m", offset="2h")
    m.service("svc", rs.all_of("c"))
    res = _simulate(m, T, 3, 1601)
    np.testing.assert_allclose(res.planned_downtime("svc"), planned_exp, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(res.planned_outage_counts("svc"), n_exp)
    np.testing.assert_array_equal(res.downtime("svc"), 0.0)
    np.testing.assert_array_equal(res.outage_counts("svc"), 0)
    np.testing.assert_array_equal(res.failures("c"), 0)
    np.testing.assert_array_equal(res.failures("c", mode="patch"), n_exp)
    np.testing.assert_allclose(res.raw.component_planned_downtime[:, 0], planned_exp, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(res.component_downtime("c"), 0.0)
    np.testing.assert_allclose(res.availabilities("svc"), 1.0)
    np.testing.assert_allclose(res.availabilities("svc", include_planned=True), 1.0 - planned_exp / T, rtol=1e-12)


def test_maintenance_same_window_parallel_and_staggered() -> None:
    """Two components patched in the same window take any_of down once per window; staggered
    windows never take it down (but take all_of down twice per period)."""
    T = 1000.0  # windows at 2 + 168 k: 6 of them; staggered b at 10 + 168 k: 6 of them
    m = rs.Model("maintenance-parallel")
    for c in ("a", "b", "c", "d"):
        m.component(c, failure=NEVER, repair=D(1.0))
    m.maintenance("together", targets=["a", "b"], every=168, duration=0.5, offset=2)
    m.maintenance("first", targets="c", every=168, duration=0.5, offset=2)
    m.maintenance("second", targets="d", every=168, duration=0.5, offset=10)
    m.service("same", rs.any_of("a", "b"))
    m.service("staggered", rs.any_of("c", "d"))
    m.service("staggered-series", rs.all_of("c", "d"))
    res = _simulate(m, T, 3, 1602)
    np.testing.assert_array_equal(res.planned_outage_counts("same"), 6)
    np.testing.assert_allclose(res.planned_downtime("same"), 3.0, rtol=1e-12)
    np.testing.assert_array_equal(res.planned_outage_counts("staggered"), 0)
    np.testing.assert_array_equal(res.planned_downtime("staggered"), 0.0)
    np.testing.assert_array_equal(res.planned_outage_counts("staggered-series"), 12)
    np.testing.assert_allclose(res.planned_downtime("staggered-series"), 6.0, rtol=1e-12)
    for s in ("same", "staggered", "staggered-series"):
        np.testing.assert_array_equal(res.downtime(s), 0.0)
        np.testing.assert_array_equal(res.outage_counts(s), 0)
    out = res.outages("same")
    assert out["planned"].all()
    np.testing.assert_allclose(out[out["replication"] == 0]["start_h"], [2 + 168 * k for k in range(6)])
    by = res.downtime_by_cause("same", planned=True)
    assert by["downtime_h"].sum() == pytest.approx(3.0)
    assert set(by.index.get_level_values("cause")) == {"together"}
    assert res.downtime_by_cause("same").empty  # nothing unplanned


def test_maintenance_skipped_while_down_and_renews() -> None:
    """A window due while the target is down is skipped; after a window it is as good as new.

    a fails at age 100 (Deterministic), repair 10 h; window every 168 h, 0.5 h, offset 105.
      t = 100  a fails, down [100,110)
      t = 105  window: a is down -> skipped
      t = 110  repaired; next failure at 210 -> down [210,220); next failure due at 320
      t = 273  window: a up -> planned [273, 273.5), as good as new: next failure at 373.5
               (without the renewal it would have failed at 320)
      t = 373.5 fails, down [373.5, 383.5); next failure 483.5
      t = 441  window [441, 441.5) -> next failure 541.5 (not 483.5)
      t = 541.5 fails, down [541.5, 551.5)
      (next window 609 > horizon 600)
    -> 4 failures, 40 h unplanned, 2 windows, 1 h planned (without windows: 100, 210, 320, 430, 540).
    """
    m = rs.Model("maintenance-skip-renew")
    m.component("a", failure=D(100), repair=D(10))
    m.maintenance("patch", targets="a", every=168, duration=0.5, offset=105)
    m.service("svc", rs.all_of("a"))
    res = _simulate(m, 600.0, 3, 1603)
    np.testing.assert_array_equal(res.failures("a"), 4)
    np.testing.assert_array_equal(res.failures("a", mode="patch"), 2)
    np.testing.assert_allclose(res.downtime("svc"), 40.0, rtol=1e-12)
    np.testing.assert_array_equal(res.outage_counts("svc"), 4)
    np.testing.assert_allclose(res.planned_downtime("svc"), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(res.planned_outage_counts("svc"), 2)
    out = res.outages("svc")
    r = out[out["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [100, 210, 273, 373.5, 441, 541.5])
    assert list(r["planned"]) == [False, False, True, False, True, False]


def test_maintenance_skipped_while_held_by_a_shock() -> None:
    """Shock holds a [100,110), [200,210), [300,310); the window every 100 h at offset 105 is
    always due while a is held: every window is skipped (no planned downtime)."""
    m = rs.Model("maintenance-skip-held")
    m.component("a", failure=NEVER, repair=D(1))
    m.shock("hold", every=D(100), targets="a", outage=D(10))
    m.maintenance("patch", targets="a", every=100, duration=1, offset=105)
    m.service("svc", rs.all_of("a"))
    res = _simulate(m, 350.0, 2, 1605)
    np.testing.assert_array_equal(res.failures("a", mode="patch"), 0)
    np.testing.assert_array_equal(res.planned_downtime("svc"), 0.0)
    np.testing.assert_array_equal(res.planned_outage_counts("svc"), 0)
    np.testing.assert_allclose(res.downtime("svc"), 30.0, rtol=1e-12)
    assert res.downtime_by_shock("svc").to_dict() == pytest.approx({"hold": 30.0})


def test_maintenance_waits_for_busy_crew() -> None:
    """A window that needs a crew member starts when one is free; the target is down meanwhile.

    One "ops" engineer. x fails at age 50 (Deterministic) and its repair holds ops for 5 h:
    x down [50,55), [105,110), [160,165). y never fails; its window (every 55 h, offset 52, 1 h)
    needs ops: at 52, 107, 162 y goes down, waits 3 h for ops (crew_wait), then 1 h of work:
    planned [52,56), [107,111), [162,166): 3 windows, 12 h planned, 9 h of it waiting.
    """
    m = rs.Model("maintenance-crew")
    m.crew("ops", 1)
    m.component("x", failure=D(50), repair=rs.Procedure(rs.Step("repair", D(5), crew="ops")))
    m.component("y", failure=NEVER, repair=D(1.0))
    m.maintenance("patch", targets="y", every=55, duration=1, offset=52, crew="ops")
    m.service("sy", rs.all_of("y"))
    m.service("sx", rs.all_of("x"))
    res = _simulate(m, 200.0, 3, 1604)
    np.testing.assert_allclose(res.planned_downtime("sy"), 12.0, rtol=1e-12)
    np.testing.assert_array_equal(res.planned_outage_counts("sy"), 3)
    np.testing.assert_array_equal(res.downtime("sy"), 0.0)
    np.testing.assert_allclose(res.downtime("sx"), 15.0, rtol=1e-12)  # x never waits: it came first
    out = res.outages("sy")
    r = out[out["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [52, 107, 162])
    np.testing.assert_allclose(r["duration_h"], [4, 4, 4])
    np.testing.assert_allclose(r["phase_crew_wait_h"], [3, 3, 3])
    np.testing.assert_allclose(r["phase_maintenance_h"], [1, 1, 1])


# --------------------------------------------------------------------------------------------------
# 6. Cascades
# --------------------------------------------------------------------------------------------------


def test_cascade_deterministic_timeline_and_root_cause() -> None:
    """a (mode "crash": age 100, repair 10 h) cascades to b with probability 1 after 1 h;
    c (mode "power": age 104, repair 10 h) cascades to b at once. b never fails on its own;
    its repair takes 5 h. Horizon 300.
      a fails 100, 210 (next 320)   -> b fails at 101 [101,106) and 211 [211,216), cause a/crash
      c fails 104, 218 (next 332)   -> at 104 b is down: no effect; at 218 b fails [218,223),
                                       cause c/power
    all_of(b): 3 outages, 15 h: 10 h root cause a/crash, 5 h c/power.
    all_of(a, b): a's outage [100,110) contains b's first failure; a down [210,220) with b down
    [211,216) and [218,223) is one outage [210,223): 2 outages, 23 h, both begun by a/crash.
    """
    m = rs.Model("cascade-timeline")
    to_b = rs.Cascade("b", probability=1.0, delay=D(1))
    m.component("a", modes=[rs.FailureMode("crash", D(100), D(10), cascades=[to_b])])
    m.component("c", modes=[rs.FailureMode("power", D(104), D(10), cascades=[rs.Cascade("b")])])
    m.component("b", failure=NEVER, repair=D(5))
    m.service("sb", rs.all_of("b"))
    m.service("sab", rs.all_of("a", "b"))
    res = _simulate(m, 300.0, 3, 1701)
    np.testing.assert_array_equal(res.failures("a"), 2)
    np.testing.assert_array_equal(res.failures("c"), 2)
    np.testing.assert_array_equal(res.failures("b"), 3)
    np.testing.assert_allclose(res.component_downtime("b"), 15.0, rtol=1e-12)
    out = res.outages("sb")
    r = out[out["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [101, 211, 218])
    np.testing.assert_allclose(r["duration_h"], [5, 5, 5])
    assert list(r["component"]) == ["a", "a", "c"]
    assert list(r["mode"]) == ["crash", "crash", "power"]
    by = res.downtime_by_cause("sb")
    assert by.loc[("a", "crash"), "downtime_h"] == pytest.approx(10.0)
    assert by.loc[("c", "power"), "downtime_h"] == pytest.approx(5.0)
    assert ("b", "failure") not in by.index
    r = res.outages("sab")
    r = r[r["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [100, 210])
    np.testing.assert_allclose(r["duration_h"], [10, 13])
    assert list(r["mode"]) == ["crash", "crash"]
    np.testing.assert_allclose(res.downtime("sab"), 23.0, rtol=1e-12)
    assert res.downtime_by_cause("sab").loc[("a", "crash"), "downtime_h"] == pytest.approx(23.0)


def test_cascade_of_a_cascade_keeps_the_first_cause() -> None:
    """a (age 100) -> b after 1 h -> d after 1 h: d fails at 102 (repair 2 h); root cause a/crash."""
    m = rs.Model("cascade-chain")
    m.component("a", modes=[rs.FailureMode("crash", D(100), D(10), cascades=[rs.Cascade("b", delay=D(1))])])
    m.component("b", modes=[rs.FailureMode("fault", NEVER, D(5), cascades=[rs.Cascade("d", delay=D(1))])])
    m.component("d", failure=NEVER, repair=D(2))
    m.service("sd", rs.all_of("d"))
    res = _simulate(m, 150.0, 2, 1703)
    np.testing.assert_array_equal(res.failures("b", mode="fault"), 1)
    np.testing.assert_array_equal(res.failures("d"), 1)
    r = res.outages("sd")
    r = r[r["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [102])
    np.testing.assert_allclose(r["duration_h"], [2])
    assert list(r["component"]) == ["a"] and list(r["mode"]) == ["crash"]


CASCADE_P, CASCADE_T, CASCADE_REPS, CASCADE_SEED = 0.3, 2000.0, 2000, 1702


@functools.cache
def _cascade_probabilistic() -> rs.Results:
    # a: exponential failures (mean 20 h), repair 2 h; each failure fails b with probability 0.3
    # at once. b never fails on its own and is repaired in 1 h < a's shortest gap between
    # failures (2 h), so b is always up when a cascade reaches it: every cascade takes effect.
    m = rs.Model("cascade-probabilistic")
    to_b = rs.Cascade("b", probability=CASCADE_P)
    m.component("a", modes=[rs.FailureMode("crash", rs.Exponential(20.0), D(2), cascades=[to_b])])
    m.component("b", failure=NEVER, repair=D(1))
    m.service("sb", rs.all_of("b"))
    return _simulate(m, CASCADE_T, CASCADE_REPS, CASCADE_SEED)


def test_cascade_probabilistic_count() -> None:
    res = _cascade_probabilistic()
    na, nb = res.failures("a"), res.failures("b")
    # Each failure of a cascades with probability p independently of the past, so
    # sum over a's failures of (1{cascade} - p) is a zero-mean martingale: E[N_b - p N_a] = 0.
    check("6 cascade: E[N_b - p N_a] = 0", nb - CASCADE_P * na, 0.0)
    # Pooled share of a's failures that cascaded (ratio of totals, delta-method interval).
    check("6 cascade: sum N_b / sum N_a = p", ratio_estimate(nb, na, CONFIDENCE), CASCADE_P)
    # a alone is an alternating renewal process (exp 20 h up, 2 h down); b's outages are all
    # caused by a's mode and b is never down for another reason.
    np.testing.assert_array_equal(res.outage_counts("sb"), nb)
    assert res.kept_replications == CASCADE_REPS
    out = res.outages("sb")
    assert (out["component"] == "a").all() and (out["mode"] == "crash").all()
    # Each outage of b lasts its 1 h repair, unless cut by the horizon.
    done = ~out["censored"]
    np.testing.assert_allclose(out.loc[done, "duration_h"], 1.0, rtol=1e-9)
    np.testing.assert_allclose(out.loc[~done, "start_h"] + out.loc[~done, "duration_h"], CASCADE_T, rtol=1e-12)
    by = res.downtime_by_cause("sb")
    assert list(by.index) == [("a", "crash")]


# --------------------------------------------------------------------------------------------------
# 7. Root cause attribution of shocks
# --------------------------------------------------------------------------------------------------


def test_shock_root_cause_attribution() -> None:
    """Deterministic shocks: a trigger shock, a hold shock, and a cascade started by a shock.

    * "deploy" every 50 h triggers x's mode "bug" (repair 2 h): x down [50,52), [100,102),
      [150,152) (the shock at 200 is at the horizon: not processed). "bug" cascades to y after
      0.5 h (y never fails on its own, repair 1 h): y down [50.5,51.5), [100.5,101.5), [150.5,151.5),
      and those outages keep the shock as root cause.
    * "zone" every 80 h holds z for 5 h: [80,85), [160,165).
    * z also fails on its own at age 120 (repair 4 h): held 5 h of the first 125 h, so it fails at
      t = 125, down [125,129) (cause z/failure).
    Service all_of(x, y, z): outages [50,52) deploy, [80,85) zone, [100,102) deploy, [125,129)
    z/failure, [150,152) deploy, [160,165) zone: 6 outages, 6 + 10 + 4 = 20 h.
    """
    m = rs.Model("shock-attribution")
    m.component("x", modes=[rs.FailureMode("bug", NEVER, D(2), cascades=[rs.Cascade("y", delay=D(0.5))])])
    m.component("y", failure=NEVER, repair=D(1))
    m.component("z", failure=D(120), repair=D(4))
    m.shock("deploy", every=D(50), targets="x", mode="bug")
    m.shock("zone", every=D(80), targets="z", outage=D(5))
    m.service("sy", rs.all_of("y"))
    m.service("all", rs.all_of("x", "y", "z"))
    res = _simulate(m, 200.0, 3, 1801)
    np.testing.assert_array_equal(res.failures("x"), 3)
    np.testing.assert_array_equal(res.failures("y"), 3)
    np.testing.assert_array_equal(res.failures("z"), 1)
    # y's outages: begun by the cascade, root cause the shock that began the chain.
    sy = res.outages("sy")
    r = sy[sy["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [50.5, 100.5, 150.5])
    assert list(r["shock"]) == ["deploy"] * 3
    assert r["component"].isna().all()
    by = res.downtime_by_shock("sy")
    assert dict(by) == pytest.approx({"deploy": 3.0})
    # The whole service.
    np.testing.assert_allclose(res.downtime("all"), 20.0, rtol=1e-12)
    np.testing.assert_array_equal(res.outage_counts("all"), 6)
    out = res.outages("all")
    r = out[out["replication"] == 0]
    np.testing.assert_allclose(r["start_h"], [50, 80, 100, 125, 150, 160])
    np.testing.assert_allclose(r["duration_h"], [2, 5, 2, 4, 2, 5])
    assert list(r["shock"].fillna("-")) == ["deploy", "zone", "deploy", "-", "deploy", "zone"]
    assert list(r["component"].fillna("-")) == ["-", "-", "-", "z", "-", "-"]
    by = res.downtime_by_shock("all")
    assert dict(by) == pytest.approx({"deploy": 6.0, "zone": 10.0})
    causes = res.downtime_by_cause("all")
    assert causes.loc[("z", "failure"), "downtime_h"] == pytest.approx(4.0)
    assert causes["downtime_h"].sum() == pytest.approx(20.0)
    assert set(causes["kind"]) == {"shock", "failure"}
    assert res.downtime_by_component("all").to_dict() == pytest.approx({"zone": 0.5, "deploy": 0.3, "z": 0.2})


def test_shock_attribution_stochastic_identities() -> None:
    """Beta-factor pair with repair: every outage of the pair is begun either by the shock (both
    at once) or by the second of two independent failures; the attributions add up exactly."""
    m = rs.Model("beta-factor-repairable")
    for c in ("a", "b"):
        m.component(c, mttf=900.0, mttr=20.0)
    m.shock("ccf", every=10_000.0, targets=["a", "b"], mode="failure")
    m.service("pair", rs.any_of("a", "b"))
    res = _simulate(m, 8760.0, 2000, 1802)
    by = res.downtime_by_cause("pair")
    assert by["downtime_h"].sum() == pytest.approx(res.downtime("pair").mean(), rel=1e-9)
    shock_h = res.downtime_by_shock("pair")
    assert list(shock_h.index) == ["ccf"]
    out = res.outages("pair")
    assert out["shock"].isin(["ccf"]).any() and out["component"].isin(["a", "b"]).any()
    # Per record: exactly one of (component, shock) is set.
    assert (out["component"].isna() != out["shock"].isna()).all()
    kept = out[out["shock"] == "ccf"]["duration_h"].sum() / res.kept_replications
    assert kept == pytest.approx(shock_h["ccf"], rel=1e-9)  # all replications are kept here
