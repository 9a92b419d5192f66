"""Did the change help? Paired comparisons on common random numbers, sweeps, sensitivity.

Every random draw of the engine is keyed by (seed, replication, entity name, purpose), so two
variants of an architecture simulated with the **same seed** see the same failures wherever they
keep the same names: replication *i* of the baseline and replication *i* of the candidate live
through the same incidents, and differ only where the change makes them differ. The difference
of a metric is then estimated replication by replication (a *paired* difference), without the
noise of two independent runs:

>>> import recoverysim as rs
>>> a = rs.Model("two-apis")
>>> for n in ("api-1", "api-2"):
...     _ = a.component(n, mttf="500h", mttr="4h")
>>> _ = a.service("trading", rs.any_of("api-1", "api-2"))
>>> b = a.copy("three-apis")
>>> _ = b.component("api-3", mttf="500h", mttr="4h")
>>> _ = b.service("trading", rs.any_of("api-1", "api-2", "api-3"), replace=True)
>>> cmp = rs.compare(a, b, horizon="1y", replications=2000, seed=1, progress=False)
>>> d = cmp.difference("trading", "availability")
>>> d.verdict, d.difference.low > 0, d.variance_reduction > 1
('better', True, True)
>>> rs.compare(a, a, replications=200, seed=1, progress=False).difference("trading").difference.mean
0.0

The variance reduction is Var(independent) / Var(paired) = (Var a + Var b) / Var(b − a): the
factor by which independent runs would need more replications for the same interval.

:func:`sweep` runs a model factory over a grid of parameters (all points on common random
numbers) into one tidy DataFrame; :func:`sensitivity` scales each component's MTTF and MTTR
and each shock's frequency and duration to rank what moves a service's downtime most (a
tornado: :func:`plot_tornado`). :func:`simulate_until` runs until a confidence interval is as
narrow as asked (adaptive precision).
"""

from __future__ import annotations

import copy as _copy
import dataclasses
import itertools
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

import numpy as np
import pandas as pd

from . import _core, _distributed, _engine
from . import formatting as fmt
from ._progress import Progress
from .components import Component
from .distributions import Distribution
from .io import load
from .model import Model
from .recovery import FailureMode, Procedure
from .results import Results
from .stats import (
    Estimate,
    complement,
    nonnegative_mean_estimate,
    proportion_estimate,
    ratio_estimate_from_sd,
    t_quantile,
)
from .units import Duration, duration_literal, hours

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "Metric",
    "METRICS",
    "TOTAL_COST",
    "metric",
    "Difference",
    "Comparison",
    "compare",
    "sweep",
    "sensitivity",
    "simulate_until",
    "AdaptiveResults",
    "plot_sweep",
    "plot_tornado",
]

ModelLike = Union[Model, str, "os.PathLike[str]"]


def _as_model(m: Any, what: str = "model") -> Model:
    if isinstance(m, Model):
        return m
    if isinstance(m, (str, os.PathLike)):
        return load(m)
    raise TypeError(f"{what}: expected an rs.Model or the path of a model file, got {type(m).__name__}")


# --- metrics ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A per-service quantity that comparisons, sweeps and assertions can use.

    ``values(res, service)`` gives one value per replication. A *ratio* metric (``denominator``
    set) is a ratio of totals over replications (e.g. the share of outages restored within the
    RTO); its interval is :meth:`Results.rto_compliance`'s. Every metric's interval is the one
    :class:`Results` gives the same quantity (see :mod:`recoverysim.stats`): a proportion
    interval for the 0/1 shares, a range-respecting interval for availability, hours and counts.
    """

    name: str
    label: str
    higher_is_better: bool
    unit: str  # "share", "hours" or "count"
    values: Callable[[Results, str], np.ndarray]
    denominator: Callable[[Results, str], np.ndarray] | None = None
    target: str | None = None  # the service target the metric needs: "availability", "rto", "rpo"
    capacity: bool = False  # needs a service with a demand (and per-replication values)

    @property
    def ratio(self) -> bool:
        return self.denominator is not None

    def available(self, res: Results, service: str) -> bool:
        """Whether the metric is defined for the service (its target, if it needs one, is set;
        a capacity metric needs a demand)."""
        if self.capacity and service not in res.capacity_services:
            return False
        return self.target is None or res.targets.get(service, {}).get(self.target) is not None

    def influence(self, res: Results, service: str) -> tuple[float, np.ndarray]:
        """(value, per-replication values whose mean is the value and whose standard error is
        the estimator's). For a mean these are the values themselves; for a ratio of totals
        R = sum(x)/sum(y) the linearised values R + (x_i − R y_i) / mean(y)."""
        if not self.available(res, service):
            need = "a demand (capacity)" if self.capacity else f"a {self.target} target"
            raise ValueError(f"metric {self.name!r} needs {need} on service {service!r}")
        x = np.asarray(self.values(res, service), dtype=float)
        if self.denominator is None:
            return (float(x.mean()) if x.size else math.nan), x
        y = np.asarray(self.denominator(res, service), dtype=float)
        total = y.sum()
        if x.size == 0 or total <= 0:
            return math.nan, np.full(x.shape, math.nan)
        r = float(x.sum() / total)
        return r, r + (x - r * y) / y.mean()

    def estimate(self, res: Results, service: str, confidence: float = 0.95) -> Estimate:
        """The metric with a two-sided ``confidence`` interval (the estimator of
        :mod:`recoverysim.stats` for its kind of quantity; ``std`` is that of the influence values)."""
        value, infl = self.influence(res, service)
        if not math.isfinite(value) or infl.size < 2:
            return _estimate(value, infl, confidence)
        sd = float(infl.std(ddof=1))
        if self.denominator is not None:
            if self.unit == "share":
                total = float(np.asarray(self.denominator(res, service), dtype=float).sum())
                return ratio_estimate_from_sd(value, sd, infl.size, total, confidence)
            e = _estimate(value, infl, confidence)  # a ratio of hours (mean outage duration): delta method, >= 0
            return Estimate(e.mean, max(e.low, 0.0), e.high, e.std, e.n, e.confidence)
        x = np.asarray(self.values(res, service))
        if x.dtype == bool:
            return proportion_estimate(int(x.sum()), x.size, confidence)
        if self.name == "availability":
            short = nonnegative_mean_estimate(1.0 - x.astype(float), confidence, upper=1.0)
            return complement(short, mean=value, sd=sd)
        upper = res.horizon if self.unit == "hours" and self.name != "data_lost_h" else math.inf
        e = nonnegative_mean_estimate(x, confidence, upper=upper)
        return Estimate(value, e.low, e.high, sd, e.n, e.confidence, e.note)

    def digits(self, *xs: float) -> int:
        """Decimals of the percentages of a share metric: availability needs more (99.9995 %)."""
        return fmt.share_decimals(*xs, minimum=4 if self.name == "availability" else 2)

    def format(self, x: float, digits: int | None = None) -> str:
        if self.unit == "share":
            return fmt.NA if not math.isfinite(x) else f"{x:.{self.digits(x) if digits is None else digits}%}"
        if self.unit == "hours":
            return fmt.duration(x)
        if self.unit == "money":
            return fmt.money(x)
        return "n/a" if not math.isfinite(x) else f"{x:.4g}"

    def format_difference(self, d: float) -> str:
        if self.unit == "share":
            return fmt.percentage_points(d)
        if self.unit == "hours":
            return fmt.signed_duration(d)
        if self.unit == "money":
            return fmt.signed_money(d)
        return fmt.signed(d, 4)

    def describe(self, res: Results | None, service: str) -> str:
        """What the metric is for this service, with its target where it has one."""
        if res is not None and self.target in ("rto", "rpo"):
            v = res.targets.get(service, {}).get(self.target)
            if v is not None:
                return f"{self.label} ({self.target.upper()} {fmt.duration(v)})"
        if res is not None and self.target == "availability":
            v = res.targets.get(service, {}).get("availability")
            if v is not None:
                return f"{self.label} ({fmt.percent(v)})"
        return self.label


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("availability", "availability", True, "share", lambda r, s: r.availabilities(s)),
        Metric("downtime_h", "downtime per horizon", False, "hours", lambda r, s: r.downtime(s)),
        Metric("outages", "outages per horizon", False, "count", lambda r, s: r.outage_counts(s)),
        Metric("mean_outage_h", "mean outage duration", False, "hours", lambda r, s: r.downtime(s), lambda r, s: r.outage_counts(s)),
        Metric("max_outage_h", "longest outage per horizon", False, "hours", lambda r, s: r.max_outage(s)),
        Metric("p_sla_met", "P(SLA met)", True, "share", lambda r, s: r.sla_met(s), target="availability"),
        Metric(
            "rto_compliance",
            "RTO compliance",
            True,
            "share",
            lambda r, s: r.raw.service_rto_met[:, r._svc(s)],
            lambda r, s: r.raw.service_rto_met[:, r._svc(s)].astype(float) + r.raw.service_rto_breaches[:, r._svc(s)],
            target="rto",
        ),
        Metric("p_rto_breach", "P(at least one RTO breach)", False, "share", lambda r, s: r.rto_breaches(s) > 0, target="rto"),
        Metric(
            "rpo_compliance",
            "RPO compliance",
            True,
            "share",
            lambda r, s: r.data_loss_incidents(s).astype(float) - r.rpo_breaches(s),
            lambda r, s: r.data_loss_incidents(s),
            target="rpo",
        ),
        Metric("p_rpo_breach", "P(at least one RPO breach)", False, "share", lambda r, s: r.rpo_breaches(s) > 0, target="rpo"),
        Metric("data_lost_h", "writes lost per horizon", False, "hours", lambda r, s: r.data_lost(s)),
        Metric("planned_downtime_h", "planned downtime per horizon", False, "hours", lambda r, s: r.planned_downtime(s)),
        Metric("cost", "cost per horizon", False, "money", lambda r, s: r.costs(s)),
        # Capacity (issue 16): hours degraded and down (by the service's down threshold), and the
        # pooled share of the demand not served (a ratio of totals, as unserved_fraction).
        Metric(
            "degraded_h", "time degraded per horizon", False, "hours", lambda r, s: r.raw.service_degraded_time[:, r._svc(s)], capacity=True
        ),
        Metric(
            "capacity_down_h",
            "time down per horizon (capacity)",
            False,
            "hours",
            lambda r, s: r.raw.service_capacity_down_time[:, r._svc(s)],
            capacity=True,
        ),
        Metric(
            "unserved_share",
            "share of the demand not served",
            False,
            "share",
            lambda r, s: r.raw.service_unserved[:, r._svc(s)],
            lambda r, s: r.raw.service_demand[:, r._svc(s)],
            capacity=True,
        ),
    )
}
# The total cost of a run (every service plus the running cost of the architecture): not a
# per-service metric, so it is not in METRICS; Comparison.cost_difference and the sensitivity
# ranking by cost use it (the service argument is ignored).
TOTAL_COST = Metric("total_cost", "total cost per horizon (running costs included)", False, "money", lambda r, s: r.costs())


def metric(name: str | Metric) -> Metric:
    """The :class:`Metric` called ``name`` (one of :data:`METRICS`)."""
    if isinstance(name, Metric):
        return name
    if name == TOTAL_COST.name:
        return TOTAL_COST
    try:
        return METRICS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown metric {name!r}; one of: {', '.join(METRICS)}") from None


def _estimate(value: float, infl: np.ndarray, confidence: float) -> Estimate:
    """An Estimate centred on ``value`` with the Student-t interval of the mean of ``infl``."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    n = int(infl.size)
    if n == 0 or not math.isfinite(value):
        return Estimate(math.nan, math.nan, math.nan, math.nan, n, confidence)
    if n == 1:
        return Estimate(value, -math.inf, math.inf, math.nan, 1, confidence)
    sd = float(infl.std(ddof=1))
    h = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return Estimate(value, value - h, value + h, sd, n, confidence)


def _default_metrics(ra: Results, rb: Results, service: str) -> list[str]:
    out = ["availability", "downtime_h", "outages", "mean_outage_h"]
    both = lambda key: all(r.targets.get(service, {}).get(key) is not None for r in (ra, rb))  # noqa: E731
    if both("availability"):
        out.append("p_sla_met")
    if both("rto"):
        out += ["rto_compliance", "p_rto_breach"]
    if both("rpo"):
        out += ["rpo_compliance", "data_lost_h"]
    if all(service in r._model.costs for r in (ra, rb)):
        out.append("cost")
    if all(service in r.capacity_services and hasattr(r, "raw") for r in (ra, rb)):
        out += ["degraded_h", "capacity_down_h", "unserved_share"]
    return out


# --- paired differences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """Candidate − baseline of one metric of one service.

    ``difference`` carries the two-sided interval; with common random numbers (``paired``) it
    is the interval of the mean of the per-replication differences. ``independent_std`` is the
    standard deviation the per-replication difference would have if the two runs were
    independent, sqrt(Var a + Var b), so :attr:`variance_reduction` is the factor saved.

    Parameters
    ----------
    service : str
        The service.
    metric : str
        The metric's name.
    baseline, candidate : Estimate
        The metric in each run.
    difference : Estimate
        Candidate − baseline with its two-sided interval.
    independent_std : float
        sqrt(Var a + Var b).
    paired : bool
        Whether the runs used common random numbers.
    higher_is_better : bool
        The metric's direction.

    Examples
    --------
    >>> a = rs.examples.load("single")
    >>> b = a.copy("faster-restart")
    >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
    >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
    >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
    >>> d = cmp.difference("web")
    >>> d.service, d.metric, d.paired
    ('web', 'availability', True)
    """

    service: str
    metric: str
    baseline: Estimate
    candidate: Estimate
    difference: Estimate
    independent_std: float
    paired: bool
    higher_is_better: bool

    @property
    def variance_reduction(self) -> float:
        """(Var a + Var b) / Var(b − a): how many times more replications independent runs would
        need for the same interval. ``inf`` when the paired differences are all equal (e.g. the
        change does not touch the service), NaN for independent runs.

        Returns
        -------
        float
            The factor.

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> b = a.copy("faster-restart")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
        >>> vr = cmp.difference("web").variance_reduction
        >>> isinstance(vr, float) and vr > 0
        True
        """
        if not self.paired:
            return math.nan
        sd = self.difference.std
        if not math.isfinite(sd) or not math.isfinite(self.independent_std):
            return math.nan
        if sd == 0:
            return math.inf if self.independent_std > 0 else math.nan
        return (self.independent_std / sd) ** 2

    @property
    def identical(self) -> bool:
        """Every paired replication gave the same value in both variants.

        Returns
        -------
        bool
            True when the change did not touch this metric in any replication.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> rs.compare(m, m.copy(), horizon="30d", replications=200, seed=1, progress=False).difference("web").identical
        True
        """
        return self.paired and self.difference.mean == 0 and self.difference.std == 0

    @property
    def verdict(self) -> str:
        """``identical``, ``better``, ``worse`` (the interval excludes zero) or ``no significant
        difference``; ``n/a`` when the metric cannot be estimated (e.g. no outage at all).

        Returns
        -------
        str
            The verdict.

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> b = a.copy("faster-restart")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
        >>> cmp.difference("web").verdict
        'better'
        """
        d = self.difference
        if not math.isfinite(d.mean):
            return "n/a"
        if self.identical:
            return "identical"
        if d.low > 0 or d.high < 0:
            up = d.low > 0
            return "better" if up == self.higher_is_better else "worse"
        return "no significant difference"

    def __repr__(self) -> str:
        return (
            f"Difference({self.service!r}, {self.metric!r}: {self.difference.mean:+.6g} "
            f"[{self.difference.low:+.6g}, {self.difference.high:+.6g}], {self.verdict}"
            + (f", variance reduction {self.variance_reduction:.3g}x" if self.paired else ", independent runs")
            + ")"
        )


def _difference(ra: Results, rb: Results, service: str, m: Metric, confidence: float, paired: bool) -> Difference:
    va, ia = m.influence(ra, service)
    vb, ib = m.influence(rb, service)
    ea, eb = m.estimate(ra, service, confidence), m.estimate(rb, service, confidence)
    delta = vb - va
    if paired:
        if ia.shape != ib.shape:
            raise ValueError("paired runs need the same number of replications")
        # Replication by replication; with identical inputs the difference is exactly 0.
        d = _estimate(delta, ib - ia, confidence) if math.isfinite(delta) else _estimate(math.nan, ia, confidence)
    else:  # Welch: independent samples
        se2a, se2b = ea.std**2 / ea.n, eb.std**2 / eb.n
        se = math.sqrt(se2a + se2b)
        dof = (se2a + se2b) ** 2 / (se2a**2 / (ea.n - 1) + se2b**2 / (eb.n - 1)) if se > 0 else math.inf
        h = t_quantile(0.5 + confidence / 2, dof) * se if se > 0 else 0.0
        sd = se * math.sqrt((ea.n + eb.n) / 2)  # per-replication scale, for display only
        d = Estimate(delta, delta - h, delta + h, sd, min(ea.n, eb.n), confidence)
    indep = math.sqrt(ea.std**2 + eb.std**2) if ea.n > 1 and eb.n > 1 else math.nan
    return Difference(service, m.name, ea, eb, d, indep, paired, m.higher_is_better)


class Comparison:
    """Two architectures run on the same random numbers: per service and metric, the paired
    difference (candidate − baseline) with a confidence interval and the variance reduction.

    Made by :func:`compare`.

    Parameters
    ----------
    baseline, candidate : Results
        The two runs.
    confidence : float
        Two-sided confidence level.
    paired : bool
        Whether the runs used common random numbers.
    services : sequence of str
        The services compared.
    metrics : mapping of str to sequence of str
        The metrics compared, per service.
    names : tuple of str, default ("baseline", "candidate")
        The two models' names as shown.

    Examples
    --------
    >>> a = rs.examples.load("single")
    >>> b = a.copy("faster-restart")
    >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
    >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
    >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
    >>> cmp.difference("web").verdict
    'better'
    """

    def __init__(
        self,
        baseline: Results,
        candidate: Results,
        *,
        confidence: float,
        paired: bool,
        services: Sequence[str],
        metrics: Mapping[str, Sequence[str]],
        names: tuple[str, str] = ("baseline", "candidate"),
    ) -> None:
        self.baseline = baseline
        self.candidate = candidate
        self.confidence = confidence
        self.paired = paired
        self.services = list(services)
        self.metrics = {s: list(ms) for s, ms in metrics.items()}
        self.names = names
        self.horizon = baseline.horizon
        self.replications = baseline.replications
        self.seed = baseline.seed

    def difference(self, service: str, metric: str | Metric = "availability", confidence: float | None = None) -> Difference:
        """Candidate − baseline of ``metric`` for ``service``, with its interval.

        Parameters
        ----------
        service : str
            The service.
        metric : str or Metric, default "availability"
            A name from :data:`METRICS`.
        confidence : float, optional
            Another confidence level than the comparison's.

        Returns
        -------
        Difference
            The paired difference with its interval and verdict.

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> b = a.copy("faster-restart")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
        >>> d = cmp.difference("web", "availability")
        >>> d.difference.low > 0
        True
        """
        if service not in self.services:
            raise KeyError(f"service {service!r} is not in both models; compared: {', '.join(self.services)}")
        return _difference(self.baseline, self.candidate, service, globals()["metric"](metric), confidence or self.confidence, self.paired)

    def differences(self) -> list[Difference]:
        """Every compared (service, metric), in table order.

        Returns
        -------
        list of Difference
            One per (service, metric).

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> b = a.copy("faster-restart")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
        >>> [d.metric for d in cmp.differences()][:2]
        ['availability', 'downtime_h']
        """
        return [self.difference(s, m) for s in self.services for m in self.metrics[s]]

    def cost_difference(self, confidence: float | None = None) -> Difference:
        """Candidate − baseline of the total cost per horizon (every service's losses plus the
        running cost of the architecture), paired replication by replication.

        A change that costs more to run and saves more in expected losses shows a negative
        difference: it pays for itself when the whole interval is below 0 (verdict ``better``).

        Parameters
        ----------
        confidence : float, optional
            Another confidence level than the comparison's.

        Returns
        -------
        Difference
            Service ``"(total)"``, metric ``"total_cost"``.

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> _ = a.cost("web", per_hour=50_000)
        >>> b = a.copy("two-servers")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> b.running_cost("server-2", 10_000)
        >>> d = rs.compare(a, b, horizon="1y", replications=500, seed=1, progress=False).cost_difference()
        >>> d.verdict
        'better'
        """
        d = _difference(self.baseline, self.candidate, "", TOTAL_COST, confidence or self.confidence, self.paired)
        return dataclasses.replace(d, service="(total)")

    def worse(self) -> list[Difference]:
        """The (service, metric) pairs where the candidate is significantly worse.

        Returns
        -------
        list of Difference
            Empty when nothing got significantly worse.

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> b = a.copy("faster-restart")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
        >>> [(d.service, d.metric) for d in cmp.worse()]
        []
        """
        return [d for d in self.differences() if d.verdict == "worse"]

    def table(self) -> pd.DataFrame:
        """One row per (service, metric): baseline, candidate and difference with their
        intervals, the verdict and the variance reduction against independent runs.

        Returns
        -------
        pandas.DataFrame
            Indexed by (service, metric).

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> b = a.copy("faster-restart")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
        >>> "verdict" in cmp.table().columns
        True
        """
        rows = []
        for d in self.differences():
            rows.append(
                {
                    "service": d.service,
                    "metric": d.metric,
                    "baseline": d.baseline.mean,
                    "baseline_low": d.baseline.low,
                    "baseline_high": d.baseline.high,
                    "candidate": d.candidate.mean,
                    "candidate_low": d.candidate.low,
                    "candidate_high": d.candidate.high,
                    "difference": d.difference.mean,
                    "difference_low": d.difference.low,
                    "difference_high": d.difference.high,
                    "verdict": d.verdict,
                    "higher_is_better": d.higher_is_better,
                    "variance_reduction": d.variance_reduction,
                }
            )
        return pd.DataFrame(rows).set_index(["service", "metric"])

    def report(self) -> str:
        """A readable plain-text report of the comparison.

        Returns
        -------
        str
            The report.

        Examples
        --------
        >>> a = rs.examples.load("single")
        >>> b = a.copy("faster-restart")
        >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
        >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
        >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
        >>> "web" in cmp.report()
        True
        """
        b, c = self.baseline, self.candidate
        how = "common random numbers (paired)" if self.paired else "independent runs"
        lines = [
            f"recoverysim compare: {self.names[0]} {b.model_name!r} vs {self.names[1]} {c.model_name!r}, "
            f"{self.replications:,} replications of {fmt.duration(self.horizon)} on {how} (seed {self.seed})",
            f"differences are {self.names[1]} - {self.names[0]} with {fmt.confidence(self.confidence)} confidence intervals",
            "",
        ]
        for s in self.services:
            lines.append(f"service {s}")
            ds = [self.difference(s, m) for m in self.metrics[s]]
            labels = [METRICS[d.metric].describe(b, s) for d in ds]
            w = max(len(x) for x in labels)
            for d, label in zip(ds, labels):
                m = METRICS[d.metric]
                diff = d.difference
                interval = f"[{m.format_difference(diff.low)}, {m.format_difference(diff.high)}]"
                vr = ""
                if self.paired and not d.identical and math.isfinite(d.variance_reduction):
                    vr = f"  variance reduction {d.variance_reduction:.3g}x"
                if m.unit == "share":
                    digits = m.digits(d.baseline.mean, d.candidate.mean)
                    before, after = m.format(d.baseline.mean, digits), m.format(d.candidate.mean, digits)
                else:
                    before, after = m.format(d.baseline.mean), m.format(d.candidate.mean)
                lines.append(
                    f"  {label:<{w}}  {before:>12} -> {after:<12} {m.format_difference(diff.mean):>11} {interval:<26} {d.verdict}{vr}"
                )
            lines.append("")
        if b.has_costs or c.has_costs:
            d = self.cost_difference()
            m = TOTAL_COST
            run = c.running_cost() - b.running_cost()
            lines.append(
                f"total cost per {fmt.per_horizon(self.horizon)} (running included)  {m.format(d.baseline.mean)} -> {m.format(d.candidate.mean)} "
                f"{m.format_difference(d.difference.mean)} [{m.format_difference(d.difference.low)}, {m.format_difference(d.difference.high)}] "
                f"{d.verdict}"
            )
            if run:
                saved = run - d.difference.mean
                lines.append(f"  running cost {fmt.signed_money(run)}, expected losses {fmt.signed_money(-saved)}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def __repr__(self) -> str:
        return (
            f"Comparison({self.baseline.model_name!r} vs {self.candidate.model_name!r}, "
            f"{self.replications} replications of {duration_literal(self.horizon)}, "
            f"{'paired' if self.paired else 'independent'}, services={self.services})"
        )


def _fresh_seed() -> int:
    return int.from_bytes(os.urandom(8), "little") >> 1


def _other_seed(seed: int) -> int:
    """A seed whose streams are unrelated to ``seed``'s (splitmix64 of it), for independent runs."""
    z = (seed + 0x9E3779B97F4A7C15) % 2**64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
    return (z ^ (z >> 31)) >> 1


def compare(
    baseline: ModelLike,
    candidate: ModelLike,
    *,
    horizon: Duration = "1y",
    replications: int = 10_000,
    seed: int | None = None,
    services: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
    threads: int | None = None,
    progress: bool | None = None,
    common_random_numbers: bool = True,
) -> Comparison:
    """Run two variants of an architecture on common random numbers and compare them.

    Both models run the same replications with the same ``seed``; components, shocks and
    standby groups that keep their names in both variants see the same failures, so the
    difference of each metric is measured replication by replication. ``baseline`` and
    ``candidate`` are models or model files.

    ``services``: the services to compare (default: every service in both models);
    ``metrics``: names from :data:`METRICS` (default: availability, outages, mean outage
    duration (and the downtime the availability difference amounts to) and the metrics of
    the targets both variants set: P(SLA met), RTO compliance and
    P(RTO breach), RPO compliance and data lost). A target metric is compared against each
    variant's own target. ``common_random_numbers=False`` runs the candidate on unrelated
    streams instead (to see what pairing buys).

    Parameters
    ----------
    baseline, candidate : Model, str or os.PathLike
        Models or model files.
    replications : int, default 10000
        Paired replications.
    services : sequence of str, optional
        The services to compare (default: every service in both models).
    metrics : sequence of str, optional
        Names from :data:`METRICS` (default: see above).
    horizon : duration, default "1y"
        Simulated time per replication.
    seed : int, optional
        Seed of every run (``None``: a fresh one).
    confidence : float, default 0.95
        Two-sided confidence level of the intervals.
    threads : int, optional
        Worker threads (default: all cores).
    progress : bool, optional
        Show a progress bar (``None``: only for long runs).
    common_random_numbers : bool, default True
        ``False`` runs the candidate on independent random numbers (to measure what pairing saves).

    Returns
    -------
    Comparison
        Differences per service and metric.

    Examples
    --------
    >>> a = rs.examples.load("single")
    >>> b = a.copy("faster-restart")
    >>> _ = b.component("server-2", mttf="2000h", mttr="30m")
    >>> _ = b.service("web", rs.any_of("server", "server-2"), replace=True)
    >>> cmp = rs.compare(a, b, horizon="30d", replications=500, seed=1, progress=False)
    >>> cmp.difference("web").verdict
    'better'
    """
    a, b = _as_model(baseline, "baseline"), _as_model(candidate, "candidate")
    if seed is None:
        seed = _fresh_seed()
    ra = a.simulate(horizon, replications, seed, threads=threads, progress=progress, keep_outages=0)
    rb = b.simulate(
        horizon, replications, seed if common_random_numbers else _other_seed(seed), threads=threads, progress=progress, keep_outages=0
    )
    return _comparison(ra, rb, services, metrics, confidence, common_random_numbers)


def _comparison(
    ra: Results,
    rb: Results,
    services: Sequence[str] | None,
    metrics: Sequence[str] | None,
    confidence: float,
    paired: bool,
    names: tuple[str, str] = ("baseline", "candidate"),
) -> Comparison:
    common = [s for s in ra.service_names if s in rb.service_names]
    if services is None:
        if not common:
            raise ValueError(
                f"the two models have no service in common ({ra.model_name!r}: {', '.join(ra.service_names)}; {rb.model_name!r}: {', '.join(rb.service_names)})"
            )
        services = common
    else:
        services = [services] if isinstance(services, str) else list(services)
        for s in services:
            if s not in common:
                which = names[0] if s not in ra.service_names else names[1]
                raise KeyError(f"service {s!r} is not in the {which} model")
    chosen: dict[str, list[str]] = {}
    for s in services:
        if metrics is None:
            chosen[s] = _default_metrics(ra, rb, s)
        else:
            names_ = [metrics] if isinstance(metrics, str) else list(metrics)
            ms = [metric(x) for x in names_]
            chosen[s] = [m.name for m in ms if m.available(ra, s) and m.available(rb, s)]
    if not any(chosen.values()):
        raise ValueError("nothing to compare: the services have none of the requested metrics' targets")
    return Comparison(
        ra, rb, confidence=confidence, paired=paired, services=[s for s in services if chosen[s]], metrics=chosen, names=names
    )


# --- runs in batches (adaptive precision) ------------------------------------------------------------


class _Run:
    """Replications [0, n) of one model and seed, extended batch by batch. Replication i depends
    only on (seed, i), so the merged batches are bitwise the run of n replications at once."""

    def __init__(self, model: Model, horizon: float, seed: int, threads: int | None, progress: bool | None, keep: int = 0) -> None:
        self.model = model
        self.compiled = model.compile()
        self.horizon = horizon
        self.seed = seed
        self.threads = 0 if threads is None else int(threads)
        self.progress = progress
        self.keep = keep
        self.parts: list[_core.RunResults] = []
        self.n = 0
        self.elapsed = 0.0
        self._results: Results | None = None

    def extend(self, total: int) -> None:
        if total <= self.n:
            return
        _engine.check_memory(self.compiled, 2 * total)  # the batches and their merge coexist for a moment
        t0 = time.perf_counter()
        with Progress(total - self.n, enabled=self.progress, desc=self.model.name) as bar:
            raw = _engine.simulate(
                self.compiled,
                horizon=self.horizon,
                seed=self.seed,
                first_replication=self.n,
                replications=total - self.n,
                threads=self.threads,
                keep=self.keep,
                progress=bar.update,
            )
        self.elapsed += time.perf_counter() - t0
        self.parts.append(raw)
        self.n = total
        self._results = None

    def results(self, cls: type[Results] = Results) -> Results:
        if self._results is None or type(self._results) is not cls:
            merged = _distributed.merge(self.parts) if len(self.parts) > 1 else self.parts[0]
            self.parts = [merged]
            self._results = cls(
                self.model,
                self.compiled,
                merged,
                horizon=self.horizon,
                seed=self.seed,
                elapsed=self.elapsed,
                threads=self.threads or _engine.default_threads(),
                kept=min(self.keep, self.n),
            )
        return self._results


def _check_counts(min_replications: int, max_replications: int) -> None:
    for name, v in (("min_replications", min_replications), ("max_replications", max_replications)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 2:
            raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
    if max_replications < min_replications:
        raise ValueError(f"max_replications ({max_replications}) must be >= min_replications ({min_replications})")


def _next_total(n: int, needed: float, max_replications: int) -> int:
    """The next run length: about 1.2 x the predicted need, at least 1.5 x and at most 8 x the
    current length (the prediction is noisy), never above the maximum."""
    want = 1.2 * needed if math.isfinite(needed) else 8.0 * n
    return int(min(max_replications, max(math.ceil(1.5 * n), min(8 * n, math.ceil(want)))))


class AdaptiveResults(Results):
    """:class:`Results` of :func:`simulate_until`, with how the run stopped.

    ``converged``: the precision was reached; ``half_widths``: the final half-width per
    service; ``required``: the half-width asked for per service; ``looks``: the run length at
    each check of the precision.

    Parameters
    ----------
    model : Model
        The simulated model.
    compiled : object
        The compiled model.
    raw : recoverysim._core.RunResults
        The engine's arrays.
    horizon : float
        Hours per replication.
    seed : int
        The run's seed.
    elapsed : float
        Wall-clock seconds.
    threads : int
        Worker threads.
    kept : int, default 0
        Replications whose records were kept.

    Examples
    --------
    >>> res = rs.simulate_until(rs.examples.load("single"), "web", rel=0.2, seed=1, progress=False)
    >>> res.converged, res.metric
    (True, 'availability')
    """

    converged: bool
    metric: str
    half_widths: dict[str, float]
    required: dict[str, float]
    looks: list[int]


def _shortfall_scale(m: Metric, value: float) -> float:
    """What ``rel`` is relative to: the estimate, or for shares whose good value is 1
    (availability, compliance, P(SLA met)) the shortfall 1 − estimate (the downtime)."""
    if m.unit == "share" and m.higher_is_better:
        return abs(1.0 - value)
    return abs(value)


def simulate_until(
    model: ModelLike,
    service: str | Sequence[str] | None = None,
    metric: str | Metric = "availability",
    *,
    rel: float | None = None,
    abs: float | None = None,
    confidence: float = 0.95,
    horizon: Duration = "1y",
    seed: int | None = None,
    min_replications: int = 1000,
    max_replications: int = 1_000_000,
    threads: int | None = None,
    progress: bool | None = None,
    keep_outages: int | None = None,
) -> AdaptiveResults:
    """Simulate until the ``confidence`` interval of ``metric`` is narrow enough, or
    ``max_replications`` have run.

    The run stops once, for every chosen service (default: every service that has the metric),
    the half-width of the interval is at most ``abs`` (in the metric's unit: a share, hours or a
    count) or at most ``rel`` times the estimate. For availability and other shares whose good
    value is 1, ``rel`` is relative to the shortfall ``1 − estimate``: ``rel=0.05`` asks for the
    downtime to within ±5 %. Runs grow from ``min_replications`` by about 1.2 times the length
    the current variance predicts (at least 1.5x, at most 8x per step); replication *i* depends
    only on (seed, i), so the result is exactly the fixed-length run of the same length.

    Stopping when the interval is narrow enough (a Chow–Robbins fixed-width procedure) keeps
    the interval's coverage close to the nominal confidence for the sample sizes used here.
    ``res.converged`` says whether the precision was reached.

    Parameters
    ----------
    model : Model, str or os.PathLike
        A model or a model file.
    service : str or sequence of str, optional
        The services whose precision matters (default: every service that has the metric).
    metric : str or Metric, default "availability"
        A name from :data:`METRICS`.
    rel : float, optional
        Largest half-width relative to the estimate (or to the shortfall of a share).
    abs : float, optional
        Largest half-width in the metric's unit.
    confidence : float, default 0.95
        Two-sided confidence level.
    horizon : duration, default "1y"
        Simulated time per replication.
    seed : int, optional
        Seed of the run.
    min_replications : int, default 1000
        First look.
    max_replications : int, default 1000000
        Last look.
    threads : int, optional
        Worker threads.
    progress : bool, optional
        Show a progress bar.
    keep_outages : int, optional
        As in :meth:`Model.simulate`.

    Returns
    -------
    AdaptiveResults
        The results, with ``converged``, ``half_widths``, ``required`` and ``looks``.

    Examples
    --------
    >>> import recoverysim as rs
    >>> m = rs.Model("one")
    >>> _ = m.component("db", mttf="1000h", mttr="4h")
    >>> _ = m.service("s", "db")
    >>> res = rs.simulate_until(m, "s", "downtime_h", rel=0.05, seed=3, progress=False)
    >>> res.converged, res.half_widths["s"] <= 0.05 * res.mean_downtime("s").mean
    (True, True)
    """
    mdl = _as_model(model)
    m = globals()["metric"](metric)
    if rel is None and abs is None:
        raise ValueError("simulate_until: give rel= (relative half-width) and/or abs= (absolute half-width)")
    for name, v in (("rel", rel), ("abs", abs)):
        if v is not None and not (isinstance(v, (int, float)) and v > 0):
            raise ValueError(f"{name} must be a number > 0, got {v!r}")
    _check_counts(min_replications, max_replications)
    h = hours(horizon, name="horizon")
    if h <= 0:
        raise ValueError(f"horizon must be > 0, got {horizon!r}")
    if seed is None:
        seed = _fresh_seed()
    keep = 10_000 if keep_outages is None else int(keep_outages)
    run = _Run(mdl, h, seed, threads, progress, keep)
    names = list(run.compiled.service_names)
    chosen: list[str] | None = None  # default: the services with the metric, seen on the first batch
    if service is not None:
        chosen = [service] if isinstance(service, str) else list(service)
        for s in chosen:
            if s not in names:
                raise KeyError(f"unknown service {service!r}; services: {', '.join(names)}")
    looks: list[int] = []
    total = int(min_replications)
    while True:
        run.extend(total)
        res = run.results(AdaptiveResults)
        if chosen is None:
            chosen = [s for s in names if m.available(res, s)]
            if not chosen:
                raise ValueError(f"no service has what metric {m.name!r} needs (a {m.target} target)")
        looks.append(run.n)
        widths, required, needed = {}, {}, 0.0
        for s in chosen:
            e = m.estimate(res, s, confidence)
            widths[s] = e.half_width
            req = max(abs or 0.0, (rel or 0.0) * _shortfall_scale(m, e.mean))
            required[s] = req
            if not math.isfinite(e.half_width):
                needed = math.inf
            elif e.half_width > req:
                needed = max(needed, run.n * (e.half_width / req) ** 2 if req > 0 else math.inf)
        converged = all(math.isfinite(widths[s]) and widths[s] <= required[s] for s in chosen)
        if converged or run.n >= max_replications:
            break
        total = _next_total(run.n, needed, max_replications)
    assert isinstance(res, AdaptiveResults)
    res.converged = converged
    res.metric = m.name
    res.half_widths = widths
    res.required = required
    res.looks = looks
    return res


# --- parameter sweeps ----------------------------------------------------------------------------------


def _points(grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    if isinstance(grid, Mapping):
        if not grid:
            raise ValueError("sweep: the grid is empty")
        keys = [str(k) for k in grid]
        values = []
        for k, v in grid.items():
            if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
                raise TypeError(f"sweep: grid[{k!r}] must be a list of values, got {v!r}")
            v = list(v)
            if not v:
                raise ValueError(f"sweep: grid[{k!r}] is empty")
            values.append(v)
        return keys, [dict(zip(keys, combo)) for combo in itertools.product(*values)]
    points = [dict(p) for p in grid]
    if not points:
        raise ValueError("sweep: no points")
    keys = list(points[0])
    for p in points:
        if list(p) != keys:
            raise ValueError(f"sweep: every point needs the same parameters {keys}, got {list(p)}")
    return keys, points


def sweep(
    factory: Callable[..., Model],
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    horizon: Duration = "1y",
    replications: int = 2000,
    seed: int | None = None,
    services: Sequence[str] | str | None = None,
    metrics: Sequence[str] | str = ("availability",),
    confidence: float = 0.95,
    baseline: int | Mapping[str, Any] = 0,
    threads: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Simulate ``factory(**point)`` at every point of a grid, all on common random numbers.

    ``grid`` maps parameter names to values (every combination is a point, in order), or is a
    list of points (dicts). Every point runs the same replications with the same seed, so the
    differences between points are measured without independent noise: the ``difference``
    columns are each point minus the ``baseline`` point (an index into the points, or the
    point itself; default the first), paired replication by replication.

    Returns one tidy row per (point, service, metric): the parameter columns, ``service``,
    ``metric``, ``estimate``, ``low``, ``high``, ``difference``, ``difference_low``,
    ``difference_high``. ``df.attrs`` keeps the seed, horizon, replications, confidence,
    parameter names and baseline point. Plot it with :func:`plot_sweep`.

    Parameters
    ----------
    factory : callable
        ``factory(**point)`` returns the model of a point.
    grid : mapping of str to sequence, or sequence of mapping
        Parameter values (every combination), or the points themselves.
    replications : int, default 2000
        Replications per point.
    services : str or sequence of str, optional
        The services (default: every service).
    metrics : str or sequence of str, default ("availability",)
        Names from :data:`METRICS`.
    baseline : int or mapping, default 0
        The point the differences are taken from.
    horizon : duration, default "1y"
        Simulated time per replication.
    seed : int, optional
        Seed of every run (``None``: a fresh one).
    confidence : float, default 0.95
        Two-sided confidence level of the intervals.
    threads : int, optional
        Worker threads (default: all cores).
    progress : bool, optional
        Show a progress bar (``None``: only for long runs).

    Returns
    -------
    pandas.DataFrame
        One tidy row per (point, service, metric), as above.

    Examples
    --------
    >>> import recoverysim as rs
    >>> def cluster(replicas, mttr):
    ...     m = rs.Model(f"{replicas} replicas")
    ...     names = [f"db-{i}" for i in range(replicas)]
    ...     for n in names:
    ...         _ = m.component(n, mttf="1000h", mttr=mttr)
    ...     _ = m.service("db", rs.k_of_n(replicas // 2 + 1, *names))
    ...     return m
    >>> df = rs.sweep(cluster, {"replicas": [3, 5], "mttr": ["4h", "24h"]}, replications=500, seed=1, progress=False)
    >>> df[["replicas", "mttr", "service", "metric"]].values.tolist()[:2]
    [[3, '4h', 'db', 'availability'], [3, '24h', 'db', 'availability']]
    >>> bool(df.iloc[0]["difference"] == 0)   # the baseline point against itself
    True
    """
    keys, points = _points(grid)
    if isinstance(baseline, Mapping):
        try:
            base_index = points.index(dict(baseline))
        except ValueError:
            raise ValueError(f"sweep: baseline {dict(baseline)!r} is not a point of the grid") from None
    else:
        base_index = int(baseline)
        if not -len(points) <= base_index < len(points):
            raise ValueError(f"sweep: baseline index {baseline} out of range for {len(points)} points")
        base_index %= len(points)
    ms = [metric(x) for x in ([metrics] if isinstance(metrics, str) else list(metrics))]
    if not ms:
        raise ValueError("sweep: no metrics")
    if seed is None:
        seed = _fresh_seed()
    results: list[Results] = []
    for p in points:
        model = factory(**p)
        if not isinstance(model, Model):
            raise TypeError(f"sweep: factory({p}) returned {type(model).__name__}, not an rs.Model")
        results.append(model.simulate(horizon, replications, seed, threads=threads, progress=progress, keep_outages=0))
    base = results[base_index]
    wanted = None if services is None else ([services] if isinstance(services, str) else list(services))
    rows = []
    for p, res in zip(points, results):
        svcs = wanted if wanted is not None else res.service_names
        for s in svcs:
            if s not in res.service_names:
                raise KeyError(f"sweep: service {s!r} is not in the model at {p}")
            for m in ms:
                if not m.available(res, s):
                    continue
                e = m.estimate(res, s, confidence)
                row: dict[str, Any] = {**p, "service": s, "metric": m.name, "estimate": e.mean, "low": e.low, "high": e.high}
                if s in base.service_names and m.available(base, s):
                    d = _difference(base, res, s, m, confidence, paired=True).difference
                    row.update(difference=d.mean, difference_low=d.low, difference_high=d.high)
                else:
                    row.update(difference=math.nan, difference_low=math.nan, difference_high=math.nan)
                rows.append(row)
    df = pd.DataFrame(
        rows, columns=[*keys, "service", "metric", "estimate", "low", "high", "difference", "difference_low", "difference_high"]
    )
    df.attrs.update(
        seed=seed,
        horizon=base.horizon,
        replications=base.replications,
        confidence=confidence,
        parameters=keys,
        baseline=points[base_index],
    )
    return df


# --- sensitivity --------------------------------------------------------------------------------------


def _scaled(d: Distribution, f: float) -> Distribution:
    """The distribution of f·X: every sample multiplied by f (for the engine's inverse-CDF
    samplers, the same uniform draw gives f times the value: common random numbers stay paired)."""
    p = d.params
    if d.kind == "lognormal":
        p["mu"] += math.log(f)
    elif d.kind == "empirical":
        p["values"] = [v * f for v in p["values"]]
    else:
        for k in type(d)._time_params:
            p[k] *= f
    return type(d)(**p)


def _scaled_procedure(p: Procedure, f: float) -> Procedure:
    steps = []
    for st in p.steps:
        new = _copy.copy(st)
        new.duration = _scaled(st.duration, f)
        steps.append(new)
    return Procedure(*steps, name=p.name)


def _scaled_component(c: Component, *, mttf: float = 1.0, mttr: float = 1.0) -> Component:
    modes = [
        FailureMode(
            fm.name,
            _scaled(fm.failure, mttf) if mttf != 1 else fm.failure,
            _scaled_procedure(fm.repair, mttr) if mttr != 1 else fm.repair,
            data_loss=fm.data_loss,
            cascades=fm.cascades,
        )
        for fm in c.modes
    ]
    return Component(c.name, modes, c.tags, backup=c.backup, replication=c.replication)


_QUANTITIES = {"component": ("mttf", "mttr"), "shock": ("frequency", "duration")}
_LABELS = {"mttf": "MTTF", "mttr": "MTTR", "frequency": "frequency", "duration": "outage duration"}


def _parameters(model: Model, parameters: Sequence[Any] | None) -> list[tuple[str, str, str]]:
    """(kind, entity, quantity) triples."""
    if parameters is None:
        out = [("component", c, q) for c in model.components for q in ("mttf", "mttr")]
        for sh in model.shocks.values():
            out.append(("shock", sh.name, "frequency"))
            if sh.outage is not None:
                out.append(("shock", sh.name, "duration"))
        return out
    out = []
    for p in parameters:
        if isinstance(p, str):
            if ":" not in p:
                raise ValueError(f"sensitivity: parameter {p!r} must be 'name:quantity', e.g. 'db-1:mttr'")
            name, q = p.rsplit(":", 1)
        else:
            name, q = p
        if name in model.components:
            kind = "component"
        elif name in model.shocks:
            kind = "shock"
        else:
            raise KeyError(f"sensitivity: no component or shock named {name!r}")
        if q not in _QUANTITIES[kind]:
            raise ValueError(f"sensitivity: a {kind}'s quantity is one of {', '.join(_QUANTITIES[kind])}, got {q!r}")
        if kind == "shock" and q == "duration" and model.shocks[name].outage is None:
            raise ValueError(f"sensitivity: shock {name!r} triggers failure modes; it has no outage duration")
        out.append((kind, name, q))
    return out


def _variant(model: Model, kind: str, name: str, quantity: str, f: float) -> Model:
    v = model.copy()
    if kind == "component":
        c = model.components[name]
        v.components[name] = _scaled_component(c, **{quantity: f})
    else:
        sh = _copy.copy(model.shocks[name])
        if quantity == "frequency":
            sh.every = _scaled(sh.every, 1.0 / f)
        else:
            assert sh.outage is not None
            sh.outage = _scaled(sh.outage, f)
        v.shocks[name] = sh
    return v


def sensitivity(
    model: ModelLike,
    service: str,
    *,
    metric: str | Metric = "downtime_h",
    factors: tuple[float, float] = (0.5, 2.0),
    parameters: Sequence[str | tuple[str, str]] | None = None,
    horizon: Duration = "1y",
    replications: int = 2000,
    seed: int | None = None,
    confidence: float = 0.95,
    threads: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Which parameter moves ``service``'s ``metric`` most? One-at-a-time scaling on common
    random numbers, for a tornado chart (:func:`plot_tornado`).

    Each parameter is multiplied by each of the two ``factors`` in turn, everything else kept:

    - a component's ``mttf``: every failure mode's time to failure (the distribution is scaled,
      its shape kept); its ``mttr``: every step duration of its failure modes' procedures
      (waiting for a crew is not scaled);
    - a shock's ``frequency`` (the time between arrivals divided by the factor) and, for shocks
      that hold components down, its outage ``duration``.

    ``parameters``: ``"name:quantity"`` strings or ``(name, quantity)`` pairs (default: every
    component's MTTF and MTTR, every shock's frequency and duration). All variants run on the
    same random numbers, so each change is a paired difference from the base model.

    Returns one row per parameter, largest ``swing`` (``|metric at high − metric at low|``) first:
    ``kind``, ``entity``, ``quantity``, ``base`` (the metric of the unchanged model), ``low``
    and ``high`` (the metric with the parameter times ``factors[0]`` and ``factors[1]``), and
    ``change_low``/``change_high`` with their intervals (``..._ci_low``, ``..._ci_high``).

    Parameters
    ----------
    model : Model, str or os.PathLike
        A model or a model file.
    service : str
        The service.
    metric : str or Metric, default "downtime_h"
        A name from :data:`METRICS`.
    factors : tuple of float, default (0.5, 2.0)
        The low and high multipliers.
    parameters : sequence of str or tuple, optional
        ``"name:quantity"`` strings or ``(name, quantity)`` pairs (default: every one).
    replications : int, default 2000
        Replications per run.
    horizon : duration, default "1y"
        Simulated time per replication.
    seed : int, optional
        Seed of every run (``None``: a fresh one).
    confidence : float, default 0.95
        Two-sided confidence level of the intervals.
    threads : int, optional
        Worker threads (default: all cores).
    progress : bool, optional
        Show a progress bar (``None``: only for long runs).

    Returns
    -------
    pandas.DataFrame
        One row per parameter, largest swing first.

    Examples
    --------
    >>> df = rs.sensitivity(rs.examples.load("single"), "web", replications=200, horizon="30d", seed=1, progress=False)
    >>> list(df.index)
    ['server MTTR', 'server MTTF']
    """
    mdl = _as_model(model)
    m = globals()["metric"](metric)
    lo_f, hi_f = (float(x) for x in factors)
    if lo_f <= 0 or hi_f <= 0 or lo_f == hi_f:
        raise ValueError(f"sensitivity: factors must be two different numbers > 0, got {factors!r}")
    if seed is None:
        seed = _fresh_seed()
    params = _parameters(mdl, parameters)
    sim = dict(horizon=horizon, replications=replications, seed=seed, threads=threads, progress=progress, keep_outages=0)
    base = mdl.simulate(**sim)  # type: ignore[arg-type]
    if service not in base.service_names:
        raise KeyError(f"unknown service {service!r}; services: {', '.join(base.service_names)}")
    base_est = m.estimate(base, service, confidence)
    rows = []
    for kind, name, q in params:
        row: dict[str, Any] = {
            "parameter": f"{name} {_LABELS[q]}",
            "kind": kind,
            "entity": name,
            "quantity": q,
            "base": base_est.mean,
        }
        for tag, f in (("low", lo_f), ("high", hi_f)):
            res = _variant(mdl, kind, name, q, f).simulate(**sim)  # type: ignore[arg-type]
            d = _difference(base, res, service, m, confidence, paired=True)
            row[tag] = d.candidate.mean
            row[f"change_{tag}"] = d.difference.mean
            row[f"change_{tag}_ci_low"] = d.difference.low
            row[f"change_{tag}_ci_high"] = d.difference.high
        row["swing"] = abs(row["high"] - row["low"])
        rows.append(row)
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values("swing", ascending=False, kind="stable")
    df = df.set_index("parameter")
    df.attrs.update(
        service=service,
        metric=m.name,
        factors=(lo_f, hi_f),
        base=base_est.mean,
        seed=seed,
        horizon=base.horizon,
        replications=base.replications,
        confidence=confidence,
    )
    return df


# --- plots ----------------------------------------------------------------------------------------------


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - plot extra not installed
        raise ImportError("plotting needs matplotlib: pip install 'recoverysim[plot]'") from None
    _, ax = plt.subplots()
    return ax


def _format_axis(axis: Any, m: Metric, difference: bool) -> None:
    from matplotlib.ticker import FuncFormatter

    if m.unit == "share":
        tick_text = (lambda v, _: f"{v * 100:+.3g} pp") if difference else (lambda v, _: f"{v * 100:.6g}%")
        axis.set_major_formatter(FuncFormatter(tick_text))


def _only(df: pd.DataFrame, column: str, value: Any, what: str) -> tuple[pd.DataFrame, Any]:
    if value is None:
        values = list(dict.fromkeys(df[column]))
        if len(values) != 1:
            raise ValueError(f"plot_sweep: the sweep has several {what}s ({', '.join(map(str, values))}): pass {column}=")
        value = values[0]
    out = df[df[column] == value]
    if out.empty:
        raise ValueError(f"plot_sweep: no rows with {column} == {value!r}")
    return out, value


def plot_sweep(
    df: pd.DataFrame,
    x: str,
    *,
    hue: str | None = None,
    metric: str | None = None,
    service: str | None = None,
    difference: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Plot a :func:`sweep`: ``metric`` of ``service`` against parameter ``x``, one line per
    value of parameter ``hue``, with confidence intervals as error bars. ``difference=True``
    plots the paired difference from the sweep's baseline point instead. Other parameters must
    have one value in ``df`` (filter it first). Returns the matplotlib Axes.

    Parameters
    ----------
    df : pandas.DataFrame
        A table from :func:`sweep`.
    x : str
        The parameter on the x axis.
    hue : str, optional
        The parameter of the lines.
    metric : str, optional
        The metric (default: the only one in ``df``).
    service : str, optional
        The service (default: the only one in ``df``).
    difference : bool, default False
        Plot the paired difference from the baseline point.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The chart.

    Examples
    --------
    >>> def cluster(mttr):
    ...     m = rs.Model()
    ...     _ = m.component("db", mttf="1000h", mttr=mttr)
    ...     _ = m.service("s", "db")
    ...     return m
    >>> df = rs.sweep(cluster, {"mttr": ["1h", "4h"]}, replications=200, seed=1, progress=False)
    >>> ax = plot_sweep(df, "mttr")  # doctest: +SKIP
    """
    params = list(
        df.attrs.get(
            "parameters",
            [
                c
                for c in df.columns
                if c not in ("service", "metric", "estimate", "low", "high", "difference", "difference_low", "difference_high")
            ],
        )
    )
    if x not in params:
        raise ValueError(f"plot_sweep: x={x!r} is not a parameter of the sweep ({', '.join(params)})")
    if hue is not None and (hue not in params or hue == x):
        raise ValueError(f"plot_sweep: hue={hue!r} must be another parameter of the sweep ({', '.join(params)})")
    d, metric = _only(df, "metric", metric, "metric")
    d, service = _only(d, "service", service, "service")
    for p in params:
        if p not in (x, hue) and d[p].nunique() > 1:
            raise ValueError(f"plot_sweep: parameter {p!r} has several values; filter the sweep (df[df[{p!r}] == ...]) or pass hue={p!r}")
    m = METRICS[metric]
    ax = _axes(ax)
    xs = list(dict.fromkeys(d[x]))
    numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in xs)
    pos = {v: (float(v) if numeric else i) for i, v in enumerate(xs)}
    col, lo, hi = ("difference", "difference_low", "difference_high") if difference else ("estimate", "low", "high")
    groups = [(None, d)] if hue is None else list(d.groupby(hue, sort=False))
    colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#999933"]  # Okabe-Ito
    for i, (key, g) in enumerate(groups):
        g = g.sort_values(x, key=lambda s: s.map(pos))
        xv = [pos[v] for v in g[x]]
        y = g[col].to_numpy(float)
        err = np.vstack([y - g[lo].to_numpy(float), g[hi].to_numpy(float) - y])
        ax.errorbar(xv, y, yerr=err, marker="o", capsize=3, color=colors[i % len(colors)], label=None if hue is None else f"{hue} = {key}")
    if not numeric:
        ax.set_xticks(range(len(xs)))
        ax.set_xticklabels([str(v) for v in xs])
    ax.set_xlabel(x)
    ax.set_ylabel(m.label + (" (difference from baseline)" if difference else ""))
    _format_axis(ax.yaxis, m, difference)
    conf = df.attrs.get("confidence")
    ax.set_title(f"{service}" + (f" ({fmt.confidence(conf)} intervals, common random numbers)" if conf else ""))
    if hue is not None:
        ax.legend()
    return ax


def plot_tornado(df: pd.DataFrame, *, top: int = 12, ax: Axes | None = None) -> Axes:
    """A tornado chart of a :func:`sensitivity` table: for each parameter (the ``top`` largest
    swings, largest at the top) a bar from the base value to the metric with the parameter
    times the low factor and one to the metric times the high factor, with the confidence
    interval of each change as a whisker. Returns the matplotlib Axes.

    Parameters
    ----------
    df : pandas.DataFrame
        A table from :func:`sensitivity`.
    top : int, default 12
        Parameters shown.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The chart.

    Examples
    --------
    >>> df = rs.sensitivity(rs.examples.load("single"), "web", replications=200, horizon="30d", seed=1, progress=False)
    >>> ax = plot_tornado(df)  # doctest: +SKIP
    """
    if df.empty:
        raise ValueError("plot_tornado: the sensitivity table is empty")
    ax = _axes(ax)
    m = METRICS[df.attrs.get("metric", "downtime_h")]
    base = float(df.attrs.get("base", df["base"].iloc[0]))
    lo_f, hi_f = df.attrs.get("factors", (math.nan, math.nan))
    d = df.sort_values("swing", ascending=False, kind="stable").head(top).iloc[::-1]
    ys = np.arange(len(d))
    for tag, f, color in (("low", lo_f, "#0072B2"), ("high", hi_f, "#D55E00")):  # Okabe-Ito blue, vermillion
        change = d[f"change_{tag}"].to_numpy(float)
        err = np.vstack([change - d[f"change_{tag}_ci_low"].to_numpy(float), d[f"change_{tag}_ci_high"].to_numpy(float) - change])
        ax.barh(ys, change, left=base, height=0.6, color=color, label=f"x {f:g}")
        ax.errorbar(base + change, ys, xerr=err, fmt="none", ecolor="black", capsize=2, linewidth=0.8)
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(ys)
    ax.set_yticklabels(list(d.index))
    ax.set_xlabel(m.label)
    _format_axis(ax.xaxis, m, False)
    svc = df.attrs.get("service")
    top_name = str(d.index[-1])
    of = f"{svc}'s {m.label}" if svc else m.label
    ax.set_title(f"{top_name} moves {of} most" if float(d["swing"].iloc[-1]) > 0 else f"no parameter moves {of}")
    ax.legend(title="parameter", loc="lower right")
    return ax
