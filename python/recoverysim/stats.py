"""Small statistics helpers: estimates with confidence intervals.

Intervals are Student-t intervals on the replication means (replications are independent and
identically distributed, so by the central limit theorem the mean is close to normal for the
sample sizes used here). The t quantile uses the Cornish-Fisher expansion around the normal
quantile, accurate to better than 1e-3 for 3 or more degrees of freedom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _core
from .formatting import estimate_digits

__all__ = ["Estimate", "estimate", "ratio_estimate", "normal_quantile", "t_quantile", "TwoLevelEstimate", "two_level_estimate"]


def normal_quantile(p: float) -> float:
    """Inverse of the standard normal CDF."""
    return float(_core.normal_quantile(float(p)))


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom (Cornish-Fisher expansion)."""
    z = normal_quantile(p)
    if not math.isfinite(df) or df > 1e7:
        return z
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate: mean with a confidence interval over replications.

    Behaves like its mean in arithmetic (``float(est)``) and prints as ``mean [low, high]``.
    """

    mean: float
    low: float
    high: float
    std: float
    n: int
    confidence: float = 0.95

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    @property
    def stderr(self) -> float:
        return self.std / math.sqrt(self.n) if self.n > 0 else math.nan

    def __float__(self) -> float:
        return float(self.mean)

    def contains(self, value: float) -> bool:
        """True when ``value`` lies in the interval."""
        return self.low <= value <= self.high

    def __repr__(self) -> str:
        m, lo, hi = estimate_digits(self.mean, self.low, self.high)
        return f"{m} [{lo}, {hi}] ({self.confidence * 100:g}% CI, n={self.n})"


def estimate(values: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Mean of ``values`` (one per replication) with a two-sided ``confidence`` interval."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    v = np.asarray(values, dtype=float)
    n = v.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0, confidence)
    m = float(v.mean())
    if n == 1:
        return Estimate(m, -math.inf, math.inf, math.nan, 1, confidence)
    sd = float(v.std(ddof=1))
    h = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return Estimate(m, m - h, m + h, sd, n, confidence)


def ratio_estimate(numerator: np.ndarray, denominator: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Ratio of totals sum(numerator) / sum(denominator) over replications, with a delta-method
    confidence interval (e.g. the share of outages restored within the RTO, pooled over
    replications that have different numbers of outages).

    ``std`` is the standard deviation of the linearised per-replication residuals
    ``num_i - R * den_i`` divided by the mean denominator, so that ``std / sqrt(n)`` is the
    standard error of the ratio.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    n = num.size
    total = den.sum()
    if n == 0 or total <= 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, n, confidence)
    r = float(num.sum() / total)
    if n == 1:
        return Estimate(r, -math.inf, math.inf, math.nan, 1, confidence)
    resid = num - r * den
    sd = float(np.sqrt((resid**2).sum() / (n - 1)) / den.mean())
    h = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return Estimate(r, r - h, r + h, sd, n, confidence)


@dataclass(frozen=True)
class TwoLevelEstimate:
    """An answer that carries parameter uncertainty: a two-level run's estimate of a mean.

    The outer loop draws parameters theta_i (i = 1..N), the inner loop runs n replications
    Y_ij with them. By the law of total variance, the variance of one replication's outcome is
    ``Var(Y) = E[Var(Y | theta)] + Var(E[Y | theta])``: the first term (``stochastic_variance``)
    is the spread from one horizon to the next that no amount of data removes; the second
    (``parameter_variance``) is what we do not know about the parameters, which only more data
    (not more replications) reduces.

    Attributes
    ----------
    mean:
        The grand mean over all N*n replications: the estimate of E[Y] over the parameters.
    low, high:
        The interval **with** parameter uncertainty: the ``(1 -/+ confidence) / 2`` quantiles of
        the conditional means E[Y | theta_i], each shrunk toward the grand mean so that their
        spread is the parameter variance alone, not the inner Monte Carlo noise.
    without:
        The interval **without** parameter uncertainty (a run at the point estimates), if made.
    parameter_variance, stochastic_variance:
        The two terms of the law of total variance, estimated as in a one-way random-effects
        analysis of variance (see :func:`two_level_estimate`).
    monte_carlo_variance:
        The variance of ``mean`` as an estimate of E[Y] from the finite simulation
        (``Var(m_i) / N``): what more replications reduce.
    """

    mean: float
    low: float
    high: float
    parameter_variance: float
    stochastic_variance: float
    monte_carlo_variance: float
    outer: int
    inner: int
    confidence: float = 0.95
    without: Estimate | None = None

    @property
    def parameter_share(self) -> float:
        """Share of Var(Y), the variance of one horizon's outcome, due to parameter uncertainty."""
        total = self.parameter_variance + self.stochastic_variance
        return self.parameter_variance / total if total > 0 else math.nan

    @property
    def stochastic_share(self) -> float:
        """Share of Var(Y) due to the randomness of one horizon (1 - ``parameter_share``)."""
        total = self.parameter_variance + self.stochastic_variance
        return self.stochastic_variance / total if total > 0 else math.nan

    @property
    def data_share(self) -> float:
        """Share of the uncertainty about the mean that more data (not more replications)
        would remove: parameter variance / (parameter variance + Monte Carlo variance)."""
        total = self.parameter_variance + self.monte_carlo_variance
        return self.parameter_variance / total if total > 0 else math.nan

    def contains(self, value: float) -> bool:
        """True when ``value`` lies in the interval with parameter uncertainty."""
        return self.low <= value <= self.high

    def __float__(self) -> float:
        return float(self.mean)

    def __repr__(self) -> str:
        m, lo, hi = estimate_digits(self.mean, self.low, self.high)
        text = f"{m} [{lo}, {hi}] ({self.confidence * 100:g}% with parameter uncertainty, {self.outer}x{self.inner})"
        if self.without is not None:
            text += f"; without: {self.without!r}"
        return text


def two_level_estimate(values: np.ndarray, confidence: float = 0.95, without: Estimate | None = None) -> TwoLevelEstimate:
    """Estimate from a two-level run's outcomes ``values[i, j]`` (parameter draw i, replication j).

    With m_i the mean and s_i^2 the variance (ddof 1) of row i, N rows and n columns:
    ``stochastic_variance = mean_i s_i^2`` (unbiased for E[Var(Y | theta)]) and
    ``parameter_variance = max(0, var_i(m_i) - stochastic_variance / n)`` (unbiased before the
    truncation at 0, since Var(m_i) = Var(E[Y | theta]) + E[Var(Y | theta)] / n). The interval's
    ends are quantiles of ``mean + c (m_i - mean)`` with ``c = sqrt(parameter_variance /
    var_i(m_i))``.

    >>> v = np.array([[1.0, 3.0], [5.0, 7.0]])   # two parameter draws, two replications each
    >>> e = two_level_estimate(v)
    >>> e.mean, e.stochastic_variance, e.parameter_variance
    (4.0, 2.0, 7.0)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[0] < 2 or v.shape[1] < 2:
        raise ValueError(f"a two-level estimate needs at least 2 parameter draws of at least 2 replications, got shape {v.shape}")
    n_out, n_in = v.shape
    means = v.mean(axis=1)
    grand = float(means.mean())
    within = float(v.var(axis=1, ddof=1).mean())
    var_means = float(means.var(ddof=1))
    between = max(0.0, var_means - within / n_in)
    shrink = math.sqrt(between / var_means) if var_means > 0 else 0.0
    shrunk = grand + shrink * (means - grand)
    lo, hi = np.quantile(shrunk, [(1 - confidence) / 2, (1 + confidence) / 2])
    return TwoLevelEstimate(
        mean=grand,
        low=float(lo),
        high=float(hi),
        parameter_variance=between,
        stochastic_variance=within,
        monte_carlo_variance=var_means / n_out,
        outer=n_out,
        inner=n_in,
        confidence=confidence,
        without=without,
    )
