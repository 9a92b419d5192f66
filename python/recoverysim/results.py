"""Simulation results: per-replication arrays, estimates with confidence intervals, tables."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pandas as pd

from . import _core, _html, report
from ._streaming import DOWNTIME_EDGES, estimate_from_sums, ratio_from_sums
from .stats import Estimate, estimate, ratio_estimate
from .units import duration_literal
from .validation import check_levels

if TYPE_CHECKING:
    from .model import Model

__all__ = ["Results", "StreamedResults"]

_HIST_EDGES = np.asarray(_core.histogram_edges())


class Results:
    """What a run produced. Arrays are shaped ``(replications, ...)``.

    Per service: downtime (hours), availability, outages; per component: failures by mode and
    downtime. :meth:`summary` is the one-look table.
    """

    def __init__(
        self,
        model: Model,
        compiled: Any,
        raw: _core.RunResults,
        *,
        horizon: float,
        seed: int,
        elapsed: float,
        threads: int,
        kept: int = 0,
    ) -> None:
        self.model_name: str = model.name
        self._model = model.copy()  # for exact answers; later edits of the model do not leak in
        self.horizon: float = horizon
        self.seed: int = seed
        self.elapsed: float = elapsed
        self.threads: int = threads
        self.service_names: list[str] = list(compiled.service_names)
        self.component_names: list[str] = list(compiled.component_names)
        self.mode_names: list[tuple[str, str]] = [tuple(x) for x in compiled.mode_names]  # type: ignore[misc]
        self.planned_modes: list[bool] = list(compiled.planned_modes)
        self.shock_names: list[str] = list(compiled.shock_names)
        self.targets: dict[str, dict[str, float | None]] = {
            s.name: {"availability": s.availability, "rto": s.rto, "rpo": s.rpo} for s in model.services.values()
        }
        self.phase_names: list[str] = list(compiled.phases)
        self.raw = raw
        self.replications: int = int(raw.replications)
        self.kept_replications: int = kept

    # --- lookup -----------------------------------------------------------------------------------

    def _column_mean(self, key: str) -> np.ndarray:
        """Mean over replications of a per-replication engine array (entity dims kept)."""
        return getattr(self.raw, key).mean(axis=0)

    def _svc(self, service: str) -> int:
        try:
            return self.service_names.index(service)
        except ValueError:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(self.service_names) or '(none)'}") from None

    def _comp(self, component: str) -> int:
        try:
            return self.component_names.index(component)
        except ValueError:
            raise KeyError(f"unknown component {component!r}") from None

    # --- per service ----------------------------------------------------------------------------

    def downtime(self, service: str) -> np.ndarray:
        """Unplanned downtime of ``service`` in hours, one value per replication.

        Outages begun by a maintenance window are planned: see :meth:`planned_downtime`."""
        return self.raw.service_downtime[:, self._svc(service)]

    def planned_downtime(self, service: str) -> np.ndarray:
        """Planned downtime (outages begun by a maintenance window), hours per replication."""
        return self.raw.service_planned_downtime[:, self._svc(service)]

    def planned_outage_counts(self, service: str) -> np.ndarray:
        """Planned outages (begun by a maintenance window) per replication."""
        return self.raw.service_planned_outages[:, self._svc(service)]

    def availabilities(self, service: str, include_planned: bool = False) -> np.ndarray:
        """Availability over the horizon, one value per replication. Planned downtime is left
        out unless ``include_planned`` (SLAs usually exclude announced maintenance)."""
        d = self.downtime(service)
        if include_planned:
            d = d + self.planned_downtime(service)
        return 1.0 - d / self.horizon

    def availability(self, service: str, confidence: float = 0.95, include_planned: bool = False) -> Estimate:
        """Mean availability over the horizon with a confidence interval.

        >>> res.availability("trading")            # doctest: +SKIP
        0.999512 [0.999498, 0.999526] (95% CI, n=10000)
        """
        return estimate(self.availabilities(service, include_planned), confidence)

    def mean_downtime(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean downtime over the horizon (hours) with a confidence interval."""
        return estimate(self.downtime(service), confidence)

    def outage_counts(self, service: str) -> np.ndarray:
        """Number of outages that began within the horizon, per replication."""
        return self.raw.service_outages[:, self._svc(service)]

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
        return np.quantile(self.downtime(service), check_levels(q))

    def outage_duration_histogram(self, service: str) -> tuple[np.ndarray, np.ndarray]:
        """(counts, edges) of the durations of outages that ended within the horizon.

        Log-spaced bins (40 per decade, from 0.36 s to 1e6 h): a quantile read from it (the
        geometric midpoint of its bin) is within 2.9% of the exact sample quantile.
        """
        return self.raw.outage_histogram[self._svc(service)].copy(), _HIST_EDGES.copy()

    def outage_duration_quantiles(self, service: str, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        """Approximate quantiles (hours) of completed outage durations, from the histogram."""
        qs = check_levels(q)
        counts, edges = self.outage_duration_histogram(service)
        total = counts.sum()
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

    # --- RTO ------------------------------------------------------------------------------------

    def _target(self, service: str, key: str) -> float:
        self._svc(service)
        v = self.targets.get(service, {}).get(key)
        if v is None:
            raise ValueError(f"service {service!r} has no {key} target; set {key}= on m.service(...)")
        return float(v)

    def rto_breaches(self, service: str) -> np.ndarray:
        """Outages longer than the RTO, per replication (an outage still open at the horizon
        counts once it has lasted longer than the RTO)."""
        self._target(service, "rto")
        return self.raw.service_rto_breaches[:, self._svc(service)]

    def rto_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        """Share of outages restored within the RTO, pooled over replications.

        Outages still open at the horizon and not yet longer than the RTO are left out (their
        outcome is unknown)."""
        i = self._svc(service)
        self._target(service, "rto")
        met = self.raw.service_rto_met[:, i]
        breaches = self.raw.service_rto_breaches[:, i]
        return ratio_estimate(met, met + breaches, confidence)

    def p_rto_breach(self, service: str, confidence: float = 0.95) -> Estimate:
        """Probability of at least one RTO breach within one horizon."""
        return estimate((self.rto_breaches(service) > 0).astype(float), confidence)

    def max_outage(self, service: str) -> np.ndarray:
        """Longest outage (hours) per replication; 0 without outages."""
        return self.raw.service_max_outage[:, self._svc(service)]

    # --- RPO and data loss ------------------------------------------------------------------------

    def data_loss_incidents(self, service: str) -> np.ndarray:
        """Data-loss incidents in the components beneath the service, per replication."""
        return self.raw.service_loss_incidents[:, self._svc(service)]

    def data_lost(self, service: str) -> np.ndarray:
        """Hours of writes lost in the components beneath the service, per replication."""
        return self.raw.service_data_lost[:, self._svc(service)]

    def expected_data_lost(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean hours of writes lost per horizon, with a confidence interval."""
        return estimate(self.data_lost(service), confidence)

    def rpo_breaches(self, service: str) -> np.ndarray:
        """Data-loss incidents that lost more than the RPO, per replication."""
        self._target(service, "rpo")
        return self.raw.service_rpo_breaches[:, self._svc(service)]

    def rpo_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        """Share of data-loss incidents that lost no more than the RPO, pooled over replications."""
        n = self.data_loss_incidents(service)
        b = self.rpo_breaches(service)
        return ratio_estimate(n - b, n, confidence)

    def p_rpo_breach(self, service: str, confidence: float = 0.95) -> Estimate:
        """Probability of at least one RPO breach within one horizon."""
        return estimate((self.rpo_breaches(service) > 0).astype(float), confidence)

    # --- where the downtime comes from ------------------------------------------------------------

    def _cause_labels(self) -> tuple[list[str], list[str], list[bool]]:
        sources = [c for c, _ in self.mode_names] + self.shock_names
        causes = [m for _, m in self.mode_names] + ["shock"] * len(self.shock_names)
        planned = self.planned_modes + [False] * len(self.shock_names)
        return sources, causes, planned

    def downtime_by_cause(self, service: str, planned: bool = False) -> pd.DataFrame:
        """Downtime of the service by root cause (the failure mode or shock that began each
        outage): mean hours per horizon and share of the service's downtime, largest first.
        ``planned=True`` gives the maintenance windows behind the planned downtime instead.
        Index: (source, cause) = (component, failure mode) or (shock name, "shock")."""
        i = self._svc(service)
        per = self._column_mean("service_cause_downtime")[i]
        sources, causes, is_planned = self._cause_labels()
        keep = np.asarray(is_planned) == planned
        total = per[keep].sum()
        df = pd.DataFrame(
            {
                "source": sources,
                "cause": causes,
                "kind": [
                    "maintenance" if p else ("shock" if c == "shock" and j >= len(self.mode_names) else "failure")
                    for j, (c, p) in enumerate(zip(causes, is_planned))
                ],
                "downtime_h": per,
                "share": per / total if total > 0 else np.full(per.shape, np.nan),
            }
        )
        df = df[keep & (df["downtime_h"].to_numpy() > 0)].sort_values("downtime_h", ascending=False)
        return df.set_index(["source", "cause"])

    def downtime_by_component(self, service: str) -> pd.Series:
        """Each component's and shock's share of the service's unplanned downtime (as root
        cause): a ranking of what to fix first."""
        by = self.downtime_by_cause(service)
        if by.empty:
            return pd.Series(dtype=float, name="share")
        return by.groupby(level="source")["share"].sum().sort_values(ascending=False)

    def downtime_by_shock(self, service: str) -> pd.Series:
        """Mean hours per horizon of unplanned downtime begun by each shock."""
        by = self.downtime_by_cause(service)
        by = by[by["kind"] == "shock"]
        return by["downtime_h"].droplevel("cause") if len(by) else pd.Series(dtype=float, name="downtime_h")

    def downtime_by_phase(self, service: str) -> pd.Series:
        """Mean hours per horizon the service spent down in each recovery phase (detect,
        crew_wait, restore, switchover, ...): where the time of an outage goes. ``other`` is time
        the service stayed down after the failure that began the outage had recovered."""
        i = self._svc(service)
        per = self._column_mean("service_phase_downtime")[i]
        sr = pd.Series(per, index=pd.Index(self.phase_names, name="phase"), name="downtime_h")
        return sr[sr > 0].sort_values(ascending=False)

    # --- records ---------------------------------------------------------------------------------

    def outages(self, service: str | None = None) -> pd.DataFrame:
        """Every outage of the kept replications (see ``keep_outages``): replication, service,
        start and duration (hours), whether it was still open at the horizon, its root cause
        (component and failure mode, or shock), whether it was planned (a maintenance window),
        whether it breached the RTO, and the hours spent in each recovery phase (columns
        ``phase_<name>_h``, only phases that occur)."""
        rec = self.raw.outage_records
        svc = np.asarray(self.service_names, dtype=object)[rec.service] if len(rec.service) else np.array([], dtype=object)
        cause = rec.cause
        nm = len(self.mode_names)
        comp = np.array([self.mode_names[c][0] if 0 <= c < nm else None for c in cause], dtype=object)
        mode = np.array([self.mode_names[c][1] if 0 <= c < nm else None for c in cause], dtype=object)
        shock = np.array([self.shock_names[c - nm] if c >= nm else None for c in cause], dtype=object)
        df = pd.DataFrame(
            {
                "replication": rec.replication.astype(np.int64),
                "service": svc,
                "start_h": rec.start,
                "duration_h": rec.duration,
                "censored": rec.censored.astype(bool),
                "component": comp,
                "mode": mode,
                "shock": shock,
                "planned": rec.planned.astype(bool),
            }
        )
        rto = np.array([self.targets.get(s, {}).get("rto") or np.nan for s in svc], dtype=float)
        df["rto_breach"] = (df["duration_h"].to_numpy() > rto) & ~df["planned"].to_numpy()
        phases = pd.DataFrame(rec.phases, columns=[f"phase_{p}_h" for p in self.phase_names])
        used = [c for c in phases.columns if phases[c].any()]
        df = pd.concat([df, phases[used]], axis=1)
        if service is not None:
            self._svc(service)
            df = df[df["service"] == service].reset_index(drop=True)
        return df

    def data_losses(self) -> pd.DataFrame:
        """Every data-loss incident of the kept replications: replication, component, failure
        mode, time and hours of writes lost."""
        rec = self.raw.loss_records
        return pd.DataFrame(
            {
                "replication": rec.replication.astype(np.int64),
                "component": np.asarray(self.component_names, dtype=object)[rec.component]
                if len(rec.component)
                else np.array([], dtype=object),
                "mode": np.array([self.mode_names[m][1] for m in rec.mode], dtype=object),
                "time_h": rec.time,
                "loss_h": rec.loss,
            }
        )

    # --- per component -----------------------------------------------------------------------------

    def component_downtime(self, component: str) -> np.ndarray:
        """Downtime of a component (hours), per replication."""
        return self.raw.component_downtime[:, self._comp(component)]

    def failures(self, component: str, mode: str | None = None) -> np.ndarray:
        """Failures of a component (of one mode, or all failure modes), per replication.
        ``mode=<maintenance name>`` counts the windows it went through."""
        idx = [
            i
            for i, (c, m) in enumerate(self.mode_names)
            if c == component and (m == mode if mode is not None else not self.planned_modes[i])
        ]
        if not idx:
            self._comp(component)
            raise KeyError(f"component {component!r} has no failure mode {mode!r}")
        return self.raw.mode_failures[:, idx].sum(axis=1)

    # --- engine counters ------------------------------------------------------------------------

    @property
    def events(self) -> int:
        """Total events processed by the engine."""
        return int(round(float(self._column_mean("events")) * self.replications))

    @property
    def events_per_second(self) -> float:
        return self.events / self.elapsed if self.elapsed > 0 else math.nan

    # --- tables ------------------------------------------------------------------------------------

    @property
    def model(self) -> Model:
        """A copy of the model that was simulated (later edits of the original do not leak in)."""
        return self._model

    def trace(self, replication: int, log_file: str | None = None) -> pd.DataFrame:
        """Every event of one replication of this run (see :meth:`Model.trace`), e.g. the worst
        one: ``res.trace(int(res.downtime("trading").argmax()))``."""
        if not 0 <= replication < self.replications:
            raise ValueError(f"replication must be in [0, {self.replications}), got {replication}")
        return self._model.trace(replication, seed=self.seed, horizon=self.horizon, log_file=log_file)

    def exact(self, max_states: int = 200_000) -> Any:
        """The exact (Markov chain) solution of the simulated model, when it has one."""
        if not hasattr(self, "_exact"):
            self._exact = self._model.exact(max_states=max_states)
        return self._exact

    def summary(self, confidence: float = 0.95, exact: bool = False) -> pd.DataFrame:
        """One row per service: availability with CI, downtime mean/CI/std/P50/P90/P99 (hours),
        outages per horizon, mean outage duration, P(SLA met), RTO compliance and P(at least one
        RTO breach), RPO compliance, data-loss incidents and hours of writes lost per horizon
        (target columns are NaN where the service has no such target).

        ``exact=True`` adds the exact answers of the model's Markov chain beside the simulated
        ones: ``exact_availability`` (averaged over the same horizon, from all up: what the
        simulation estimates), ``exact_in_ci`` and ``exact_steady_availability``. It raises
        ``ValueError`` when the model is not exponential (see :meth:`Model.exact`)."""
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
            t = self.targets.get(s, {})
            row["rto_h"] = t.get("rto") if t.get("rto") is not None else math.nan
            row["rto_compliance"] = self.rto_compliance(s).mean if t.get("rto") is not None else math.nan
            row["p_rto_breach"] = self.p_rto_breach(s).mean if t.get("rto") is not None else math.nan
            row["rpo_h"] = t.get("rpo") if t.get("rpo") is not None else math.nan
            row["rpo_compliance"] = self.rpo_compliance(s).mean if t.get("rpo") is not None else math.nan
            i = self._svc(s)
            row["planned_downtime_h"] = float(self._column_mean("service_planned_downtime")[i])
            row["data_loss_incidents"] = float(self._column_mean("service_loss_incidents")[i])
            row["data_lost_h"] = float(self._column_mean("service_data_lost")[i])
            rows.append(row)
        if not rows:  # a model without services: an empty table, not a KeyError
            return pd.DataFrame(index=pd.Index([], name="service", dtype=object))
        df = pd.DataFrame(rows).set_index("service")
        if exact:
            ex = self.exact()
            mean = ex._sol.mean_availability(self.horizon)
            df["exact_availability"] = [mean[ex.service_names.index(s)] for s in df.index]
            df["exact_in_ci"] = (df["availability_low"] <= df["exact_availability"]) & (df["exact_availability"] <= df["availability_high"])
            df["exact_steady_availability"] = [ex.availability(s) for s in df.index]
        return df

    def components(self) -> pd.DataFrame:
        """One row per component: failures per horizon, downtime (hours), availability."""
        down = self._column_mean("component_downtime")
        planned = self._column_mean("component_planned_downtime")
        per_mode = self._column_mean("mode_failures")
        rows = []
        for ci, c in enumerate(self.component_names):
            failures = sum(per_mode[i] for i, (cc, _) in enumerate(self.mode_names) if cc == c and not self.planned_modes[i])
            rows.append(
                {
                    "component": c,
                    "failures": float(failures),
                    "downtime_h": float(down[ci]),
                    "planned_downtime_h": float(planned[ci]),
                    "availability": float(1 - down[ci] / self.horizon),
                }
            )
        return pd.DataFrame(rows).set_index("component")

    def to_pandas(self) -> pd.DataFrame:
        """Tidy per-replication table: replication, service, downtime_h, availability, outages."""
        n, ns = self.raw.service_downtime.shape
        dt = self.raw.service_downtime
        return pd.DataFrame(
            {
                "replication": np.repeat(np.arange(n), ns),
                "service": np.tile(np.asarray(self.service_names, dtype=object), n),
                "downtime_h": dt.ravel(),
                "availability": 1.0 - dt.ravel() / self.horizon,
                "outages": self.raw.service_outages.ravel(),
            }
        )

    def report(self) -> str:
        """A readable plain-text report (what ``make demo`` and the CLI print; see
        :mod:`recoverysim.report`)."""
        return report.results_text(self)

    def _repr_html_(self) -> str:
        """Jupyter: the summary as a table (see ``recoverysim._html``)."""
        return _html.results_html(self)

    def __repr__(self) -> str:
        return (
            f"Results(model={self.model_name!r}, replications={self.replications}, "
            f"horizon={duration_literal(self.horizon)}, services={self.service_names})"
        )


class StreamedResults(Results):
    """Results of a run too large to keep per-replication values (``per_replication=False``).

    Every estimate (means with confidence intervals, probabilities, RTO/RPO compliance, causes,
    phases, components, summary, report) is computed from fixed-size aggregates; quantiles of the
    downtime come from a fixed histogram (within 2.9 %). Per-replication arrays
    (``downtime(s)``...) raise ``ValueError``. Outage and data-loss records of the first
    ``keep_outages`` replications are kept as usual.
    """

    def __init__(
        self, model: Model, compiled: Any, agg: Any, *, horizon: float, seed: int, elapsed: float, threads: int, kept: int
    ) -> None:
        self.model_name = model.name
        self._model = model.copy()
        self.horizon = horizon
        self.seed = seed
        self.elapsed = elapsed
        self.threads = threads
        self.service_names = list(compiled.service_names)
        self.component_names = list(compiled.component_names)
        self.mode_names = [tuple(x) for x in compiled.mode_names]  # type: ignore[misc]
        self.planned_modes = list(compiled.planned_modes)
        self.shock_names = list(compiled.shock_names)
        self.targets = {s.name: {"availability": s.availability, "rto": s.rto, "rpo": s.rpo} for s in model.services.values()}
        self.phase_names = list(compiled.phases)
        self.agg = agg
        self.replications = int(agg.n)
        self.kept_replications = kept
        self.raw = agg.kept  # the histogram and records of every block, no per-replication arrays

    # --- what is not kept ----------------------------------------------------------------------

    def _not_kept(self, what: str) -> NoReturn:
        raise ValueError(
            f"{what}: per-replication values are not kept for this run of {self.replications:,} replications "
            "(per_replication=False); use the estimates (availability, mean_downtime, summary...), or simulate "
            "with per_replication=True"
        )

    def downtime(self, service: str) -> np.ndarray:
        self._not_kept("downtime")

    def planned_downtime(self, service: str) -> np.ndarray:
        self._not_kept("planned_downtime")

    def planned_outage_counts(self, service: str) -> np.ndarray:
        self._not_kept("planned_outage_counts")

    def availabilities(self, service: str, include_planned: bool = False) -> np.ndarray:
        self._not_kept("availabilities")

    def outage_counts(self, service: str) -> np.ndarray:
        self._not_kept("outage_counts")

    def sla_met(self, service: str, target: float | None = None) -> np.ndarray:
        self._not_kept("sla_met")

    def rto_breaches(self, service: str) -> np.ndarray:
        self._not_kept("rto_breaches")

    def max_outage(self, service: str) -> np.ndarray:
        self._not_kept("max_outage")

    def data_loss_incidents(self, service: str) -> np.ndarray:
        self._not_kept("data_loss_incidents")

    def data_lost(self, service: str) -> np.ndarray:
        self._not_kept("data_lost")

    def rpo_breaches(self, service: str) -> np.ndarray:
        self._not_kept("rpo_breaches")

    def component_downtime(self, component: str) -> np.ndarray:
        self._not_kept("component_downtime")

    def failures(self, component: str, mode: str | None = None) -> np.ndarray:
        self._not_kept("failures")

    def to_pandas(self) -> pd.DataFrame:
        self._not_kept("to_pandas")

    # --- estimates from the aggregates -------------------------------------------------------------

    def _column_mean(self, key: str) -> np.ndarray:
        return self.agg.s1[key] / self.agg.n

    def _est(self, key: str, i: int, confidence: float, scale: float = 1.0, shift: float = 0.0) -> Estimate:
        return estimate_from_sums(self.agg.n, float(self.agg.s1[key][i]), float(self.agg.s2[key][i]), confidence, scale, shift)

    def availability(self, service: str, confidence: float = 0.95, include_planned: bool = False) -> Estimate:
        i = self._svc(service)
        a = self.agg
        s1, s2 = float(a.s1["service_downtime"][i]), float(a.s2["service_downtime"][i])
        if include_planned:
            p1, p2 = float(a.s1["service_planned_downtime"][i]), float(a.s2["service_planned_downtime"][i])
            dp = float(a.cross[("service_downtime", "service_planned_downtime")][i])
            s1, s2 = s1 + p1, s2 + 2 * dp + p2
        return estimate_from_sums(a.n, s1, s2, confidence, scale=-1.0 / self.horizon, shift=1.0)

    def mean_downtime(self, service: str, confidence: float = 0.95) -> Estimate:
        return self._est("service_downtime", self._svc(service), confidence)

    def outages_per_replication(self, service: str, confidence: float = 0.95) -> Estimate:
        return self._est("service_outages", self._svc(service), confidence)

    def mean_outage_duration(self, service: str) -> float:
        i = self._svc(service)
        n = float(self.agg.s1["service_outages"][i])
        return float(self.agg.s1["service_downtime"][i]) / n if n > 0 else math.nan

    def downtime_quantiles(self, service: str, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        qs = check_levels(q)
        counts = self.agg.downtime_hist[self._svc(service)]
        cum = np.cumsum(counts)
        out = []
        for p in qs.ravel():
            b = min(int(np.searchsorted(cum, p * cum[-1], side="left")), len(counts) - 1)
            out.append(0.0 if b == 0 else math.sqrt(DOWNTIME_EDGES[b] * DOWNTIME_EDGES[b + 1]))
        return np.asarray(out).reshape(np.shape(q))

    def p_sla_met(self, service: str, target: float | None = None, confidence: float = 0.95) -> Estimate:
        i = self._svc(service)
        stored = self.targets.get(service, {}).get("availability")
        if stored is None:
            raise ValueError(f"service {service!r} has no availability target; pass target=")
        if target is not None and target != stored:
            self._not_kept("p_sla_met with another target than the service's")
        k = float(self.agg.sla_met[i])
        return estimate_from_sums(self.agg.n, k, k, confidence)

    def rto_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        i = self._svc(service)
        self._target(service, "rto")
        a = self.agg
        m1, m2 = float(a.s1["service_rto_met"][i]), float(a.s2["service_rto_met"][i])
        b1, b2 = float(a.s1["service_rto_breaches"][i]), float(a.s2["service_rto_breaches"][i])
        mb = float(a.cross[("service_rto_met", "service_rto_breaches")][i])
        return ratio_from_sums(a.n, m1, m1 + b1, m2, m2 + 2 * mb + b2, m2 + mb, confidence)

    def p_rto_breach(self, service: str, confidence: float = 0.95) -> Estimate:
        i = self._svc(service)
        self._target(service, "rto")
        k = float(self.agg.positive["service_rto_breaches"][i])
        return estimate_from_sums(self.agg.n, k, k, confidence)

    def rpo_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        i = self._svc(service)
        self._target(service, "rpo")
        a = self.agg
        n1, n2 = float(a.s1["service_loss_incidents"][i]), float(a.s2["service_loss_incidents"][i])
        b1, b2 = float(a.s1["service_rpo_breaches"][i]), float(a.s2["service_rpo_breaches"][i])
        nb = float(a.cross[("service_loss_incidents", "service_rpo_breaches")][i])
        return ratio_from_sums(a.n, n1 - b1, n1, n2 - 2 * nb + b2, n2, n2 - nb, confidence)

    def p_rpo_breach(self, service: str, confidence: float = 0.95) -> Estimate:
        i = self._svc(service)
        self._target(service, "rpo")
        k = float(self.agg.positive["service_rpo_breaches"][i])
        return estimate_from_sums(self.agg.n, k, k, confidence)

    def expected_data_lost(self, service: str, confidence: float = 0.95) -> Estimate:
        return self._est("service_data_lost", self._svc(service), confidence)
