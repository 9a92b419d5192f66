"""Distributions of durations (time to failure, repair and step times), in hours.

Each distribution is a small immutable value object with ``.mean``, ``.std``, ``.cdf(x)``,
``.sample(n, seed=...)`` and a ``repr`` you can paste back into Python. Sampling happens in the C++
engine with recoverysim's own code (never ``std::*_distribution``), so a seed gives the same numbers
on every platform and thread count. Durations accept units (``"30m"``, ``"2h"``, ``"1y"``).

Parameter conventions (all durations in hours):

==================================  ===================================================  ==================================
distribution                        parameters                                           mean
==================================  ===================================================  ==================================
``Exponential(mean)``               mean (= 1/rate); or ``rate=`` per hour                ``mean``
``Weibull(shape, scale)``           shape k, scale lambda: F(x) = 1 - exp(-(x/lambda)^k)  ``scale * Gamma(1 + 1/shape)``
``LogNormal(mu, sigma)``            mean and std of ln(duration in hours)                 ``exp(mu + sigma^2/2)``
``LogNormal.from_mean_std(m, s)``   mean and std of the duration itself                  ``m``
``Gamma(shape, scale)``             shape alpha, scale theta                              ``shape * scale``
``Normal(mu, sigma)``               normal(mu, sigma) truncated to [0, inf)               ``mu + sigma*phi(a)/(1-Phi(a))``, a = -mu/sigma
``Uniform(low, high)``              bounds                                               ``(low + high) / 2``
``Triangular(low, mode, high)``     an expert's minimum, most likely and maximum          ``(low + mode + high) / 3``
``Deterministic(value)``            a fixed duration                                     ``value``
``Empirical(values)``               observed durations, resampled with equal weight       mean of ``values``
``Uncertain(of, ...)``              ``of`` with uncertain parameters (see below)         ``of.mean`` in an ordinary run
==================================  ===================================================  ==================================

An :class:`Uncertain` distribution is a distribution whose parameters are themselves uncertain:
from a fit's covariance (``covariance=``, on the coordinates of :data:`FREE_COORDINATES`), a
bootstrap of the data (``draws=``) or an expert's range (``ranges=``). An ordinary run uses its
point estimate ``of``; a two-level run (:func:`recoverysim.simulate_uncertain`) draws parameters
from it in an outer loop.

>>> import recoverysim as rs
>>> d = rs.Weibull(shape=2, scale="100h")
>>> round(d.mean, 3)
88.623
>>> round(rs.LogNormal.from_mean_std("2h", "1h").mean, 12)
2.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from . import _core
from .units import TIME_DELTAS, Duration, exact_duration, hours

__all__ = [
    "Distribution",
    "Exponential",
    "Weibull",
    "LogNormal",
    "Gamma",
    "Normal",
    "Uniform",
    "Triangular",
    "Deterministic",
    "Empirical",
    "Uncertain",
    "FREE_COORDINATES",
    "as_distribution",
    "from_dict",
]


def _num(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}")
    try:
        v = float(value)
    except OverflowError:
        raise ValueError(f"{name}: must be finite, got a {len(str(abs(int(value))))}-digit integer") from None
    if not math.isfinite(v):
        raise ValueError(f"{name}: must be finite, got {value!r}")
    return v


def _fmt_h(v: float) -> str:
    return repr(exact_duration(v))


class Distribution:
    """Base class of all duration distributions. Not instantiated directly.

    Every distribution is an immutable value object with :attr:`mean`, :attr:`std`, :meth:`cdf`,
    :meth:`sample` and a ``repr`` that pastes back into Python; two are equal when their kind and
    parameters are.

    Examples
    --------
    >>> d = rs.Exponential("2h")
    >>> isinstance(d, rs.Distribution), d == rs.Exponential(2)
    (True, True)
    """

    kind: ClassVar[str] = ""
    _time_params: ClassVar[tuple[str, ...]] = ()
    __slots__ = ("_c", "_params")

    _c: Any
    _params: dict[str, Any]

    def _init(self, core: Any, **params: Any) -> None:
        object.__setattr__(self, "_c", core)
        object.__setattr__(self, "_params", params)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    @property
    def params(self) -> dict[str, Any]:
        """The parameters, durations in hours.

        Returns
        -------
        dict
            Parameter name to value.

        Examples
        --------
        >>> rs.Weibull(1.5, "3000h").params
        {'shape': 1.5, 'scale': 3000.0}
        """
        return dict(self._params)

    @property
    def mean(self) -> float:
        """Mean duration in hours.

        Returns
        -------
        float
            The mean.

        Examples
        --------
        >>> rs.Triangular("1h", "2h", "6h").mean
        3.0
        """
        return float(self._c.mean)

    @property
    def variance(self) -> float:
        """Variance in hours squared.

        Returns
        -------
        float
            The variance.

        Examples
        --------
        >>> rs.Exponential("2h").variance
        4.0
        """
        return float(self._c.variance)

    @property
    def std(self) -> float:
        """Standard deviation in hours.

        Returns
        -------
        float
            The square root of :attr:`variance`.

        Examples
        --------
        >>> round(rs.Uniform(0, "12h").std, 9)  # 12 / sqrt(12)
        3.464101615
        """
        return math.sqrt(max(self.variance, 0.0))

    def cdf(self, x: Any) -> Any:
        """P(duration <= x).

        Parameters
        ----------
        x : float, duration or array_like
            Hours (a number, a duration string such as ``"30m"``, or an array of hours).

        Returns
        -------
        float or numpy.ndarray
            The probability, shaped like ``x``.

        Examples
        --------
        >>> round(rs.Exponential("1h").cdf("1h"), 6)
        0.632121
        >>> rs.Uniform(0, 4).cdf([1, 2])
        array([0.25, 0.5 ])
        """
        if isinstance(x, str):
            x = hours(x, name="x")
        arr = np.asarray(x, dtype=float)
        out = self._c.cdf(arr)
        return float(out) if arr.ndim == 0 else out

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """Independent draws (hours) from the engine's own sampler, reproducible by seed.

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int, default 0
            The same seed gives the same draws on every platform.

        Returns
        -------
        numpy.ndarray
            Shape ``(n,)``, hours.

        Examples
        --------
        >>> x = rs.Exponential("2h").sample(100_000, seed=1)
        >>> x.shape, bool(abs(x.mean() - 2) < 0.05)
        ((100000,), True)
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"sample: n must be an integer, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"sample: n must be >= 0, got {n!r}")
        return self._c.sample(int(n), _seed(seed))

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for YAML/JSON model files); inverse of :func:`recoverysim.distributions.from_dict`.

        Returns
        -------
        dict
            ``{"type": kind, **params}``.

        Examples
        --------
        >>> rs.Gamma(2, "3h").to_dict()
        {'type': 'gamma', 'shape': 2.0, 'scale': 3.0}
        """
        return {"type": self.kind, **self._params}

    def __repr__(self) -> str:
        parts = []
        for k, v in self._params.items():
            if isinstance(v, list):
                if len(v) <= 12:
                    parts.append(f"{k}=[{', '.join(repr(x) for x in v)}]")
                else:  # deliberately not evaluable: too long to print in full
                    parts.append(f"<{len(v)} observations, mean {np.mean(v):.4g}h>")
            elif k in self._time_params:
                parts.append(f"{k}={_fmt_h(v)}")
            else:
                parts.append(f"{k}={v!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._params == other._params  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self._params)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (from_dict, (self.to_dict(),))


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    if seed < 0 or seed >= 2**64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    return int(seed)


class Exponential(Distribution):
    """Memoryless durations: ``Exponential(mean)`` or ``Exponential(rate=per_hour)``.

    Parameters
    ----------
    mean : duration, optional
        Mean duration (``"2000h"``, ``"30 minutes"``), > 0.
    rate : float, optional
        Events per hour (1 / mean); give exactly one of ``mean`` and ``rate``.

    Examples
    --------
    >>> Exponential("2000h").mean
    2000.0
    >>> Exponential(rate=0.5).mean
    2.0
    """

    kind = "exponential"
    _time_params = ("mean",)
    __slots__ = ()

    def __init__(self, mean: Duration | None = None, *, rate: float | None = None) -> None:
        if (mean is None) == (rate is None):
            raise TypeError("Exponential: give exactly one of mean or rate")
        if rate is not None:
            r = _num(rate, "Exponential rate")
            if r <= 0:
                raise _core.SpecError(
                    "distribution", "Exponential", "rate", f"must be > 0 (got {rate!r})", f"Exponential: rate must be > 0 (got {rate!r})"
                )
            m = 1.0 / r
        else:
            m = hours(mean, name="Exponential mean")  # type: ignore[arg-type]
        self._init(_core.Distribution.exponential(m), mean=m)

    @property
    def rate(self) -> float:
        """Events per hour (1 / mean).

        Returns
        -------
        float
            The rate.

        Examples
        --------
        >>> Exponential("30m").rate
        2.0
        """
        return 1.0 / self._params["mean"]


class Weibull(Distribution):
    """``Weibull(shape, scale)``: F(x) = 1 - exp(-(x/scale)^shape).

    shape < 1: infant mortality; 1: exponential; > 1: wear-out.

    Parameters
    ----------
    shape : float
        Shape k, > 0.
    scale : duration
        Scale lambda, > 0; the mean is ``scale * Gamma(1 + 1/shape)``.

    Examples
    --------
    >>> round(Weibull(2, "100h").mean, 3)
    88.623
    """

    kind = "weibull"
    _time_params = ("scale",)
    __slots__ = ()

    def __init__(self, shape: float, scale: Duration) -> None:
        k = _num(shape, "Weibull shape")
        s = hours(scale, name="Weibull scale")
        self._init(_core.Distribution.weibull(k, s), shape=k, scale=s)


class LogNormal(Distribution):
    """``LogNormal(mu, sigma)``: ln(duration in hours) is Normal(mu, sigma).

    Most people know the mean and spread of the duration itself: use :meth:`from_mean_std`.

    Parameters
    ----------
    mu : float
        Mean of ln(hours).
    sigma : float
        Standard deviation of ln(hours), > 0.

    Examples
    --------
    >>> d = LogNormal(0, 1)
    >>> round(d.mean, 6)  # exp(mu + sigma^2 / 2)
    1.648721
    """

    kind = "lognormal"
    __slots__ = ()

    def __init__(self, mu: float, sigma: float) -> None:
        m = _num(mu, "LogNormal mu")
        s = _num(sigma, "LogNormal sigma")
        self._init(_core.Distribution.lognormal(m, s), mu=m, sigma=s)

    @classmethod
    def from_mean_std(cls, mean: Duration, std: Duration) -> LogNormal:
        """The log-normal whose duration has this mean and standard deviation.

        sigma^2 = ln(1 + (std/mean)^2), mu = ln(mean) - sigma^2/2.

        Parameters
        ----------
        mean : duration
            Mean duration, > 0.
        std : duration
            Standard deviation of the duration, > 0.

        Returns
        -------
        LogNormal
            The distribution.

        Examples
        --------
        >>> d = LogNormal.from_mean_std("2h", "1h")
        >>> round(d.mean, 12), round(d.std, 12)
        (2.0, 1.0)
        """
        m = hours(mean, name="LogNormal mean")
        s = hours(std, name="LogNormal std")
        if m <= 0:
            raise _core.SpecError(
                "distribution",
                "LogNormal",
                "mean",
                f"must be > 0 (got {mean!r})",
                f"LogNormal.from_mean_std: mean must be > 0 (got {mean!r})",
            )
        if s <= 0:
            raise _core.SpecError(
                "distribution", "LogNormal", "std", f"must be > 0 (got {std!r})", f"LogNormal.from_mean_std: std must be > 0 (got {std!r})"
            )
        try:
            s2 = math.log1p((s / m) ** 2)
        except OverflowError:
            raise ValueError(
                f"LogNormal.from_mean_std: the ratio of std to mean is too large ({s:g} h / {m:g} h) for a log-normal"
            ) from None
        return cls(math.log(m) - s2 / 2, math.sqrt(s2))


class Gamma(Distribution):
    """``Gamma(shape, scale)``: mean shape*scale, variance shape*scale^2.

    Parameters
    ----------
    shape : float
        Shape alpha, > 0.
    scale : duration
        Scale theta, > 0.

    Examples
    --------
    >>> Gamma(2, "3h").mean, Gamma(2, "3h").variance
    (6.0, 18.0)
    """

    kind = "gamma"
    _time_params = ("scale",)
    __slots__ = ()

    def __init__(self, shape: float, scale: Duration) -> None:
        a = _num(shape, "Gamma shape")
        t = hours(scale, name="Gamma scale")
        self._init(_core.Distribution.gamma(a, t), shape=a, scale=t)

    @classmethod
    def from_mean_std(cls, mean: Duration, std: Duration) -> Gamma:
        """The gamma distribution with this mean and standard deviation.

        Parameters
        ----------
        mean : duration
            Mean duration, > 0.
        std : duration
            Standard deviation, > 0.

        Returns
        -------
        Gamma
            shape = (mean/std)^2, scale = std^2/mean.

        Examples
        --------
        >>> Gamma.from_mean_std("6h", "3h").params
        {'shape': 4.0, 'scale': 1.5}
        """
        m = hours(mean, name="Gamma mean")
        s = hours(std, name="Gamma std")
        if m <= 0:
            raise _core.SpecError(
                "distribution", "Gamma", "mean", f"must be > 0 (got {mean!r})", f"Gamma.from_mean_std: mean must be > 0 (got {mean!r})"
            )
        if s <= 0:
            raise _core.SpecError(
                "distribution", "Gamma", "std", f"must be > 0 (got {std!r})", f"Gamma.from_mean_std: std must be > 0 (got {std!r})"
            )
        try:
            shape = (m / s) ** 2
        except OverflowError:
            raise ValueError(
                f"Gamma.from_mean_std: the ratio of mean to std is too large ({m:g} h / {s:g} h) for a gamma distribution"
            ) from None
        return cls(shape, s * s / m)


class Normal(Distribution):
    """``Normal(mu, sigma)`` truncated to [0, inf): durations cannot be negative.

    ``mu`` and ``sigma`` are the parameters before truncation; ``.mean`` is the truncated mean
    (equal to ``mu`` for practical purposes when mu > 3 sigma).

    Parameters
    ----------
    mu : duration
        Mean before truncation.
    sigma : duration
        Standard deviation before truncation, > 0.

    Examples
    --------
    >>> round(Normal("4h", "30m").mean, 6)
    4.0
    """

    kind = "normal"
    _time_params = ("mu", "sigma")
    __slots__ = ()

    def __init__(self, mu: Duration, sigma: Duration) -> None:
        m = hours(mu, name="Normal mu")
        s = hours(sigma, name="Normal sigma")
        self._init(_core.Distribution.normal(m, s), mu=m, sigma=s)


class Uniform(Distribution):
    """``Uniform(low, high)``: every duration in [low, high) equally likely.

    Parameters
    ----------
    low : duration
        Smallest duration, >= 0.
    high : duration
        Largest duration, > low.

    Examples
    --------
    >>> Uniform("2h", "12h").mean
    7.0
    """

    kind = "uniform"
    _time_params = ("low", "high")
    __slots__ = ()

    def __init__(self, low: Duration, high: Duration) -> None:
        lo = hours(low, name="Uniform low")
        hi = hours(high, name="Uniform high")
        self._init(_core.Distribution.uniform(lo, hi), low=lo, high=hi)


class Triangular(Distribution):
    """``Triangular(low, mode, high)``: an expert's minimum, most likely and maximum.

    Parameters
    ----------
    low : duration
        Minimum, >= 0.
    mode : duration
        Most likely duration, in [low, high].
    high : duration
        Maximum, > low.

    Examples
    --------
    >>> Triangular("10m", "20m", "1h").mean
    0.5
    """

    kind = "triangular"
    _time_params = ("low", "mode", "high")
    __slots__ = ()

    def __init__(self, low: Duration, mode: Duration, high: Duration) -> None:
        lo = hours(low, name="Triangular low")
        mo = hours(mode, name="Triangular mode")
        hi = hours(high, name="Triangular high")
        self._init(_core.Distribution.triangular(lo, mo, hi), low=lo, mode=mo, high=hi)


class Deterministic(Distribution):
    """``Deterministic(value)``: always exactly ``value``.

    Parameters
    ----------
    value : duration
        The duration, >= 0.

    Examples
    --------
    >>> Deterministic("PT5M").mean == 5 / 60
    True
    """

    kind = "deterministic"
    _time_params = ("value",)
    __slots__ = ()

    def __init__(self, value: Duration) -> None:
        v = hours(value, name="Deterministic value")
        self._init(_core.Distribution.deterministic(v), value=v)


class Empirical(Distribution):
    """``Empirical(values)``: resample observed durations (e.g. from an incident log).

    Each observed value is drawn with probability 1/n.

    Parameters
    ----------
    values : iterable of duration
        The observed durations (at least one).

    Examples
    --------
    >>> Empirical(["40m", "1h", "80m"]).mean
    1.0
    """

    kind = "empirical"
    __slots__ = ()

    def __init__(self, values: Iterable[Duration]) -> None:
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError("Empirical: values must be a list of durations")
        vs = [hours(v, name=f"Empirical values[{i}]") for i, v in enumerate(values)]
        self._init(_core.Distribution.empirical(vs), values=vs)


# The unbounded coordinates of the fitted families, in which a fit's covariance is given and a
# parameter draw is normal: ("log", p) is ln(p) (p in hours for durations), ("identity", p) is p.
FREE_COORDINATES: dict[str, tuple[tuple[str, str], ...]] = {
    "exponential": (("mean", "log"),),
    "weibull": (("shape", "log"), ("scale", "log")),
    "lognormal": (("mu", "identity"), ("sigma", "log")),
    "gamma": (("shape", "log"), ("scale", "log")),
}


def _plain_params(d: Distribution, where: str) -> dict[str, float]:
    if isinstance(d, (Empirical, Uncertain)):
        raise TypeError(f"{where}: parameters of {type(d).__name__} cannot be uncertain (use a parametric distribution)")
    return {k: float(v) for k, v in d.params.items()}


class Uncertain(Distribution):
    """A distribution whose parameters are uncertain.

    ``of`` is the point estimate (a parametric distribution); give exactly one of
    ``covariance``, ``draws`` and ``ranges``. In an ordinary run the distribution is ``of``
    (``.mean``, ``.cdf`` and ``.sample`` are ``of``'s); :func:`recoverysim.simulate_uncertain`
    draws its parameters once per outer sample.

    Parameters
    ----------
    of : Distribution or mapping
        The point estimate: a parametric distribution, or its mapping
        (``{"type": "weibull", ...}``).
    covariance : array_like, optional
        A covariance matrix of the parameters on the unbounded coordinates of
        :data:`FREE_COORDINATES` (ln shape, ln scale for a Weibull; mu, ln sigma for a log-normal;
        ln mean for an exponential): a draw is ``of``'s coordinates plus a correlated normal vector.
        This is what :meth:`recoverysim.calibration.Fit.uncertain` gives (the inverse of the
        observed information).
    draws : iterable of mapping, optional
        A list of parameter sets (mappings of ``of``'s parameters, durations in hours or with
        units), drawn with equal probability: a bootstrap of the data.
    ranges : mapping, optional
        ``{parameter: (low, high)}``: an expert's range, drawn uniformly between ``low`` and
        ``high``; parameters not named keep ``of``'s value.

    Examples
    --------
    >>> u = Uncertain(Exponential("1000h"), ranges={"mean": ("500h", "2000h")})
    >>> u.mean
    1000.0
    >>> round(u.draw(np.random.default_rng(1)).mean, 1)   # uniform between 500 and 2000 hours
    1267.7
    """

    kind = "uncertain"
    __slots__ = ()

    def __init__(
        self,
        of: Distribution | Mapping[str, Any],
        *,
        covariance: Any = None,
        draws: Iterable[Mapping[str, Any]] | None = None,
        ranges: Mapping[str, Any] | None = None,
    ) -> None:
        nominal = of if isinstance(of, Distribution) else from_dict(of) if isinstance(of, Mapping) else None
        if nominal is None:
            raise TypeError(f"Uncertain: 'of' must be a distribution such as rs.Weibull(1.3, '3000h'), got {of!r}")
        base = _plain_params(nominal, "Uncertain")
        given = [k for k, v in (("covariance", covariance), ("draws", draws), ("ranges", ranges)) if v is not None]
        if len(given) != 1:
            raise TypeError("Uncertain: give exactly one of covariance, draws or ranges")
        params: dict[str, Any] = {"of": nominal.to_dict()}
        if covariance is not None:
            coords = FREE_COORDINATES.get(nominal.kind)
            if coords is None:
                raise ValueError(f"Uncertain: covariance needs one of {', '.join(FREE_COORDINATES)}, not {nominal.kind}")
            cov = np.asarray(covariance, dtype=float)
            k = len(coords)
            if cov.shape != (k, k) or not np.all(np.isfinite(cov)):
                raise ValueError(
                    f"Uncertain: covariance of a {nominal.kind} must be a finite {k}x{k} matrix (of {_coord_names(nominal.kind)})"
                )
            if not np.allclose(cov, cov.T, rtol=1e-9, atol=0):
                raise ValueError("Uncertain: covariance must be symmetric")
            try:
                np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                raise ValueError("Uncertain: covariance must be positive definite") from None
            params["covariance"] = [[float(x) for x in row] for row in cov]
        elif draws is not None:
            if isinstance(draws, Mapping) or not isinstance(draws, Iterable):
                raise TypeError("Uncertain: draws must be a list of parameter mappings")
            sets = []
            for i, d in enumerate(draws):
                if not isinstance(d, Mapping):
                    raise TypeError(f"Uncertain draws[{i}]: expected a mapping of {', '.join(base)}, got {d!r}")
                if set(d) != set(base):
                    raise ValueError(f"Uncertain draws[{i}]: needs exactly the parameters {', '.join(base)} of {nominal.kind}")
                one = from_dict({"type": nominal.kind, **d})
                sets.append(_plain_params(one, f"Uncertain draws[{i}]"))
            if not sets:
                raise ValueError("Uncertain: draws needs at least one parameter set")
            params["draws"] = sets
        else:
            if not isinstance(ranges, Mapping) or not ranges:
                raise TypeError("Uncertain: ranges must be a mapping {parameter: (low, high)}")
            out: dict[str, list[float]] = {}
            for name, r in ranges.items():
                if name not in base:
                    raise ValueError(f"Uncertain ranges: {nominal.kind} has no parameter {name!r} (it has {', '.join(base)})")
                if isinstance(r, (str, bytes)) or not isinstance(r, Iterable) or len(list(r)) != 2:
                    raise TypeError(f"Uncertain ranges[{name!r}]: expected (low, high), got {r!r}")
                lo, hi = list(r)
                if name in type(nominal)._time_params:
                    lo, hi = hours(lo, name=f"Uncertain ranges[{name!r}] low"), hours(hi, name=f"Uncertain ranges[{name!r}] high")
                else:
                    lo, hi = _num(lo, f"Uncertain ranges[{name!r}] low"), _num(hi, f"Uncertain ranges[{name!r}] high")
                if not lo <= hi:
                    raise ValueError(f"Uncertain ranges[{name!r}]: low must be <= high, got ({lo!r}, {hi!r})")
                for v in (lo, hi):  # both ends must give a valid distribution
                    from_dict({"type": nominal.kind, **{**base, name: v}})
                out[name] = [lo, hi]
            params["ranges"] = out
        self._init(nominal._c, **params)
        object.__setattr__(self, "_params", params)

    @property
    def nominal(self) -> Distribution:
        """The point estimate: what an ordinary run uses.

        Returns
        -------
        Distribution
            The distribution ``of`` given to the constructor.

        Examples
        --------
        >>> Uncertain(Exponential("1000h"), ranges={"mean": ("500h", "2000h")}).nominal.mean
        1000.0
        """
        return from_dict(self._params["of"])

    @property
    def family(self) -> str:
        """The kind of the uncertain distribution (``"weibull"``...).

        Returns
        -------
        str
            The ``kind`` of :attr:`nominal`.

        Examples
        --------
        >>> Uncertain(Weibull(1.5, "1000h"), ranges={"shape": (1.2, 2.0)}).family
        'weibull'
        """
        return str(self._params["of"]["type"])

    @property
    def source(self) -> str:
        """Where the uncertainty comes from.

        Returns
        -------
        str
            ``"covariance"``, ``"draws"`` or ``"ranges"``: the argument given to the constructor.

        Examples
        --------
        >>> Uncertain(Exponential("1000h"), draws=[{"mean": "800h"}, {"mean": "1200h"}]).source
        'draws'
        """
        return next(k for k in ("covariance", "draws", "ranges") if k in self._params)

    def draw(self, rng: np.random.Generator) -> Distribution:
        """One distribution with drawn parameters.

        Parameters
        ----------
        rng : numpy.random.Generator
            The random stream the parameters are drawn from.

        Returns
        -------
        Distribution
            A distribution of the same family as :attr:`nominal`, with drawn parameters.

        Examples
        --------
        >>> u = Uncertain(Exponential("1000h"), draws=[{"mean": "800h"}, {"mean": "1200h"}])
        >>> u.draw(np.random.default_rng(1)).mean in (800.0, 1200.0)
        True
        """
        nominal = self.nominal
        base = _plain_params(nominal, "Uncertain")
        if "covariance" in self._params:
            coords = FREE_COORDINATES[nominal.kind]
            cov = np.asarray(self._params["covariance"])
            centre = np.array([math.log(base[p]) if t == "log" else base[p] for p, t in coords])
            x = centre + np.linalg.cholesky(cov) @ rng.standard_normal(len(coords))
            values = {p: (math.exp(v) if t == "log" else float(v)) for (p, t), v in zip(coords, x)}
            return from_dict({"type": nominal.kind, **{**base, **values}})
        if "draws" in self._params:
            sets = self._params["draws"]
            return from_dict({"type": nominal.kind, **sets[int(rng.integers(len(sets)))]})
        values = {p: float(rng.uniform(lo, hi)) for p, (lo, hi) in self._params["ranges"].items()}
        return from_dict({"type": nominal.kind, **{**base, **values}})

    def __repr__(self) -> str:
        src = self.source
        v = self._params[src]
        shown = f"<{len(v)} parameter sets>" if src == "draws" and len(v) > 3 else repr(v)
        return f"Uncertain({self.nominal!r}, {src}={shown})"


def _coord_names(kind: str) -> str:
    return ", ".join(f"ln {p}" if t == "log" else p for p, t in FREE_COORDINATES[kind])


_KINDS: dict[str, type[Distribution]] = {
    cls.kind: cls for cls in (Exponential, Weibull, LogNormal, Gamma, Normal, Uniform, Triangular, Deterministic, Empirical, Uncertain)
}


def from_dict(d: Mapping[str, Any]) -> Distribution:
    """Build a distribution from ``{"type": "weibull", "shape": 1.3, "scale": "3000h"}``.

    Also accepts ``{"type": "lognormal", "mean": ..., "std": ...}`` and the same for gamma.
    """
    if not isinstance(d, Mapping):
        raise TypeError(f"a distribution must be a mapping with a 'type', got {type(d).__name__}")
    params = dict(d)
    kind = params.pop("type", None)
    if kind is None:
        raise ValueError("distribution: missing 'type' (one of " + ", ".join(sorted(_KINDS)) + ")")
    kind = str(kind).lower()
    if kind not in _KINDS:
        raise ValueError(f"distribution: unknown type {kind!r} (one of {', '.join(sorted(_KINDS))})")
    cls = _KINDS[kind]
    if cls in (LogNormal, Gamma) and set(params) == {"mean", "std"}:
        return cls.from_mean_std(params["mean"], params["std"])  # type: ignore[attr-defined]
    try:
        return cls(**params)
    except TypeError as e:
        raise TypeError(f"{cls.__name__}: {e}") from None


def as_distribution(value: Any, *, name: str, allow_constant: bool = True) -> Distribution:
    """Coerce ``value`` to a Distribution: a Distribution, a dict, or (if allowed) a fixed duration."""
    if isinstance(value, Distribution):
        return value
    if isinstance(value, Mapping):
        try:
            return from_dict(value)
        except (TypeError, ValueError) as e:
            raise type(e)(f"{name}: {e}") from None
    if allow_constant and isinstance(value, (int, float, str, np.integer, np.floating, *TIME_DELTAS)) and not isinstance(value, bool):
        h = hours(value, name=name)
        if h < 0:
            raise ValueError(f"{name}: a fixed duration must be >= 0, got {value!r}")
        return Deterministic(h)
    hint = (
        " (a bare duration would be a fixed time to failure; write mttf=... for an exponential or rs.Deterministic(...) if you mean it)"
        if not allow_constant and isinstance(value, (int, float, str, *TIME_DELTAS))
        else ""
    )
    shown = repr(value) if len(repr(value)) <= 80 else type(value).__name__
    raise TypeError(f"{name}: expected a distribution such as rs.Exponential('2h'), got {shown}{hint}")
