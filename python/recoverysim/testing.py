"""Assertions with statistical meaning, for regression tests of an architecture.

A simulated availability is an estimate, not a number: a test that compares it with a target
must say how sure it is. Each assertion here runs the simulation, computes a one-sided
confidence bound and decides by a rule stated in advance:

``assert_availability(model, "trading", at_least=0.9995, confidence=0.95)``
    fails when the simulation **shows** the target is missed: when even the one-sided 95 %
    **upper** confidence bound of the mean availability over the horizon is below 99.95 %
    (``mode="detect"``, the default). A model that truly meets the target fails at most
    ``1 - confidence`` of the time (5 %): a regression test is not flaky beyond the rate it
    states. A model slightly below the target may pass; more replications (or ``precision=``)
    narrow that band.

``mode="demonstrate"`` is the reliability-demonstration convention: pass only when the **lower**
bound is at least the target, i.e. the simulation *demonstrates* it. A model whose true value is
below the target then passes at most 5 % of the time, but a model exactly at the target fails
about 95 % of the time, so it needs a design with a margin.

``assert_not_worse(baseline, candidate, "trading", metric="availability", margin=0)`` runs both
models on common random numbers and fails when the candidate is worse than the baseline by more
than ``margin`` at the stated confidence (``mode="detect"``, its default: a change that does not
make things worse fails at most 5 % of the time, and a model compared with itself never fails:
the paired difference is exactly zero). ``mode="demonstrate"`` instead passes only when the
interval shows the candidate is no worse than ``margin`` (a non-inferiority test).

**Adaptive precision.** By default (``replications=None``) a run starts with
``min_replications`` and grows (about 1.2 times what the current variance says is needed, at
least 1.5x per step) until it is decided or reaches ``max_replications``. At an interim look it
stops only when a **99.9 %** bound is already clear of the target (a Haybittle–Peto boundary):
clear cases stop after the first few thousand replications, and the early looks add at most
about 0.1 % each to the error rates above. Otherwise the decision is taken at the last look with
the stated confidence. ``precision=`` also ends the run once the interval's half-width is that
small (an absolute half-width in the metric's unit, or ``"5%"``: relative to the shortfall of a
share or to the estimate). ``replications=n`` runs exactly ``n`` replications and decides once
(the error rates are then exactly the nominal ones, up to the normal approximation).

The default ``seed`` is fixed (:data:`defaults`), so a test gives the same verdict on every run;
the pytest plugin's ``--recoverysim-seed`` changes it for the whole session.

>>> import recoverysim as rs
>>> from recoverysim.testing import assert_availability
>>> m = rs.Model("web")
>>> _ = m.component("server", mttf="2000h", mttr="30m")
>>> _ = m.service("web", "server")
>>> assert_availability(m, "web", at_least=0.999, horizon="30d")
CheckResult(passed: web availability >= 99.9000% at 95% confidence, lower bound 99.9...%)
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import formatting as fmt
from .compare import TOTAL_COST, Metric, ModelLike, _as_model, _next_total, _Run, _shortfall_scale, metric
from .results import Results
from .stats import Estimate, normal_quantile, t_quantile
from .units import Duration, hours
from .validation import check_probability

__all__ = [
    "assert_availability",
    "assert_rto_compliance",
    "assert_rpo_compliance",
    "assert_metric",
    "assert_cost",
    "assert_not_worse",
    "CheckResult",
    "StatisticalAssertionError",
    "Defaults",
    "defaults",
    "INTERIM_CONFIDENCE",
]

#: Confidence of the bound that may stop a run early, before the last look (Haybittle–Peto).
INTERIM_CONFIDENCE = 0.999

MODES = ("demonstrate", "detect")


@dataclass
class Defaults:
    """Session-wide defaults of the assertions (the pytest plugin sets ``seed`` and
    ``threads`` from its command-line options).

    The module-level instance :data:`defaults` is the one the assertions read.

    Parameters
    ----------
    horizon : duration, default "1y"
        Simulated time per replication.
    seed : int, default 0
        Seed of every assertion.
    confidence : float, default 0.95
        One-sided confidence of the decisions.
    min_replications : int, default 2000
        First look of an adaptive run.
    max_replications : int, default 64000
        Last look of an adaptive run.
    threads : int, optional
        Worker threads (default: all cores).

    Examples
    --------
    >>> from recoverysim.testing import defaults
    >>> defaults.seed, defaults.confidence
    (0, 0.95)
    """

    horizon: Duration = "1y"
    seed: int = 0
    confidence: float = 0.95
    min_replications: int = 2000
    max_replications: int = 64_000
    threads: int | None = None


defaults = Defaults()

# The latest checks, numbered (the pytest plugin's summary shows those of its session).
_history: deque[tuple[int, CheckResult]] = deque(maxlen=1000)
_counter = 0  # checks run by this process
_failures = 0  # of which failed


class StatisticalAssertionError(AssertionError):
    """A statistical assertion failed; ``.result`` is the :class:`CheckResult`.

    Parameters
    ----------
    result : CheckResult
        What the failed assertion measured; its message is the error's message.

    Examples
    --------
    >>> m = rs.examples.load("single")
    >>> try:
    ...     assert_availability(m, "web", at_least="99.999%", horizon="30d", replications=2000)
    ... except StatisticalAssertionError as e:
    ...     print(e.result.passed)
    False
    """

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message)
        self.result = result


@dataclass(frozen=True)
class CheckResult:
    """What an assertion measured and decided.

    ``estimate`` is the decisive quantity (the metric, or the difference candidate − baseline)
    with the interval whose ends are the one-sided ``confidence`` bounds (a two-sided
    ``2·confidence − 1`` interval); ``bound`` is the end the decision used; ``threshold`` the
    value it was compared with. A CheckResult is true when the check passed.

    Parameters
    ----------
    passed : bool
        The verdict.
    kind : str
        ``"target"`` or ``"not_worse"``.
    service : str
        The service checked.
    metric : str
        The metric's name (see :data:`recoverysim.compare.METRICS`).
    statement : str
        What was asserted, in words.
    estimate : Estimate
        The decisive quantity with its interval.
    bound : float
        The end of the interval the decision used.
    threshold : float
        The value it was compared with.
    confidence : float
        One-sided confidence.
    mode : str
        ``"detect"`` or ``"demonstrate"``.
    replications : int
        Replications run.
    seed : int
        The run's seed.
    horizon : float
        Hours per replication.
    stopped : str
        Why the run stopped (decided early, precision reached, last look).
    message : str
        The full report (the error message of a failure).
    baseline, candidate : Estimate, optional
        The two models' estimates of a comparison.
    variance_reduction : float, default nan
        Variance of independent runs over that of the paired difference (comparisons).
    looks : tuple of int, default ()
        Replications at each look of an adaptive run.

    Examples
    --------
    >>> r = assert_availability(rs.examples.load("single"), "web", at_least="99.9%", horizon="30d")
    >>> bool(r), r.kind, r.metric
    (True, 'target', 'availability')
    """

    passed: bool
    kind: str  # "target" or "not_worse"
    service: str
    metric: str
    statement: str
    estimate: Estimate
    bound: float
    threshold: float
    confidence: float
    mode: str
    replications: int
    seed: int
    horizon: float
    stopped: str
    message: str
    baseline: Estimate | None = None
    candidate: Estimate | None = None
    variance_reduction: float = math.nan
    looks: tuple[int, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.passed

    def brief(self) -> str:
        """One line: what was asserted, the estimate and the bound that decided.

        Returns
        -------
        str
            The line the pytest plugin's summary prints.

        Examples
        --------
        >>> r = assert_availability(rs.examples.load("single"), "web", at_least="99.9%", horizon="30d")
        >>> r.brief()  # doctest: +ELLIPSIS
        'web availability >= 99.9000% at 95% confidence: estimate 99.9...%, lower bound 99.9...% (2,000 replications, seed 0)'
        """
        m = metric(self.metric)
        fmt = m.format_difference if self.kind == "not_worse" else m.format
        what = "difference" if self.kind == "not_worse" else "estimate"
        side = "lower" if self.bound <= self.estimate.mean else "upper"
        return (
            f"{self.statement}: {what} {fmt(self.estimate.mean)}, {side} bound {fmt(self.bound)} "
            f"({self.replications:,} replications, seed {self.seed})"
        )

    def __repr__(self) -> str:
        m = metric(self.metric)
        fmt = m.format_difference if self.kind == "not_worse" else m.format
        side = "lower" if self.bound <= self.estimate.mean else "upper"
        return f"CheckResult({'passed' if self.passed else 'FAILED'}: {self.statement}, {side} bound {fmt(self.bound)})"


# --- the sequential decision ------------------------------------------------------------------------


@dataclass
class _Look:
    value: float
    infl: np.ndarray
    # Two-sided interval at a given confidence, from the metric's own estimator (recoverysim.stats);
    # None: the Student-t interval of the mean of ``infl``.
    interval: Callable[[float], Estimate] | None = None

    @property
    def n(self) -> int:
        return int(self.infl.size)

    @property
    def sd(self) -> float:
        return float(self.infl.std(ddof=1)) if self.n > 1 else math.nan

    def margin(self, confidence: float) -> float:
        """One-sided ``confidence`` distance from the estimate to its bound."""
        if self.n < 2:
            return math.inf
        return t_quantile(confidence, self.n - 1) * self.sd / math.sqrt(self.n)

    def bounds(self, confidence: float) -> tuple[float, float]:
        """One-sided ``confidence`` lower and upper bounds: the ends of the two-sided
        ``2 confidence - 1`` interval of the metric's estimator."""
        if self.n < 2 or not math.isfinite(self.value):
            return -math.inf, math.inf
        if self.interval is not None:
            e = self.interval(2 * confidence - 1)
            return e.low, e.high
        m = self.margin(confidence)
        return self.value - m, self.value + m

    def signed(self, confidence: float, sign: int) -> tuple[float, float]:
        """(unfavourable, favourable) bounds times ``sign`` (+1: good is high)."""
        lo, hi = self.bounds(confidence)
        return (lo, hi) if sign > 0 else (-hi, -lo)


def _parse_precision(precision: Any) -> tuple[float | None, float | None]:
    """(absolute, relative) half-width."""
    if precision is None:
        return None, None
    if isinstance(precision, str) and precision.strip().endswith("%"):
        rel = float(precision.strip()[:-1]) / 100
        if rel <= 0:
            raise ValueError(f"precision must be > 0, got {precision!r}")
        return None, rel
    if isinstance(precision, bool) or not isinstance(precision, (int, float)) or precision <= 0:
        raise ValueError(f"precision must be a half-width > 0 in the metric's unit, or a percentage such as '5%', got {precision!r}")
    return float(precision), None


def _check_common(confidence: float, mode: str, replications: int | None, min_r: int, max_r: int) -> None:
    if not (isinstance(confidence, float) or isinstance(confidence, int)) or not 0.5 <= confidence < 1:
        raise ValueError(f"confidence must be in [0.5, 1), got {confidence!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be 'demonstrate' or 'detect', got {mode!r}")
    if replications is not None and (isinstance(replications, bool) or not isinstance(replications, (int, np.integer)) or replications < 2):
        raise ValueError(f"replications must be an integer >= 2 (or None: adaptive), got {replications!r}")
    for name, v in (("min_replications", min_r), ("max_replications", max_r)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 2:
            raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
    if max_r < min_r:
        raise ValueError(f"max_replications ({max_r}) must be >= min_replications ({min_r})")


def _sequential(
    look: Callable[[int], _Look],
    *,
    sign: int,
    threshold: float,
    confidence: float,
    mode: str,
    replications: int | None,
    min_replications: int,
    max_replications: int,
    precision: Any,
    scale: Callable[[float], float],
    fixed: int | None = None,
) -> tuple[_Look, bool, str, list[int]]:
    """Run looks until decided; returns (last look, passed, why it stopped, look sizes).

    ``sign`` +1: good means value >= threshold; -1: value <= threshold. ``fixed``: the data
    cannot grow (a Results object was given): one look of that size."""
    abs_p, rel_p = _parse_precision(precision)
    z_interim = normal_quantile(INTERIM_CONFIDENCE)
    looks: list[int] = []
    if fixed is not None:
        n = fixed
        last = n
    elif replications is not None:
        n = last = int(replications)
    else:
        n, last = int(min_replications), int(max_replications)
    while True:
        lk = look(n)
        looks.append(lk.n)
        v = sign * lk.value
        thr = sign * threshold
        final = lk.n >= last
        why = "fixed" if (replications is not None or fixed is not None) else ("max" if final else "")
        if not math.isfinite(lk.value):
            if final:
                return lk, True, "nothing to measure", looks
            n = _next_total(lk.n, math.inf, last)
            continue
        if not final:
            lo_int, hi_int = lk.signed(INTERIM_CONFIDENCE, sign)
            if lo_int >= thr or hi_int < thr:
                why = "interim"
            elif abs_p is not None or rel_p is not None:
                lo_c, hi_c = lk.bounds(0.5 + confidence / 2)  # two-sided interval at the stated confidence
                hw = (hi_c - lo_c) / 2
                want = max(abs_p or 0.0, (rel_p or 0.0) * scale(lk.value))
                if hw <= want:
                    why = "precision"
        if why:
            lo_nom, hi_nom = lk.signed(confidence, sign)
            if why == "interim":
                passed = lk.signed(INTERIM_CONFIDENCE, sign)[0] >= thr
            elif mode == "demonstrate":
                passed = lo_nom >= thr
            else:
                passed = hi_nom >= thr
            return lk, passed, why, looks
        # Predict the length at which the interim bound would clear the threshold.
        dist = abs(v - thr)
        needed = (z_interim * lk.sd / dist) ** 2 if dist > 0 and math.isfinite(lk.sd) else math.inf
        n = _next_total(lk.n, needed, last)


# --- messages --------------------------------------------------------------------------------------------


def _fmt(m: Metric, x: float, *, diff: bool = False, digits: int | None = None) -> str:
    if diff:
        return m.format_difference(x)
    return m.format(x, digits) if m.unit == "share" else m.format(x)


def _stopped_text(why: str, looks: list[int], max_r: int) -> str:
    n = looks[-1]
    if why == "interim":
        return f"stopped after {n:,} replications: a {fmt.confidence(INTERIM_CONFIDENCE)} bound was already clear of the threshold"
    if why == "precision":
        return f"stopped after {n:,} replications: the requested precision was reached"
    if why == "max":
        return f"ran to max_replications={max_r:,}"
    if why == "nothing to measure":
        return f"nothing to measure in {n:,} replications"
    return f"{n:,} replications"


def _run_text(models: str, n: int, horizon: float, seed: int, extra: str = "") -> str:
    return f"{models}, {n:,} replications of {fmt.duration(horizon)}, seed {seed}{extra}"


# --- target assertions --------------------------------------------------------------------------------------


def _resolve(value: Any, m: Metric, what: str) -> float:
    if m.unit == "hours" and isinstance(value, str):
        return hours(value, name=what)
    if m.unit == "share" and isinstance(value, str):
        return check_probability(value, what)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} must be a number{' or a duration' if m.unit == 'hours' else ''}, got {value!r}")
    return float(value)


def assert_metric(
    model: ModelLike | Results,
    service: str,
    metric_name: str | Metric,
    *,
    at_least: Any = None,
    at_most: Any = None,
    confidence: float | None = None,
    mode: str = "detect",
    horizon: Duration | None = None,
    seed: int | None = None,
    replications: int | None = None,
    min_replications: int | None = None,
    max_replications: int | None = None,
    precision: Any = None,
    threads: int | None = None,
) -> CheckResult:
    """Assert that a metric of ``service`` is ``at_least`` or ``at_most`` a target, at ``confidence``.

    The metrics are those of :data:`recoverysim.compare.METRICS` (availability, downtime,
    outages, RTO and RPO compliance...).

    Parameters
    ----------
    model : Model, str, os.PathLike or Results
        A model, a model file, or :class:`Results` of a run already made (then no adaptive
        precision).
    service : str
        The service.
    metric_name : str or Metric
        The metric.
    at_least, at_most : float or str, optional
        The target, exactly one of them: a share (``0.9995``, ``"99.95%"``), hours or a
        duration (``"5m"``) as the metric's unit says.
    confidence : float, optional
        One-sided confidence of the decision (default :data:`defaults` ``.confidence``, 0.95).
    mode : {"detect", "demonstrate"}, default "detect"
        ``"detect"``: fail only when the bound on the favourable side misses the target, so a
        model that meets it fails at most ``1 - confidence`` of the time. ``"demonstrate"``:
        pass only when the bound on the unfavourable side meets it.
    horizon : duration, optional
        Simulated time per replication (default ``defaults.horizon``, one year).
    seed : int, optional
        Seed of the run (default ``defaults.seed``, fixed: the same verdict on every run).
    replications : int, optional
        Run exactly this many replications and decide once; default: adaptive.
    min_replications, max_replications : int, optional
        Bounds of the adaptive run (defaults 2,000 and 64,000).
    precision : float or str, optional
        Also stop once the interval's half-width is this small (in the metric's unit, or
        ``"5%"`` relative).
    threads : int, optional
        Worker threads (default: all cores).

    Returns
    -------
    CheckResult
        What was measured and decided, when the assertion passes.

    Raises
    ------
    StatisticalAssertionError
        An ``AssertionError`` whose message shows the estimate, the bounds and the target.

    Examples
    --------
    >>> m = rs.examples.load("single")
    >>> r = assert_metric(m, "web", "downtime_h", at_most="8 hours", horizon="30d")
    >>> r.passed
    True
    """
    __tracebackhide__ = True
    m = metric(metric_name)
    if (at_least is None) == (at_most is None):
        raise TypeError("give exactly one of at_least= and at_most=")
    sign = 1 if at_least is not None else -1
    target = _resolve(at_least if at_least is not None else at_most, m, "at_least" if sign > 0 else "at_most")
    confidence = defaults.confidence if confidence is None else confidence
    min_r = defaults.min_replications if min_replications is None else min_replications
    max_r = defaults.max_replications if max_replications is None else max_replications
    if replications is None and max_replications is not None and min_replications is None:
        min_r = min(min_r, max_r)
    _check_common(confidence, mode, replications, min_r, max_r)

    if isinstance(model, Results):
        res0 = model
        if service not in res0.service_names:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(res0.service_names)}")
        if not m.available(res0, service):
            raise ValueError(f"service {service!r} has no {m.target} target, which metric {m.name!r} needs")
        h, sd, name = res0.horizon, res0.seed, res0.model_name

        def look(n: int) -> _Look:
            return _Look(*m.influence(res0, service), lambda c: m.estimate(res0, service, c))

        fixed: int | None = res0.replications
        results_of: Callable[[], Results] = lambda: res0  # noqa: E731
    else:
        mdl = _as_model(model)
        h = hours(defaults.horizon if horizon is None else horizon, name="horizon")
        if h <= 0:
            raise ValueError(f"horizon must be > 0, got {horizon!r}")
        sd = defaults.seed if seed is None else int(seed)
        run = _Run(mdl, h, sd, defaults.threads if threads is None else threads, False)
        if service not in run.compiled.service_names:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(run.compiled.service_names)}")
        s_targets = mdl.services[service]
        if m.target is not None and getattr(s_targets, m.target) is None:
            raise ValueError(f"service {service!r} has no {m.target} target, which metric {m.name!r} needs; set {m.target}= on the service")
        name = mdl.name

        def look(n: int) -> _Look:
            run.extend(n)
            res_n = run.results()
            return _Look(*m.influence(res_n, service), lambda c: m.estimate(res_n, service, c))

        fixed = None
        results_of = run.results

    lk, passed, why, looks = _sequential(
        look,
        sign=sign,
        threshold=target,
        confidence=confidence,
        mode=mode,
        replications=replications,
        min_replications=min_r,
        max_replications=max_r,
        precision=precision,
        scale=lambda v: _shortfall_scale(m, v),
        fixed=fixed,
    )
    res = results_of()
    cmp = ">=" if sign > 0 else "<="
    digits = None
    if m.unit == "share":
        digits = m.digits(target, lk.value)
    label = m.describe(res, service)
    who = f"model {name!r}" if m.name == "total_cost" else service  # the total cost is not a service's
    statement = f"{who} {label} {cmp} {_fmt(m, target, digits=digits)} at {fmt.confidence(confidence)} confidence"
    if mode == "demonstrate":
        statement += " (demonstrate mode)"
    low, high = lk.bounds(INTERIM_CONFIDENCE if why == "interim" else confidence)
    note = lk.interval(2 * confidence - 1).note if lk.interval is not None and lk.n > 1 else ""
    est = Estimate(lk.value, low, high, lk.sd, lk.n, 2 * confidence - 1, note)
    unfavourable, favourable = (low, high) if sign > 0 else (high, low)
    bound = _decisive(mode, why, passed, unfavourable, favourable)
    conf_used = INTERIM_CONFIDENCE if why == "interim" else confidence

    lines: list[str] = []
    f = lambda x: _fmt(m, x, digits=digits)  # noqa: E731
    if passed:
        head = f"{who}: {label} {cmp} {f(target)} passed at {fmt.confidence(confidence)} confidence"
    elif mode == "detect" or (sign * unfavourable < sign * target and sign * favourable < sign * target):
        word = "below" if sign > 0 else "above"
        head = f"{who}: {label} is {word} the target {f(target)} at {fmt.confidence(confidence)} confidence"
    else:
        head = f"{who}: {label} is not shown to be {cmp} {f(target)} at {fmt.confidence(confidence)} confidence"
    lines.append(head)
    extra = ""
    if m.name == "availability":
        extra = f"   ({fmt.duration((1 - lk.value) * h)} of downtime per {fmt.per_horizon(h)}; the target allows {fmt.duration((1 - target) * h)})"
    lines.append(f"  estimate   {f(lk.value)}{extra}")
    if math.isfinite(lk.value):
        lines.append(f"  bounds     {f(low)} .. {f(high)}   (one-sided {fmt.confidence(conf_used)} lower and upper bounds)")
    side = "lower" if (bound == low) else "upper"
    if not math.isfinite(lk.value):
        verdict = f"no {('outage' if m.target == 'rto' else 'data-loss incident' if m.target == 'rpo' else 'value')} to measure: passed"
    elif passed and mode == "demonstrate":
        verdict = f"the {side} bound {f(bound)} meets the target: shown at {fmt.confidence(conf_used)} confidence"
    elif passed:
        verdict = f"the {side} bound {f(bound)} meets the target: not shown to miss it"
    elif sign * favourable < sign * target:
        fav = "upper" if sign > 0 else "lower"
        verdict = f"even the {fav} bound {f(favourable)} misses the target: the target is missed"
    else:
        right = sign * lk.value >= sign * target
        verdict = (
            f"the interval contains the target; the estimate is {'on the right side' if right else 'on the wrong side'} "
            f"but {lk.n:,} replications cannot demonstrate it. Raise max_replications (precision grows with its square "
            "root), or improve the design's margin over the target"
        )
    lines.append(f"  target     {cmp} {f(target)}: {verdict}")
    lines.append(f"  run        {_run_text(repr(name), lk.n, h, sd)}; {_stopped_text(why, looks, max_r)}")
    lines.append(f"  meaning    {_meaning(mode, confidence)}")
    result = CheckResult(
        passed=bool(passed),
        kind="target",
        service=service,
        metric=m.name,
        statement=statement,
        estimate=est,
        bound=bound,
        threshold=target,
        confidence=confidence,
        mode=mode,
        replications=lk.n,
        seed=sd,
        horizon=h,
        stopped=why,
        message="\n".join(lines),
        looks=tuple(looks),
    )
    return _finish(result)


def _decisive(mode: str, why: str, passed: bool, unfavourable: float, favourable: float) -> float:
    """The bound the decision rests on: the unfavourable one for a pass that demonstrates, the
    favourable one for a failure that detects."""
    if why == "interim":
        return unfavourable if passed else favourable
    return unfavourable if mode == "demonstrate" else favourable


def _meaning(mode: str, confidence: float) -> str:
    risk = f"{1 - confidence:.3g}".rstrip("0")
    if mode == "demonstrate":
        return f"passing demonstrates the target: a design that misses it passes with probability at most {risk}"
    return f"failing shows the target is missed: a design that meets it fails with probability at most {risk}"


def _finish(result: CheckResult) -> CheckResult:
    __tracebackhide__ = True
    global _counter, _failures
    _history.append((_counter, result))
    _counter += 1
    _failures += not result.passed
    if not result.passed:
        raise StatisticalAssertionError(result)
    return result


def assert_availability(model: ModelLike | Results, service: str, at_least: float | str | None = None, **kwargs: Any) -> CheckResult:
    """Assert that the mean availability of ``service`` over the horizon is at least ``at_least``.

    Passes when the one-sided lower confidence bound is at least the target (``mode="detect"``:
    fails only when the upper bound is below it).

    Parameters
    ----------
    model : Model, str, os.PathLike or Results
        A model, a model file, or :class:`Results` of a run already made.
    service : str
        The service.
    at_least : float or str, optional
        A share, or ``"99.95%"``; default: the service's own ``availability`` target, so the
        model file stays the one place targets are written.
    **kwargs
        ``confidence``, ``mode``, ``horizon``, ``seed``, ``replications``,
        ``min_replications``, ``max_replications``, ``precision``, ``threads``: see
        :func:`assert_metric`.

    Returns
    -------
    CheckResult
        What was measured and decided, when the assertion passes.

    Raises
    ------
    StatisticalAssertionError
        An ``AssertionError`` whose message shows the estimate, the bounds and the target.

    Examples
    --------
    >>> assert_availability(rs.examples.load("single"), "web", horizon="30d")  # its own target, 99.95%
    CheckResult(passed: web availability >= 99.9500% at 95% confidence, lower bound 99.9...%)
    """
    __tracebackhide__ = True
    if at_least is None:
        targets = (
            model.targets
            if isinstance(model, Results)
            else {n: {"availability": s.availability} for n, s in _as_model(model).services.items()}
        )
        if service not in targets:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(targets)}")
        at_least = targets[service].get("availability")
        if at_least is None:
            raise ValueError(f"service {service!r} has no availability target: pass at_least= or set availability= on the service")
        if not isinstance(model, Results):
            model = _as_model(model)
    return assert_metric(model, service, "availability", at_least=at_least, **kwargs)


def assert_cost(model: ModelLike | Results, service: str | None = None, *, at_most: float, **kwargs: Any) -> CheckResult:
    """Assert that the expected cost per horizon is at most ``at_most``.

    ``service=None``: the total cost (every priced service plus the running cost of the
    architecture); a service: the cost of its downtime, outages, data loss and SLA credits.
    Passes when the one-sided upper confidence bound is at most the target (``mode="detect"``:
    fails only when the lower bound is above it).

    Parameters
    ----------
    model : Model, str, os.PathLike or Results
        A model, a model file, or :class:`Results` of a run already made.
    service : str, optional
        One service, or ``None`` for the total.
    at_most : float
        The largest acceptable expected cost per horizon.
    **kwargs
        See :func:`assert_metric`.

    Returns
    -------
    CheckResult
        What was measured and decided, when the assertion passes.

    Raises
    ------
    StatisticalAssertionError
        An ``AssertionError`` whose message shows the estimate, the bounds and the target.

    Examples
    --------
    >>> m = rs.examples.load("single")
    >>> _ = m.cost("web", per_hour=10_000)
    >>> r = assert_cost(m, at_most=100_000, horizon="1y")
    >>> r.metric, r.passed
    ('total_cost', True)
    """
    __tracebackhide__ = True
    if service is None:
        names = model.service_names if isinstance(model, Results) else list(_as_model(model).services)
        if not names:
            raise ValueError("assert_cost: the model has no service")
        return assert_metric(model, names[0], TOTAL_COST, at_most=at_most, **kwargs)
    return assert_metric(model, service, "cost", at_most=at_most, **kwargs)


def assert_rto_compliance(model: ModelLike | Results, service: str, at_least: float | str = 0.95, **kwargs: Any) -> CheckResult:
    """Assert that the share of ``service``'s outages restored within its RTO is at least ``at_least``.

    Pooled over replications, at ``confidence``. The service needs an ``rto=`` target.

    Parameters
    ----------
    model : Model, str, os.PathLike or Results
        A model, a model file, or :class:`Results` of a run already made.
    service : str
        The service.
    at_least : float or str, default 0.95
        A share or a percentage.
    **kwargs
        See :func:`assert_metric`.

    Returns
    -------
    CheckResult
        What was measured and decided, when the assertion passes.

    Raises
    ------
    StatisticalAssertionError
        An ``AssertionError`` whose message shows the estimate, the bounds and the target.

    Examples
    --------
    >>> r = assert_rto_compliance(rs.examples.load("standby"), "api", at_least="50%", horizon="30d")
    >>> r.metric, r.passed
    ('rto_compliance', True)
    """
    __tracebackhide__ = True
    return assert_metric(model, service, "rto_compliance", at_least=at_least, **kwargs)


def assert_rpo_compliance(model: ModelLike | Results, service: str, at_least: float | str = 0.95, **kwargs: Any) -> CheckResult:
    """Assert that the share of data-loss incidents beneath ``service`` within its RPO is at least ``at_least``.

    The service needs an ``rpo=`` target.

    Parameters
    ----------
    model : Model, str, os.PathLike or Results
        A model, a model file, or :class:`Results` of a run already made.
    service : str
        The service.
    at_least : float or str, default 0.95
        A share or a percentage.
    **kwargs
        See :func:`assert_metric`.

    Returns
    -------
    CheckResult
        What was measured and decided, when the assertion passes.

    Raises
    ------
    StatisticalAssertionError
        An ``AssertionError`` whose message shows the estimate, the bounds and the target.

    Examples
    --------
    >>> r = assert_rpo_compliance(rs.examples.load("backups"), "ledger", at_least="10%", replications=2000)
    >>> r.metric, r.passed
    ('rpo_compliance', True)
    """
    __tracebackhide__ = True
    return assert_metric(model, service, "rpo_compliance", at_least=at_least, **kwargs)


# --- comparisons -------------------------------------------------------------------------------------------


def assert_not_worse(
    baseline: ModelLike,
    candidate: ModelLike,
    service: str,
    *,
    metric: str | Metric = "availability",
    margin: Any = 0.0,
    confidence: float | None = None,
    mode: str = "detect",
    horizon: Duration | None = None,
    seed: int | None = None,
    replications: int | None = None,
    min_replications: int | None = None,
    max_replications: int | None = None,
    precision: Any = None,
    threads: int | None = None,
) -> CheckResult:
    """Assert that ``candidate`` is not worse than ``baseline`` for ``service``'s ``metric`` by more than ``margin``.

    Both models run on common random numbers (same seed; components that keep their names see
    the same failures), so the difference candidate − baseline is measured replication by
    replication. ``mode="detect"`` (default): fail when the interval shows the candidate is
    worse by more than ``margin`` (its favourable bound is beyond ``-margin``). A candidate
    that truly is no worse fails at most ``1 − confidence`` of the time; a model compared with
    itself gives a difference of exactly zero and always passes. ``mode="demonstrate"``: pass
    only when the interval shows it is no worse than ``margin`` (non-inferiority).

    Parameters
    ----------
    baseline, candidate : Model, str or os.PathLike
        The two models (or model files).
    service : str
        The service, in both.
    metric : str or Metric, default "availability"
        The metric compared.
    margin : float or str, default 0.0
        How much worse is tolerated, in the metric's unit: a share for availability and
        compliance, hours or a duration such as ``"5m"`` for downtime.
    confidence : float, optional
        One-sided confidence of the decision (default :data:`defaults` ``.confidence``, 0.95).
    mode : {"detect", "demonstrate"}, default "detect"
        ``"detect"``: fail only when the bound on the favourable side misses the target, so a
        model that meets it fails at most ``1 - confidence`` of the time. ``"demonstrate"``:
        pass only when the bound on the unfavourable side meets it.
    horizon : duration, optional
        Simulated time per replication (default ``defaults.horizon``, one year).
    seed : int, optional
        Seed of the run (default ``defaults.seed``, fixed: the same verdict on every run).
    replications : int, optional
        Run exactly this many replications and decide once; default: adaptive.
    min_replications, max_replications : int, optional
        Bounds of the adaptive run (defaults 2,000 and 64,000).
    precision : float or str, optional
        Also stop once the interval's half-width is this small (in the metric's unit, or
        ``"5%"`` relative).
    threads : int, optional
        Worker threads (default: all cores).

    Returns
    -------
    CheckResult
        What was measured and decided, when the assertion passes.

    Raises
    ------
    StatisticalAssertionError
        An ``AssertionError`` whose message shows the estimate, the bounds and the target.

    Examples
    --------
    >>> m = rs.examples.load("single")
    >>> r = assert_not_worse(m, m.copy(), "web", horizon="30d")
    >>> r.estimate.mean, r.passed
    (0.0, True)
    """
    __tracebackhide__ = True
    m = globals()["metric"](metric) if not isinstance(metric, Metric) else metric
    mg = _resolve(margin, m, "margin")
    if mg < 0:
        raise ValueError(f"margin must be >= 0, got {margin!r}")
    confidence = defaults.confidence if confidence is None else confidence
    min_r = defaults.min_replications if min_replications is None else min_replications
    max_r = defaults.max_replications if max_replications is None else max_replications
    if replications is None and max_replications is not None and min_replications is None:
        min_r = min(min_r, max_r)
    _check_common(confidence, mode, replications, min_r, max_r)
    a, b = _as_model(baseline, "baseline"), _as_model(candidate, "candidate")
    h = hours(defaults.horizon if horizon is None else horizon, name="horizon")
    if h <= 0:
        raise ValueError(f"horizon must be > 0, got {horizon!r}")
    sd = defaults.seed if seed is None else int(seed)
    th = defaults.threads if threads is None else threads
    ra, rb = _Run(a, h, sd, th, False), _Run(b, h, sd, th, False)
    for which, run in (("baseline", ra), ("candidate", rb)):
        if service not in run.compiled.service_names:
            raise KeyError(f"service {service!r} is not in the {which} model; services: {', '.join(run.compiled.service_names)}")
        svc = run.model.services[service]
        if m.target is not None and getattr(svc, m.target) is None:
            raise ValueError(f"service {service!r} has no {m.target} target in the {which} model, which metric {m.name!r} needs")
    sign = 1 if m.higher_is_better else -1

    def look(n: int) -> _Look:
        ra.extend(n)
        rb.extend(n)
        va, ia = m.influence(ra.results(), service)
        vb, ib = m.influence(rb.results(), service)
        return _Look(vb - va, ib - ia)

    lk, passed, why, looks = _sequential(
        look,
        sign=sign,
        threshold=-sign * mg,
        confidence=confidence,
        mode=mode,
        replications=replications,
        min_replications=min_r,
        max_replications=max_r,
        precision=precision,
        scale=lambda v: abs(v),
    )
    res_a, res_b = ra.results(), rb.results()
    ea, eb = m.estimate(res_a, service, 2 * confidence - 1), m.estimate(res_b, service, 2 * confidence - 1)
    conf_used = INTERIM_CONFIDENCE if why == "interim" else confidence
    margin_ = lk.margin(conf_used)
    low, high = lk.value - margin_, lk.value + margin_
    est = Estimate(lk.value, low, high, lk.sd, lk.n, 2 * confidence - 1)
    indep = (
        math.sqrt(float(np.var(m.influence(res_a, service)[1], ddof=1)) + float(np.var(m.influence(res_b, service)[1], ddof=1)))
        if lk.n > 1
        else math.nan
    )
    vr = math.nan
    if math.isfinite(lk.sd) and math.isfinite(indep):
        vr = (indep / lk.sd) ** 2 if lk.sd > 0 else (math.inf if indep > 0 else math.nan)
    unfavourable, favourable = (low, high) if sign > 0 else (high, low)
    bound = _decisive(mode, why, passed, unfavourable, favourable)
    worse_word = "lower" if sign > 0 else "higher"
    label = m.describe(res_a, service)
    thr = -sign * mg
    digits = None
    if m.unit == "share":
        digits = m.digits(ea.mean, eb.mean)
    fd = lambda x: m.format_difference(x)  # noqa: E731
    fv = lambda x: _fmt(m, x, digits=digits)  # noqa: E731
    margin_text = (fmt.signed(mg * 100).lstrip("+") + " pp" if m.unit == "share" else m.format(mg)) if mg > 0 else "0"
    mtxt = f" by more than {margin_text}" if mg > 0 else ""
    statement = f"{service} {label} not worse in the candidate (margin {margin_text}) at {fmt.confidence(confidence)} confidence"
    if mode == "demonstrate":
        statement += " (demonstrate mode)"
    if passed:
        head = f"{service}: {label} is not worse in the candidate ({'shown' if mode == 'demonstrate' else 'no evidence of harm'}) at {fmt.confidence(confidence)} confidence"
    elif mode == "detect" or sign * favourable < sign * thr:
        head = f"{service}: {label} is worse in the candidate than in the baseline{mtxt} at {fmt.confidence(confidence)} confidence"
    else:
        head = f"{service}: {label} is not shown to be within the margin of the baseline at {fmt.confidence(confidence)} confidence"
    lines = [head]
    lines.append(f"  baseline    {fv(ea.mean)}   ({fv(ea.low)} .. {fv(ea.high)})   model {res_a.model_name!r}")
    lines.append(f"  candidate   {fv(eb.mean)}   ({fv(eb.low)} .. {fv(eb.high)})   model {res_b.model_name!r}")
    extra = ""
    if m.name == "availability" and math.isfinite(lk.value) and lk.value != 0:
        more = -lk.value * h
        extra = f"   ({fmt.duration(abs(more))} {'more' if more > 0 else 'less'} downtime per {fmt.per_horizon(h)})"
    lines.append(f"  difference  {fd(lk.value)}{extra}")
    if math.isfinite(lk.value):
        lines.append(
            f"  bounds      {fd(low)} .. {fd(high)}   (one-sided {fmt.confidence(conf_used)} lower and upper bounds of candidate - baseline)"
        )
    if not math.isfinite(lk.value):
        verdict = f"nothing to measure in {lk.n:,} replications (e.g. no outage in one of the models): passed"
    elif lk.sd == 0 and lk.value == 0:
        verdict = "identical in every replication (the change does not touch this service)"
    elif passed:
        verdict = f"the {'lower' if bound == low else 'upper'} bound {fd(bound)} is within the margin"
    else:
        fav = "upper" if sign > 0 else "lower"
        if sign * favourable < sign * thr:
            verdict = f"even the {fav} bound {fd(favourable)} is {worse_word} than {fd(thr) if thr else '0'}: the candidate is worse"
        else:
            verdict = f"the interval reaches past {fd(thr) if thr else '0'}: no-worse is not demonstrated with {lk.n:,} replications"
    lines.append(f"  threshold   {fd(thr) if thr else '0'} (margin): {verdict}")
    vr_txt = f"; variance reduction {vr:.3g}x against independent runs" if math.isfinite(vr) else ""
    lines.append(f"  run         {_run_text('paired on common random numbers', lk.n, h, sd, vr_txt)}; {_stopped_text(why, looks, max_r)}")
    if mode == "detect":
        lines.append(
            f"  meaning     failing shows the candidate is worse: one that is not fails with probability at most {1 - confidence:.3g}"
        )
    else:
        lines.append(
            f"  meaning     passing shows the candidate is not worse: one that is passes with probability at most {1 - confidence:.3g}"
        )
    result = CheckResult(
        passed=bool(passed),
        kind="not_worse",
        service=service,
        metric=m.name,
        statement=statement,
        estimate=est,
        bound=bound,
        threshold=thr,
        confidence=confidence,
        mode=mode,
        replications=lk.n,
        seed=sd,
        horizon=h,
        stopped=why,
        message="\n".join(lines),
        baseline=ea,
        candidate=eb,
        variance_reduction=vr,
        looks=tuple(looks),
    )
    return _finish(result)
