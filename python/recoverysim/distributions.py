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
==================================  ===================================================  ==================================

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
from .units import Duration, exact_duration, hours

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
    """Base class of all duration distributions. Not instantiated directly."""

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
        """The parameters, durations in hours."""
        return dict(self._params)

    @property
    def mean(self) -> float:
        """Mean duration in hours."""
        return float(self._c.mean)

    @property
    def variance(self) -> float:
        """Variance in hours squared."""
        return float(self._c.variance)

    @property
    def std(self) -> float:
        """Standard deviation in hours."""
        return math.sqrt(max(self.variance, 0.0))

    def cdf(self, x: Any) -> Any:
        """P(duration <= x). ``x`` in hours (number, duration string or array)."""
        if isinstance(x, str):
            x = hours(x, name="x")
        arr = np.asarray(x, dtype=float)
        out = self._c.cdf(arr)
        return float(out) if arr.ndim == 0 else out

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` independent draws (hours) from the engine's own sampler, reproducible by seed."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"sample: n must be an integer, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"sample: n must be >= 0, got {n!r}")
        return self._c.sample(int(n), _seed(seed))

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for YAML/JSON model files); inverse of :func:`from_dict`."""
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
                raise ValueError(f"Exponential: rate must be > 0 (got {rate!r})")
            m = 1.0 / r
        else:
            m = hours(mean, name="Exponential mean")  # type: ignore[arg-type]
        self._init(_core.Distribution.exponential(m), mean=m)

    @property
    def rate(self) -> float:
        """Events per hour (1 / mean)."""
        return 1.0 / self._params["mean"]


class Weibull(Distribution):
    """``Weibull(shape, scale)``: F(x) = 1 - exp(-(x/scale)^shape).

    shape < 1: infant mortality; 1: exponential; > 1: wear-out.
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
        """
        m = hours(mean, name="LogNormal mean")
        s = hours(std, name="LogNormal std")
        if m <= 0:
            raise ValueError(f"LogNormal.from_mean_std: mean must be > 0 (got {mean!r})")
        if s <= 0:
            raise ValueError(f"LogNormal.from_mean_std: std must be > 0 (got {std!r})")
        try:
            s2 = math.log1p((s / m) ** 2)
        except OverflowError:
            raise ValueError(
                f"LogNormal.from_mean_std: the ratio of std to mean is too large ({s:g} h / {m:g} h) for a log-normal"
            ) from None
        return cls(math.log(m) - s2 / 2, math.sqrt(s2))


class Gamma(Distribution):
    """``Gamma(shape, scale)``: mean shape*scale, variance shape*scale^2."""

    kind = "gamma"
    _time_params = ("scale",)
    __slots__ = ()

    def __init__(self, shape: float, scale: Duration) -> None:
        a = _num(shape, "Gamma shape")
        t = hours(scale, name="Gamma scale")
        self._init(_core.Distribution.gamma(a, t), shape=a, scale=t)

    @classmethod
    def from_mean_std(cls, mean: Duration, std: Duration) -> Gamma:
        """The gamma distribution with this mean and standard deviation."""
        m = hours(mean, name="Gamma mean")
        s = hours(std, name="Gamma std")
        if m <= 0:
            raise ValueError(f"Gamma.from_mean_std: mean must be > 0 (got {mean!r})")
        if s <= 0:
            raise ValueError(f"Gamma.from_mean_std: std must be > 0 (got {std!r})")
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
    """

    kind = "normal"
    _time_params = ("mu", "sigma")
    __slots__ = ()

    def __init__(self, mu: Duration, sigma: Duration) -> None:
        m = hours(mu, name="Normal mu")
        s = hours(sigma, name="Normal sigma")
        self._init(_core.Distribution.normal(m, s), mu=m, sigma=s)


class Uniform(Distribution):
    """``Uniform(low, high)``: every duration in [low, high) equally likely."""

    kind = "uniform"
    _time_params = ("low", "high")
    __slots__ = ()

    def __init__(self, low: Duration, high: Duration) -> None:
        lo = hours(low, name="Uniform low")
        hi = hours(high, name="Uniform high")
        self._init(_core.Distribution.uniform(lo, hi), low=lo, high=hi)


class Triangular(Distribution):
    """``Triangular(low, mode, high)``: an expert's minimum, most likely and maximum."""

    kind = "triangular"
    _time_params = ("low", "mode", "high")
    __slots__ = ()

    def __init__(self, low: Duration, mode: Duration, high: Duration) -> None:
        lo = hours(low, name="Triangular low")
        mo = hours(mode, name="Triangular mode")
        hi = hours(high, name="Triangular high")
        self._init(_core.Distribution.triangular(lo, mo, hi), low=lo, mode=mo, high=hi)


class Deterministic(Distribution):
    """``Deterministic(value)``: always exactly ``value``."""

    kind = "deterministic"
    _time_params = ("value",)
    __slots__ = ()

    def __init__(self, value: Duration) -> None:
        v = hours(value, name="Deterministic value")
        self._init(_core.Distribution.deterministic(v), value=v)


class Empirical(Distribution):
    """``Empirical(values)``: resample observed durations (e.g. from an incident log).

    Each observed value is drawn with probability 1/n.
    """

    kind = "empirical"
    __slots__ = ()

    def __init__(self, values: Iterable[Duration]) -> None:
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError("Empirical: values must be a list of durations")
        vs = [hours(v, name=f"Empirical values[{i}]") for i, v in enumerate(values)]
        self._init(_core.Distribution.empirical(vs), values=vs)


_KINDS: dict[str, type[Distribution]] = {
    cls.kind: cls for cls in (Exponential, Weibull, LogNormal, Gamma, Normal, Uniform, Triangular, Deterministic, Empirical)
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
    if allow_constant and isinstance(value, (int, float, str, np.integer, np.floating)) and not isinstance(value, bool):
        h = hours(value, name=name)
        if h < 0:
            raise ValueError(f"{name}: a fixed duration must be >= 0, got {value!r}")
        return Deterministic(h)
    hint = (
        " (a bare duration would be a fixed time to failure; write mttf=... for an exponential or rs.Deterministic(...) if you mean it)"
        if not allow_constant and isinstance(value, (int, float, str))
        else ""
    )
    shown = repr(value) if len(repr(value)) <= 80 else type(value).__name__
    raise TypeError(f"{name}: expected a distribution such as rs.Exponential('2h'), got {shown}{hint}")
