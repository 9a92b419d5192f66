"""Estimates with confidence intervals, one estimator per kind of quantity.

Replications are independent and identically distributed, but the quantities reliability
engineers decide with are not normal: availability and P(SLA met) sit next to 1, downtime is 0 in
most years of a highly available design, RTO compliance pools a handful of outages. Each kind
gets an interval that stays in its range and whose coverage is measured against exact answers
(tests/python/test_coverage.py; the table is in docs/semantics.md):

``proportion_estimate``
    A share of replications (P(SLA met), P(at least one RTO/RPO breach)): Wilson score interval;
    Clopper-Pearson (exact, scipy.stats.beta) when the count is 0 or n, so 3000 of 3000 reads
    "at least 99.88 %", never [1, 1].
``ratio_estimate``
    A share pooled over replications (RTO/RPO compliance: outages within target / outages): the
    delta method while it is valid (at least 10 outcomes of each kind in the effective sample and
    an interval inside [0, 1]); otherwise the Wilson interval on the Korn-Graubard effective
    sample size (pooled count / design effect), which respects [0, 1].
``nonnegative_mean_estimate``
    The mean of a quantity >= 0 (downtime, outages, hours of writes lost). When at least half of
    the replications are non-zero, the Student-t interval on the log scale (above 0, and
    right-skewed like the quantity), clipped at the upper bound. When most are
    zero (a highly available design: most years without an outage), mean = p * nu, p the share
    of non-zero replications, nu their mean, and the interval combines the exact (Clopper-Pearson) interval of p with the Student-t interval of
    nu on the log scale by the method of variance estimates recovery (MOVER, Zou and Donner
    2008), so it is never below 0, is right-skewed when few replications are non-zero, and is
    clipped at the quantity's upper bound (the horizon for downtime). With no non-zero
    replication the upper end is the exact bound on p times that upper bound.
``complement``
    Availability = 1 - downtime / horizon: the downtime interval mapped, so it stays in [0, 1].
``estimate``
    Student-t interval on the mean, for quantities without a natural range (paired differences).

An :class:`Estimate` behaves like its mean (comparisons, arithmetic, ``round``, format specs,
hashing) and carries its interval (``low``, ``high``, ``confidence``) and a ``note`` in words
when the interval rests on few events.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as _sps

from . import _core
from .formatting import confidence as confidence_text
from .formatting import estimate_digits

__all__ = [
    "Estimate",
    "estimate",
    "proportion_estimate",
    "proportion_interval",
    "ratio_estimate",
    "ratio_interval",
    "ratio_estimate_from_sd",
    "nonnegative_mean_estimate",
    "nonnegative_mean_from_sums",
    "complement",
    "normal_quantile",
    "t_quantile",
    "FEW_EVENTS",
    "TwoLevelEstimate",
    "two_level_estimate",
]

# Fewer non-zero replications than this: the Estimate carries a note (the interval rests on few
# events; its relative width is more than about +-40 %).
FEW_EVENTS = 30


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


def _other(x: Any) -> Any:
    return x.mean if isinstance(x, Estimate) else x


def _binary(op: Any, reflected: bool = False) -> Any:
    def f(self: Estimate, other: Any) -> Any:
        o = _other(other)
        if not isinstance(o, (int, float, np.number)):
            return NotImplemented
        return float(op(o, self.mean) if reflected else op(self.mean, o))

    return f


def _compare(op: Any) -> Any:
    def f(self: Estimate, other: Any) -> Any:
        o = _other(other)
        if not isinstance(o, (int, float, np.number)):
            return NotImplemented
        return bool(op(self.mean, o))

    return f


@dataclass(frozen=True, eq=False)
class Estimate:
    """A Monte Carlo estimate: mean with a confidence interval over replications.

    It behaves like its mean: ``e > 0.99``, ``e * 8760``, ``round(e, 4)``, ``float(e)`` and
    ``f"{e:.4%}"`` use the mean (arithmetic gives plain floats); it prints as ``mean [low, high]``.
    Equality and ordering compare the means (with numbers and with other estimates alike) and
    the hash is the mean's, so ``e == 0.5`` and ``{0.5: ...}[e]`` agree; to compare intervals,
    compare ``(e.low, e.high)``. ``note`` says in words when the interval rests on few events.

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
    note : str, default ""
        Said in words when the interval rests on few events (printed by the report and HTML).

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
    note: str = ""

    __array_ufunc__ = None  # numpy defers to the reflected operators below: np.float64(2) * e is a float

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

    # --- behaves like its mean -------------------------------------------------------------------

    def __float__(self) -> float:
        return float(self.mean)

    def __int__(self) -> int:
        return int(self.mean)

    def __bool__(self) -> bool:
        return bool(self.mean)

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(float(self.mean), ndigits)

    def __format__(self, spec: str) -> str:
        return format(float(self.mean), spec) if spec else str(self)

    def __hash__(self) -> int:
        return hash(float(self.mean))

    __eq__ = _compare(operator.eq)  # type: ignore[assignment]
    __ne__ = _compare(operator.ne)  # type: ignore[assignment]
    __lt__ = _compare(operator.lt)
    __le__ = _compare(operator.le)
    __gt__ = _compare(operator.gt)
    __ge__ = _compare(operator.ge)
    __add__ = _binary(operator.add)
    __radd__ = _binary(operator.add, True)
    __sub__ = _binary(operator.sub)
    __rsub__ = _binary(operator.sub, True)
    __mul__ = _binary(operator.mul)
    __rmul__ = _binary(operator.mul, True)
    __truediv__ = _binary(operator.truediv)
    __rtruediv__ = _binary(operator.truediv, True)
    __floordiv__ = _binary(operator.floordiv)
    __rfloordiv__ = _binary(operator.floordiv, True)
    __mod__ = _binary(operator.mod)
    __rmod__ = _binary(operator.mod, True)
    __pow__ = _binary(operator.pow)
    __rpow__ = _binary(operator.pow, True)

    def __neg__(self) -> float:
        return -float(self.mean)

    def __pos__(self) -> float:
        return float(self.mean)

    def __abs__(self) -> float:
        return abs(float(self.mean))

    def __repr__(self) -> str:
        m, lo, hi = estimate_digits(self.mean, self.low, self.high)
        return f"{m} [{lo}, {hi}] ({self.confidence * 100:g}% CI, n={self.n})"


def _check(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")


def _nan(n: int, confidence: float, note: str = "") -> Estimate:
    return Estimate(math.nan, math.nan, math.nan, math.nan, n, confidence, note)


def estimate(values: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Mean of ``values`` (one per replication) with a two-sided Student-t ``confidence``
    interval: for quantities without a natural range, such as paired differences."""
    _check(confidence)
    v = np.asarray(values, dtype=float)
    n = v.size
    if n == 0:
        return _nan(0, confidence)
    m = float(v.mean())
    if n == 1:
        return Estimate(m, -math.inf, math.inf, math.nan, 1, confidence)
    sd = float(v.std(ddof=1))
    h = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return Estimate(m, m - h, m + h, sd, n, confidence)


# --- proportions -------------------------------------------------------------------------------------


def proportion_interval(successes: float, trials: float, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided interval for a binomial proportion: Wilson score interval, Clopper-Pearson at
    0 and ``trials`` successes (the exact one-sided bound at (1 - confidence) / 2 there).
    ``successes`` and ``trials`` may be effective (non-integer) counts."""
    _check(confidence)
    n, k = float(trials), float(successes)
    if not n > 0 or not math.isfinite(k):
        return math.nan, math.nan
    k = min(max(k, 0.0), n)
    a = (1 - confidence) / 2
    if k <= 0:
        return 0.0, float(_sps.beta.ppf(1 - a, 1, n))
    if k >= n:
        return float(_sps.beta.ppf(a, n, 1)), 1.0
    z = float(_sps.norm.ppf(1 - a))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_estimate(successes: float, trials: int, confidence: float = 0.95, what: str = "") -> Estimate:
    """The share ``successes / trials`` of replications with an event (P(SLA met), P(at least one
    breach)) and its interval (:func:`proportion_interval`). ``std`` is the per-replication
    standard deviation sqrt(p (1 - p) n / (n - 1)) of the 0/1 values (as for their mean)."""
    _check(confidence)
    n = int(trials)
    if n <= 0:
        return _nan(0, confidence)
    k = float(successes)
    p = k / n
    lo, hi = proportion_interval(k, n, confidence)
    sd = math.sqrt(max(p * (1 - p), 0.0) * n / (n - 1)) if n > 1 else math.nan
    note = ""
    if what and min(k, n - k) < FEW_EVENTS // 3:
        note = (
            f"{_count(k)} of {_count(n)} replications {what}: the interval is the Wilson/Clopper-Pearson "
            "interval of a binomial share; run more replications to narrow it"
        )
    return Estimate(p, lo, hi, sd, n, confidence, note)


def _count(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def ratio_interval(r: float, sd: float, n: int, total: float, confidence: float = 0.95) -> tuple[float, float, str]:
    """Interval of a pooled share ``r`` = sum(num) / sum(den) over ``n`` replications whose
    denominators add up to ``total``; ``sd`` is the delta-method standard deviation of the
    linearised per-replication values (``sd / sqrt(n)`` is the standard error of ``r``).
    Returns (low, high, method)."""
    if n < 2 or not math.isfinite(sd) or not math.isfinite(r):
        return -math.inf, math.inf, "none"
    var = sd * sd / n
    # Korn-Graubard effective sample size: the pooled count divided by the design effect
    # (at least 1: clustering of outages within replications never adds information).
    n_eff = total if var <= 0 or r <= 0 or r >= 1 else min(total, r * (1 - r) / var)
    h = t_quantile(0.5 + confidence / 2, n - 1) * math.sqrt(var)
    if n_eff * r >= 10 and n_eff * (1 - r) >= 10 and r - h >= 0 and r + h <= 1:
        return r - h, r + h, "delta"
    lo, hi = proportion_interval(r * n_eff, n_eff, confidence)
    return lo, hi, "wilson-effective"


def ratio_estimate(numerator: np.ndarray, denominator: np.ndarray, confidence: float = 0.95, what: str = "") -> Estimate:
    """Ratio of totals sum(numerator) / sum(denominator) over replications. A share (every
    numerator between 0 and its denominator: e.g. the outages restored within the RTO, pooled
    over replications with different numbers of outages) gets :func:`ratio_interval`; any other
    ratio (hours lost per incident) the delta-method interval, kept >= 0 when the numerators are.

    ``std`` is the standard deviation of the linearised per-replication residuals
    ``num_i - R * den_i`` divided by the mean denominator, so that ``std / sqrt(n)`` is the
    delta-method standard error of the ratio.
    """
    _check(confidence)
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    n = num.size
    total = float(den.sum())
    if n == 0 or total <= 0:
        return _nan(n, confidence)
    r = float(num.sum() / total)
    if n == 1:
        lo, hi = proportion_interval(r * total, total, confidence)
        return Estimate(r, lo, hi, math.nan, 1, confidence)
    resid = num - r * den
    sd = float(np.sqrt((resid**2).sum() / (n - 1)) / den.mean())
    if not bool(np.all((num >= 0) & (num <= den))):
        # Not a share (e.g. hours of writes lost per incident): the delta method, kept >= 0 for
        # non-negative totals.
        h = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
        low = max(r - h, 0.0) if bool(np.all(num >= 0)) else r - h
        return Estimate(r, low, r + h, sd, n, confidence)
    return ratio_estimate_from_sd(r, sd, n, total, confidence, what)


def ratio_estimate_from_sd(r: float, sd: float, n: int, total: float, confidence: float = 0.95, what: str = "") -> Estimate:
    """The Estimate of a pooled share from its delta-method ``sd`` (see :func:`ratio_interval`)."""
    lo, hi, method = ratio_interval(r, sd, n, total, confidence)
    note = ""
    if what and method != "delta":
        note = (
            f"only {_count(total)} {what} in {_count(n)} replications: interval from the Wilson interval "
            "on the effective number of them (the delta method is not valid this close to 0 or 1); "
            "run more replications to narrow it"
        )
    return Estimate(r, lo, hi, sd, n, confidence, note)


# --- means of non-negative, mostly-zero quantities -----------------------------------------------------


def nonnegative_mean_from_sums(
    n: int,
    k: int,
    s1: float,
    s2: float,
    confidence: float = 0.95,
    upper: float = math.inf,
    what: str = "",
    *,
    mean: float | None = None,
    sd: float | None = None,
) -> Estimate:
    """Mean of a quantity >= 0 from ``n`` replications of which ``k`` are non-zero, the sum
    ``s1`` and sum of squares ``s2`` of all values; ``upper`` is the largest value one
    replication can take (the horizon for downtime). See the module docstring (MOVER).
    ``mean`` and ``sd`` override the point estimate and standard deviation computed from the
    sums (callers with the values pass their own, bit for bit as before)."""
    _check(confidence)
    if n == 0:
        return _nan(0, confidence)
    if mean is None:
        mean = s1 / n
    if sd is None:
        sd = math.sqrt(max(s2 - s1 * s1 / n, 0.0) / (n - 1)) if n > 1 else math.nan
    a = (1 - confidence) / 2
    k = int(k)
    if k == 0 or s1 <= 0:
        p_hi = float(_sps.beta.ppf(1 - a, 1, n))
        hi = p_hi * upper if math.isfinite(upper) else math.inf
        note = ""
        if what:
            note = (
                f"no replication of {_count(n)} {what}: the share of replications that would is at most "
                f"{p_hi:.2g} ({confidence_text(confidence)}), and the interval's upper end assumes each could last "
                "the whole horizon; run more replications or use m.rare_events(...)"
            )
        return Estimate(mean, 0.0, max(hi, mean), sd, n, confidence, note)
    if 2 * k >= n and n > 1:
        # Most replications are non-zero: Student-t on the log scale (delta method: standard
        # error sd / (sqrt(n) mean)), which keeps the interval above 0 and follows the right skew
        # of a positive quantity; clipped at ``upper``.
        h = t_quantile(1 - a, n - 1) * sd / math.sqrt(n) / mean
        return Estimate(mean, mean * math.exp(-h), min(mean * math.exp(h), upper), sd, n, confidence)
    # Mostly zeros. p = k / n: Clopper-Pearson; nu = mean of the k non-zero values: Student-t on
    # the log scale; combined on the log scale by MOVER.
    p = k / n
    p_lo = float(_sps.beta.ppf(a, k, n - k + 1))
    p_hi = float(_sps.beta.ppf(1 - a, k + 1, n - k)) if k < n else 1.0
    nu = s1 / k
    if k > 1:
        sd_nu = math.sqrt(max(s2 - s1 * s1 / k, 0.0) / (k - 1))
        h_nu = float(_sps.t.ppf(1 - a, k - 1)) * sd_nu / math.sqrt(k) / nu
    else:  # one value: its spread is unknown; take the coefficient of variation of an exponential (1)
        h_nu = float(_sps.norm.ppf(1 - a))
    lp, ln = math.log(p), math.log(nu)
    lo = math.exp(lp + ln - math.hypot(lp - math.log(p_lo), h_nu))
    hi = math.exp(lp + ln + math.hypot(math.log(p_hi) - lp, h_nu))
    lo, hi = min(lo, mean), min(max(hi, mean), upper)
    note = ""
    if what and k < FEW_EVENTS:
        note = (
            f"only {_count(k)} of {_count(n)} replications {what}: interval from the exact binomial interval "
            "of that share combined with the spread of their values; run more replications or use "
            "m.rare_events(...)"
        )
    return Estimate(mean, lo, hi, sd, n, confidence, note)


def nonnegative_mean_estimate(values: np.ndarray, confidence: float = 0.95, upper: float = math.inf, what: str = "") -> Estimate:
    """Mean of per-replication values >= 0 (downtime, outages, writes lost) with the interval
    of :func:`nonnegative_mean_from_sums`."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return _nan(0, confidence)
    return nonnegative_mean_from_sums(
        v.size,
        int(np.count_nonzero(v)),
        float(v.sum()),
        float((v * v).sum()),
        confidence,
        upper,
        what,
        mean=float(v.mean()),
        sd=float(v.std(ddof=1)) if v.size > 1 else math.nan,
    )


def complement(e: Estimate, scale: float = 1.0, *, mean: float | None = None, sd: float | None = None) -> Estimate:
    """1 - e / scale with the interval mapped (availability from downtime per horizon), clipped
    to [0, 1]. ``mean`` and ``sd`` override the mapped point estimate and standard deviation."""
    m = 1.0 - e.mean / scale if mean is None else mean
    lo = max(0.0, min(1.0 - e.high / scale, m))
    hi = min(1.0, max(1.0 - e.low / scale, m))
    return Estimate(m, lo, hi, e.std / scale if sd is None else sd, e.n, e.confidence, e.note)


@dataclass(frozen=True)
class TwoLevelEstimate:
    """An answer that carries parameter uncertainty: a two-level run's estimate of a mean.

    The outer loop draws parameters theta_i (i = 1..N), the inner loop runs n replications
    Y_ij with them. By the law of total variance, the variance of one replication's outcome is
    ``Var(Y) = E[Var(Y | theta)] + Var(E[Y | theta])``: the first term (``stochastic_variance``)
    is the spread from one horizon to the next that no amount of data removes; the second
    (``parameter_variance``) is what we do not know about the parameters, which only more data
    (not more replications) reduces.

    Built by :func:`two_level_estimate` (and the estimators of
    :class:`~recoverysim.uncertainty.UncertainResults`); the parameters are also the attributes
    of the same names.

    Parameters
    ----------
    mean : float
        The grand mean over all N*n replications: the estimate of E[Y] over the parameters.
    low, high : float
        The interval **with** parameter uncertainty: the ``(1 -/+ confidence) / 2`` quantiles of
        the conditional means E[Y | theta_i], each shrunk toward the grand mean so that their
        spread is the parameter variance alone, not the inner Monte Carlo noise.
    parameter_variance, stochastic_variance : float
        The two terms of the law of total variance, estimated as in a one-way random-effects
        analysis of variance (see :func:`two_level_estimate`).
    monte_carlo_variance : float
        The variance of ``mean`` as an estimate of E[Y] from the finite simulation
        (``Var(m_i) / N``): what more replications reduce.
    outer : int
        Parameter draws N.
    inner : int
        Replications per draw n.
    confidence : float, default 0.95
        Level of the interval.
    without : Estimate or None, default None
        The interval **without** parameter uncertainty (a run at the point estimates), if made.

    Examples
    --------
    >>> e = two_level_estimate(np.array([[1.0, 3.0], [5.0, 7.0]]))   # 2 draws x 2 replications
    >>> e.mean, e.outer, e.inner
    (4.0, 2, 2)
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
        """Share of Var(Y), the variance of one horizon's outcome, due to parameter uncertainty.

        Returns
        -------
        float
            ``parameter_variance / (parameter_variance + stochastic_variance)``, in [0, 1]
            (NaN when both are 0).

        Examples
        --------
        >>> e = two_level_estimate(np.array([[1.0, 3.0], [5.0, 7.0]]))
        >>> round(e.parameter_share, 3)   # 7 / (7 + 2)
        0.778
        """
        total = self.parameter_variance + self.stochastic_variance
        return self.parameter_variance / total if total > 0 else math.nan

    @property
    def stochastic_share(self) -> float:
        """Share of Var(Y) due to the randomness of one horizon (1 - ``parameter_share``).

        Returns
        -------
        float
            ``stochastic_variance / (parameter_variance + stochastic_variance)``, in [0, 1]
            (NaN when both are 0).

        Examples
        --------
        >>> e = two_level_estimate(np.array([[1.0, 3.0], [5.0, 7.0]]))
        >>> round(e.stochastic_share, 3)   # 2 / (7 + 2)
        0.222
        """
        total = self.parameter_variance + self.stochastic_variance
        return self.stochastic_variance / total if total > 0 else math.nan

    @property
    def data_share(self) -> float:
        """Share of the uncertainty about the mean that more data (not more replications) would remove.

        Returns
        -------
        float
            ``parameter_variance / (parameter_variance + monte_carlo_variance)``, in [0, 1]
            (NaN when both are 0).

        Examples
        --------
        >>> e = two_level_estimate(np.array([[1.0, 3.0], [5.0, 7.0]]))
        >>> round(e.data_share, 3)   # 7 / (7 + 8 / 2)
        0.636
        """
        total = self.parameter_variance + self.monte_carlo_variance
        return self.parameter_variance / total if total > 0 else math.nan

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval with parameter uncertainty.

        Parameters
        ----------
        value : float
            The value to test.

        Returns
        -------
        bool
            True when ``low <= value <= high``.

        Examples
        --------
        >>> e = two_level_estimate(np.array([[1.0, 3.0], [5.0, 7.0]]))
        >>> e.contains(e.mean), e.contains(100.0)
        (True, False)
        """
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
