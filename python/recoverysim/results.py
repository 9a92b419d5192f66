"""Simulation results: per-replication arrays, estimates with confidence intervals, tables."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from . import _core
from .stats import Estimate, estimate
from .units import format_hours

if TYPE_CHECKING:
    from .model import Model

__all__ = ["Results"]

_HIST_EDGES = np.asarray(_core.histogram_edges())


class Results:
    """What a run produced. Arrays are shaped ``(replications, ...)``.

    Per service: downtime (hours), availability, outages; per component: failures by mode and
    downtime. :meth:`summary` is the one-look table.
    """

    def __init__(
        self,
        model: "Model",
        compiled: Any,
        raw: dict[str, np.ndarray],
        *,
        horizon: float,
        seed: int,
        elapsed: float,
        threads: int,
    ) -> None:
        self.model_name: str = model.name
        self.horizon: float = horizon
        self.seed: int = seed
        self.elapsed: float = elapsed
        self.threads: int = threads
        self.service_names: list[str] = list(compiled.service_names)
        self.component_names: list[str] = list(compiled.component_names)
        self.mode_names: list[tuple[str, str]] = [tuple(x) for x in compiled.mode_names]  # type: ignore[misc]
        self.targets: dict[str, dict[str, float | None]] = {
            s.name: {"availability": s.availability, "rto": s.rto, "rpo": s.rpo} for s in model.services.values()
        }
        self.raw = raw
        self.replications: int = int(raw["events"].shape[0])

    # --- lookup -----------------------------------------------------------------------------------

    def _svc(self, service: str) -> int:
        try:
            return self.service_names.index(service)
        except ValueError:
            raise KeyError(
                f"unknown service {service!r}; services: {', '.join(self.service_names) or '(none)'}"
            ) from None

    def _comp(self, component: str) -> int:
        try:
            return self.component_names.index(component)
        except ValueError:
            raise KeyError(f"unknown component {component!r}") from None

    # --- per service ----------------------------------------------------------------------------

    def downtime(self, service: str) -> np.ndarray:
        """Unplanned downtime of ``service`` in hours, one value per replication."""
        return self.raw["service_downtime"][:, self._svc(service)]

    def availabilities(self, service: str) -> np.ndarray:
        """Availability over the horizon, one value per replication."""
        return 1.0 - self.downtime(service) / self.horizon

    def availability(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean availability over the horizon with a confidence interval.

        >>> res.availability("trading")            # doctest: +SKIP
        0.999512 [0.999498, 0.999526] (95% CI, n=10000)
        """
        return estimate(self.availabilities(service), confidence)

    def mean_downtime(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean downtime over the horizon (hours) with a confidence interval."""
        return estimate(self.downtime(service), confidence)

    def outage_counts(self, service: str) -> np.ndarray:
        """Number of outages that began within the horizon, per replication."""
        return self.raw["service_outages"][:, self._svc(service)]

    def outages_per_replication(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean number of outages per horizon with a confidence interval."""
        return estimate(self.outage_counts(service), confidence)

    def mean_outage_duration(self, service: str) -> float:
        """Pooled mean outage duration (hours): total downtime / total outages.

        An outage still open at the horizon counts with its duration up to the horizon.
        """
        n = self.outage_counts(service).sum()
        return float(self.downtime(service).sum() / n) if n > 0 else math.nan

    def downtime_quantiles(self, service: str, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        """Quantiles of the per-replication downtime (hours): the tail, not only the mean."""
        return np.quantile(self.downtime(service), q)

    def outage_duration_histogram(self, service: str) -> tuple[np.ndarray, np.ndarray]:
        """(counts, edges) of the durations of outages that ended within the horizon.

        Log-spaced bins (40 per decade, from 0.36 s to 1e6 h): a quantile read from it (the
        geometric midpoint of its bin) is within 2.9% of the exact sample quantile.
        """
        return self.raw["outage_histogram"][self._svc(service)].copy(), _HIST_EDGES.copy()

    def outage_duration_quantiles(self, service: str, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        """Approximate quantiles (hours) of completed outage durations, from the histogram."""
        counts, edges = self.outage_duration_histogram(service)
        total = counts.sum()
        qs = np.asarray(q, dtype=float)
        if total == 0:
            return np.full(qs.shape, np.nan)
        cum = np.cumsum(counts)
        out = []
        for p in qs.ravel():
            b = min(int(np.searchsorted(cum, p * total, side="left")), len(counts) - 1)
            lo, hi = edges[b], edges[b + 1]
            if lo <= 0:
                out.append(hi / 2)
            elif not math.isfinite(hi):
                out.append(lo)
            else:
                out.append(math.sqrt(lo * hi))  # geometric midpoint: within 2.9% of the truth
        return np.asarray(out).reshape(qs.shape)

    def sla_met(self, service: str, target: float | None = None) -> np.ndarray:
        """Per replication: was availability over the horizon at least ``target``?

        ``target`` defaults to the service's ``availability=`` target.
        """
        if target is None:
            target = self.targets.get(service, {}).get("availability")
            if target is None:
                raise ValueError(f"service {service!r} has no availability target; pass target=")
        return self.availabilities(service) >= target

    def p_sla_met(self, service: str, target: float | None = None, confidence: float = 0.95) -> Estimate:
        """Probability that the availability over one horizon meets the target."""
        return estimate(self.sla_met(service, target).astype(float), confidence)

    # --- per component -----------------------------------------------------------------------------

    def component_downtime(self, component: str) -> np.ndarray:
        """Downtime of a component (hours), per replication."""
        return self.raw["component_downtime"][:, self._comp(component)]

    def failures(self, component: str, mode: str | None = None) -> np.ndarray:
        """Failures of a component (of one mode, or all modes), per replication."""
        idx = [i for i, (c, m) in enumerate(self.mode_names) if c == component and (mode is None or m == mode)]
        if not idx:
            self._comp(component)
            raise KeyError(f"component {component!r} has no failure mode {mode!r}")
        return self.raw["mode_failures"][:, idx].sum(axis=1)

    # --- engine counters ------------------------------------------------------------------------

    @property
    def events(self) -> int:
        """Total events processed by the engine."""
        return int(self.raw["events"].sum())

    @property
    def events_per_second(self) -> float:
        return self.events / self.elapsed if self.elapsed > 0 else math.nan

    # --- tables ------------------------------------------------------------------------------------

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """One row per service: availability with CI, downtime mean/CI/std/P50/P90/P99 (hours),
        outages per horizon, mean outage duration, and P(SLA met) when a target is set."""
        rows = []
        for s in self.service_names:
            a = self.availability(s, confidence)
            d = self.mean_downtime(s, confidence)
            p50, p90, p99 = self.downtime_quantiles(s)
            o = self.outages_per_replication(s, confidence)
            target = self.targets.get(s, {}).get("availability")
            row: dict[str, Any] = {
                "service": s,
                "availability": a.mean,
                "availability_low": a.low,
                "availability_high": a.high,
                "downtime_h": d.mean,
                "downtime_h_low": d.low,
                "downtime_h_high": d.high,
                "downtime_h_std": d.std,
                "downtime_h_p50": p50,
                "downtime_h_p90": p90,
                "downtime_h_p99": p99,
                "outages": o.mean,
                "mean_outage_h": self.mean_outage_duration(s),
                "sla_target": target if target is not None else math.nan,
                "p_sla_met": self.p_sla_met(s).mean if target is not None else math.nan,
            }
            rows.append(row)
        return pd.DataFrame(rows).set_index("service")

    def components(self) -> pd.DataFrame:
        """One row per component: failures per horizon, downtime (hours), availability."""
        rows = []
        for c in self.component_names:
            dt = self.component_downtime(c)
            rows.append(
                {
                    "component": c,
                    "failures": float(self.failures(c).mean()),
                    "downtime_h": float(dt.mean()),
                    "availability": float(1 - dt.mean() / self.horizon),
                }
            )
        return pd.DataFrame(rows).set_index("component")

    def to_pandas(self) -> pd.DataFrame:
        """Tidy per-replication table: replication, service, downtime_h, availability, outages."""
        n, ns = self.raw["service_downtime"].shape
        dt = self.raw["service_downtime"]
        return pd.DataFrame(
            {
                "replication": np.repeat(np.arange(n), ns),
                "service": np.tile(np.asarray(self.service_names, dtype=object), n),
                "downtime_h": dt.ravel(),
                "availability": 1.0 - dt.ravel() / self.horizon,
                "outages": self.raw["service_outages"].ravel(),
            }
        )

    def report(self) -> str:
        """A readable plain-text report (what ``make demo`` and the CLI print)."""
        lines = [
            f"recoverysim: model {self.model_name!r}, {self.replications:,} replications of "
            f"{format_hours(self.horizon)} (seed {self.seed})",
            f"engine: {self.events:,} events in {self.elapsed:.2f} s on {self.threads} thread(s) "
            f"({self.events_per_second / 1e6:.1f} M events/s)",
            "",
        ]
        for s in self.service_names:
            a = self.availability(s)
            d = self.mean_downtime(s)
            p50, p90, p99 = self.downtime_quantiles(s)
            o = self.outages_per_replication(s)
            lines.append(f"service {s}")
            lines.append(f"  availability      {a.mean:.6%}  (95% CI {a.low:.6%} .. {a.high:.6%})")
            lines.append(
                f"  downtime          {_dur(d.mean)} per {format_hours(self.horizon)}  "
                f"(95% CI {_dur(d.low)} .. {_dur(d.high)})"
            )
            lines.append(f"  downtime tail     P50 {_dur(p50)}   P90 {_dur(p90)}   P99 {_dur(p99)}")
            lines.append(f"  outages           {o.mean:.3g} per {format_hours(self.horizon)}, mean length {_dur(self.mean_outage_duration(s))}")
            target = self.targets.get(s, {}).get("availability")
            if target is not None:
                p = self.p_sla_met(s)
                lines.append(f"  SLA {target:.4%}    met in {p.mean:.1%} of replications (95% CI {p.low:.1%} .. {p.high:.1%})")
            lines.append("")
        comp = self.components().sort_values("downtime_h", ascending=False).head(5)
        lines.append("components with the most downtime")
        for name, r in comp.iterrows():
            lines.append(f"  {name:<24} {r['failures']:8.2f} failures  {_dur(r['downtime_h'])} down")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Results(model={self.model_name!r}, replications={self.replications}, "
            f"horizon={format_hours(self.horizon)}, services={self.service_names})"
        )


def _dur(h: float) -> str:
    """Downtime in a unit a person reads: seconds, minutes or hours."""
    if not math.isfinite(h):
        return "n/a"
    a = abs(h)
    if a < 1 / 60:
        return f"{h * 3600:.1f} s"
    if a < 2:
        return f"{h * 60:.1f} min"
    return f"{h:.2f} h"
