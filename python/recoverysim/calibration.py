"""Models from incident history: fitting failure and repair distributions by maximum likelihood.

:func:`fit` fits one family (exponential, Weibull, log-normal, gamma) to durations of which some
are right-censored (systems still running at the end of the observation window), with
confidence intervals for the parameters and the covariance of their estimates; ``family="auto"``
picks the family with the smallest AIC. :func:`incident_durations` turns an incident log (one row
per incident: component, failure mode, start, end) into times between failures, censored at the
window's end, and times to restore; :func:`fit_incidents` fits them all and gives
:class:`~recoverysim.FailureMode` objects and a model ready to simulate, whose distributions carry
the parameter uncertainty of the fit (:class:`~recoverysim.distributions.Uncertain`).

The likelihood is scipy's (``logpdf`` of the failures plus ``logsf`` of the censored times),
maximised by ``scipy.optimize.minimize`` on the unbounded coordinates of
:data:`~recoverysim.distributions.FREE_COORDINATES` (ln shape, ln scale...). Parameter intervals
are profile-likelihood intervals (the set of values the likelihood-ratio test at ``1 - confidence``
does not reject), except for the exponential, whose interval is the chi-square interval of a
time-truncated test. The covariance is the inverse of the observed information (the Hessian of
the negative log-likelihood, by ``scipy.differentiate.hessian``) on the same coordinates.

Parameters map to recoverysim's conventions (:mod:`recoverysim.distributions`):

===============  =================================  ==============================================
family           recoverysim                        scipy.stats
===============  =================================  ==============================================
exponential      ``Exponential(mean)``              ``expon(scale=mean)``
weibull          ``Weibull(shape, scale)``          ``weibull_min(c=shape, scale=scale)``
lognormal        ``LogNormal(mu, sigma)``           ``lognorm(s=sigma, scale=exp(mu))``
gamma            ``Gamma(shape, scale)``            ``gamma(a=shape, scale=scale)``
===============  =================================  ==============================================

>>> import recoverysim as rs
>>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential")
>>> f.distribution.mean          # total time / failures = (4860 + 5000) / 5
1972.0
>>> f.intervals.loc["mean", ["low", "high"]].round(0).tolist()
[845.0, 6073.0]
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.differentiate import hessian

from .distributions import FREE_COORDINATES, Distribution, Exponential, Gamma, LogNormal, Uncertain, Weibull, from_dict
from .formatting import confidence as confidence_text
from .formatting import duration, number
from .model import Model
from .recovery import FailureMode
from .requirements import all_of
from .units import hours

__all__ = [
    "FAMILIES",
    "MIN_FAILURES",
    "Fit",
    "fit",
    "compare_fits",
    "scipy_distribution",
    "incident_durations",
    "fit_incidents",
    "IncidentFits",
    "FitError",
]

FAMILIES: tuple[str, ...] = ("exponential", "weibull", "lognormal", "gamma")
"""The families :func:`fit` knows, in the order ``family="auto"`` lists them."""

MIN_FAILURES: dict[str, int] = {"exponential": 1, "weibull": 3, "lognormal": 3, "gamma": 3}
"""Fewest failures (uncensored durations) a family is fitted from: one for the exponential (whose
estimate and interval exist with one failure), three for the two-parameter families (with two, a
shape is fitted to two points)."""

_CLASSES: dict[str, type[Distribution]] = {"exponential": Exponential, "weibull": Weibull, "lognormal": LogNormal, "gamma": Gamma}


class FitError(ValueError):
    """Data that cannot be fitted: too few failures, bad durations, a bad incident log.

    A :class:`ValueError`; the message names the rows (or groups) at fault.

    Examples
    --------
    >>> try:
    ...     rs.fit([100.0], family="weibull")
    ... except rs.FitError as e:
    ...     print(e)
    a weibull needs at least 3 failures to fit, got 1
    """


# --- the families in scipy's terms ------------------------------------------------------------------


def _natural(family: str, free: np.ndarray) -> dict[str, Any]:
    """Parameters in recoverysim's conventions from free coordinates (shape ``(p, ...)``)."""
    return {p: (np.exp(v) if t == "log" else v) for (p, t), v in zip(FREE_COORDINATES[family], free)}


def _free(family: str, params: Mapping[str, float]) -> np.ndarray:
    return np.array([math.log(params[p]) if t == "log" else float(params[p]) for p, t in FREE_COORDINATES[family]])


def _scipy_args(family: str, params: Mapping[str, Any]) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
    if family == "exponential":
        return stats.expon, (), {"scale": params["mean"]}
    if family == "weibull":
        return stats.weibull_min, (params["shape"],), {"scale": params["scale"]}
    if family == "lognormal":
        return stats.lognorm, (params["sigma"],), {"scale": np.exp(params["mu"])}
    if family == "gamma":
        return stats.gamma, (params["shape"],), {"scale": params["scale"]}
    raise ValueError(f"unknown family {family!r} (one of {', '.join(FAMILIES)})")


def scipy_distribution(d: Distribution) -> Any:
    """The frozen ``scipy.stats`` distribution equal to ``d`` (exponential, Weibull, log-normal
    or gamma; an :class:`Uncertain` gives its point estimate's).

    >>> import recoverysim as rs
    >>> scipy_distribution(rs.Weibull(2, "100h")).mean().round(3)
    np.float64(88.623)
    """
    if isinstance(d, Uncertain):
        d = d.nominal
    if d.kind not in _CLASSES:
        raise ValueError(f"scipy_distribution: {d.kind} is not one of {', '.join(FAMILIES)}")
    dist, args, kw = _scipy_args(d.kind, d.params)
    return dist(*args, **kw)


def _loglik(family: str, free: np.ndarray, observed: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """Log-likelihood at free coordinates ``free`` (shape ``(p, *batch)``), shape ``batch``."""
    free = np.asarray(free, dtype=float)
    batch = free.shape[1:]
    params = _natural(family, free)
    dist, args, kw = _scipy_args(family, params)
    shape = (-1,) + (1,) * len(batch)
    out = np.zeros(batch)
    for values, term in ((observed, dist.logpdf), (censored, dist.logsf)):
        if values.size:  # equal durations are evaluated once and weighted by their count
            x, w = np.unique(values, return_counts=True)
            out = out + (w.reshape(shape) * term(x.reshape(shape), *args, **kw)).sum(axis=0)
    return np.where(np.isfinite(out), out, -np.inf)


# --- one fit --------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class Fit:
    """A maximum-likelihood fit of one family to right-censored durations (hours).

    Fits come from :func:`fit` (or :func:`fit_incidents`); they are not built by hand. The
    parameters are also the attributes of the same names.

    Parameters
    ----------
    family : str
        ``"exponential"``, ``"weibull"``, ``"lognormal"`` or ``"gamma"``.
    distribution : Distribution
        The fitted distribution (recoverysim's parameter conventions).
    loglik : float
        The maximised log-likelihood (densities in 1/hours).
    aic : float
        Akaike's information criterion, ``2 k - 2 loglik`` with ``k`` parameters.
    covariance : numpy.ndarray
        Covariance of the estimates on the free coordinates (``FREE_COORDINATES[family]``): the
        inverse of the observed information.
    observed, censored : numpy.ndarray
        The failure times and the censored (still running) times, hours.
    confidence : float
        Level of the parameter intervals (:attr:`intervals`, :meth:`cdf_band`).
    truncation : str, default "time"
        ``"time"`` or ``"failure"``: how observation stopped, for the exponential's chi-square
        interval (see :func:`fit`).
    selection : pandas.DataFrame or None, default None
        With ``family="auto"``: every family tried, ranked by AIC (see :func:`compare_fits`).

    Examples
    --------
    >>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential")
    >>> f.family, f.failures, f.n, f.params
    ('exponential', 5, 7, {'mean': 1972.0})
    """

    family: str
    distribution: Distribution
    loglik: float
    aic: float
    covariance: np.ndarray
    observed: np.ndarray
    censored: np.ndarray
    confidence: float
    truncation: str = "time"
    selection: pd.DataFrame | None = field(default=None)

    @functools.cached_property
    def intervals(self) -> pd.DataFrame:
        """One row per parameter: ``estimate``, ``low``, ``high`` (at :attr:`confidence`),
        ``std_error`` (delta method from :attr:`covariance`) and the ``method`` of the interval
        (computed when first asked for: profile likelihoods take a few hundred evaluations)."""
        free = _free(self.family, self.params)
        rows = []
        for j, (p, t) in enumerate(FREE_COORDINATES[self.family]):
            if self.family == "exponential":
                # complete data (every duration ended) is the failure-truncated case: exact
                how = self.truncation if self.censored.size else "failure"
                lo, hi = _chi2_interval(self.observed, self.censored, self.confidence, how)
                method = f"chi-square ({how}-truncated)" if self.censored.size else "chi-square (complete data)"
            else:
                flo, fhi = _profile_interval(
                    self.family, free, self.loglik, self.covariance, j, self.confidence, self.observed, self.censored
                )
                lo, hi = (math.exp(flo), math.exp(fhi)) if t == "log" else (flo, fhi)
                method = "profile likelihood"
            value = self.params[p]
            se = math.sqrt(self.covariance[j, j]) * (value if t == "log" else 1.0)
            rows.append({"estimate": value, "low": float(lo), "high": float(hi), "std_error": se, "method": method})
        return pd.DataFrame(rows, index=pd.Index([p for p, _ in FREE_COORDINATES[self.family]], name="parameter"))

    @property
    def params(self) -> dict[str, float]:
        """The fitted parameters (durations in hours).

        Returns
        -------
        dict of str to float
            Parameter name to estimate, in recoverysim's conventions (``mean`` of an
            exponential; ``shape`` and ``scale`` of a Weibull or gamma; ``mu`` and ``sigma`` of a
            log-normal).

        Examples
        --------
        >>> rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential").params
        {'mean': 1972.0}
        """
        return {k: float(v) for k, v in self.distribution.params.items()}

    @property
    def failures(self) -> int:
        """Number of uncensored durations.

        Returns
        -------
        int
            The size of :attr:`observed`.

        Examples
        --------
        >>> rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential").failures
        5
        """
        return int(self.observed.size)

    @property
    def n(self) -> int:
        """Number of durations, censored or not.

        Returns
        -------
        int
            The sizes of :attr:`observed` and :attr:`censored` together.

        Examples
        --------
        >>> rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential").n
        7
        """
        return int(self.observed.size + self.censored.size)

    @property
    def std_errors(self) -> dict[str, float]:
        """Standard errors of the parameters (delta method from :attr:`covariance`).

        Returns
        -------
        dict of str to float
            Parameter name to standard error, in the parameter's units (hours for durations).

        Examples
        --------
        >>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential")
        >>> round(f.std_errors["mean"], 1)   # mean / sqrt(failures)
        881.9
        """
        return {
            p: math.sqrt(self.covariance[j, j]) * (self.params[p] if t == "log" else 1.0)
            for j, (p, t) in enumerate(FREE_COORDINATES[self.family])
        }

    def uncertain(self) -> Uncertain:
        """The fitted distribution with its parameter uncertainty.

        The parameters are normal on the free coordinates with :attr:`covariance` (the
        large-sample distribution of the estimates).

        Returns
        -------
        Uncertain
            The fitted distribution as the point estimate, ``source == "covariance"``.

        Examples
        --------
        >>> u = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential").uncertain()
        >>> u.family, u.source, u.mean
        ('exponential', 'covariance', 1972.0)
        """
        return Uncertain(self.distribution, covariance=self.covariance)

    def bootstrap(self, n: int = 200, seed: int = 0) -> Uncertain:
        """The fitted distribution with a bootstrap of its parameters.

        ``n`` refits of the durations resampled with replacement (each with its censoring).
        Resamples with too few failures to fit are drawn again.

        Parameters
        ----------
        n : int, default 200
            Number of bootstrap refits (parameter sets).
        seed : int, default 0
            Seed of the resampling: the same seed gives the same parameter sets.

        Returns
        -------
        Uncertain
            The fitted distribution as the point estimate, ``source == "draws"``: the ``n``
            refitted parameter sets, drawn with equal probability.

        Raises
        ------
        FitError
            When too few resamples have enough failures to fit the family.

        Examples
        --------
        >>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential")
        >>> b = f.bootstrap(n=50, seed=1)
        >>> b.source, b.mean
        ('draws', 1972.0)
        """
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(_BOOTSTRAP_KEY,))))
        times = np.concatenate([self.observed, self.censored])
        failed = np.concatenate([np.ones(self.observed.size, bool), np.zeros(self.censored.size, bool)])
        sets: list[dict[str, float]] = []
        tries = 0
        while len(sets) < n:
            tries += 1
            if tries > 20 * n + 100:
                raise FitError(f"bootstrap: too few resamples have {MIN_FAILURES[self.family]} failures to fit a {self.family}")
            idx = rng.integers(times.size, size=times.size)
            obs, cen = times[idx][failed[idx]], times[idx][~failed[idx]]
            if obs.size < MIN_FAILURES[self.family] or (self.family != "exponential" and np.unique(obs).size < 2):
                continue
            try:
                free, _ = _maximise(self.family, obs, cen)
            except FitError:
                continue
            sets.append({k: float(v) for k, v in _natural(self.family, free).items()})
        return Uncertain(self.distribution, draws=sets)

    def cdf_band(self, x: Any, confidence: float | None = None, draws: int = 2000, seed: int = 0) -> pd.DataFrame:
        """The fitted CDF at ``x`` (hours) with a pointwise band.

        The band's ends are quantiles of the CDF over parameters drawn from the estimates'
        normal distribution (:meth:`uncertain`).

        Parameters
        ----------
        x : float or array_like
            Durations, hours.
        confidence : float, optional
            Level of the band; default the fit's :attr:`confidence`.
        draws : int, default 2000
            Parameter sets drawn for the band.
        seed : int, default 0
            Seed of the parameter draws.

        Returns
        -------
        pandas.DataFrame
            One row per value of ``x``: ``x``, ``cdf`` (the fitted CDF), ``low`` and ``high``
            (the band's ends).

        Examples
        --------
        >>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential")
        >>> band = f.cdf_band([500, 2000])
        >>> band["cdf"].round(3).tolist()
        [0.224, 0.637]
        >>> bool(((band["low"] < band["cdf"]) & (band["cdf"] < band["high"])).all())
        True
        """
        c = self.confidence if confidence is None else confidence
        xs = np.atleast_1d(np.asarray(x, dtype=float))
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(_BAND_KEY,))))
        centre = _free(self.family, self.params)
        z = rng.standard_normal((draws, centre.size)) @ np.linalg.cholesky(self.covariance).T
        params = _natural(self.family, (centre + z).T[:, :, None])
        dist, args, kw = _scipy_args(self.family, params)
        curves = dist.cdf(xs[None, :], *args, **kw)
        lo, hi = np.quantile(curves, [(1 - c) / 2, (1 + c) / 2], axis=0)
        return pd.DataFrame({"x": xs, "cdf": np.asarray(self.distribution.cdf(xs)), "low": lo, "high": hi})

    def empirical_cdf(self) -> pd.DataFrame:
        """The Kaplan-Meier estimate of the CDF at each failure time, with its pointwise interval.

        Computed by ``scipy.stats.ecdf`` with the censored times (Greenwood's interval at the
        fit's :attr:`confidence`): the points of a probability plot
        (:func:`recoverysim.plot.probability_plot`).

        Returns
        -------
        pandas.DataFrame
            One row per distinct failure time: ``x`` (hours), ``cdf``, ``low`` and ``high``
            (``NaN`` where the interval is undefined, at a CDF of 0 or 1).

        Examples
        --------
        >>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential")
        >>> km = f.empirical_cdf()
        >>> km["x"].tolist(), km["cdf"].round(3).tolist()
        ([120.0, 340.0, 800.0, 1500.0, 2100.0], [0.143, 0.286, 0.429, 0.571, 0.714])
        """
        res = stats.ecdf(stats.CensoredData(uncensored=self.observed, right=self.censored))
        with warnings.catch_warnings():  # Greenwood's interval is undefined where F = 0 or 1: NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = res.cdf.confidence_interval(self.confidence)
        q = res.cdf.quantiles
        keep = np.isin(q, self.observed)
        return pd.DataFrame(
            {"x": q[keep], "cdf": res.cdf.probabilities[keep], "low": ci.low.probabilities[keep], "high": ci.high.probabilities[keep]}
        )

    def describe(self) -> str:
        """The fit in one line: family, parameters with intervals, data.

        Returns
        -------
        str
            The family, each parameter with its interval (at :attr:`confidence`), the mean, the
            numbers of observed and censored durations, and the AIC.

        Examples
        --------
        >>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="exponential")
        >>> print(f.describe())
        exponential: mean 12 weeks [35 days, 0.7 years] (95%); mean 12 weeks; 5 observed, 2 censored; AIC 87.87
        """
        parts = []
        time_params = type(self.distribution)._time_params
        for name, row in self.intervals.iterrows():
            fmt = duration if name in time_params else number
            parts.append(f"{name} {fmt(row['estimate'])} [{fmt(row['low'])}, {fmt(row['high'])}]")
        return (
            f"{self.family}: {', '.join(parts)} ({confidence_text(self.confidence)}); mean {duration(self.distribution.mean)}; "
            f"{self.failures} observed, {self.censored.size} censored; AIC {number(self.aic, 4)}"
        )

    def __repr__(self) -> str:
        return f"<Fit {self.describe()}>"


_BOOTSTRAP_KEY = 0x626F6F74  # "boot": the bootstrap's own stream
_BAND_KEY = 0x62616E64  # "band"


def _as_times(values: Any, what: str) -> np.ndarray:
    if values is None:
        return np.zeros(0)
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        values = [values]
    out = []
    for i, v in enumerate(values):
        h = hours(v, name=f"{what}[{i}]") if isinstance(v, str) else float(v)
        out.append(h)
    arr = np.asarray(out, dtype=float)
    bad = np.flatnonzero(~(np.isfinite(arr) & (arr > 0)))
    if bad.size:
        shown = ", ".join(f"{what}[{i}] = {float(arr[i])!r}" for i in bad[:5])
        raise FitError(f"durations must be finite and > 0: {shown}{' ...' if bad.size > 5 else ''}")
    return arr


def _maximise(family: str, observed: np.ndarray, censored: np.ndarray) -> tuple[np.ndarray, float]:
    """Free coordinates of the maximum and the maximum log-likelihood."""
    r = observed.size
    total = float(observed.sum() + censored.sum())
    if family == "exponential":  # closed form: mean = total time / failures
        free = np.array([math.log(total / r)])
        return free, float(_loglik(family, free, observed, censored))
    u = total / r  # the data in units of the exponential's mean: a well-conditioned problem
    obs, cen = observed / u, censored / u
    if family == "lognormal":
        logs = np.log(obs)
        x0 = np.array([logs.mean(), math.log(max(float(logs.std()), 0.1))])
    else:
        x0 = np.array([0.0, 0.0])

    def nll(x: np.ndarray) -> float:
        v = -float(_loglik(family, x[:, None], obs, cen)[0])
        return v if math.isfinite(v) else 1e300

    best = optimize.minimize(nll, x0, method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-8, "maxiter": 20000})
    best = optimize.minimize(nll, best.x, method="BFGS", options={"gtol": 1e-8})
    if not np.all(np.isfinite(best.x)) or best.fun >= 1e299:
        raise FitError(f"the {family} likelihood has no maximum for these {r} failures")
    free = best.x.copy()
    shift = math.log(u)
    for i, (p, _t) in enumerate(FREE_COORDINATES[family]):
        if p in ("scale", "mu"):  # scale parameters (and mu = ln scale) move with the unit
            free[i] += shift
    return free, float(_loglik(family, free, observed, censored))


def _profile_interval(
    family: str, free: np.ndarray, ll: float, cov: np.ndarray, j: int, c: float, obs: np.ndarray, cen: np.ndarray
) -> tuple[float, float]:
    """Likelihood-ratio interval of free coordinate j: where the profile log-likelihood is
    ``chi2_1(c) / 2`` below its maximum (the other coordinate maximised by Brent's method)."""
    crit = stats.chi2.ppf(c, 1) / 2
    k = 1 - j
    se = math.sqrt(cov[j, j])
    se_k = math.sqrt(cov[k, k])

    last = [float(free[k])]  # warm start: the other coordinate's optimum moves smoothly with v

    def profile(v: float) -> float:
        def neg(w: float) -> float:
            x = np.empty(2)
            x[j], x[k] = v, w
            val = -float(_loglik(family, x[:, None], obs, cen)[0])
            return val if math.isfinite(val) else 1e300

        res = optimize.minimize_scalar(neg, bracket=(last[0] - 0.3 * se_k, last[0] + 0.3 * se_k), options={"xtol": 1e-6})
        last[0] = float(res.x)
        return -float(res.fun)

    def gap(v: float) -> float:
        return ll - profile(v) - crit

    ends = []
    for sign in (-1.0, 1.0):
        last[0] = float(free[k])
        step = se
        for _ in range(60):
            if gap(free[j] + sign * step) > 0:
                break
            step *= 1.6
        else:
            ends.append(sign * math.inf)
            continue
        a, b = sorted((free[j], free[j] + sign * step))
        ends.append(optimize.brentq(gap, a, b, xtol=1e-7))
    return ends[0], ends[1]


def _chi2_interval(observed: np.ndarray, censored: np.ndarray, c: float, truncation: str) -> tuple[float, float]:
    """Chi-square interval of an exponential mean from r failures in total time T.

    Failure-truncated (the observation stops at the r-th failure: 2T/mean ~ chi2(2r), exact):
    [2T / chi2_{(1+c)/2}(2r), 2T / chi2_{(1-c)/2}(2r)]. Time-truncated (the observation stops at a
    fixed time, as in an incident log): the lower end uses 2r + 2 degrees of freedom, which keeps
    the coverage at or above ``c`` (a failure may have been just about to happen).
    """
    r, total = observed.size, float(observed.sum() + censored.sum())
    lower_df = 2 * r + 2 if truncation == "time" else 2 * r
    return 2 * total / stats.chi2.ppf((1 + c) / 2, lower_df), 2 * total / stats.chi2.ppf((1 - c) / 2, 2 * r)


def _fit_family(family: str, observed: np.ndarray, censored: np.ndarray, confidence: float, truncation: str) -> Fit:
    need = MIN_FAILURES[family]
    if observed.size < need:
        raise FitError(f"a {family} needs at least {need} failure{'s' if need > 1 else ''} to fit, got {observed.size}")
    if family != "exponential" and np.unique(observed).size < 2:
        raise FitError(f"a {family} needs at least two different failure times, got {observed.size} equal to {observed[0]:g} h")
    free, ll = _maximise(family, observed, censored)
    if family == "exponential":  # d2/d(ln mean)2 of -(r ln mean + T / mean) at the maximum: r
        info = np.array([[float(observed.size)]])
    else:
        info = np.atleast_2d(hessian(lambda x: -_loglik(family, x, observed, censored), free).ddf)
    try:
        cov = np.linalg.inv((info + info.T) / 2)
        cov = (cov + cov.T) / 2
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise FitError(f"the {family} fit is degenerate (its observed information is not positive definite)") from None
    est = _natural(family, free)
    if family == "exponential":  # exactly total time / failures, not exp(ln(...))
        est = {"mean": float(observed.sum() + censored.sum()) / observed.size}
    dist = from_dict({"type": family, **{k: float(v) for k, v in est.items()}})
    return Fit(family, dist, ll, 2 * free.size - 2 * ll, cov, observed, censored, confidence, truncation)


def fit(
    observed: Any,
    censored: Any = None,
    family: str = "auto",
    *,
    confidence: float = 0.95,
    families: Sequence[str] = FAMILIES,
    truncation: str = "time",
) -> Fit:
    """Fit a distribution to durations by maximum likelihood, with right censoring.

    Parameters
    ----------
    observed : float, str or iterable of them
        Durations that ended (failures, completed repairs): hours or duration strings.
    censored : float, str or iterable of them, optional
        Durations still running when observation stopped (the time since the last recovery at
        the end of the window): each counts as "longer than this".
    family : str, default "auto"
        ``"exponential"``, ``"weibull"``, ``"lognormal"``, ``"gamma"``, or ``"auto"``: the family
        with the smallest AIC among ``families`` that have enough failures (:data:`MIN_FAILURES`).
    confidence : float, default 0.95
        Level of the parameter intervals, in (0, 1).
    families : sequence of str, default FAMILIES
        The families ``family="auto"`` chooses from (ignored for a named family).
    truncation : str, default "time"
        For the exponential's chi-square interval with censored durations: ``"time"``
        (observation stopped at a fixed time: an incident log) or ``"failure"`` (stopped at the
        last failure: exact). Complete data (nothing censored) always get the exact interval.

    Returns
    -------
    Fit
        The fit; with ``family="auto"`` the best family's, with every family tried in
        :attr:`Fit.selection`.

    Raises
    ------
    FitError
        Too few failures, a duration that is not > 0, or a likelihood without a maximum.

    Examples
    --------
    >>> f = fit([30, 45, 60, 90, 120, 200, 240], family="weibull")
    >>> f.family, round(f.params["shape"], 2)
    ('weibull', 1.58)
    >>> fit([30, 45, 60, 90, 120, 200, 240]).family   # the smallest AIC
    'lognormal'
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if truncation not in ("time", "failure"):
        raise ValueError(f"truncation must be 'time' or 'failure', got {truncation!r}")
    obs = _as_times(observed, "observed")
    cen = _as_times(censored, "censored")
    if family != "auto":
        if family not in FAMILIES:
            raise ValueError(f"unknown family {family!r} (one of {', '.join(FAMILIES)}, or 'auto')")
        return _fit_family(family, obs, cen, confidence, truncation)
    table, fits = _compare(obs, cen, families, confidence, truncation)
    best = fits[table.index[0]]
    return Fit(best.family, best.distribution, best.loglik, best.aic, best.covariance, obs, cen, confidence, truncation, table)


def _compare(
    obs: np.ndarray, cen: np.ndarray, families: Sequence[str], confidence: float, truncation: str
) -> tuple[pd.DataFrame, dict[str, Fit]]:
    for f in families:
        if f not in FAMILIES:
            raise ValueError(f"unknown family {f!r} (one of {', '.join(FAMILIES)})")
    fits: dict[str, Fit] = {}
    skipped: dict[str, str] = {}
    for f in families:
        try:
            fits[f] = _fit_family(f, obs, cen, confidence, truncation)
        except FitError as e:
            skipped[f] = str(e)
    if not fits:
        raise FitError("no family could be fitted: " + "; ".join(skipped.values()))
    rows = [
        {"family": f, "parameters": x.params, "loglik": x.loglik, "k": len(x.params), "aic": x.aic, "mean": x.distribution.mean}
        for f, x in fits.items()
    ]
    table = pd.DataFrame(rows).set_index("family").sort_values("aic", kind="stable")
    table["delta_aic"] = table["aic"] - table["aic"].iloc[0]
    w = np.exp(-table["delta_aic"] / 2)
    table["weight"] = w / w.sum()
    return table, fits


def compare_fits(observed: Any, censored: Any = None, families: Sequence[str] = FAMILIES, *, confidence: float = 0.95) -> pd.DataFrame:
    """Every family fitted to the same durations, ranked by AIC.

    Parameters
    ----------
    observed : float, str or iterable of them
        Durations that ended: hours or duration strings (as in :func:`fit`).
    censored : float, str or iterable of them, optional
        Durations still running when observation stopped.
    families : sequence of str, default FAMILIES
        The families to fit. Families with too few failures (:data:`MIN_FAILURES`) are left out.
    confidence : float, default 0.95
        Level of the parameter intervals of the fits (not shown in the table).

    Returns
    -------
    pandas.DataFrame
        One row per family fitted, indexed by ``family``, smallest AIC first: ``parameters``,
        ``loglik``, ``k`` (parameters), ``aic``, ``mean``, ``delta_aic`` (to the best) and
        ``weight`` (Akaike weight: the relative likelihood of each family, summing to 1).

    Raises
    ------
    FitError
        When no family could be fitted.

    Examples
    --------
    >>> table = rs.compare_fits([30, 45, 60, 90, 120, 200, 240])
    >>> table.index.tolist()
    ['lognormal', ...]
    >>> float(table["weight"].sum())
    1.0
    """
    obs = _as_times(observed, "observed")
    cen = _as_times(censored, "censored")
    return _compare(obs, cen, families, confidence, "time")[0]


# --- incident logs --------------------------------------------------------------------------------


def _rows(index: Iterable[Any], word: str = "row") -> str:
    items = list(index)
    shown = ", ".join(str(i) for i in items[:8])
    return f"{word}{'s' if len(items) > 1 else ''} {shown}{' ...' if len(items) > 8 else ''}"


def _read_log(log: Any) -> tuple[pd.DataFrame, str]:
    """The log, indexed by what a person looks up: DataFrame row positions (from 0), or the line
    numbers of a CSV file (the header is line 1)."""
    if isinstance(log, pd.DataFrame):
        return log.reset_index(drop=True), "row"
    if isinstance(log, (str, os.PathLike)):
        try:
            df = pd.read_csv(log)
        except FileNotFoundError:
            raise FitError(f"{os.fspath(log)}: no such file") from None
        df.index = pd.RangeIndex(2, len(df) + 2)
        return df, "line"
    raise TypeError(f"an incident log must be a pandas DataFrame or the path of a CSV file, got {type(log).__name__}")


def _times(values: pd.Series, column: str, origin: Any, word: str = "row") -> tuple[np.ndarray, Any]:
    """Hours from a column of numbers (hours) or timestamps; timestamps count from ``origin``
    (the window's start, a timestamp) or, without one, from their own earliest value."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        if isinstance(origin, pd.Timestamp):
            raise FitError(f"column {column!r} holds numbers (hours) but the window is given as timestamps")
        return values.to_numpy(dtype=float), None
    parsed = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    bad = values.index[parsed.isna() & values.notna()]
    if len(bad):
        raise FitError(f"column {column!r}: {_rows(bad, word)}: not a timestamp or a number of hours ({values[bad[0]]!r})")
    if origin is None:
        origin = parsed.min()
    return ((parsed - origin) / pd.Timedelta(hours=1)).to_numpy(dtype=float), origin


def _window_bound(v: Any, origin: Any) -> float:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        if origin is not None:
            raise FitError("the window is given in hours but the log holds timestamps")
        return float(v)
    ts = pd.Timestamp(v)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return float((ts - origin) / pd.Timedelta(hours=1)) if origin is not None else math.nan


def incident_durations(
    log: Any,
    window: tuple[Any, Any] | Mapping[str, tuple[Any, Any]],
    *,
    component: str = "component",
    mode: str | None = "mode",
    start: str = "start",
    end: str = "end",
    components: Iterable[str] = (),
) -> pd.DataFrame:
    """Times between failures and times to restore from an incident log.

    Parameters
    ----------
    log : pandas.DataFrame or path
        A DataFrame or the path of a CSV file with one row per incident.
    window : tuple or mapping
        The observation window ``(start, end)``: timestamps, or hours if the log holds hours;
        or a mapping ``{component: (start, end)}`` when components were watched over different
        windows. Every incident must lie inside its component's window.
    component : str, default "component"
        Name of the column of component names.
    mode : str or None, default "mode"
        Name of the column of failure modes (or causes). It may be ``None`` or missing from
        the log: every incident is then mode ``"failure"``; an empty cell is mode ``"unknown"``.
    start, end : str, default "start", "end"
        Names of the columns of the incidents' start and end: timestamps, or hours.
    components : iterable of str, default ()
        Components watched over the window that had no incident: each adds a censored time
        (the whole window) to the groups that pool components (``by=("mode",)``).

    Returns
    -------
    pandas.DataFrame
        One row per duration: ``component``, ``mode`` (the mode that ended an uptime, or the
        incident's mode for a repair), ``kind`` (``"uptime"`` or ``"repair"``), ``hours``,
        ``censored`` (an uptime still running at the window's end) and ``row`` (the incident
        that ended it, -1 for a censored uptime: the row position of a DataFrame from 0, or the
        line of a CSV file, the header being line 1; error messages name rows the same way).

    Notes
    -----
    A component is taken to be as good as new at the window's start and after every incident
    (the engine's renewal semantics). Its uptimes are: window start to the first incident, end
    of each incident to the start of the next, and end of the last incident to the window's end
    (censored). An uptime ending in an incident of another mode is a censored time for the
    modes that did not fire (competing risks).

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"component": ["db", "db"], "start": [100.0, 900.0], "end": [102.0, 904.0]})
    >>> d = rs.incident_durations(log, window=(0, 2000))
    >>> d[["kind", "hours", "censored"]].to_numpy().tolist()
    [['uptime', 100.0, False], ['repair', 2.0, False], ['uptime', 798.0, False], ['repair', 4.0, False], ['uptime', 1096.0, True]]
    """
    df, word = _read_log(log)
    for col in (component, start, end):
        if col not in df.columns:
            raise FitError(
                f"the incident log has no column {col!r} (columns: {', '.join(map(str, df.columns))}); pass {col}=... to name it"
            )
    if len(df) == 0 and not list(components):
        raise FitError("the incident log has no incidents")
    rows = df.index
    names = df[component]
    missing = rows[names.isna() | (names.astype(str).str.strip() == "")]
    if len(missing):
        raise FitError(f"{_rows(missing, word)}: no {component!r}")
    names = names.astype(str)
    if mode is not None and mode in df.columns:
        modes = df[mode].where(df[mode].notna(), "unknown").astype(str).str.strip().replace("", "unknown")
    else:
        modes = pd.Series("failure", index=rows)
    for col in (start, end):
        gone = rows[df[col].isna()]
        if len(gone):
            raise FitError(f"{_rows(gone, word)}: {col!r} is missing")
    windows = window if isinstance(window, Mapping) else None
    first = next(iter(windows.values())) if windows else window
    if not isinstance(first, (tuple, list)) or len(first) != 2:
        raise FitError(f"window must be (start, end) or {{component: (start, end)}}, got {window!r}")
    origin = None
    if not (isinstance(first[0], (int, float, np.integer, np.floating)) and not isinstance(first[0], bool)):
        origin = pd.Timestamp(first[0])
        origin = origin.tz_localize("UTC") if origin.tzinfo is None else origin.tz_convert("UTC")
    s_h, _ = _times(df[start], start, origin, word)
    e_h, _ = _times(df[end], end, origin, word)
    s, e = pd.Series(s_h, index=rows), pd.Series(e_h, index=rows)  # by row label
    bad = rows[(e < s).to_numpy()]
    if len(bad):
        raise FitError(f"{_rows(bad, word)}: {end!r} is before {start!r}")
    zero = rows[(e == s).to_numpy()]
    if len(zero):
        raise FitError(f"{_rows(zero, word)}: the incident lasts zero time ({start!r} equals {end!r})")
    watched = list(dict.fromkeys([*names, *components]))
    if windows is not None:
        unknown = [c for c in dict.fromkeys(names) if c not in windows]
        if unknown:
            raise FitError(f"window has no entry for component {unknown[0]!r}")
    out: list[dict[str, Any]] = []
    for comp in watched:
        lo_raw, hi_raw = windows[comp] if windows is not None else window  # type: ignore[misc,index]
        lo, hi = _window_bound(lo_raw, origin), _window_bound(hi_raw, origin)
        if not hi > lo:
            raise FitError(f"the window of {comp!r} ends before it starts ({lo_raw!r} to {hi_raw!r})")
        mine = rows[(names == comp).to_numpy()]
        order = sorted(mine, key=lambda r: (s[r], r))
        outside = [r for r in order if s[r] < lo or e[r] > hi]
        if outside:
            raise FitError(f"{_rows(outside, word)}: incident of {comp!r} outside its observation window ({lo_raw} to {hi_raw})")
        prev_end, prev_row = lo, None
        for r in order:
            up = s[r] - prev_end
            if up < 0:
                raise FitError(f"{_rows([prev_row, r], word)}: incidents of {comp!r} overlap (a component cannot fail while it is down)")
            if up == 0:
                where = "at the window's start" if prev_row is None else f"the moment {word} {prev_row} ended"
                raise FitError(f"{_rows([r], word)}: incident of {comp!r} begins {where}: a zero time between failures")
            out.append({"component": comp, "mode": modes[r], "kind": "uptime", "hours": up, "censored": False, "row": int(r)})
            out.append({"component": comp, "mode": modes[r], "kind": "repair", "hours": e[r] - s[r], "censored": False, "row": int(r)})
            prev_end, prev_row = e[r], r
        if hi > prev_end:
            out.append({"component": comp, "mode": "", "kind": "uptime", "hours": hi - prev_end, "censored": True, "row": -1})
    result = pd.DataFrame(out, columns=["component", "mode", "kind", "hours", "censored", "row"])
    result.attrs["row_word"] = word
    return result


@dataclass(frozen=True)
class _Group:
    key: tuple[str, ...]
    failure: Fit
    repair: Fit
    failure_rows: list[int]
    components: list[str]


class IncidentFits:
    """What :func:`fit_incidents` fitted.

    Per group (component and mode by default): the time to failure and the time to restore,
    and how many incidents each rests on. :attr:`table` is the overview; :meth:`failure_mode`
    and :meth:`model` turn the fits into model objects (with :class:`Uncertain` distributions
    when ``uncertain=True``). Built by :func:`fit_incidents`, not by hand.

    Parameters
    ----------
    groups : list
        The fitted groups (internal records: key, failure and repair fits, rows, components).
    by : tuple of str
        What the groups are keyed by: ``"component"``, ``"mode"`` or both.
    window_hours : dict of str to float
        Hours each component was observed.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
    >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
    >>> fits.groups
    [('db', 'failure')]
    >>> fits.failure("db", "failure").family
    'exponential'
    """

    def __init__(self, groups: list[_Group], by: tuple[str, ...], window_hours: dict[str, float]) -> None:
        self._groups = {g.key: g for g in groups}
        self.by = by
        self.window_hours = window_hours

    @property
    def groups(self) -> list[tuple[str, ...]]:
        """The fitted groups (tuples of the ``by`` values).

        Returns
        -------
        list of tuple of str
            One key per group, in the order of the log.

        Examples
        --------
        >>> import pandas as pd
        >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
        >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
        >>> fits.groups
        [('db', 'failure')]
        """
        return list(self._groups)

    def _group(self, key: Any) -> _Group:
        k = key if isinstance(key, tuple) else (key,)
        if k not in self._groups:
            raise KeyError(f"no fitted group {key!r}; groups: {', '.join(map(str, self._groups))}")
        return self._groups[k]

    def failure(self, *key: str) -> Fit:
        """The fit of the time to failure of a group.

        Parameters
        ----------
        *key : str
            The group's ``by`` values, e.g. ``fits.failure("db", "disk")`` for component
            ``db``, mode ``disk`` (``KeyError`` naming the groups if there is no such group).

        Returns
        -------
        Fit
            The time to failure, fitted with the group's censored uptimes.

        Examples
        --------
        >>> import pandas as pd
        >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
        >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
        >>> round(fits.failure("db", "failure").distribution.mean, 1)  # (100 + 798 + 1096 + 1999) / 3
        1331.0
        """
        return self._group(tuple(key)).failure

    def repair(self, *key: str) -> Fit:
        """The fit of the time to restore of a group.

        Parameters
        ----------
        *key : str
            The group's ``by`` values, as in :meth:`failure`.

        Returns
        -------
        Fit
            The time to restore, fitted from the group's incidents (none censored).

        Examples
        --------
        >>> import pandas as pd
        >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
        >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
        >>> round(fits.repair("db", "failure").distribution.mean, 2)  # (2 + 4 + 1) / 3
        2.33
        """
        return self._group(tuple(key)).repair

    @property
    def table(self) -> pd.DataFrame:
        """The overview: one row per group.

        Returns
        -------
        pandas.DataFrame
            Indexed by the ``by`` values; columns ``failure_family``, ``failure_params``,
            ``failures``, ``censored`` (censored uptimes), ``mttf_h`` (mean time to failure,
            hours), ``repair_family``, ``repair_params``, ``repairs`` and ``mttr_h`` (mean time
            to restore, hours).

        Examples
        --------
        >>> import pandas as pd
        >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
        >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
        >>> fits.table[["failures", "censored", "mttf_h"]].round(1)
                           failures  censored  mttf_h
        component mode
        db        failure         3         1  1331.0
        """
        rows = []
        for key, g in self._groups.items():
            row: dict[str, Any] = dict(zip(self.by, key))
            for what, f in (("failure", g.failure), ("repair", g.repair)):
                row[f"{what}_family"] = f.family
                row[f"{what}_params"] = f.params
                row[f"{what}s" if what == "failure" else "repairs"] = f.failures
                if what == "failure":
                    row["censored"] = int(f.censored.size)
                row["mttf_h" if what == "failure" else "mttr_h"] = f.distribution.mean
            rows.append(row)
        return pd.DataFrame(rows).set_index(list(self.by))

    def failure_mode(self, *key: str, uncertain: bool = True) -> FailureMode:
        """A failure mode with the fitted time to failure and time to restore of a group.

        Parameters
        ----------
        *key : str
            The group's ``by`` values, as in :meth:`failure`.
        uncertain : bool, default True
            Give the distributions their parameter uncertainty (:meth:`Fit.uncertain`); with
            ``False``, the point estimates.

        Returns
        -------
        FailureMode
            Named after the group's mode (``"failure"`` when the groups are not keyed by mode).

        Examples
        --------
        >>> import pandas as pd
        >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
        >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
        >>> fm = fits.failure_mode("db", "failure")
        >>> fm.name, type(fm.failure).__name__
        ('failure', 'Uncertain')
        """
        g = self._group(tuple(key))
        name = dict(zip(self.by, g.key)).get("mode", "failure")
        dist = (lambda f: f.uncertain()) if uncertain else (lambda f: f.distribution)
        return FailureMode(name, failure=dist(g.failure), repair=dist(g.repair))

    def model(self, name: str = "incidents", *, service: str | None = "system", uncertain: bool = True) -> Model:
        """A model of the fitted components, ready to simulate.

        One component per component of the log, each with the failure modes fitted for it,
        and (unless ``service=None``) a service that needs every component (series). Add your
        own services with ``model.service(..., replace=True)``.

        Parameters
        ----------
        name : str, default "incidents"
            Name of the model.
        service : str or None, default "system"
            Name of the service that needs every component; ``None`` for no service.
        uncertain : bool, default True
            Give the distributions their parameter uncertainty (for
            :func:`~recoverysim.simulate_uncertain`); with ``False``, the point estimates.

        Returns
        -------
        Model
            The model.

        Examples
        --------
        >>> import pandas as pd
        >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
        >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
        >>> m = fits.model()
        >>> m.name
        'incidents'
        """
        m = Model(name)
        modes: dict[str, list[FailureMode]] = {}
        for key, g in self._groups.items():
            fm = self.failure_mode(*key, uncertain=uncertain)
            for comp in g.components:
                modes.setdefault(comp, []).append(fm)
        for comp, ms in modes.items():
            m.component(comp, modes=ms)
        if service is not None:
            m.service(service, all_of(*modes))
        return m

    def report(self) -> str:
        """What was fitted from how many incidents, in words.

        Returns
        -------
        str
            Per group: the failures and censored uptimes, the observed time, and the fits of
            the time to failure and time to restore (:meth:`Fit.describe`).

        Examples
        --------
        >>> import pandas as pd
        >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
        >>> fits = rs.fit_incidents(log, window=(0, 4000), families=["exponential"])
        >>> print(fits.report())
        db / failure: 3 failures and 1 censored uptimes over ...
        """
        lines = []
        for key, g in self._groups.items():
            label = " / ".join(key)
            span = duration(sum(self.window_hours[c] for c in g.components))
            lines.append(f"{label}: {g.failure.failures} failures and {g.failure.censored.size} censored uptimes over {span} observed")
            lines.append(f"  time to failure  {g.failure.describe()}")
            lines.append(f"  time to restore  {g.repair.describe()}")
            if g.failure.failures < 10:
                lines.append("  few failures: parameters are uncertain; use simulate_uncertain() to carry it into the answer")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.report()


def fit_incidents(
    log: Any,
    window: tuple[Any, Any] | Mapping[str, tuple[Any, Any]],
    *,
    by: str | Sequence[str] = ("component", "mode"),
    families: Sequence[str] = FAMILIES,
    repair_families: Sequence[str] | None = None,
    confidence: float = 0.95,
    component: str = "component",
    mode: str | None = "mode",
    start: str = "start",
    end: str = "end",
    components: Iterable[str] = (),
) -> IncidentFits:
    """Fit times to failure and times to restore from an incident log.

    The durations come from :func:`incident_durations` (same arguments). They are grouped by
    ``by``: ``("component", "mode")`` (default), ``"mode"`` (pool every component, e.g. a fleet
    of identical servers) or ``"component"`` (one time to any failure per component). In each
    group the time to failure is fitted with its censored uptimes, the time to restore from the
    group's incidents; each picks the family with the smallest AIC among ``families``
    (``repair_families`` for repairs, default the same).

    Parameters
    ----------
    log : pandas.DataFrame or path
        A DataFrame or the path of a CSV file with one row per incident
        (see :func:`incident_durations`).
    window : tuple or mapping
        The observation window ``(start, end)``, or ``{component: (start, end)}``
        (see :func:`incident_durations`).
    by : str or sequence of str, default ("component", "mode")
        What to group the durations by: ``"component"``, ``"mode"`` or both.
    families : sequence of str, default FAMILIES
        The families the time to failure is chosen from (smallest AIC).
    repair_families : sequence of str, optional
        The families the time to restore is chosen from; default ``families``.
    confidence : float, default 0.95
        Level of the parameter intervals.
    component, start, end : str
        Column names, as in :func:`incident_durations`.
    mode : str or None, default "mode"
        Column of failure modes, as in :func:`incident_durations`.
    components : iterable of str, default ()
        Components watched over the window that had no incident, as in
        :func:`incident_durations`.

    Returns
    -------
    IncidentFits
        The fits per group.

    Raises
    ------
    FitError
        Naming the group and its rows when a group has too few incidents (or the log is bad).

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"component": ["db"] * 3, "start": [100.0, 900.0, 2000.0], "end": [102.0, 904.0, 2001.0]})
    >>> f = fit_incidents(log, window=(0, 4000), families=["exponential"])
    >>> round(f.failure("db", "failure").distribution.mean, 1)  # (100 + 798 + 1096 + 1999) / 3
    1331.0
    """
    by_t = (by,) if isinstance(by, str) else tuple(by)
    if not by_t or any(b not in ("component", "mode") for b in by_t):
        raise ValueError(f"by must be 'component', 'mode' or both, got {by!r}")
    d = incident_durations(log, window, component=component, mode=mode, start=start, end=end, components=components)
    up = d[d["kind"] == "uptime"]
    rep = d[d["kind"] == "repair"]
    window_hours = up.groupby("component")["hours"].sum() + rep.groupby("component")["hours"].sum().reindex(
        up["component"].unique(), fill_value=0
    )
    keys = list(dict.fromkeys(tuple(r[b] for b in by_t) for _, r in rep.iterrows()))
    groups = []
    for key in keys:
        sel = dict(zip(by_t, key))
        comps = [sel["component"]] if "component" in sel else list(dict.fromkeys(up["component"]))
        mine = up[up["component"].isin(comps)]
        fired = ~mine["censored"] & (mine["mode"] == sel["mode"] if "mode" in sel else ~mine["censored"])
        obs = mine.loc[fired, "hours"].to_numpy()
        cen = mine.loc[~fired, "hours"].to_numpy()
        rows = [int(r) for r in mine.loc[fired, "row"]]
        reps = rep
        for b, v in sel.items():
            reps = reps[reps[b] == v]
        label = " / ".join(f"{b} {v!r}" for b, v in sel.items())
        try:
            f_fail = fit(obs, cen, confidence=confidence, families=families)
            f_rep = fit(reps["hours"].to_numpy(), None, confidence=confidence, families=repair_families or families)
        except FitError as e:
            raise FitError(f"{label} ({_rows(rows, d.attrs['row_word']) if rows else 'no incidents'}): {e}") from None
        groups.append(_Group(key, f_fail, f_rep, rows, comps))
    return IncidentFits(groups, by_t, {str(k): float(v) for k, v in window_hours.items()})
