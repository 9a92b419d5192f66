"""Shared by the tests that check the simulator against exact answers (test_analytic.py,
test_recovery_analytic.py, test_correlated.py): the statistical tolerance and how a check is
reported.

The tolerance is always derived from the simulation's own confidence interval: a check passes
when the exact value lies inside the two-sided CONFIDENCE (99.99 %) Student-t interval of the
simulated mean, i.e. within about 3.9 standard errors. Run pytest with ``-s`` to print one line
per check (exact, estimate, standard error, distance in standard errors).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import recoverysim as rs
from recoverysim.stats import estimate

CONFIDENCE = 0.9999
THREADS = 2
MAX_TRANSIENT_BIAS_SE = 0.1  # steady-state cases: |finite-horizon mean - steady state| < 0.1 SE


def simulate(model: rs.Model, horizon: float, replications: int, seed: int, keep: int | None = None) -> rs.Results:
    """``keep``: outage records to keep (``keep_outages``; None: the default 10,000)."""
    return model.simulate(horizon=horizon, replications=replications, seed=seed, threads=THREADS, progress=False, keep_outages=keep)


def check(label: str, values: np.ndarray | rs.Estimate, exact: float, tag: str = "ANALYTIC") -> rs.Estimate:
    """Assert that ``exact`` lies in the CONFIDENCE interval of the mean of ``values``.

    ``values`` is one number per replication (or an Estimate already at CONFIDENCE).
    """
    est = values if isinstance(values, rs.Estimate) else estimate(np.asarray(values, dtype=float), CONFIDENCE)
    assert est.confidence == CONFIDENCE
    z = (est.mean - exact) / est.stderr if est.stderr > 0 else (0.0 if est.mean == exact else math.inf)
    print(f"{tag} {label:<66} exact={exact:.8g} est={est.mean:.8g} se={est.stderr:.3g} z={z:+.2f}")
    assert est.contains(exact), (
        f"{label}: exact {exact:.10g} outside the {CONFIDENCE:.2%} CI {est!r}; "
        f"estimate - exact = {est.mean - exact:.4g} = {z:+.2f} standard errors"
    )
    return est


def check_steady_horizon(label: str, finite_horizon_exact: float, steady: float, est: rs.Estimate, tag: str = "ANALYTIC") -> None:
    """The horizon is long enough that the start-up transient is negligible (< 0.1 SE)."""
    bias = finite_horizon_exact - steady
    print(f"{tag} {label:<66} steady={steady:.8g} transient bias={bias / est.stderr:+.3f} SE")
    assert abs(bias) < MAX_TRANSIENT_BIAS_SE * est.stderr, (
        f"{label}: horizon too short for a steady-state check: transient bias {bias:.3g} is "
        f"{abs(bias) / est.stderr:.2f} standard errors (allowed {MAX_TRANSIENT_BIAS_SE})"
    )


def check_far(label: str, est: rs.Estimate, wrong: float, widths: float, tag: str = "ANALYTIC") -> None:
    """Power check: the estimate is more than ``widths`` CI half-widths from a plausible wrong
    answer, so the test could tell the two apart."""
    dist = abs(est.mean - wrong) / est.half_width
    print(f"{tag} {label:<66} wrong={wrong:.8g} est={est.mean:.8g} distance={dist:.1f} half-widths")
    assert dist > widths, f"{label}: the estimate {est!r} cannot tell the wrong answer {wrong:.8g} apart"


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(30)


def gauss_legendre(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, panels: int = 8) -> float:
    """integral_lo^hi f(t) dt by composite 30-point Gauss-Legendre (f smooth on [lo, hi])."""
    edges = np.linspace(lo, hi, panels + 1)
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    t = (mid[:, None] + half[:, None] * _GL_NODES[None, :]).ravel()
    w = (half[:, None] * _GL_WEIGHTS[None, :]).ravel()
    return float(np.sum(w * f(t)))


# Reference formulas shared by several test files.


@dataclass(frozen=True)
class Moments:
    """First two moments of a duration."""

    m1: float
    m2: float


def exp_moments(mean: float) -> Moments:
    return Moments(mean, 2.0 * mean * mean)


def deterministic_moments(value: float) -> Moments:
    return Moments(value, value * value)


@dataclass(frozen=True)
class RenewalReference:
    steady: float  # limiting availability E[X] / (E[X] + E[Y])
    mean_availability: float  # expected uptime / T, to o(1/T)
    expected_failures: float  # expected number of failures in [0, T], to o(1)
    cycles: float  # T / E[cycle]


def alternating_renewal(up: Moments, down: Moments, T: float) -> RenewalReference:
    """Alternating renewal process started at the beginning of an up period.

    Up times X and down times Y independent, cycle C = X + Y, m = E[C], non-lattice C.

    * Steady state: A = E[X] / (E[X] + E[Y]) (renewal-reward theorem; Barlow & Proschan,
      Mathematical Theory of Reliability, ch. 7; Ross, Stochastic Processes, sec. 3.4).
    * Expected uptime in [0, T]: E[U(T)] = A T + b + o(1), with
        b = E[X] E[C^2] / (2 m^2) - E[X^2] / (2 m).
      Derivation: the cycles started by T are 1..N(T)+1, a stopping time, so by Wald's identity
      the uptime they contain is E[X] (E[N(T)] + 1), and E[N(T)] + 1 = T/m + E[C^2]/(2 m^2) + o(1)
      (second-order renewal theorem: Smith 1954, "Asymptotic renewal theorems"; Cox, Renewal
      Theory, ch. 4; Ross, Stochastic Processes, ch. 3). Subtract the uptime of the cycle in
      progress that is still to come after T: that cycle is length-biased with a uniform position
      in it, so the expectation tends to E[X^2] / (2 m). (Check: for exponential X, Y this gives
      b = lam/(lam+mu)^2, the exact transient term of Exp2State.mean_availability.)
    * Expected failures in [0, T]: completed cycles plus one if T falls in a down period:
        E[F(T)] = E[N(T)] + P(down at T) = T/m + E[C^2]/(2 m^2) - 1 + E[Y]/m + o(1).
    """
    m = up.m1 + down.m1
    c2 = up.m2 + 2 * up.m1 * down.m1 + down.m2  # X and Y independent
    a = up.m1 / m
    b = up.m1 * c2 / (2 * m * m) - up.m2 / (2 * m)
    failures = T / m + c2 / (2 * m * m) - 1.0 + down.m1 / m
    return RenewalReference(steady=a, mean_availability=a + b / T, expected_failures=failures, cycles=T / m)


def sum_moments(a: Moments, b: Moments) -> Moments:
    # Independent durations: E[(X+Y)^2] = E[X^2] + 2 E[X] E[Y] + E[Y^2].
    return Moments(a.m1 + b.m1, a.m2 + 2 * a.m1 * b.m1 + b.m2)
