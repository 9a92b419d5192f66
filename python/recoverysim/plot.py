"""Plots of simulation results that state their finding: matplotlib only.

Every function takes what it draws from (:class:`~recoverysim.Results` and a service name, a
trace, a model), draws on ``ax`` (a new figure when it is ``None``) and returns the matplotlib
``Axes``. Titles say what the chart shows ("trading misses its 99.95% SLA in 0.37% of years"),
axes carry units, durations read as minutes, hours or days, targets are red lines, and the
colours are distinguishable with colour-blind vision (Okabe-Ito and Paul Tol's palettes).

>>> import recoverysim as rs
>>> import recoverysim.plot as rsp
>>> m = rs.load("examples/exchange.yaml")                       # doctest: +SKIP
>>> res = m.simulate("1y", 10_000, seed=7)                      # doctest: +SKIP
>>> rsp.downtime_distribution(res, "trading")                   # doctest: +SKIP
>>> rsp.outage_durations(res, "database", by="cause")           # doctest: +SKIP
>>> rsp.downtime_causes(res, "withdrawals", phases=True)         # doctest: +SKIP
>>> rsp.availability_over_time(res, "trading", bins="1w")       # doctest: +SKIP
>>> rsp.timeline(res.trace(0), service="trading")               # doctest: +SKIP
>>> rsp.dependency_graph(m)                                     # doctest: +SKIP
>>> rsp.probability_plot(rs.fit([120, 340, 800, 1500], [2500]))  # doctest: +SKIP

Services a name does not know raise ``KeyError``; a service without outages gets a chart that
says so instead of an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from . import formatting as fmt
from ._optional import require
from .calibration import Fit
from .compare import plot_sweep, plot_tornado
from .model import Model
from .requirements import Requirement, Standby
from .stats import nonnegative_mean_estimate
from .units import Duration, hours

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .analysis import AnalysisResults, ScenarioResults
    from .results import Results

__all__ = [
    "downtime_distribution",
    "cost_distribution",
    "outage_durations",
    "availability_over_time",
    "downtime_causes",
    "timeline",
    "dependency_graph",
    "probability_plot",
    "binned_downtime",
    "importance",
    "cut_sets",
    "scenario_restore",
    "capacity",
    "PALETTE",
    "TARGET_COLOR",
    "phase_color",
    "plot_tornado",
    "plot_sweep",
]

# Plots need matplotlib (the plot extra): say so at import, not deep inside a figure.
require("matplotlib", extra="plot", purpose="recoverysim.plot")

# --- colours ------------------------------------------------------------------------------------

#: Okabe-Ito: eight colours distinguishable with every common form of colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#8C8C8C",
}
#: Target lines (SLA budget, RTO, RPO): red, and nothing else in the charts is red.
TARGET_COLOR = "#D7191C"
_DATA = PALETTE["blue"]
_HIGHLIGHT = PALETTE["orange"]
_MUTED = "#BBBBBB"
_SHOCK = "#AA4499"  # shocks are purple in every chart (bars, timeline holds, graph)
_TEXT = "#333333"
# Categories (groups of curves): Okabe-Ito without red-like colours and yellow (too pale on white).
_CATEGORICAL = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"], PALETTE["sky"], "#000000", "#999933"]

# Recovery phases (timeline segments, stacked bars): Paul Tol's "muted" scheme, fixed for the
# phases every model has, then in order of appearance for step names.
_PHASE_FIXED = {
    "detect": "#88CCEE",
    "switchover": "#332288",
    "no_spare": "#CC6677",
    "crew_wait": "#DDCC77",
    "inspection_wait": "#999933",
    "dependency_wait": "#661100",  # a step waits for (or paused on) its requirement
    "shock": "#AA4499",  # = _SHOCK
    "maintenance": "#BBBBBB",
    "other": "#DDDDDD",
    "failure": "#882255",
}
_PHASE_CYCLE = ["#117733", "#44AA99", "#0072B2", "#E69F00", "#8C510A", "#009E73", "#CC79A7", "#666666"]
_phase_assigned: dict[str, str] = {}


def phase_color(phase: str) -> str:
    """The colour of a recovery phase, the same in every chart of the session.

    Parameters
    ----------
    phase : str
        A step name, ``crew_wait``, ``switchover``...

    Returns
    -------
    str
        A matplotlib colour.

    Examples
    --------
    >>> phase_color("restore") == phase_color("restore")
    True
    """
    if phase in _PHASE_FIXED:
        return _PHASE_FIXED[phase]
    if phase not in _phase_assigned:
        _phase_assigned[phase] = _PHASE_CYCLE[len(_phase_assigned) % len(_PHASE_CYCLE)]
    return _phase_assigned[phase]


# --- text: durations, probabilities, horizons -----------------------------------------------------


def _unit_for(h: float) -> tuple[str, float]:
    """(unit name, hours per unit) to show durations up to ``h`` on a linear axis."""
    if h < 2 / 60:
        return "seconds", 1 / 3600
    if h < 2:
        return "minutes", 1 / 60
    if h < 72:
        return "hours", 1.0
    return "days", 24.0


def _time_unit(span_h: float) -> tuple[str, float]:
    """(unit name, hours per unit) for a time-since-start axis of length ``span_h``."""
    if span_h >= 2 * 8760:
        return "years", 8760.0
    if span_h >= 8 * 168:
        return "weeks", 168.0
    if span_h >= 72:
        return "days", 24.0
    if span_h >= 2:
        return "hours", 1.0
    return "minutes", 1 / 60


_TICK_CANDIDATES = [
    1 / 3600, 10 / 3600, 30 / 3600, 1 / 60, 2 / 60, 5 / 60, 10 / 60, 15 / 60, 30 / 60,
    1, 2, 4, 8, 12, 24, 48, 72, 168, 336, 720, 2160, 4380, 8760,
]  # fmt: skip


def _tick_label(h: float) -> str:
    if h < 1 / 60 - 1e-12:
        return f"{h * 3600:.0f} s"
    if h < 1 - 1e-12:
        return f"{h * 60:.0f} min"
    if h < 24 - 1e-9:
        return f"{h:.0f} h"
    if h < 168 - 1e-9:
        return f"{h / 24:.0f} d"
    if h < 720 - 1e-9:
        return f"{h / 168:.0f} w"
    if h < 8760 - 1e-9:
        return f"{h / 720:.0f} mo"
    return f"{h / 8760:.0f} y"


_TICK_COARSE = [1 / 3600, 10 / 3600, 1 / 60, 10 / 60, 1, 4, 24, 168, 720, 8760]


def _duration_log_axis(axis: Any, lo: float, hi: float) -> None:
    """Log axis of durations (hours) with ticks at natural durations labelled with their unit."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    min_gap = math.log10(hi / lo) / 9  # at most about 9 ticks, never crowded
    ticks: list[float] = []
    for cands in (_TICK_COARSE, _TICK_CANDIDATES):
        ticks = []
        for t in cands:
            if lo <= t <= hi and (not ticks or math.log10(t / ticks[-1]) >= min_gap):
                ticks.append(t)
        if len(ticks) >= 3:
            break
    if len(ticks) < 2:
        ticks = [lo, hi]
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: _tick_label(v)))
    axis.set_minor_locator(NullLocator())


# --- axes helpers ---------------------------------------------------------------------------------


def _new_ax(ax: Axes | None, figsize: tuple[float, float] = (8.0, 4.2)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def _style(ax: Axes, grid: Literal["x", "y", ""] = "y") -> None:
    """Quiet axes: no top/right frame, a light grid on the value axis only, behind the data."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#888888")
    ax.tick_params(colors=_TEXT, labelsize=9)
    ax.set_axisbelow(True)
    if grid:
        ax.grid(True, axis=grid, color="#E6E6E6", linewidth=0.8)
    ax.xaxis.label.set_color(_TEXT)
    ax.yaxis.label.set_color(_TEXT)


def _title(ax: Axes, headline: str, detail: str = "") -> None:
    ax.set_title(headline + (f"\n{detail}" if detail else ""), loc="left", fontsize=11, color="#111111")


def _message(ax: Axes, text: str) -> None:
    """A chart with nothing to plot says why, in the middle, instead of failing."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=11, color=_TEXT, wrap=True)
    ax.set_yticks([])


def _legend(ax: Axes, **kw: Any) -> None:
    kw.setdefault("frameon", False)
    kw.setdefault("fontsize", 9)
    ax.legend(**kw)


def _percent_axis(axis: Any, span: float | None = None) -> None:
    """Percent ticks (values are fractions) with as many decimals as the tick spacing needs.
    Call after the limits are set."""
    from matplotlib.ticker import PercentFormatter

    lo, hi = axis.get_view_interval()
    ticks = axis.get_major_locator().tick_values(lo, hi)
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else (span or 1.0)
    decimals = 0
    while step > 0 and decimals < 6 and abs(round(step * 100, decimals) - step * 100) > 1e-6 * step * 100:
        decimals += 1
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=min(decimals, 6)))


def _check_service(res: Results, service: str) -> None:
    res._svc(service)  # KeyError: unknown service 'x'; services: ...


def _who(model_name: str, service: str) -> str:
    """How a title names the service: with its model, so that charts of variants tell which is which."""
    if not model_name or model_name in ("model", service):
        return service
    return f"{service} ({model_name})"


def _target(res: Results, service: str, key: str) -> float | None:
    v = res.targets.get(service, {}).get(key)
    return None if v is None else float(v)


def _as_availability(sla: Any) -> float:
    """0.9995, 99.95 (percent) or '99.95%' -> 0.9995."""
    if isinstance(sla, str):
        s = sla.strip()
        v = float(s[:-1]) / 100 if s.endswith("%") else float(s)
    else:
        v = float(sla)
    if 1 < v <= 100:
        v /= 100
    if not 0 < v <= 1:
        raise ValueError(f"sla must be an availability in (0, 1] (e.g. 0.9995 or '99.95%'), got {sla!r}")
    return v


def _sla_text(a: float) -> str:
    return f"{100 * a:.6g}%"


# --- 1. downtime per horizon --------------------------------------------------------------------------


def downtime_distribution(
    res: Results,
    service: str,
    sla: float | str | None = None,
    *,
    kind: str = "hist",
    log: bool = False,
    include_planned: bool = False,
    bins: int = 60,
    ax: Axes | None = None,
) -> Axes:
    """Distribution of a service's downtime per horizon, with the SLA budget and P(miss).

    Each simulated horizon (a year, usually) contributes its downtime. The red line is the
    downtime the SLA allows (``horizon × (1 − target)``); the horizons beyond it miss the SLA
    (orange, on a light orange background, so that a rare miss is still visible); the title
    states the probability of a miss, ``1 − res.p_sla_met(service, sla)``.

    Parameters
    ----------
    res : Results
        A simulation run.
    service : str
        Service name (``KeyError`` if unknown).
    sla : float or str, optional
        Availability target (``0.9995``, ``99.95`` or ``"99.95%"``); default: the service's own
        ``availability=`` target. Without any, no line is drawn.
    kind : {"hist", "exceedance", "ecdf"}
        ``"hist"``: a histogram of the horizons. ``"exceedance"``: the share of horizons with
        *more* than x of downtime on a log scale, which shows the tail (its height at the
        budget line is P(miss)). ``"ecdf"``: the share with at most x.
    log : bool
        Logarithmic downtime axis, for heavy tails (horizons without downtime cannot be shown
        there and are counted in the title).
    include_planned : bool
        Count maintenance windows too (SLAs usually exclude them).
    bins : int
        Histogram bins (about: the budget is always a bin edge).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = downtime_distribution(res, "trading")                       # doctest: +SKIP
    >>> ax = downtime_distribution(res, "withdrawals", kind="exceedance")  # doctest: +SKIP
    >>> ax.get_title(loc="left")                                         # doctest: +SKIP
    'trading misses its 99.95% SLA in 0.44% of years (about 1 year in 230)\\n...'
    """
    _check_service(res, service)
    who = _who(res.model_name, service)
    if kind not in ("hist", "exceedance", "ecdf"):
        raise ValueError(f"kind must be 'hist', 'exceedance' or 'ecdf', got {kind!r}")
    target = _as_availability(sla) if sla is not None else _target(res, service, "availability")
    dt = np.asarray(res.downtime(service), dtype=float)
    if include_planned:
        dt = dt + res.planned_downtime(service)
    n = dt.size
    one, many = fmt.horizon_words(res.horizon)
    ax = _new_ax(ax)
    _style(ax)
    budget = None if target is None else res.horizon * (1.0 - target)
    p_miss = math.nan
    if target is not None:
        met = res.availabilities(service, include_planned=include_planned) >= target
        p_miss = float(1.0 - met.mean())
    what = "downtime" if include_planned else "unplanned downtime"
    label_dur = f"{what} of {service} per {one}"
    budget_label = None if target is None else f"SLA {_sla_text(target)}: budget {fmt.duration(budget)} per {one}"

    if not np.any(dt > 0):
        hi = budget * 1.5 if budget else 1.0
        unit, scale = _unit_for(hi)
        ax.set_xlim(0, hi / scale)
        if budget is not None:
            ax.axvline(budget / scale, color=TARGET_COLOR, lw=2, label=budget_label)
            _legend(ax, loc="upper right")
        _message(ax, f"no {what} in any of the {n:,} simulated {many}")
        ax.set_xlabel(f"{label_dur} ({unit})")
        headline = f"{who}: no {what} in {n:,} simulated {many}"
        if target is not None:
            headline += f", the {_sla_text(target)} SLA is always met"
        _title(ax, headline)
        return ax

    mean, p99 = float(dt.mean()), float(np.quantile(dt, 0.99))
    zero = dt == 0
    if target is not None and p_miss == 0:
        headline = f"{who} meets its {_sla_text(target)} SLA in all {n:,} simulated {many}"
        detail = f"budget {fmt.duration(budget)} per {one}; mean downtime {fmt.duration(mean)}, P99 {fmt.duration(p99)}"
    elif target is not None:
        headline = f"{who} misses its {_sla_text(target)} SLA in {fmt.percent(p_miss)} of {many}{fmt.one_in(p_miss, one)}"
        detail = f"budget {fmt.duration(budget)} per {one}; mean downtime {fmt.duration(mean)}, P99 {fmt.duration(p99)}"
    elif zero.mean() > 0.9:
        k = int(np.count_nonzero(~zero))
        headline = f"{who}: {what} in only {k:,} of {n:,} {many} ({fmt.percent(k / n)}), {fmt.duration(mean)} per {one} on average"
        detail = "no availability target (pass sla=)"
    else:
        headline = f"{who}: {fmt.duration(mean)} of {what} per {one} on average, {fmt.duration(p99)} in the worst 1% of {many}"
        detail = "no availability target (pass sla=)"
    rare = zero.mean() > 0.9  # draw only the horizons with downtime
    if zero.mean() >= 0.05 and not (rare and kind == "hist"):
        detail += f"; {fmt.percent(float(zero.mean()))} of {many} without any"
    miss_colour = _HIGHLIGHT
    mean_label = f"mean {fmt.duration(mean)}"

    if kind in ("exceedance", "ecdf") or log:
        # Durations in hours on a log axis with duration ticks (hist with log=True too).
        pos = np.sort(dt[dt > 0])
        lo = float(np.quantile(pos, 0.001)) / 1.5
        hi = float(pos.max()) * 1.3
        if budget is not None:
            lo, hi = min(lo, budget / 3), max(hi, budget * 1.5)
        if kind == "hist":
            edges = np.geomspace(lo, hi, bins + 1)
            if budget is not None:  # make the budget an edge
                k = int(np.argmin(np.abs(edges - budget)))
                edges = np.geomspace(lo, budget, k + 1) if k > 0 else np.array([lo, budget])
                ratio = edges[-1] / edges[-2] if len(edges) > 1 else 1.3
                above = int(math.ceil(math.log(hi / budget) / math.log(ratio)))
                edges = np.concatenate([edges, budget * ratio ** np.arange(1, above + 1)])
            counts, edges = np.histogram(pos, bins=edges)
            left, width = edges[:-1], np.diff(edges)
            over = np.zeros(left.shape, dtype=bool) if budget is None else left >= budget * (1 - 1e-9)
            ax.bar(
                left[~over],
                counts[~over],
                width=width[~over],
                align="edge",
                color=_DATA,
                edgecolor="white",
                linewidth=0.3,
                label=f"{many} within budget" if budget is not None else f"{n:,} simulated {many}",
            )
            if over.any():
                ax.bar(
                    left[over],
                    counts[over],
                    width=width[over],
                    align="edge",
                    color=miss_colour,
                    edgecolor="white",
                    linewidth=0.3,
                    label=f"{many} that miss the SLA ({fmt.percent(p_miss)})",
                )
            ax.set_ylabel(f"simulated {many} (of {n:,})")
            if zero.any():
                detail += f"; {int(zero.sum()):,} {many} without downtime not shown"
        elif kind == "exceedance":
            y = (pos.size - np.arange(1, pos.size + 1)) / n  # P(D > x) just after each value
            xs = np.concatenate([[lo], pos])
            ys = np.concatenate([[pos.size / n], y])
            ax.step(xs, ys, where="post", color=_DATA, lw=1.8, label=f"{n:,} simulated {many}")
            ax.set_yscale("log")
            ymin = max(0.5 / n, 1e-6)
            ax.set_ylim(ymin, 1.2)
            from matplotlib.ticker import FuncFormatter

            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{100 * v:g}%"))
            ax.set_ylabel(f"share of {many} with more downtime than x")
            if budget is not None:
                ax.plot([budget], [max(p_miss, ymin)], "o", color=TARGET_COLOR, ms=5, zorder=4)
                ax.annotate(
                    f"P(miss) = {fmt.percent(p_miss)}",
                    (budget, max(p_miss, ymin)),
                    xytext=(8, 6),
                    textcoords="offset points",
                    fontsize=9,
                    color=TARGET_COLOR,
                )
        else:
            y = (np.count_nonzero(zero) + np.arange(1, pos.size + 1)) / n
            ax.step(
                np.concatenate([[lo], pos]),
                np.concatenate([[zero.mean()], y]),
                where="post",
                color=_DATA,
                lw=1.8,
                label=f"{n:,} simulated {many}",
            )
            ax.set_ylim(0, 1.02)
            _percent_axis(ax.yaxis, 1.0)
            ax.set_ylabel(f"share of {many} with at most x")
            if budget is not None:
                ax.axhline(1 - p_miss, color=TARGET_COLOR, lw=0.8, ls=":")
                ax.annotate(
                    f"{fmt.percent(1 - p_miss)} of {many} within budget",
                    (budget, 1 - p_miss),
                    xytext=(-6, -16),
                    textcoords="offset points",
                    fontsize=9,
                    color=TARGET_COLOR,
                    ha="right",
                )
        ax.set_xscale("log")
        ax.set_xlim(lo, hi)
        _duration_log_axis(ax.xaxis, lo, hi)
        if kind != "exceedance":
            ax.grid(True, axis="x", color="#F0F0F0", linewidth=0.8)
        b, scale = budget, 1.0
        ax.set_xlabel(f"{label_dur} (log scale)")
    else:
        sample = dt[~zero] if rare else dt
        q999 = float(np.quantile(sample, 0.999))
        hi = max(q999 if q999 > 0 else float(dt.max()), budget * 1.15 if budget else 0.0)
        unit, scale = _unit_for(hi)
        x = sample / scale
        top = hi / scale
        b = None if budget is None else budget / scale
        if b is not None and b > 0:
            nb = max(1, int(round(bins * b / top)))
            w = b / nb
            edges = np.arange(0.0, top + w, w)
        else:
            edges = np.linspace(0.0, top, bins + 1)
        beyond = int(np.sum(x > edges[-1]))
        counts, edges = np.histogram(x[x <= edges[-1]], bins=edges)
        left, width = edges[:-1], np.diff(edges)
        over = np.zeros(left.shape, dtype=bool) if b is None else left >= b * (1 - 1e-9)
        ax.bar(
            left[~over],
            counts[~over],
            width=width[~over],
            align="edge",
            color=_DATA,
            edgecolor="white",
            linewidth=0.3,
            label=f"{many} within budget" if b is not None else (f"{many} with downtime" if rare else f"{n:,} simulated {many}"),
        )
        if over.any():
            ax.bar(
                left[over],
                counts[over],
                width=width[over],
                align="edge",
                color=miss_colour,
                edgecolor="white",
                linewidth=0.3,
                label=f"{many} that miss the SLA ({fmt.percent(p_miss)})",
            )
        if rare:
            ax.set_ylabel(f"{many} with downtime ({x.size:,} of {n:,})")
            detail += f"; the {n - x.size:,} {many} without downtime are not drawn"
        else:
            ax.set_ylabel(f"simulated {many} (of {n:,})")
        ax.set_xlim(0, edges[-1])
        ax.set_xlabel(f"{label_dur} ({unit})")
        if beyond:
            detail += f"; {beyond:,} {one if beyond == 1 else many} beyond the axis (worst {fmt.duration(float(dt.max()))})"
    if budget is not None and b is not None:
        ax.axvspan(b, ax.get_xlim()[1], color=miss_colour, alpha=0.10, lw=0, zorder=0)
        ax.axvline(b, color=TARGET_COLOR, lw=2, label=budget_label)
    if not (rare and kind == "hist" and not log):
        ax.axvline(mean / scale, color=PALETTE["black"], lw=1, ls="--", label=mean_label)
    _legend(ax, loc={"hist": "best", "exceedance": "lower left", "ecdf": "lower right"}[kind])
    _title(ax, headline, detail)
    return ax


# --- 2. outage durations ------------------------------------------------------------------------------


def cost_distribution(
    res: Results,
    service: str | None = None,
    *,
    tail: float = 0.99,
    bins: int = 60,
    ax: Axes | None = None,
) -> Axes:
    """Distribution of the cost per horizon (the annual cost, usually), with its tail marked.

    Each replication contributes its cost: the total (every priced service plus the running
    cost of the architecture) or one service's. The mean is a dashed line, the ``tail`` quantile
    (P99: the bad year) a red line, and the replications beyond it are orange.

    Parameters
    ----------
    res : Results
        A simulation run (per-replication values kept).
    service : str, optional
        One service, or ``None`` for the total.
    tail : float, default 0.99
        The quantile marked as the tail, in (0, 1).
    bins : int
        Histogram bins.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = cost_distribution(res)                    # doctest: +SKIP
    >>> ax.get_title(loc="left")                       # doctest: +SKIP
    'exchange costs 571k per year on average; 1 year in 100 costs more than 1.46M'
    """
    if service is not None:
        _check_service(res, service)
    if not 0 < tail < 1:
        raise ValueError(f"tail must be a quantile level in (0, 1), got {tail!r}")
    ax = _new_ax(ax)
    _style(ax)
    who = res.model_name if service is None else _who(res.model_name, service)
    c = np.asarray(res.costs(service), dtype=float)
    per = fmt.per_horizon(res.horizon)
    if c.size == 0 or float(c.max()) == float(c.min()):
        _message(ax, f"{who}: the cost is the same in every {per} ({fmt.money(float(c[0]) if c.size else 0.0)})")
        return ax
    e = res.expected_cost(service)
    q = float(np.quantile(c, tail))
    edges = np.linspace(float(c.min()), float(c.max()), bins + 1)
    counts, _ = np.histogram(c, bins=edges)
    share = counts / c.size
    centres, width = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    beyond = edges[:-1] >= q
    ax.bar(centres[~beyond], share[~beyond], width=width[~beyond], color=_DATA, label=f"{per}s")
    if beyond.any():
        ax.bar(centres[beyond], share[beyond], width=width[beyond], color=_HIGHLIGHT, label=f"beyond P{100 * tail:g}")
    ax.axvline(e.mean, color=PALETTE["black"], linestyle="--", linewidth=1.2, label=f"mean {fmt.money(e.mean)}")
    ax.axvline(q, color=TARGET_COLOR, linewidth=1.5, label=f"P{100 * tail:g} {fmt.money(q)}")
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.money(x)))
    _percent_axis(ax.yaxis)
    ax.set_xlabel(f"cost per {per}" + (" (running costs included)" if service is None and res.running_cost() else ""))
    ax.set_ylabel(f"share of {per}s")
    n_tail = round(1 / (1 - tail))
    _title(
        ax,
        f"{who} costs {fmt.money(e.mean)} per {per} on average; 1 {per} in {n_tail} costs more than {fmt.money(q)}",
        f"{res.replications:,} replications; mean {fmt.confidence(e.confidence)} CI {fmt.money(e.low)} – {fmt.money(e.high)}",
    )
    _legend(ax, loc="upper right")
    return ax


def _outage_groups(o: pd.DataFrame, by: str) -> pd.Series:
    if by == "component":
        return o["component"].where(o["component"].notna(), o["shock"]).astype(str)
    if by == "cause":
        comp = o["component"].astype(str) + ": " + o["mode"].astype(str)
        return comp.where(o["component"].notna(), o["shock"].astype(str) + " (shock)")
    if by == "mode":
        return o["mode"].where(o["mode"].notna(), "shock").astype(str)
    raise ValueError(f"by must be None, 'component', 'cause' or 'mode', got {by!r}")


def outage_durations(
    res: Results,
    service: str,
    rto: Duration | None = None,
    *,
    by: str | None = None,
    top: int = 5,
    ax: Axes | None = None,
) -> Axes:
    """How long the outages of a service last: the share restored within each duration.

    An empirical CDF of the outage durations (log time axis) from the outage records of the
    kept replications (``res.outages``); without records (``keep_outages=0``) it is read from the
    engine's duration histogram. The red line is the RTO; the title states the share of
    outages restored within it and the probability of at least one breach per horizon: for the
    service's own target these are ``res.rto_compliance`` and ``res.p_rto_breach`` (every
    replication; outages still open at the horizon are left out unless they had already
    outlasted the RTO), for another ``rto`` they are counted from the records.

    Parameters
    ----------
    res : Results
        A simulation run.
    service : str
        Service name (``KeyError`` if unknown).
    rto : duration, optional
        Recovery time objective (``"30m"``, hours); default: the service's ``rto=`` target.
    by : {None, "component", "cause", "mode"}
        One curve per root cause: the component (or shock) that began the outage, the
        component and failure mode, or the failure mode. The ``top`` causes with the most
        downtime get a curve each (the legend gives their count and downtime per horizon), the
        rest are pooled.
    top : int
        Curves to show with ``by``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = outage_durations(res, "database")                     # doctest: +SKIP
    >>> ax = outage_durations(res, "database", by="cause")         # doctest: +SKIP
    """
    _check_service(res, service)
    who = _who(res.model_name, service)
    rto_h = hours(rto, name="rto") if rto is not None else _target(res, service, "rto")
    one, many = fmt.horizon_words(res.horizon)
    ax = _new_ax(ax, figsize=(11.0, 4.4) if by is not None else (8.0, 4.2))
    _style(ax)
    ax.set_ylabel("share of outages restored within x")
    ax.set_xlabel("outage duration (log scale)")

    records = res.kept_replications > 0
    groups: list[tuple[str, np.ndarray]] = []
    hist: tuple[np.ndarray, np.ndarray] | None = None
    n_out = 0
    met = breach = 0
    reps_with_breach = 0
    if records:
        o = res.outages(service)
        o = o[~o["planned"].to_numpy()]
        dur = o["duration_h"].to_numpy()
        cen = o["censored"].to_numpy()
        done = dur[~cen]
        n_out = int(done.size)
        if rto_h is not None:
            met = int(np.sum(done <= rto_h))
            breach = int(np.sum(dur > rto_h))
            reps_with_breach = int(o.loc[o["duration_h"] > rto_h, "replication"].nunique())
        if by is not None:
            g = _outage_groups(o, by)[~cen]
            order = pd.Series(done, index=g.to_numpy()).groupby(level=0).sum().sort_values(ascending=False)
            shown = list(order.index[:top])
            for name in shown:
                groups.append((str(name), np.sort(done[(g == name).to_numpy()])))
            rest = ~g.isin(shown).to_numpy()
            if rest.any():
                groups.append((f"{len(order) - len(shown)} other causes", np.sort(done[rest])))
        else:
            groups.append(("all outages", np.sort(done)))
    else:
        if by is not None:
            raise ValueError("by= needs the outage records: simulate with keep_outages > 0")
        counts, edges = res.outage_duration_histogram(service)
        hist = (counts, edges)
        n_out = int(counts.sum())
        if rto_h is not None and n_out:
            within = counts[edges[1:] <= rto_h].sum()
            met, breach = int(within), int(n_out - within)

    if n_out == 0:
        if rto_h is not None:
            ax.set_xscale("log")
            ax.set_xlim(rto_h / 10, rto_h * 10)
            _duration_log_axis(ax.xaxis, rto_h / 10, rto_h * 10)
            ax.axvline(rto_h, color=TARGET_COLOR, lw=2, label=f"RTO {fmt.duration(rto_h)}")
            _legend(ax, loc="lower right")
        _message(ax, f"no completed outages of {service} in {res.replications:,} simulated {many}")
        _title(ax, f"{who}: no outages to show")
        return ax

    all_done = np.concatenate([d for _, d in groups]) if groups else np.array([])
    if hist is not None:
        counts, edges = hist
        nz = np.nonzero(counts)[0]
        lo_h, hi_h = float(edges[nz[0]]) if edges[nz[0]] > 0 else float(edges[nz[0] + 1]) / 2, float(edges[nz[-1] + 1])
        cum = np.cumsum(counts) / counts.sum()
        x = edges[1:][: nz[-1] + 1]
        ax.step(
            np.concatenate([[lo_h], x]),
            np.concatenate([[0.0], cum[: nz[-1] + 1]]),
            where="post",
            color=_DATA,
            lw=1.8,
            label=f"{n_out:,} outages (from the duration histogram)",
        )
        q50, q99 = res.outage_duration_quantiles(service, (0.5, 0.99))
    else:
        pos = all_done[all_done > 0]
        lo_h = float(np.quantile(pos, 0.001)) if pos.size else 1 / 3600
        hi_h = float(all_done.max())
        for i, (name, d) in enumerate(groups):
            if d.size == 0:
                continue
            y = np.arange(1, d.size + 1) / d.size
            colour = _DATA if by is None else (_MUTED if name.endswith(" other causes") else _CATEGORICAL[i % len(_CATEGORICAL)])
            label = (
                f"{d.size:,} outages"
                if by is None
                else f"{name}: {d.size:,} outages, {fmt.duration(float(d.sum()) / max(res.kept_replications, 1))} per {one}"
            )
            style = "-" if by is None else ["-", "--", "-", "-.", "-", ":"][i % 6]  # identical curves stay visible
            ax.step(
                np.concatenate([[d[0]], d]),
                np.concatenate([[0.0], y]),
                where="post",
                color=colour,
                lw=1.8,
                ls=style,
                label=label,
                zorder=2.5 if style != "-" else 2,
            )
        q50, q99 = np.quantile(all_done, [0.5, 0.99])
    lo = lo_h / 1.5
    hi = hi_h * 1.5
    if rto_h is not None:
        lo, hi = min(lo, rto_h / 3), max(hi, rto_h * 3)
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    _duration_log_axis(ax.xaxis, lo, hi)
    ax.set_ylim(0, 1.02)
    _percent_axis(ax.yaxis, 1.0)
    ax.grid(True, axis="x", color="#F0F0F0", linewidth=0.8)

    per = n_out / max(res.kept_replications if records else res.replications, 1)
    detail = f"{per:.3g} completed outages per {one}; half end within {fmt.duration(q50)}, 99% within {fmt.duration(q99)}"
    own_rto = rto is None and rto_h is not None  # the service's target: the engine counted every replication
    if rto_h is not None and met + breach > 0:
        share = res.rto_compliance(service).mean if own_rto else met / (met + breach)
        ax.axvline(rto_h, color=TARGET_COLOR, lw=2, label=f"RTO {fmt.duration(rto_h)}")
        ax.axhline(share, color=TARGET_COLOR, lw=0.8, ls=":")
        ax.annotate(
            f"{fmt.percent(share)} within the RTO",
            (rto_h, share),
            xytext=(6, -26),
            textcoords="offset points",
            fontsize=9,
            color=TARGET_COLOR,
            ha="left",
            va="top",
            bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85),
        )
        headline = f"{who}: {fmt.percent(share)} of outages are restored within the {fmt.duration(rto_h)} RTO"
        if own_rto or records:
            p = res.p_rto_breach(service).mean if own_rto else reps_with_breach / res.kept_replications
            detail += f"\nP(at least one breach in a {one}) = {fmt.percent(p)}{fmt.one_in(p, one)}"
    else:
        headline = f"{who}: half of the outages end within {fmt.duration(q50)}, 99% within {fmt.duration(q99)}"
    if records and res.kept_replications < res.replications:
        detail += f" (curves: the first {res.kept_replications:,} {many})"
    if by is not None:
        _legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0), title=f"root cause ({by})", title_fontsize=9, alignment="left")
    else:
        _legend(ax, loc="lower right")
    _title(ax, headline, detail)
    return ax


# --- 3. availability over time --------------------------------------------------------------------


def _bin_edges(horizon: float, bins: int | Duration) -> np.ndarray:
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        if bins < 1:
            raise ValueError(f"bins must be >= 1, got {bins}")
        return np.linspace(0.0, horizon, int(bins) + 1)
    width = hours(bins, name="bins")
    if width <= 0:
        raise ValueError(f"bin width must be > 0, got {bins!r}")
    edges = np.arange(0.0, horizon, width)
    edges = np.append(edges, horizon)
    if len(edges) > 2 and edges[-1] - edges[-2] < 0.25 * width:  # fold a sliver into the last bin
        edges = np.delete(edges, -2)
    return edges


def _bin_word(width: float) -> str:
    for w, word in ((1.0, "hour"), (24.0, "day"), (168.0, "week"), (730.0, "month"), (720.0, "month")):
        if abs(width - w) / w < 0.02:
            return word
    text, unit = fmt.duration(width).split(" ", 1)
    unit = {"s": "second", "min": "minute", "h": "hour"}.get(unit, unit.rstrip("s"))
    return f"{text}-{unit} bin"


def binned_downtime(res: Results, service: str, edges: np.ndarray, include_planned: bool = False) -> np.ndarray:
    """Downtime (hours) of ``service`` in each time bin, per kept replication.

    Built from the outage records.

    Parameters
    ----------
    res : Results
        A run with kept outage records.
    service : str
        The service.
    edges : numpy.ndarray
        Bin edges, hours.
    include_planned : bool, default False
        Count planned downtime too.

    Returns
    -------
    numpy.ndarray
        Shape ``(kept replications, bins)``.

    Examples
    --------
    >>> res = rs.examples.load("single").simulate("1y", 100, seed=1, progress=False)
    >>> binned_downtime(res, "web", np.linspace(0, 8760, 13)).shape
    (100, 12)
    """
    _check_service(res, service)
    kept = res.kept_replications
    out = np.zeros((kept, len(edges) - 1))
    if kept == 0:
        return out
    o = res.outages(service)
    if not include_planned:
        o = o[~o["planned"].to_numpy()]
    start = o["start_h"].to_numpy()
    end = np.minimum(start + o["duration_h"].to_numpy(), edges[-1])
    rep = o["replication"].to_numpy()
    nb = len(edges) - 1
    b0 = np.clip(np.searchsorted(edges, start, side="right") - 1, 0, nb - 1)
    b1 = np.clip(np.searchsorted(edges, end, side="left") - 1, 0, nb - 1)
    same = b0 == b1
    np.add.at(out, (rep[same], b0[same]), end[same] - start[same])
    for r, s, e, i0, i1 in zip(rep[~same], start[~same], end[~same], b0[~same], b1[~same]):
        for b in range(i0, i1 + 1):
            out[r, b] += max(0.0, min(e, edges[b + 1]) - max(s, edges[b]))
    return out


def availability_over_time(
    res: Results | Model,
    service: str,
    bins: int | Duration = 52,
    *,
    horizon: Duration | None = None,
    exact: bool | None = None,
    include_planned: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Availability of a service in each time bin of the horizon, with a 95% band.

    The engine reports whole-horizon totals, so the curve is rebuilt from the outage records of
    the kept replications (``res.outages``): the downtime falling in each bin, averaged over
    those replications, divided by the bin width. Every replication starts with all components
    new, so the first bins show the start-up effect; wear-out (Weibull shape > 1) shows as a
    downward drift. When the model is exponential the exact Markov-chain answer (the bin
    average of A(t), from all up at 0) is drawn over it; the red line is the availability
    target.

    Parameters
    ----------
    res : Results or Model
        A simulation run; or an exponential model, to draw the exact curve alone (then pass
        ``horizon=``).
    service : str
        Service name (``KeyError`` if unknown).
    bins : int or duration
        Number of equal bins, or their width (``"1w"``, ``"1d"``).
    horizon : duration, optional
        Only for a Model: the time span to draw.
    exact : bool, optional
        Overlay the exact answer: ``None`` when the model has one, ``True`` always (a
        ``ValueError`` when it has none), ``False`` never.
    include_planned : bool
        Count maintenance windows as downtime.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = availability_over_time(res, "trading", bins="1w")    # doctest: +SKIP
    >>> ax = availability_over_time(m, "trading", horizon="30d")  # doctest: +SKIP
    """
    is_model = isinstance(res, Model)
    if is_model:
        model: Model = res  # type: ignore[assignment]
        if horizon is None:
            raise TypeError("availability_over_time(model, ...) needs horizon= (e.g. '1y')")
        if service not in model.services:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(model.services) or '(none)'}")
        H = hours(horizon, name="horizon")
        who = _who(model.name, service)
        if exact is False:
            raise ValueError("availability_over_time(model, ...) draws the exact answer: exact=False leaves nothing to draw")
        ex = model.exact()
        target = model.services[service].availability
        mean_b = None
        n_kept = 0
    else:
        r: Results = res  # type: ignore[assignment]
        _check_service(r, service)
        who = _who(r.model_name, service)
        H = r.horizon if horizon is None else hours(horizon, name="horizon")
        target = _target(r, service, "availability")
        ex = None
        if exact is not False:
            try:
                ex = r.exact()
            except ValueError:
                if exact:
                    raise
        n_kept = r.kept_replications
    edges = _bin_edges(H, bins)
    width = np.diff(edges)
    mid = (edges[:-1] + edges[1:]) / 2
    tunit, tscale = _time_unit(H)
    word = _bin_word(float(np.median(width)))
    ax = _new_ax(ax)
    _style(ax)
    ax.set_xlabel(f"time since all components were new ({tunit})")
    ax.set_ylabel(f"availability in each {word}")
    ax.set_xlim(0, H / tscale)

    lows, highs = [], []
    headline = detail = ""
    lo_b = hi_b = None
    if not is_model:
        if n_kept == 0:
            _message(ax, "no outage records: simulate with keep_outages > 0")
            _title(ax, f"{who}: availability over time needs the outage records")
            return ax
        d = binned_downtime(r, service, edges, include_planned)
        mean_b = d.mean(axis=0) / width
        a = 1.0 - mean_b
        # Per bin, the interval of recoverysim.stats for a mean downtime (in [0, bin width];
        # mostly-zero bins get the MOVER interval), as availability.
        est = [nonnegative_mean_estimate(d[:, j], 0.95, upper=float(width[j])) for j in range(len(width))]
        lo_b = np.array([1.0 - e.high / w for e, w in zip(est, width)])
        hi_b = np.array([1.0 - e.low / w for e, w in zip(est, width)])
        xs = edges / tscale
        ax.fill_between(
            xs, np.append(lo_b, lo_b[-1]), np.append(hi_b, hi_b[-1]), step="post", color=_DATA, alpha=0.2, lw=0, label="95% band"
        )
        runs = f"{n_kept:,} runs" if n_kept == r.replications else f"first {n_kept:,} of {r.replications:,} runs"
        ax.step(xs, np.append(a, a[-1]), where="post", color=_DATA, lw=1.6, label=f"simulated ({runs})")
        lows.append(float(lo_b.min()))
        highs.append(float(hi_b.max()))
        overall = 1.0 - float(d.sum(axis=1).mean() / H)
        # Trend: the least-squares slope of each replication's binned unavailability against time
        # (replications are independent, so the mean slope has an honest confidence interval).
        xf = mid / H
        wts = width / width.sum()
        xc = xf - float(np.sum(wts * xf))
        slopes = (d / width) @ (wts * xc) / float(np.sum(wts * xc * xc)) if len(mid) > 1 else np.zeros(n_kept)
        slope = float(slopes.mean())
        slope_half = 1.96 * float(slopes.std(ddof=1)) / math.sqrt(n_kept) if n_kept > 1 else math.inf
        over = "over the year" if abs(H - 8760) < 1e-9 else f"over {fmt.duration(H)}"
        if len(mid) == 1 or abs(slope) <= slope_half:
            headline = f"{who}: no trend {over}, {fmt.percent(overall)} available on average"
        else:
            verb = "falls" if slope > 0 else "rises"
            headline = (
                f"{who}: availability {verb} {over}, from {fmt.percent(float(a[0]))} in the first {word} "
                f"to {fmt.percent(float(a[-1]))} in the last"
            )
        if target is not None:
            below = int(np.sum(hi_b < target))
            detail = (
                f"{below} of {len(a)} {word}s below the {_sla_text(target)} target"
                if below
                else f"no {word} below the {_sla_text(target)} target"
            )
        else:
            detail = f"{len(a)} {word}s"
    if ex is not None:
        k = 16
        ts = (edges[:-1, None] + (np.arange(k)[None, :] + 0.5) / k * width[:, None]).ravel()
        pa = np.asarray(ex.point_availability(service, ts)).reshape(len(mid), k).mean(axis=1)
        ax.step(edges / tscale, np.append(pa, pa[-1]), where="post", color=PALETTE["black"], lw=1.2, ls="--", label="exact")
        lows.append(float(pa.min()))
        highs.append(float(pa.max()))
        if is_model:
            headline = f"{who}: exact availability averages {fmt.percent(float(ex.mean_availability(service, H)))} over {fmt.duration(H)}"
            detail = f"mean over each {word}, from all components new; steady state {fmt.percent(ex.availability(service))}"
        else:
            inside = int(np.sum((pa >= lo_b) & (pa <= hi_b)))
            detail += f"\nthe exact answer is inside the 95% band in {inside} of {len(pa)} {word}s"
    lo, hi = min(lows), max(highs)
    if target is not None:
        span = max(hi - lo, 1e-9)
        if lo - target <= 2.5 * span:
            ax.axhline(target, color=TARGET_COLOR, lw=2, label=f"target {_sla_text(target)}")
            lo = min(lo, target)
        else:
            ax.text(
                0.01,
                0.02,
                f"target {_sla_text(target)}: below the chart",
                transform=ax.transAxes,
                fontsize=9,
                color=TARGET_COLOR,
                ha="left",
                va="bottom",
            )
    pad = max((hi - lo) * 0.1, 1e-9)
    ax.set_ylim(lo - pad, min(hi + 3 * pad, 1.0) if hi < 1.0 else hi + pad)
    _percent_axis(ax.yaxis, hi - lo)
    _legend(ax, loc="upper left", ncol=4, fontsize=8, handlelength=1.6, columnspacing=1.2)
    _title(ax, headline, detail)
    return ax


# --- 4. where the downtime comes from -----------------------------------------------------------------


def downtime_causes(
    res: Results,
    service: str,
    *,
    by: str = "component",
    phases: bool = False,
    top: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """What to fix first: each root cause's share of a service's unplanned downtime.

    Horizontal bars, largest first, labelled with the share and the hours per horizon; shocks
    are drawn in purple. ``phases=True`` splits each bar by where the time went (detection,
    waiting for the crew, switchover, restore...), from the outage records: a long
    ``crew_wait`` calls for more people, a long ``detect`` for better alerting.

    Parameters
    ----------
    res : Results
        A simulation run.
    service : str
        Service name (``KeyError`` if unknown).
    by : {"component", "cause", "phase"}
        Bars per component or shock (``res.downtime_by_component``), per component and failure
        mode (``res.downtime_by_cause``), or per recovery phase (``res.downtime_by_phase``).
    phases : bool
        Split the bars by recovery phase (with ``by="component"`` or ``"cause"``).
    top : int
        Bars to show; the rest are pooled into one.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = downtime_causes(res, "withdrawals")                   # doctest: +SKIP
    >>> ax = downtime_causes(res, "trading", phases=True)          # doctest: +SKIP
    >>> [t.get_text() for t in ax.get_yticklabels()]               # doctest: +SKIP
    ['db-a', 'db-b', 'lb', 'match-a', ...]
    """
    _check_service(res, service)
    who = _who(res.model_name, service)
    if by not in ("component", "cause", "phase"):
        raise ValueError(f"by must be 'component', 'cause' or 'phase', got {by!r}")
    one, many = fmt.horizon_words(res.horizon)
    by_cause = res.downtime_by_cause(service)
    total = float(res.mean_downtime(service).mean)  # also for streamed runs
    kinds: dict[str, str] = {}
    if by == "phase":
        hrs = res.downtime_by_phase(service)
        share = hrs / hrs.sum() if len(hrs) else hrs
    elif by == "component":
        if len(by_cause):
            hrs = by_cause.groupby(level="source")["downtime_h"].sum().sort_values(ascending=False)
            share = res.downtime_by_component(service).reindex(hrs.index)
            kinds = {str(s): str(k) for (s, _c), k in by_cause["kind"].items()}
        else:
            hrs = share = pd.Series(dtype=float)
    else:
        labels = [f"{s} (shock)" if k == "shock" else f"{s}: {c}" for (s, c), k in by_cause["kind"].items()]
        hrs = pd.Series(by_cause["downtime_h"].to_numpy(), index=labels)
        share = pd.Series(by_cause["share"].to_numpy(), index=labels)
        kinds = {lab: str(k) for lab, k in zip(labels, by_cause["kind"])}
    n_items = len(share)
    height = max(2.6, 0.42 * min(n_items, top + 1) + 1.6)
    ax = _new_ax(ax, figsize=(8.0, height))
    _style(ax, grid="x")
    ax.set_xlabel(f"share of the unplanned downtime of {service} (%)")
    if n_items == 0 or total <= 0:
        _message(ax, f"no unplanned downtime of {service} in {res.replications:,} simulated {many}: nothing to fix")
        ax.set_xticks([])
        _title(ax, f"{who}: no unplanned downtime to explain")
        return ax

    names = [str(x) for x in share.index[:top]]
    vals = list(share.to_numpy()[:top])
    hvals = list(hrs.to_numpy()[:top])
    colours = [_SHOCK if kinds.get(nm) == "shock" else _DATA for nm in names]
    if n_items > top:
        names.append(f"{n_items - top} others")
        vals.append(float(share.to_numpy()[top:].sum()))
        hvals.append(float(hrs.to_numpy()[top:].sum()))
        colours.append(_MUTED)
    y = np.arange(len(names))[::-1]
    vals_pct = np.asarray(vals) * 100

    phase_legend: dict[str, str] = {}
    if phases and by != "phase" and res.kept_replications > 0:
        o = res.outages(service)
        o = o[~o["planned"].to_numpy()]
        pcols = [c for c in o.columns if c.startswith("phase_") and c.endswith("_h")]
        key = _outage_groups(o, "component" if by == "component" else "cause")
        sums = o[pcols].groupby(key.to_numpy()).sum()
        pcols = sorted(pcols, key=lambda c: -float(sums[c].sum()))  # largest phase first, in every bar
        left = np.zeros(len(names))
        for pc in pcols:
            pname = pc[len("phase_") : -2]
            widths = np.zeros(len(names))
            for i, nm in enumerate(names):
                rows = (
                    sums.index.isin(share.index[top:].astype(str))
                    if nm.endswith(" others") and i == len(names) - 1 and n_items > top
                    else sums.index == nm
                )
                tot = sums.loc[rows].to_numpy().sum()
                if tot > 0:
                    widths[i] = vals_pct[i] * sums.loc[rows, pc].sum() / tot
            if widths.sum() <= 0:
                continue
            colour = phase_color(pname)
            ax.barh(y, widths, left=left, color=colour, height=0.68, edgecolor="white", linewidth=0.5, label=pname.replace("_", " "))
            phase_legend[pname] = colour
            left += widths
    else:
        bars = ax.barh(y, vals_pct, color=colours, height=0.68)
        if by == "phase":
            for bar, nm in zip(bars, names):
                bar.set_color(phase_color(nm) if not nm.endswith(" others") else _MUTED)
    for yi, v, h in zip(y, vals_pct, hvals):
        ax.text(
            v + vals_pct.max() * 0.01,
            yi,
            f"{fmt.percent(v / 100, 2)}  ·  {fmt.duration(h)} per {one}",
            va="center",
            ha="left",
            fontsize=9,
            color=_TEXT,
        )
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    pad = max(0.0, (4 - len(names)) / 2)  # a few bars stay bar-sized
    ax.set_ylim(-0.6 - pad, len(names) - 0.4 + pad)
    ax.set_xlim(0, vals_pct.max() * 1.45)
    ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= 100])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    if phase_legend:
        _legend(ax, loc="lower right", title="recovery phase", title_fontsize=9)
    elif any(kinds.get(nm) == "shock" for nm in names) and by != "phase":
        from matplotlib.patches import Patch

        handles = [Patch(color=_SHOCK, label="shock (common cause)")]
        if any(kinds.get(nm) != "shock" for nm in names):
            handles.insert(0, Patch(color=_DATA, label="failure of a component"))
        _legend(ax, handles=handles, loc="lower right")
    lead, lead_share = names[0], vals[0]
    if by == "phase":
        headline = f"{who}: most downtime is spent in {lead} ({fmt.percent(lead_share)})"
    elif kinds.get(lead) == "shock":
        headline = f"{who}: the shock {lead} begins {fmt.percent(lead_share)} of the unplanned downtime"
    else:
        headline = f"{who}: fix {lead} first, it begins {fmt.percent(lead_share)} of the unplanned downtime"
    detail = f"{fmt.duration(total)} of unplanned downtime per {one} on average"
    if by != "phase" and len(vals) > 1:
        k = min(3, len(vals))
        detail += f"; the top {k} causes make {fmt.percent(sum(vals[:k]))} of it"
    _title(ax, headline, detail)
    return ax


# --- 5. one replication as a Gantt chart ---------------------------------------------------------------

_TRACE_COLUMNS = ("time_h", "event", "entity", "detail", "value")
_DOWN_EVENTS = {
    "failure",
    "step_start",
    "step_resume",
    "crew_wait",
    "spare_wait",
    "inspection_wait",
    "maintenance",
    "dependency_wait",
    "step_paused",
}


def _trace_intervals(
    trace: pd.DataFrame, end: float
) -> tuple[dict[str, list[tuple[float, float, str]]], dict[str, list[tuple[float, float, str]]], dict[str, list[tuple[float, float, str]]]]:
    """Per component: (start, end, phase) of down intervals and of shock holds; per service:
    (start, end, cause) of outages."""
    comp: dict[str, list[tuple[float, float, str]]] = {}
    holds: dict[str, list[tuple[float, float, str]]] = {}
    svc: dict[str, list[tuple[float, float, str]]] = {}
    phase_now: dict[str, tuple[float, str]] = {}
    hold_now: dict[str, list[tuple[float, str]]] = {}
    svc_now: dict[str, tuple[float, str]] = {}

    def close(entity: str, t: float) -> None:
        if entity in phase_now:
            t0, ph = phase_now.pop(entity)
            if t > t0:
                comp.setdefault(entity, []).append((t0, t, ph))

    for t, ev, ent, det in zip(
        trace["time_h"].to_numpy(dtype=float),
        trace["event"].astype(str),
        trace["entity"].astype(str),
        trace["detail"].fillna("").astype(str),
    ):
        if ev in _DOWN_EVENTS:
            phase = {
                "failure": "failure",
                "crew_wait": "crew_wait",
                "inspection_wait": "inspection_wait",
                "maintenance": "maintenance",
                "spare_wait": "spare_wait",
                "dependency_wait": "dependency_wait",
                "step_paused": "paused",  # its crew or its requirement was lost (docs/semantics.md)
            }.get(ev, det or "repair")
            close(ent, t)
            phase_now[ent] = (t, phase)
            comp.setdefault(ent, [])
        elif ev == "recovered":
            close(ent, t)
            comp.setdefault(ent, [])
        elif ev == "hold":
            hold_now.setdefault(ent, []).append((t, det))
            comp.setdefault(ent, [])
        elif ev == "release":
            stack = hold_now.get(ent)
            if stack:
                t0, name = stack.pop(0)
                if t > t0:
                    holds.setdefault(ent, []).append((t0, t, name))
        elif ev == "service_down":
            svc_now[ent] = (t, det)
            svc.setdefault(ent, [])
        elif ev == "service_up":
            if ent in svc_now:
                t0, cause = svc_now.pop(ent)
                if t > t0:
                    svc.setdefault(ent, []).append((t0, t, cause))
    for ent in list(phase_now):
        close(ent, end)
    for ent, stack in hold_now.items():
        for t0, name in stack:
            if end > t0:
                holds.setdefault(ent, []).append((t0, end, name))
    for ent, (t0, cause) in svc_now.items():
        if end > t0:
            svc.setdefault(ent, []).append((t0, end, cause))
    return comp, holds, svc


def _split(
    spans: list[tuple[float, float, str]], cover: list[tuple[float, float, str]]
) -> tuple[list[tuple[float, float, str]], list[tuple[float, float, str]]]:
    """The parts of ``spans`` outside and inside the union of ``cover``."""
    alone: list[tuple[float, float, str]] = []
    over: list[tuple[float, float, str]] = []
    cuts = sorted((a, b) for a, b, _l in cover)
    for a, b, lab in spans:
        t = a
        for ca, cb in cuts:
            if cb <= t or ca >= b:
                continue
            if ca > t:
                alone.append((t, ca, lab))
            over.append((max(t, ca), min(b, cb), lab))
            t = max(t, cb)
        if t < b:
            alone.append((t, b, lab))
    return alone, over


_TIMELINE_ROWS = 40  # component rows a timeline shows by default


def timeline(
    trace: pd.DataFrame,
    *,
    service: str | None = None,
    services: Sequence[str] | None = None,
    components: Sequence[str] | None = None,
    start: Duration | None = None,
    end: Duration | None = None,
    horizon: Duration | None = None,
    min_width: float = 0.004,
    ax: Axes | None = None,
) -> Axes:
    """One replication as a Gantt chart: when each component was down and in which recovery
    phase, and when the services were down.

    Rows: services on top (unplanned outages in vermillion, maintenance windows in grey), then
    components (a bar per down interval, coloured by phase: the step running, ``crew_wait``,
    ``inspection_wait``, ``maintenance``; shock holds as a purple band on top). The unplanned
    outages of ``service`` are shaded across the chart, and the components that began them
    come first, so each outage lines up with its cause. Data-loss incidents, switchovers,
    failed attempts and cascades are markers; shock arrivals are dotted vertical lines.

    Parameters
    ----------
    trace : pandas.DataFrame
        The events of one replication, as ``Model.trace`` / ``Results.trace`` return them:
        columns ``time_h``, ``event``, ``entity``, ``detail``, ``value``.
    service : str, optional
        The service whose outages are shaded (``KeyError`` if the trace has no event of it).
        Default: the only service, if the trace has one.
    services, components : list of str, optional
        Rows to show, in this order; default: every service in the trace, and every component
        that went down in the window shown (of more than 40, those that began an outage of
        ``service`` and then the ones down longest: a fleet stays readable).
    start, end : duration, optional
        Zoom on ``[start, end]`` (the outages of a year are minutes long).
    horizon : duration, optional
        The end of the replication, where intervals still open stop; default
        ``trace.attrs["horizon_h"]`` when present, else the last event.
    min_width : float
        Intervals shorter than this fraction of the window are widened to it so that they can
        be seen (the x label says so when it happens).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> worst = int(res.downtime("withdrawals").argmax())                       # doctest: +SKIP
    >>> ax = timeline(res.trace(worst), service="withdrawals", horizon=res.horizon)  # doctest: +SKIP
    >>> ax = timeline(res.trace(worst), service="withdrawals", start="69d", end="73d")  # doctest: +SKIP
    """
    from matplotlib.patches import Patch

    missing = [c for c in _TRACE_COLUMNS if c not in trace.columns]
    if missing:
        raise ValueError(f"timeline: the trace lacks column(s) {', '.join(missing)} (expected {', '.join(_TRACE_COLUMNS)})")
    trace = trace.sort_values("time_h", kind="stable")
    t_last = float(trace["time_h"].max()) if len(trace) else 0.0
    if horizon is not None:
        H = hours(horizon, name="horizon")
        known_h = True
    else:
        attr = trace.attrs.get("horizon_h", trace.attrs.get("horizon"))
        known_h = attr is not None
        H = float(attr) if known_h else (t_last if t_last > 0 else 1.0)
    comp, holds, svc = _trace_intervals(trace, H)
    if service is None and len(svc) == 1:
        service = next(iter(svc))
    if service is not None and service not in svc:
        # A trace lists events, not the model: a service without an outage has no event at all.
        known = trace.attrs.get("services")
        if known is not None and service not in known:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(known) or '(none)'}")
        if service in set(trace["entity"].astype(str)) and (known is None or service not in known):
            raise KeyError(
                f"{service!r} is not a service in this trace (it is a component, shock or standby group); "
                f"services with outages: {', '.join(svc) or '(none)'}"
            )
    t0 = 0.0 if start is None else hours(start, name="start")
    t1 = H if end is None else hours(end, name="end")
    if t1 <= t0:
        raise ValueError(f"timeline: end ({t1:g} h) must be after start ({t0:g} h)")
    span = t1 - t0
    wmin = min_width * span
    windows = set(trace.loc[trace["event"] == "maintenance", "detail"].astype(str))

    def is_planned(cause: str) -> bool:
        return cause.rsplit("/", 1)[-1] in windows

    def visible(spans: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
        return [(a, b, lab) for a, b, lab in spans if b >= t0 and a <= t1]

    svc_names = list(services) if services is not None else [s for s in svc if visible(svc[s]) or s == service]
    if service is not None and service not in svc_names:
        svc_names.insert(0, service)
    # The shaded service's unplanned outages in the window, and the components that began them.
    outages = [(a, b, c) for a, b, c in visible(svc.get(service, [])) if not is_planned(c)] if service else []
    culprits = [c.split("/", 1)[0] for _a, _b, c in outages]
    if components is not None:
        comp_names = list(components)
    else:
        active = [c for c in comp if visible(comp[c]) or visible(holds.get(c, []))]
        if len(active) > _TIMELINE_ROWS:  # a fleet: the culprits, then the components down longest
            down = {c: sum(b - a for a, b, _ in visible(comp[c]) + visible(holds.get(c, []))) for c in active}
            active = sorted(active, key=lambda c: (c not in culprits, -down[c], c))[:_TIMELINE_ROWS]
        comp_names = sorted(active, key=lambda c: (c not in culprits, c))
    n_active = len([c for c in comp if visible(comp[c]) or visible(holds.get(c, []))]) if components is None else len(comp_names)
    unit, scale = _time_unit(span)
    rows = svc_names + comp_names
    ax = _new_ax(ax, figsize=(10.0, max(2.6, 0.3 * len(rows) + 1.5)))
    _style(ax, grid="")
    ax.set_xlim(t0 / scale, t1 / scale)
    ax.set_xlabel(f"time since the start of the replication ({unit})")
    if not rows:
        _message(
            ax, "nothing went down in this window" if (start is not None or end is not None) else "nothing went down in this replication"
        )
        _title(ax, "no failures and no outages")
        return ax
    ypos = {name: len(rows) - 1 - i for i, name in enumerate(rows)}
    widened = False

    def draw(name: str, spans: list[tuple[float, float, str]], colour_of: Any, h: float = 0.62, z: int = 2) -> None:
        nonlocal widened
        for a, b, lab in visible(spans):
            w = b - a
            if w < wmin:
                widened = True
                w = wmin
            ax.broken_barh([(a / scale, w / scale)], (ypos[name] - h / 2, h), facecolors=colour_of(lab), edgecolors="none", zorder=z)

    outage_colour = PALETTE["vermillion"]
    planned_colour = _PHASE_FIXED["maintenance"]
    used: dict[str, str] = {}
    for s in svc_names:
        spans = visible(svc.get(s, []))
        draw(s, spans, lambda c: planned_colour if is_planned(c) else outage_colour)
        for _a, _b, c in spans:
            used.setdefault(
                "planned (maintenance)" if is_planned(c) else "service down", planned_colour if is_planned(c) else outage_colour
            )
    phase_entries: dict[str, str] = {}
    for c in comp_names:
        spans = visible(comp.get(c, []))
        for _a, _b, ph in spans:
            phase_entries.setdefault(ph, phase_color(ph))
        draw(c, spans, phase_color)
        if visible(holds.get(c, [])):
            # A hold on an otherwise up component is a full bar; over a repair, a band on top of it.
            phase_entries.setdefault("shock", phase_color("shock"))
            alone, over = _split(holds[c], comp.get(c, []))
            draw(c, alone, lambda _l: phase_color("shock"))
            draw(c, over, lambda _l: phase_color("shock"), h=0.3, z=3)
    for a, b, _c in outages:
        ax.axvspan(a / scale, max(b, a + wmin) / scale, color=outage_colour, alpha=0.10, lw=0, zorder=0)
    # Point events, on the row of their entity.
    markers = {
        "data_loss": ("v", "#000000", "data loss"),
        "switchover": (">", "#332288", "switchover"),
        "switchover_failed": ("X", "#CC6677", "switchover failed"),
        "spares_unusable": ("D", "#882255", "spares corrupted too"),
        "step_failed": ("x", "#555555", "failed attempt"),
        "cascade": ("*", "#000000", "cascade"),
    }
    point_handles: list[Any] = []
    for ev, (mk, col, lab) in markers.items():
        sel = trace[(trace["event"] == ev) & trace["entity"].isin(rows) & (trace["time_h"] >= t0) & (trace["time_h"] <= t1)]
        if len(sel):
            point_handles.append(
                ax.scatter(
                    sel["time_h"] / scale,
                    [ypos[e] + 0.45 for e in sel["entity"]],
                    marker=mk,
                    color=col,
                    s=30,
                    zorder=4,
                    label=lab,
                    clip_on=False,
                )
            )
    shocks = trace[(trace["event"] == "shock") & (trace["time_h"] >= t0) & (trace["time_h"] <= t1)]
    for i, (t, ent) in enumerate(zip(shocks["time_h"], shocks["entity"])):
        line = ax.axvline(t / scale, color=phase_color("shock"), lw=1, ls=":", zorder=1, label="shock arrival")
        if i == 0:
            point_handles.append(line)
        ax.text(t / scale, len(rows) - 0.4, f" {ent}", fontsize=8, color=phase_color("shock"), va="bottom")
    ax.set_yticks([ypos[r] for r in rows])
    ax.set_yticklabels(rows)
    for tick in ax.get_yticklabels():
        if tick.get_text() in svc_names:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    if svc_names and comp_names:
        ax.axhline(len(comp_names) - 0.5, color="#CCCCCC", lw=0.8)
    ax.grid(True, axis="x", color="#F0F0F0", linewidth=0.8)
    handles: list[Any] = [Patch(color=c, label=lab) for lab, c in used.items()]
    handles += [Patch(color=c, label=p.replace("_", " ")) for p, c in phase_entries.items()]
    handles += point_handles
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    if widened:
        ax.set_xlabel(ax.get_xlabel() + f"; intervals shorter than {fmt.duration(wmin)} drawn {fmt.duration(wmin)} wide")
    zoomed = start is not None or end is not None
    where = f" between {t0 / scale:.4g} and {t1 / scale:.4g} {unit}" if zoomed else (f" in {fmt.duration(H)}" if known_h else "")
    if service is not None:
        down = sum(min(b, t1) - max(a, t0) for a, b, _c in outages)
        headline = f"{service}: {len(outages)} unplanned outage{'s' if len(outages) != 1 else ''}, {fmt.duration(down)} down{where}"
        if outages:
            worst = max(outages, key=lambda o: o[1] - o[0])
            detail = f"the longest ({fmt.duration(worst[1] - worst[0])}) began with {worst[2]}"
        else:
            headline = f"{service}: no unplanned outage{where}"
            detail = ""
    else:
        headline = f"{len(comp_names)} components went down{where}"
        detail = ""
    n_fail = int(((trace["event"] == "failure") & (trace["time_h"] >= t0) & (trace["time_h"] <= t1)).sum())
    detail += ("; " if detail else "") + f"{n_fail} component failure{'s' if n_fail != 1 else ''}"
    if n_active > len(comp_names):
        detail += f"; the {len(comp_names)} of {n_active:,} components down longest shown (components= to choose)"
    _title(ax, headline, detail)
    return ax


# --- capacity: full / degraded / down -------------------------------------------------------------


def capacity(res: Results, services: Sequence[str] | None = None, *, ax: Axes | None = None) -> Axes:
    """Where the time goes for services with a demand: one stacked bar per service of the mean
    share of the horizon fully served, degraded and down, and the share of demand not served.

    Parameters
    ----------
    res : Results
        A run of a model with capacity services (``demand=``).
    services : list of str, optional
        Which of them (all by default).
    ax : matplotlib Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        The chart.

    Examples
    --------
    >>> m = rs.Model()
    >>> _ = m.component("a", mttf="90h", mttr="10h")
    >>> _ = m.component("b", mttf="90h", mttr="10h")
    >>> _ = m.service("s", rs.capacity({"a": 1, "b": 1}), demand=2)
    >>> import recoverysim.plot as rsp
    >>> ax = rsp.capacity(m.simulate("1y", 50, seed=1, progress=False))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['full', 'degraded', 'down']
    """
    ax = _new_ax(ax, figsize=(8.0, 1.2 + 0.6 * max(1, len(services or res.capacity_services))))
    names = list(services) if services is not None else list(res.capacity_services)
    for n in names:
        if n not in res.capacity_services:
            raise ValueError(f"service {n!r} has no demand; services with one: {', '.join(res.capacity_services) or '(none)'}")
    if not names:
        _message(ax, "no service has a demand (give demand= and rs.capacity(...))")
        return ax
    colours = {"full": PALETTE["green"], "degraded": PALETTE["orange"], "down": PALETTE["vermillion"]}
    keys = {"full": "service_full_time", "degraded": "service_degraded_time", "down": "service_capacity_down_time"}
    y = np.arange(len(names))
    left = np.zeros(len(names))
    idx = [res.service_names.index(n) for n in names]
    for state, key in keys.items():
        hours = np.array([float(res._column_mean(key)[i]) for i in idx])
        share = hours / res.horizon
        ax.barh(y, share, left=left, color=colours[state], label=state, height=0.55)
        for yi, x0, w, h in zip(y, left, share, hours):  # the time itself where the segment has room
            if w >= 0.12:
                ax.text(x0 + w / 2, yi, fmt.duration(h), ha="center", va="center", fontsize=8, color="white")
        left += share
    unserved = []
    for i in idx:
        demand = float(res._column_mean("service_demand")[i])
        unserved.append(float(res._column_mean("service_unserved")[i]) / demand if demand > 0 else math.nan)
    ax.set_yticks(y, [f"{n}\n{fmt.percent(u)} unserved" for n, u in zip(names, unserved)])
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis)
    ax.invert_yaxis()
    _style(ax, "x")
    _legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.35 / len(names)), ncols=3)
    _title(ax, "Time fully served, degraded and down", f"mean share of {fmt.duration(res.horizon)}; demand not served under each name")
    return ax


# --- 6. the dependency graph ------------------------------------------------------------------------


def _gate_label(req: Any) -> str:

    if isinstance(req, Standby):
        return "standby"
    if req.kind == "all_of":
        return "all of"
    if req.kind == "any_of":
        return "any of"
    if req.kind in ("k_of_n", "weighted"):
        return str(req.describe())
    return str(req.kind)


_FLEET_BOX = 8  # a fleet of more instances is drawn as one box
_MAX_GRAPH_COMPONENTS = 400  # component boxes a drawing can hold and stay readable


def dependency_graph(model: Model | Results, *, shocks: bool = True, ax: Axes | None = None) -> Axes:
    """The architecture as a layered graph: services on top, components at the bottom.

    A service box says which gate it applies to its members (``all of``, ``any of``,
    ``2 of 3``, ``standby``) and its targets; nested gates are small grey boxes; a fleet of more
    than 8 instances (:meth:`Model.fleet`) is one box (``validator-{i} × 1,000``); shocks
    (``shocks=True``) sit under the components they hit, joined by dotted lines. Drawn with
    matplotlib alone (no graphviz): for a file, ``recoverysim graph model.yaml | dot``.

    Parameters
    ----------
    model : Model or Results
        The architecture (a Results draws the model it simulated).
    shocks : bool
        Draw the shocks and their targets.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure sized to the graph when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = dependency_graph(rs.load("examples/exchange.yaml"))   # doctest: +SKIP
    """

    m: Model = model._model if hasattr(model, "_model") else model  # type: ignore[union-attr, assignment]
    # A fleet of more than a few instances (Model.fleet) is one box, "validator-{i} x 1000".
    fleet_of = {
        c.name: f"{pattern} × {f.count:,}"
        for pattern, f in m.fleets.items()
        if f.count > _FLEET_BOX
        for c in f.members
        if m.components.get(c.name) is c
    }
    comps = list(dict.fromkeys(fleet_of.get(c, c) for c in m.components))
    if len(comps) > _MAX_GRAPH_COMPONENTS:
        raise ValueError(
            f"dependency_graph: {len(comps):,} component boxes are too many to draw readably (at most "
            f"{_MAX_GRAPH_COMPONENTS}); a fleet made with Model.fleet is drawn as one box, or use "
            "`recoverysim graph model.yaml | dot` for a large model"
        )
    services = list(m.services)
    # Nodes: ("s", name), ("g", index), ("c", name), ("k", shock name).
    label: dict[tuple[str, Any], str] = {}
    sub: dict[tuple[str, Any], str] = {}
    children: dict[tuple[str, Any], list[tuple[str, Any]]] = {}
    gates: list[Any] = []

    def node_of(member: Any) -> tuple[str, Any]:
        if isinstance(member, Requirement):
            gid = ("g", len(gates))
            gates.append(member)
            label[gid] = _gate_label(member)
            children[gid] = list(dict.fromkeys(node_of(x) for x in member.members))
            return gid
        if member in m.services:
            return ("s", member)
        return ("c", fleet_of.get(member, member))

    for s in services:
        sv = m.services[s]
        nid = ("s", s)
        label[nid] = s
        req = sv.requirement
        targets = []
        if sv.availability is not None:
            targets.append(_sla_text(sv.availability))
        if sv.rto is not None:
            targets.append(f"RTO {fmt.duration(sv.rto)}")
        if sv.rpo is not None:
            targets.append(f"RPO {fmt.duration(sv.rpo)}")
        if isinstance(req, Requirement):
            sub[nid] = _gate_label(req) + (f" · {', '.join(targets)}" if targets else "")
            children[nid] = list(dict.fromkeys(node_of(x) for x in req.members))
        else:
            sub[nid] = ", ".join(targets)
            children[nid] = [node_of(req)]
    for c in comps:
        label[("c", c)] = c
        children.setdefault(("c", c), [])
    # Layers: longest path from a root; components all at the bottom.
    depth: dict[tuple[str, Any], int] = {}

    def visit(nid: tuple[str, Any], d: int, stack: tuple[Any, ...] = ()) -> None:
        if nid in stack:
            return  # a cycle: validation reports it; draw what we can
        if depth.get(nid, -1) >= d:
            return
        depth[nid] = d
        for ch in children.get(nid, []):
            visit(ch, d + 1, stack + (nid,))

    used = {ch for kids in children.values() for ch in kids}
    roots = [("s", s) for s in services if ("s", s) not in used] or [("s", s) for s in services]
    for r in roots:
        visit(r, 0)
    upper = [n for n in depth if n[0] != "c"]
    bottom = 1 + max((depth[n] for n in upper), default=-1)
    for c in comps:
        depth[("c", c)] = bottom
    for nid in label:
        depth.setdefault(nid, 0)
    n_layers = bottom + 1
    layers: list[list[tuple[str, Any]]] = [[] for _ in range(n_layers)]
    # Initial order: depth-first from the roots (keeps groups together).
    seen: set[tuple[str, Any]] = set()

    def dfs(nid: tuple[str, Any]) -> None:
        if nid in seen:
            return
        seen.add(nid)
        layers[depth[nid]].append(nid)
        for ch in children.get(nid, []):
            dfs(ch)

    for r in roots:
        dfs(r)
    for nid in list(label):
        dfs(nid)
    parents: dict[tuple[str, Any], list[tuple[str, Any]]] = {}
    for p, kids in children.items():
        for ch in kids:
            parents.setdefault(ch, []).append(p)
    # Positions: components evenly spaced; every node above at the mean of its children, then
    # pushed apart to the width of its label.
    fs = 8.5
    char_w = 0.085  # data units per character at the chosen scale (1 unit = one component slot)

    def node_w(nid: tuple[str, Any]) -> float:
        text = max([label[nid], sub.get(nid, "")], key=len)
        return max(0.5, char_w * len(text) + 0.35) if nid[0] != "g" else 0.55

    x: dict[tuple[str, Any], float] = {}
    comp_layer = layers[bottom]
    crowded = len(comp_layer) > 10  # then components alternate between two rows
    cw = max((node_w(n) for n in comp_layer), default=1.0)
    slot = max(cw * (0.6 if crowded else 1.05), 0.6)
    for i, nid in enumerate(comp_layer):
        x[nid] = i * slot
    for d in range(bottom - 1, -1, -1):
        layer = layers[d]
        want = {}
        for nid in layer:
            xs = [x[ch] for ch in children.get(nid, []) if ch in x]
            want[nid] = float(np.mean(xs)) if xs else (max(x.values(), default=0) + 1)
        layer.sort(key=lambda n: want[n])
        pos: list[float] = []
        for i, nid in enumerate(layer):
            w = want[nid]
            if i:
                prev = layer[i - 1]
                w = max(w, pos[-1] + (node_w(prev) + node_w(nid)) / 2 + 0.25)
            pos.append(w)
        # Re-centre the layer on what it wanted, without crossing the gaps.
        shift = float(np.mean([want[n] for n in layer]) - np.mean(pos)) if layer else 0.0
        for nid, px in zip(layer, pos):
            x[nid] = px + shift
    # Vertical positions.
    gap = 1.6
    yv: dict[tuple[str, Any], float] = {}
    for d, layer in enumerate(layers):
        for j, nid in enumerate(layer):
            yv[nid] = -d * gap - (0.55 if crowded and nid[0] == "c" and j % 2 else 0.0)
    shock_nodes: list[tuple[tuple[str, Any], list[str]]] = []
    if shocks and m.shocks:
        ys = -bottom * gap - (2.0 if crowded else 1.5)
        for name, sh in m.shocks.items():
            try:
                targets = m.select(sh.targets)
            except Exception:  # pragma: no cover - a broken selector is a validation error
                targets = []
            targets = [t for t in dict.fromkeys(fleet_of.get(t, t) for t in targets) if ("c", t) in x]
            nid = ("k", name)
            label[nid] = f"shock {name}"
            sub[nid] = f"every {fmt.duration(sh.every.mean)}" + (f", p={sh.probability:g}" if sh.probability != 1 else "")
            x[nid] = float(np.mean([x[("c", t)] for t in targets])) if targets else 0.0
            yv[nid] = ys
            shock_nodes.append((nid, targets))
        # Spread shocks that land on the same spot.
        ks = sorted((n for n, _ in shock_nodes), key=lambda n: x[n])
        for i in range(1, len(ks)):
            need = x[ks[i - 1]] + (node_w(ks[i - 1]) + node_w(ks[i])) / 2 + 0.25
            if x[ks[i]] < need:
                x[ks[i]] = need
    xs_all = [x[n] - node_w(n) / 2 for n in x] + [x[n] + node_w(n) / 2 for n in x]
    xmin, xmax = min(xs_all), max(xs_all)
    ymin = min(yv.values()) - 0.7
    ymax = 0.7
    if ax is None:
        import matplotlib.pyplot as plt

        width_in = min(18.0, max(6.0, (xmax - xmin) * 0.95 + 0.5))
        height_in = max(2.5, (ymax - ymin) * 0.78)
        _fig, ax = plt.subplots(figsize=(width_in, height_in), layout="constrained")
    ax.set_xlim(xmin - 0.1, xmax + 0.1)
    ax.set_ylim(ymin, ymax)
    ax.axis("off")
    # Edges.
    for p, kids in children.items():
        if p not in x:
            continue
        for ch in kids:
            if ch not in x:
                continue
            ax.plot([x[p], x[ch]], [yv[p] - 0.22, yv[ch] + 0.22], color="#9A9A9A", lw=1.0, zorder=1, solid_capstyle="round")
    for nid, targets in shock_nodes:
        for t in targets:
            ax.plot([x[nid], x[("c", t)]], [yv[nid] + 0.22, yv[("c", t)] - 0.22], color=_SHOCK, lw=1.0, ls=":", zorder=1)
    # Nodes.
    styles = {
        "s": dict(boxstyle="round,pad=0.35", facecolor="#DCEBF7", edgecolor=_DATA, linewidth=1.2),
        "g": dict(boxstyle="round,pad=0.25", facecolor="#F2F2F2", edgecolor="#9A9A9A", linewidth=0.8),
        "c": dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#555555", linewidth=0.8),
        "k": dict(boxstyle="round,pad=0.3", facecolor="#F4E3F0", edgecolor=_SHOCK, linewidth=1.0),
    }
    for nid in x:
        kind = nid[0]
        text = label[nid] if not sub.get(nid) else f"{label[nid]}\n{sub[nid]}"
        weight = "bold" if kind == "s" else "normal"
        box = ax.text(
            x[nid],
            yv[nid],
            text,
            ha="center",
            va="center",
            fontsize=fs if kind != "g" else fs - 0.5,
            bbox=styles[kind],
            zorder=3,
            color="#111111",
            linespacing=1.15,
        )
        if kind == "s":
            box.set_fontweight(weight)
    n_svc = len(services)
    _title(
        ax,
        f"{m.name}: {n_svc} service{'s' if n_svc != 1 else ''} on {len(m.components):,} components"
        + (f", {len(m.shocks)} shock{'s' if len(m.shocks) != 1 else ''}" if shocks and m.shocks else ""),
        "services (gate · targets) on top, components below",
    )
    return ax


# --- design analysis and incident scenarios ---------------------------------------------------------

_KIND_COLOR = {"component": _DATA, "shock": _SHOCK, "failover": PALETTE["orange"], "hit": _SHOCK}
_MEASURES = {
    "downtime_avoided_h_per_year": "downtime avoided per year if it never happened",
    "criticality": "criticality importance (share of the unavailability it explains)",
    "birnbaum": "Birnbaum importance dQ/dq",
    "fussell_vesely": "Fussell-Vesely importance",
    "raw": "risk achievement worth Q(failed) / Q",
    "rrw": "risk reduction worth Q / Q(perfect)",
}


def importance(
    a: AnalysisResults, service: str, *, measure: str = "downtime_avoided_h_per_year", top: int = 12, ax: Axes | None = None
) -> Axes:
    """What to fix first: the basic events beneath a service ranked by an importance measure.

    Horizontal bars, largest first; components blue, shocks purple, failed switchovers orange.
    With ``measure="downtime_avoided_h_per_year"`` (default) the bars read as durations and the
    simulated share of the service's downtime is written next to each bar when a simulation ran.

    Parameters
    ----------
    a : AnalysisResults
        From :func:`recoverysim.analyze`.
    service : str
        The service (``KeyError`` if unknown).
    measure : str
        ``downtime_avoided_h_per_year``, ``criticality``, ``birnbaum``, ``fussell_vesely``,
        ``raw`` or ``rrw``.
    top : int
        Bars to show.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = importance(rs.analyze(m), "trading")                  # doctest: +SKIP
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {', '.join(_MEASURES)}, got {measure!r}")
    imp = a.importance(service)
    ax = _new_ax(ax, (8.0, 0.9 + 0.32 * min(top, max(len(imp), 1))))
    _style(ax, "x")
    if imp.empty:
        _message(ax, f"nothing beneath {service} can take it down")
        return ax
    imp = imp.sort_values(measure, ascending=False).head(top)[::-1]
    values = imp[measure].to_numpy(dtype=float)
    finite = np.where(np.isfinite(values), values, np.nan)
    plot_values = np.nan_to_num(finite, nan=np.nanmax(finite) if np.isfinite(finite).any() else 1.0)
    colors = [_KIND_COLOR.get(k, _DATA) for k in imp["kind"]]
    y = np.arange(len(imp))
    ax.barh(y, plot_values, color=colors, height=0.65)
    ax.set_yticks(y, [f"{e} ({k})" if k != "component" else e for e, k in zip(imp.index, imp["kind"])])
    for yi, v, (_, row) in zip(y, values, imp.iterrows()):
        text = fmt.duration(v) if measure == "downtime_avoided_h_per_year" else fmt.sig(v)
        if "simulated_share" in row and measure == "downtime_avoided_h_per_year" and row["simulated_share"] == row["simulated_share"]:
            text += f"  (simulated share {fmt.percent(row['simulated_share'])})"
        ax.text(plot_values[yi], yi, "  " + text, va="center", fontsize=8, color=_TEXT)
    ax.set_xlim(0, float(np.max(plot_values)) * 1.45 or 1)
    if measure == "downtime_avoided_h_per_year":
        unit, scale = _unit_for(float(np.max(plot_values)))
        ax.xaxis.set_major_formatter(lambda x, _pos: f"{x / scale:g}")
        ax.set_xlabel(f"{_MEASURES[measure]} ({unit})")
    else:
        ax.set_xlabel(_MEASURES[measure])
    top_event = imp.index[-1]
    _title(ax, f"Fix {top_event} first for {service}", f"{a.model_name}: exact structure function, {_MEASURES[measure]}")
    return ax


def cut_sets(a: AnalysisResults, service: str, *, top: int = 15, ax: Axes | None = None) -> Axes:
    """The most probable minimal cut sets of a service: one bar per set (probability of all its
    events failed at once, log scale), single points of failure in red-free highlight, sets
    containing a shock in purple.

    Parameters
    ----------
    a : AnalysisResults
        From :func:`recoverysim.analyze`.
    service : str
        The service (``KeyError`` if unknown).
    top : int
        Cut sets to show, the most probable first.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = cut_sets(rs.analyze(m), "withdrawals")                # doctest: +SKIP
    """
    cs = a.cut_sets(service)
    ax = _new_ax(ax, (8.0, 0.9 + 0.3 * min(top, max(len(cs), 1))))
    _style(ax, "x")
    if cs.empty:
        _message(ax, f"{service} has no cut set within the truncation")
        return ax
    cs = cs.sort_values("probability", ascending=False).head(top)[::-1]
    y = np.arange(len(cs))
    colors = [_SHOCK if "shock" in k else (_HIGHLIGHT if o == 1 else _DATA) for k, o in zip(cs["kinds"], cs["order"])]
    ax.barh(y, cs["probability"].to_numpy(), color=colors, height=0.65)
    ax.set_xscale("log")
    ax.set_yticks(y, [" + ".join(e) for e in cs["events"]], fontsize=8)
    for yi, (p, share) in enumerate(zip(cs["probability"], cs["share"])):
        ax.text(p, yi, f"  {fmt.sig(p, 2)} ({fmt.percent(share)})", va="center", fontsize=8, color=_TEXT)
    lo = float(cs["probability"].min())
    ax.set_xlim(lo / 3, float(cs["probability"].max()) * 30)
    ax.set_xlabel("probability that every event of the set is failed (share of the sum over cut sets)")
    from matplotlib.patches import Patch

    handles = [
        Patch(color=_HIGHLIGHT, label="single point of failure"),
        Patch(color=_DATA, label="components"),
        Patch(color=_SHOCK, label="with a shock"),
    ]
    _legend(ax, handles=handles, loc="lower right")
    n_spof = int((a.cut_sets(service)["order"] == 1).sum())
    headline = (
        f"{service}: {n_spof} single point{'s' if n_spof != 1 else ''} of failure" if n_spof else f"{service}: no single point of failure"
    )
    _title(ax, headline, f"{a.model_name}: most probable minimal cut sets of {len(a.cut_sets(service))}")
    return ax


def scenario_restore(r: ScenarioResults, service: str, *, scenarios: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Distribution of the time to restore a service in each incident scenario (one curve per
    scenario: share of replications still down after t, log time axis), with the RTO as a red
    line.

    Parameters
    ----------
    r : ScenarioResults
        From :func:`recoverysim.run_scenarios`.
    service : str
        The service (``KeyError`` if unknown).
    scenarios : list of str, optional
        The scenarios to draw (all by default).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = scenario_restore(rs.run_scenarios(m, [a, b]), "trading")   # doctest: +SKIP
    """
    names = list(scenarios) if scenarios is not None else r.scenario_names
    ax = _new_ax(ax)
    _style(ax, "y")
    rto = r.targets.get(service, {}).get("rto") if service in r.targets else None
    if service not in r.targets:
        raise KeyError(f"unknown service {service!r}; services: {', '.join(r.service_names)}")
    drawn = []
    hi = 0.0
    lo = math.inf
    for i, sc in enumerate(names):
        t = np.sort(r.time_to_restore(sc, service))
        t = t[t > 0]
        if not len(t):
            continue
        n = r.replications
        still = 1 - np.arange(1, len(t) + 1) / n
        color = _CATEGORICAL[i % len(_CATEGORICAL)]
        ax.step(np.concatenate([[t[0]], t]), np.concatenate([[len(t) / n], still]), where="post", color=color, lw=1.8, label=sc)
        hi, lo = max(hi, float(t[-1])), min(lo, float(t[0]))
        drawn.append((sc, t))
    if not drawn:
        _message(ax, f"no scenario takes {service} down")
        return ax
    if rto:
        ax.axvline(rto, color=TARGET_COLOR, lw=1.4, ls="--")
        ax.text(rto, 1.0, f" RTO {fmt.duration(rto)}", color=TARGET_COLOR, fontsize=9, va="top")
        hi = max(hi, rto)
        lo = min(lo, rto)
    ax.set_xscale("log")
    ax.set_xlim(lo / 1.5, hi * 1.5)
    _duration_log_axis(ax.xaxis, lo / 1.5, hi * 1.5)
    ax.set_ylim(0, 1.05)
    _percent_axis(ax.yaxis)
    ax.set_ylabel("replications still down")
    ax.set_xlabel("time since the injection")
    _legend(ax, loc="upper right")
    if rto:
        worst = min(drawn, key=lambda x: float(np.mean(x[1] <= rto)))
        detail = f"worst: {worst[0]!r}, restored within the RTO in {fmt.percent(float(np.mean(r.time_to_restore(worst[0], service) <= rto)))} of runs"
    else:
        detail = f"{r.replications:,} replications per scenario, common random numbers"
    _title(ax, f"{service}: time to restore per scenario", detail)
    return ax


# --- goodness of fit -----------------------------------------------------------------------------------


def _probability_scale(family: str) -> tuple[Any, str]:
    """The y transform that makes the family's CDF a straight line against log time: Weibull
    paper (ln(-ln(1 - F))) for the Weibull and the exponential, normal-probability paper
    (Phi^-1(F)) for the log-normal and the gamma (on which a gamma curves slightly)."""
    from scipy import stats

    if family in ("weibull", "exponential"):
        return (lambda p: np.log(-np.log1p(-np.asarray(p, dtype=float)))), "Weibull probability scale"
    return (lambda p: stats.norm.ppf(np.asarray(p, dtype=float))), "normal probability scale"


def probability_plot(fit: Fit, *, confidence: float | None = None, ax: Axes | None = None) -> Axes:
    """A probability plot of a fit: does the fitted family describe the data?

    Draws the Kaplan-Meier estimate of the CDF at each failure time (points, with their
    pointwise interval, :meth:`Fit.empirical_cdf`), the fitted CDF (line) and its pointwise band
    from the parameters' uncertainty (:meth:`Fit.cdf_band`), on the scale where the family is
    straight; censored times are ticks along the bottom. Points that leave the band say the
    family does not fit.

    Parameters
    ----------
    fit : Fit
        A fit from :func:`recoverysim.fit` (or :func:`recoverysim.fit_incidents`).
    confidence : float, optional
        Level of the band and of the points' intervals; default the fit's ``confidence``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> f = rs.fit([120, 340, 800, 1500, 2100], censored=[2500, 2500], family="weibull")
    >>> ax = probability_plot(f)
    >>> ax.get_xlabel()
    'duration'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    c = fit.confidence if confidence is None else confidence
    ax = _new_ax(ax)
    tr, scale = _probability_scale(fit.family)
    km = fit.empirical_cdf()
    km = km[(km["cdf"] > 0) & (km["cdf"] < 1)]
    times = np.concatenate([fit.observed, fit.censored])
    lo_x, hi_x = float(times.min()) / 1.5, float(times.max()) * 1.5
    grid = np.geomspace(lo_x, hi_x, 200)
    band = fit.cdf_band(grid, confidence=c)
    inside = (band["high"] < 1) & (band["low"] > 0)
    ax.fill_between(
        grid[inside],
        tr(band["low"][inside]),
        tr(band["high"][inside]),
        color=_DATA,
        alpha=0.18,
        linewidth=0,
        label=f"{fmt.confidence(c)} band of the fit",
    )
    fitted = band["cdf"].to_numpy()
    ok = (fitted > 0) & (fitted < 1)
    ax.plot(grid[ok], tr(fitted[ok]), color=_DATA, linewidth=2, label=f"fitted {fit.family}")
    if len(km):
        y = tr(km["cdf"])
        low = tr(np.clip(km["low"], 1e-12, 1 - 1e-12))
        high = tr(np.clip(km["high"], 1e-12, 1 - 1e-12))
        ax.errorbar(
            km["x"], y, yerr=[y - low, high - y], fmt="o", color=_HIGHLIGHT, ecolor=_MUTED, elinewidth=1, markersize=5, label="Kaplan-Meier"
        )
    ax.set_xscale("log")
    _duration_log_axis(ax.xaxis, lo_x, hi_x)
    ax.set_xlim(lo_x, hi_x)
    probs = [0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]
    data = (grid >= times.min()) & (grid <= times.max()) & ok
    y_all = np.concatenate([tr(fitted[data]), tr(km["cdf"]) if len(km) else []])
    ylo, yhi = float(np.min(y_all)), float(np.max(y_all))
    pad = 0.15 * (yhi - ylo or 1.0)
    ax.set_ylim(ylo - pad, yhi + pad)
    ticks: list[float] = []
    for p in probs:  # readable ticks: none closer than 6% of the axis to the one before
        if ylo - pad <= tr(p) <= yhi + pad and (not ticks or tr(p) - tr(ticks[-1]) > 0.06 * (yhi - ylo + 2 * pad)):
            ticks.append(p)
    ax.set_yticks([float(tr(p)) for p in ticks], [f"{p * 100:g}%" for p in ticks])
    if fit.censored.size:
        ax.plot(fit.censored, np.full(fit.censored.size, ylo - 0.6 * pad), "|", color=_TEXT, markersize=8, label="censored (still running)")
    ax.set_xlabel("duration")
    ax.set_ylabel(f"fraction ended ({scale})")
    _style(ax, grid="y")
    params = ", ".join(
        f"{k} {fmt.duration(v) if k in type(fit.distribution)._time_params else fmt.number(v)}" for k, v in fit.params.items()
    )
    censored = f", {fit.censored.size} censored" if fit.censored.size else ""
    _title(
        ax,
        f"{fit.family.capitalize()} fit to {fit.failures} durations{censored}: {params}",
        "points: Kaplan-Meier estimate; band: pointwise, from the parameters' uncertainty",
    )
    _legend(ax, loc="upper left")
    return ax
