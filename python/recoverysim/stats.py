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

__all__ = ["Estimate", "estimate", "ratio_estimate", "normal_quantile", "t_quantile"]


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

    Parameters
    ----------
    mean : float
        The estimate.
    low, high : float
        Ends of the two-sided confidence interval.
    std : float
        Standard deviation of the per-replication values.
    n : int
        Replications.
    confidence : float, default 0.95
        Confidence level of the interval.

    Examples
    --------
    >>> e = estimate(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> e.mean, e.n, e.low < 2.5 < e.high
    (2.5, 4, True)
    """

    mean: float
    low: float
    high: float
    std: float
    n: int
    confidence: float = 0.95

    @property
    def half_width(self) -> float:
        """Half the width of the confidence interval.

        Returns
        -------
        float
            ``(high - low) / 2``.

        Examples
        --------
        >>> Estimate(1.0, 0.5, 1.5, 1.0, 10).half_width
        0.5
        """
        return (self.high - self.low) / 2

    @property
    def stderr(self) -> float:
        """Standard error of the mean: ``std / sqrt(n)``.

        Returns
        -------
        float
            The standard error (NaN for fewer than two replications).

        Examples
        --------
        >>> Estimate(1.0, 0.5, 1.5, 2.0, 16).stderr
        0.5
        """
        return self.std / math.sqrt(self.n) if self.n > 0 else math.nan

    def __float__(self) -> float:
        return float(self.mean)

    def contains(self, value: float) -> bool:
        """True when ``value`` lies in the interval.

        Parameters
        ----------
        value : float
            A value, e.g. an exact answer.

        Returns
        -------
        bool
            ``low <= value <= high``.

        Examples
        --------
        >>> estimate(np.array([1.0, 2.0, 3.0, 4.0])).contains(2.0)
        True
        """
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
