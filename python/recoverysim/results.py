"""Simulation results: per-replication arrays, estimates with confidence intervals, tables."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pandas as pd

from . import _core, _html, report
from ._streaming import COST_EDGES, DOWNTIME_EDGES, cell_means, cell_sums, cell_width, estimate_from_sums, ratio_from_sums
from .money import HOURS_PER_YEAR
from .stats import Estimate, complement, nonnegative_mean_estimate, nonnegative_mean_from_sums, proportion_estimate, ratio_estimate
from .units import duration_literal
from .validation import check_levels, check_probability

if TYPE_CHECKING:
    from .model import Model

__all__ = ["Results", "StreamedResults"]

_HIST_EDGES = np.asarray(_core.histogram_edges())


# The money arrays of the engine by kind of cost (a total is their sum).
COST_ARRAYS = {
    "downtime": "service_cost_downtime",
    "outages": "service_cost_outages",
    "beyond_rto": "service_cost_beyond_rto",
    "planned": "service_cost_planned",
    "data_loss": "service_cost_data",
    "sla_credits": "service_cost_sla",
}


class Results:
    """What a run produced. Arrays are shaped ``(replications, ...)``.

    Per service: downtime (hours), availability, outages; per component: failures by mode and
    downtime. :meth:`summary` is the one-look table. Results come from :meth:`Model.simulate`;
    they are not built by hand.

    Parameters
    ----------
    model : Model
        The simulated model (a copy is kept).
    compiled : object
        The compiled model of the engine (names of services, components, modes and phases).
    raw : recoverysim._core.RunResults
        The engine's per-replication arrays.
    horizon : float
        Simulated time per replication, hours.
    seed : int
        The run's seed.
    elapsed : float
        Wall-clock seconds the run took.
    threads : int
        Worker threads used.
    kept : int, default 0
        Replications whose outage and data-loss records were kept.

    Examples
    --------
    >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
    >>> res
    Results(model='exchange', replications=200, horizon=1y, services=[...])
    >>> 0.999 < res.availability("trading").mean < 1
    True
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
        self.spare_names: list[str] = list(compiled.spare_names)
        self.targets: dict[str, dict[str, float | None]] = {
            s.name: {"availability": s.availability, "rto": s.rto, "rpo": s.rpo} for s in model.services.values()
        }
        self.phase_names: list[str] = list(compiled.phases)
        self.capacity_services: list[str] = [s.name for s in model.services.values() if s.demand is not None]
        self.raw = raw
        self.replications: int = int(raw.replications)
        self.kept_replications: int = kept

    # --- lookup -----------------------------------------------------------------------------------

    def _column_mean(self, key: str) -> np.ndarray:
        """Mean over replications of a per-replication engine array (entity dims kept)."""
        return getattr(self.raw, key).mean(axis=0)

    def _summed_cells(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """A sparse engine table (by cause or by phase) summed over replications: (cell codes, sums)."""
        cache = self.__dict__.setdefault("_cell_cache", {})  # the raw results never change
        if key not in cache:
            c = self.raw.cells(key)
            cache[key] = cell_sums(c["service"], c["key"], c["value"], cell_width(self.raw, key))
        return cache[key]

    def _cell_mean(self, key: str, rows: list[int], total: bool = False) -> np.ndarray:
        """Mean over replications of the service rows of a sparse engine table (see cell_means)."""
        cells, sums = self._summed_cells(key)
        return cell_means(cells, sums, self.replications, cell_width(self.raw, key), rows, total)

    def _svc(self, service: str) -> int:
        index = self.__dict__.get("_service_index")
        if index is None:
            index = self.__dict__["_service_index"] = {s: i for i, s in enumerate(self.service_names)}
        try:
            return index[service]
        except (KeyError, TypeError):
            raise KeyError(f"unknown service {service!r}; services: {', '.join(self.service_names) or '(none)'}") from None

    def _lookup(self) -> tuple[dict[str, int], dict[str, list[int]]]:
        """Component -> index, and component -> its unplanned failure modes' indices; built once,
        so that asking for each of 10,000 components stays linear."""
        cached = self.__dict__.get("_lookup_cache")
        if cached is None:
            modes: dict[str, list[int]] = {c: [] for c in self.component_names}
            for i, (c, _) in enumerate(self.mode_names):
                if not self.planned_modes[i]:
                    modes.setdefault(c, []).append(i)
            cached = ({c: i for i, c in enumerate(self.component_names)}, modes)
            self.__dict__["_lookup_cache"] = cached
        return cached

    def _comp(self, component: str) -> int:
        try:
            return self._lookup()[0][component]
        except KeyError:
            raise KeyError(f"unknown component {component!r}") from None

    def _spare(self, pool: str) -> int:
        try:
            return self.spare_names.index(pool)
        except ValueError:
            raise KeyError(f"unknown spare pool {pool!r}; spare pools: {', '.join(self.spare_names) or '(none)'}") from None

    # --- spare pools ------------------------------------------------------------------------------

    def spare_stockouts(self, pool: str) -> np.ndarray:
        """Stock-outs of a spare pool: recovery steps that found it empty and waited, per replication.

        Parameters
        ----------
        pool : str
            Spare pool name (``KeyError`` if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``, counts.

        Examples
        --------
        >>> res = rs.examples.load("hsm_spares").simulate("1y", 100, seed=1, progress=False)
        >>> res.spare_stockouts("hsm").shape
        (100,)
        """
        return self.raw.spare_stockouts[:, self._spare(pool)]

    def spare_out_of_stock(self, pool: str) -> np.ndarray:
        """Hours a spare pool had no spare in stock, per replication.

        Parameters
        ----------
        pool : str
            Spare pool name (``KeyError`` if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``, hours.

        Examples
        --------
        >>> res = rs.examples.load("hsm_spares").simulate("1y", 100, seed=1, progress=False)
        >>> bool((res.spare_out_of_stock("hsm") <= res.horizon).all())
        True
        """
        return self.raw.spare_out_of_stock[:, self._spare(pool)]

    def spares(self) -> pd.DataFrame:
        """Per spare pool: mean stock-outs and mean hours out of stock per horizon.

        Returns
        -------
        pandas.DataFrame
            Indexed by pool: ``stockouts`` (steps that waited for a spare), ``out_of_stock_h``.

        Examples
        --------
        >>> res = rs.examples.load("hsm_spares").simulate("1y", 100, seed=1, progress=False)
        >>> list(res.spares().columns)
        ['stockouts', 'out_of_stock_h']
        """
        return pd.DataFrame(
            {
                "stockouts": self._column_mean("spare_stockouts") if self.spare_names else [],
                "out_of_stock_h": self._column_mean("spare_out_of_stock") if self.spare_names else [],
            },
            index=pd.Index(self.spare_names, name="pool"),
        )

    # --- per service ----------------------------------------------------------------------------

    def downtime(self, service: str) -> np.ndarray:
        """Unplanned downtime of ``service`` in hours, one value per replication.

        Outages begun by a maintenance window are planned: see :meth:`planned_downtime`.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.downtime("trading").shape
        (200,)
        """
        return self.raw.service_downtime[:, self._svc(service)]

    def capacity_hours(self, service: str) -> pd.DataFrame:
        """Hours fully served, degraded and down of a service with a demand, per replication.

        ``full``: the whole demand served; ``degraded``: part of it, not down; ``down``: below
        the service's ``down_below`` share (by default: nothing served), planned downtime
        included. The three add up to the horizon.

        Parameters
        ----------
        service : str
            A service with a demand (``ValueError`` otherwise).

        Returns
        -------
        pandas.DataFrame
            Columns ``full``, ``degraded``, ``down`` (hours), one row per replication.

        Examples
        --------
        >>> m = rs.Model()
        >>> for i in range(4):
        ...     _ = m.component(f"rpc-{i}", mttf="500h", mttr="20h")
        >>> _ = m.service("rpc", rs.capacity({f"rpc-{i}": 250 for i in range(4)}), demand=600)
        >>> h = m.simulate("1y", 50, seed=1, progress=False).capacity_hours("rpc")
        >>> bool(abs(h.sum(axis=1) - 8760).max() < 1e-6)
        True
        """
        i = self._capacity_svc(service)
        raw = self.raw
        return pd.DataFrame(
            {
                "full": raw.service_full_time[:, i],
                "degraded": raw.service_degraded_time[:, i],
                "down": raw.service_capacity_down_time[:, i],
            }
        )

    def capacity_time(self, service: str, confidence: float = 0.95) -> dict[str, Estimate]:
        """Mean hours full, degraded and down over the horizon, with confidence intervals.

        Parameters
        ----------
        service : str
            A service with a demand.
        confidence : float, default 0.95
            Two-sided confidence level.

        Returns
        -------
        dict of str to Estimate
            Keys ``full``, ``degraded``, ``down``.

        Examples
        --------
        >>> m = rs.Model()
        >>> _ = m.component("a", mttf="100h", mttr="10h")
        >>> _ = m.service("s", rs.capacity({"a": 1}), demand=1)
        >>> sorted(m.simulate("1y", 20, seed=1, progress=False).capacity_time("s"))
        ['degraded', 'down', 'full']
        """
        h = self.capacity_hours(service)
        return {k: nonnegative_mean_estimate(h[k].to_numpy(), confidence, upper=self.horizon) for k in ("full", "degraded", "down")}

    def unserved_fraction(self, service: str, confidence: float = 0.95) -> Estimate:
        """Share of the demand not served (demand-weighted: "user-minutes lost" over all
        user-minutes), pooled over replications, with a confidence interval.

        Parameters
        ----------
        service : str
            A service with a demand.
        confidence : float, default 0.95
            Two-sided confidence level.

        Returns
        -------
        Estimate
            Sum of unserved demand-hours over the sum of demand-hours.

        Examples
        --------
        >>> m = rs.Model()
        >>> _ = m.component("a", mttf="90h", mttr="10h")
        >>> _ = m.service("s", rs.capacity({"a": 1}), demand=1)
        >>> round(float(m.simulate("1y", 200, seed=1, progress=False).unserved_fraction("s")), 2)
        0.1
        """
        i = self._capacity_svc(service)
        return ratio_estimate(self.raw.service_unserved[:, i], self.raw.service_demand[:, i], confidence)

    def _capacity_svc(self, service: str) -> int:
        i = self._svc(service)
        if service not in self.capacity_services:
            raise ValueError(f"service {service!r} has no demand (give demand= and rs.capacity(...) to measure served capacity)")
        return i

    def planned_downtime(self, service: str) -> np.ndarray:
        """Planned downtime (outages begun by a maintenance window), hours per replication.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> bool((res.planned_downtime("gateways") >= 0).all())
        True
        """
        return self.raw.service_planned_downtime[:, self._svc(service)]

    def planned_outage_counts(self, service: str) -> np.ndarray:
        """Planned outages (begun by a maintenance window) per replication.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.planned_outage_counts("trading").shape
        (200,)
        """
        return self.raw.service_planned_outages[:, self._svc(service)]

    def availabilities(self, service: str, include_planned: bool = False) -> np.ndarray:
        """Availability over the horizon, one value per replication.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        include_planned : bool, default False
            Count planned downtime too (SLAs usually exclude announced maintenance).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``. ``1 - downtime / horizon``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> a = res.availabilities("trading")
        >>> bool((a <= 1).all()), a.shape
        (True, (200,))
        """
        d = self.downtime(service)
        if include_planned:
            d = d + self.planned_downtime(service)
        return 1.0 - d / self.horizon

    def availability(self, service: str, confidence: float = 0.95, include_planned: bool = False) -> Estimate:
        """Mean availability over the horizon with a confidence interval.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).
        include_planned : bool, default False
            Count planned downtime too.

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> a = res.availability("trading")
        >>> a.low <= a.mean <= a.high
        True
        """
        a = self.availabilities(service, include_planned)
        down = self.downtime(service) + self.planned_downtime(service) if include_planned else self.downtime(service)
        d = nonnegative_mean_estimate(down, confidence, upper=self.horizon, what="had any downtime")
        return complement(d, self.horizon, mean=float(a.mean()), sd=float(a.std(ddof=1)) if a.size > 1 else math.nan)

    def mean_downtime(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean unplanned downtime over the horizon (hours) with a confidence interval.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.mean_downtime("trading").mean > 0
        True
        """
        return nonnegative_mean_estimate(self.downtime(service), confidence, upper=self.horizon, what="had any downtime")

    def outage_counts(self, service: str) -> np.ndarray:
        """Number of outages that began within the horizon, per replication.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.outage_counts("trading").shape
        (200,)
        """
        return self.raw.service_outages[:, self._svc(service)]

    def outages_per_replication(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean number of outages per horizon with a confidence interval.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.outages_per_replication("trading").mean > 0
        True
        """
        return nonnegative_mean_estimate(self.outage_counts(service), confidence, what="had an outage")

    def mean_outage_duration(self, service: str) -> float:
        """Pooled mean outage duration (hours): total downtime / total outages.

        An outage still open at the horizon counts with its duration up to the horizon.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        float
            Hours; NaN without outages.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.mean_outage_duration("trading") > 0
        True
        """
        n = self.outage_counts(service).sum()
        return float(self.downtime(service).sum() / n) if n > 0 else math.nan

    def downtime_quantiles(self, service: str, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        """Quantiles of the per-replication downtime (hours): the tail, not only the mean.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        q : sequence of float, default (0.5, 0.9, 0.99)
            Probabilities of the quantiles, in [0, 1].

        Returns
        -------
        numpy.ndarray
            One quantile per probability, hours.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> p50, p90, p99 = res.downtime_quantiles("trading")
        >>> bool(p50 <= p90 <= p99)
        True
        """
        return np.quantile(self.downtime(service), check_levels(q))

    def outage_duration_histogram(self, service: str) -> tuple[np.ndarray, np.ndarray]:
        """Histogram of the durations of outages that ended within the horizon.

        Log-spaced bins (40 per decade, from 0.36 s to 1e6 h): a quantile read from it (the
        geometric midpoint of its bin) is within 2.9% of the exact sample quantile.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        counts : numpy.ndarray
            Outages per bin.
        edges : numpy.ndarray
            Bin edges, hours (one more than counts).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> counts, edges = res.outage_duration_histogram("trading")
        >>> len(edges) == len(counts) + 1
        True
        """
        return self.raw.outage_histogram[self._svc(service)].copy(), _HIST_EDGES.copy()

    def outage_duration_quantiles(self, service: str, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        """Approximate quantiles (hours) of completed outage durations, from the histogram.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        q : sequence of float, default (0.5, 0.9, 0.99)
            Probabilities of the quantiles, in [0, 1].

        Returns
        -------
        numpy.ndarray
            One quantile per probability, hours (within 2.9%); NaN without outages.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> q = res.outage_duration_quantiles("trading", [0.5, 0.99])
        >>> bool(q[0] <= q[1])
        True
        """
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

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        target : float or str, optional
            An availability (``0.9995`` or ``"99.95%"``); default: the service's ``availability=`` target.

        Returns
        -------
        numpy.ndarray of bool
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> met = res.sla_met("trading", "99%")
        >>> met.dtype, met.shape
        (dtype('bool'), (200,))
        """
        if target is None:
            target = self.targets.get(service, {}).get("availability")
            if target is None:
                raise ValueError(f"service {service!r} has no availability target; pass target=")
        return self.availabilities(service) >= check_probability(target, "target")

    def p_sla_met(self, service: str, target: float | None = None, confidence: float = 0.95) -> Estimate:
        """Probability that the availability over one horizon meets the target.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        target : float or str, optional
            An availability (``0.9995`` or ``"99.95%"``); default: the service's target.
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> 0 <= res.p_sla_met("trading").mean <= 1
        True
        """
        met = self.sla_met(service, target)
        return proportion_estimate(int(met.sum()), met.size, confidence, what="met the SLA")

    # --- RTO ------------------------------------------------------------------------------------

    def _target(self, service: str, key: str) -> float:
        self._svc(service)
        v = self.targets.get(service, {}).get(key)
        if v is None:
            raise ValueError(f"service {service!r} has no {key} target; set {key}= on m.service(...)")
        return float(v)

    def rto_breaches(self, service: str) -> np.ndarray:
        """Outages longer than the RTO, per replication.

        An outage still open at the horizon counts once it has lasted longer than the RTO.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``. ``ValueError`` if the service has no ``rto`` target.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.rto_breaches("trading").shape
        (200,)
        """
        self._target(service, "rto")
        return self.raw.service_rto_breaches[:, self._svc(service)]

    def rto_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        """Share of outages restored within the RTO, pooled over replications.

        Outages still open at the horizon and not yet longer than the RTO are left out (their
        outcome is unknown).

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``). A ratio estimate (delta method).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> 0 <= res.rto_compliance("trading").mean <= 1
        True
        """
        i = self._svc(service)
        self._target(service, "rto")
        met = self.raw.service_rto_met[:, i]
        breaches = self.raw.service_rto_breaches[:, i]
        return ratio_estimate(met, met + breaches, confidence, what="outages with a known RTO outcome")

    def p_rto_breach(self, service: str, confidence: float = 0.95) -> Estimate:
        """Probability of at least one RTO breach within one horizon.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> 0 <= res.p_rto_breach("trading").mean <= 1
        True
        """
        b = self.rto_breaches(service) > 0
        return proportion_estimate(int(b.sum()), b.size, confidence, what="breached the RTO")

    def max_outage(self, service: str) -> np.ndarray:
        """Longest outage (hours) per replication; 0 without outages.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> bool((res.max_outage("trading") >= 0).all())
        True
        """
        return self.raw.service_max_outage[:, self._svc(service)]

    # --- RPO and data loss ------------------------------------------------------------------------

    def data_loss_incidents(self, service: str) -> np.ndarray:
        """Data-loss incidents in the components beneath the service, per replication.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.data_loss_incidents("database").shape
        (200,)
        """
        return self.raw.service_loss_incidents[:, self._svc(service)]

    def data_lost(self, service: str) -> np.ndarray:
        """Hours of writes lost in the components beneath the service, per replication.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> bool((res.data_lost("database") >= 0).all())
        True
        """
        return self.raw.service_data_lost[:, self._svc(service)]

    def expected_data_lost(self, service: str, confidence: float = 0.95) -> Estimate:
        """Mean hours of writes lost per horizon, with a confidence interval.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.expected_data_lost("database").mean >= 0
        True
        """
        return nonnegative_mean_estimate(self.data_lost(service), confidence, what="lost data")

    def rpo_breaches(self, service: str) -> np.ndarray:
        """Data-loss incidents that lost more than the RPO, per replication.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``. ``ValueError`` if the service has no ``rpo`` target.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.rpo_breaches("database").shape
        (200,)
        """
        self._target(service, "rpo")
        return self.raw.service_rpo_breaches[:, self._svc(service)]

    def rpo_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        """Share of data-loss incidents that lost no more than the RPO, pooled over replications.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> c = res.rpo_compliance("database")
        >>> c.n
        200
        """
        n = self.data_loss_incidents(service)
        b = self.rpo_breaches(service)
        return ratio_estimate(n - b, n, confidence, what="data-loss incidents")

    def p_rpo_breach(self, service: str, confidence: float = 0.95) -> Estimate:
        """Probability of at least one RPO breach within one horizon.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval (``.mean``, ``.low``, ``.high``, ``.n``).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> 0 <= res.p_rpo_breach("database").mean <= 1
        True
        """
        b = self.rpo_breaches(service) > 0
        return proportion_estimate(int(b.sum()), b.size, confidence, what="breached the RPO")

    # --- where the downtime comes from ------------------------------------------------------------

    def _cause_labels(self) -> tuple[list[str], list[str], list[bool]]:
        cached = self.__dict__.get("_cause_label_cache")
        if cached is None:
            sources = [c for c, _ in self.mode_names] + self.shock_names
            causes = [m for _, m in self.mode_names] + ["shock"] * len(self.shock_names)
            planned = self.planned_modes + [False] * len(self.shock_names)
            cached = self.__dict__["_cause_label_cache"] = (sources, causes, planned)
        return cached

    def downtime_by_cause(self, service: str, planned: bool = False) -> pd.DataFrame:
        """Downtime of the service by root cause, largest first.

        The root cause of an outage is the failure mode or shock that began it.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        planned : bool, default False
            Give the maintenance windows behind the planned downtime instead.

        Returns
        -------
        pandas.DataFrame
            Index (source, cause) = (component, failure mode) or (shock name, ``"shock"``);
            columns ``kind``, ``downtime_h`` (mean hours per horizon) and ``share`` (of the service's downtime).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> by = res.downtime_by_cause("trading")
        >>> list(by.columns)
        ['kind', 'downtime_h', 'share']
        """
        i = self._svc(service)
        per = self._cell_mean("service_cause_downtime", [i])[0]
        sources, causes, is_planned = self._cause_labels()
        keep = np.asarray(is_planned, dtype=bool) == planned
        total = per[keep].sum()
        rows = np.flatnonzero(keep & (per > 0))  # the causes that took some downtime, in cause order
        df = pd.DataFrame(
            {
                # dtype "str": what pandas gives a list of names, also when no cause is left
                "source": pd.Series([sources[j] for j in rows], index=rows, dtype="str"),
                "cause": pd.Series([causes[j] for j in rows], index=rows, dtype="str"),
                "kind": pd.Series(
                    ["maintenance" if is_planned[j] else ("shock" if j >= len(self.mode_names) else "failure") for j in rows],
                    index=rows,
                    dtype="str",
                ),
                "downtime_h": per[rows],
                "share": per[rows] / total if total > 0 else np.full(rows.size, np.nan),
            },
            index=rows,
        )
        df = df.sort_values("downtime_h", ascending=False)
        return df.set_index(["source", "cause"])

    def downtime_by_component(self, service: str) -> pd.Series:
        """Each component's and shock's share of the service's unplanned downtime: what to fix first.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        pandas.Series
            Shares by component or shock name, largest first; they add up to 1.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> share = res.downtime_by_component("trading")
        >>> round(float(share.sum()), 9)
        1.0
        """
        by = self.downtime_by_cause(service)
        if by.empty:
            return pd.Series(dtype=float, name="share")
        return by.groupby(level="source")["share"].sum().sort_values(ascending=False)

    def downtime_by_shock(self, service: str) -> pd.Series:
        """Mean hours per horizon of unplanned downtime begun by each shock.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        pandas.Series
            Hours by shock name (empty without shock outages).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.downtime_by_shock("trading").name
        'downtime_h'
        """
        by = self.downtime_by_cause(service)
        by = by[by["kind"] == "shock"]
        return by["downtime_h"].droplevel("cause") if len(by) else pd.Series(dtype=float, name="downtime_h")

    def downtime_by_phase(self, service: str) -> pd.Series:
        """Mean hours per horizon the service spent down in each recovery phase.

        This is where the time of an outage goes. ``other`` is time the service stayed down after
        the failure that began the outage had recovered.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).

        Returns
        -------
        pandas.Series
            Hours by phase (detect, crew_wait, restore, switchover, ..., other), largest first.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.downtime_by_phase("trading").index.name
        'phase'
        """
        i = self._svc(service)
        per = self._cell_mean("service_phase_downtime", [i])[0]
        sr = pd.Series(per, index=pd.Index(self.phase_names, name="phase"), name="downtime_h")
        return sr[sr > 0].sort_values(ascending=False)

    # --- records ---------------------------------------------------------------------------------

    # --- money ------------------------------------------------------------------------------------

    @property
    def has_costs(self) -> bool:
        """Whether the model prices anything (service costs or running costs).

        Returns
        -------
        bool
            True when :meth:`Model.cost` or :meth:`Model.running_cost` was used.

        Examples
        --------
        >>> rs.examples.load("single").simulate("1y", 10, seed=1, progress=False).has_costs
        False
        """
        return bool(self._model.costs or self._model.running_costs)

    def running_cost(self) -> float:
        """What the architecture costs to run over the horizon (components and crew members).

        Returns
        -------
        float
            ``Model.annual_running_cost() * horizon / 1y``; the same in every replication.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> m.running_cost("server", 8760)
        >>> m.simulate("1y", 10, seed=1, progress=False).running_cost()
        8760.0
        """
        return self._model.annual_running_cost() * self.horizon / HOURS_PER_YEAR

    def _cost_key(self, service: str | None) -> list[int]:
        return list(range(len(self.service_names))) if service is None else [self._svc(service)]

    def costs(self, service: str | None = None) -> np.ndarray:
        """Cost per replication: the total (running costs included), or one service's losses.

        Parameters
        ----------
        service : str, optional
            One service: the cost of its downtime, outages, data loss and SLA credits. ``None``:
            every service plus the running cost of the architecture.

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000)
        >>> res = m.simulate("1y", 100, seed=1, progress=False)
        >>> bool(np.allclose(res.costs("web"), 1000 * res.downtime("web")))
        True
        """
        idx = self._cost_key(service)
        total = np.zeros(self.replications)
        for key in COST_ARRAYS.values():
            total += getattr(self.raw, key)[:, idx].sum(axis=1)
        return total + (self.running_cost() if service is None else 0.0)

    def expected_cost(self, service: str | None = None, confidence: float = 0.95) -> Estimate:
        """Expected cost over the horizon with its confidence interval.

        Parameters
        ----------
        service : str, optional
            One service (its losses), or ``None``: the total, running costs included.
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).

        Returns
        -------
        Estimate
            Mean with its confidence interval.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000, per_outage=100)
        >>> e = m.simulate("1y", 200, seed=1, progress=False).expected_cost()
        >>> e.low < e.mean < e.high
        True
        """
        run = self.running_cost() if service is None else 0.0
        losses = self.costs(service) - run
        e = nonnegative_mean_estimate(losses, confidence, what="had any cost")
        return dataclasses.replace(e, mean=e.mean + run, low=e.low + run, high=e.high + run) if run else e

    def cost_quantiles(self, service: str | None = None, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        """Quantiles of the cost per replication: the bad year (P99), not only the mean.

        Parameters
        ----------
        service : str, optional
            One service, or ``None``: the total.
        q : sequence of float, default (0.5, 0.9, 0.99)
            Probabilities of the quantiles, in [0, 1].

        Returns
        -------
        numpy.ndarray
            One quantile per probability.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000)
        >>> p50, p90, p99 = m.simulate("1y", 200, seed=1, progress=False).cost_quantiles()
        >>> bool(p50 <= p90 <= p99)
        True
        """
        return np.quantile(self.costs(service), check_levels(q))

    def cost_breakdown(self) -> pd.DataFrame:
        """Mean cost per horizon by service and kind: what costs the most.

        Returns
        -------
        pandas.DataFrame
            One row per priced service and a row ``running`` (the architecture); columns
            ``downtime``, ``outages``, ``beyond_rto``, ``planned``, ``data_loss``,
            ``sla_credits``, ``running`` and ``total``.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000, per_outage=100)
        >>> df = m.simulate("1y", 100, seed=1, progress=False).cost_breakdown()
        >>> list(df.columns)
        ['downtime', 'outages', 'beyond_rto', 'planned', 'data_loss', 'sla_credits', 'running', 'total']
        """
        rows: dict[str, dict[str, float]] = {}
        for s in self._model.costs:
            i = self._svc(s)
            rows[s] = {k: float(self._column_mean(key)[i]) for k, key in COST_ARRAYS.items()}
            rows[s]["running"] = 0.0
        if self._model.running_costs:
            rows["running"] = dict.fromkeys(COST_ARRAYS, 0.0)
            rows["running"]["running"] = self.running_cost()
        df = pd.DataFrame.from_dict(rows, orient="index", columns=[*COST_ARRAYS, "running"])
        df["total"] = df.sum(axis=1)
        df.index.name = "service"
        return df

    def cost_by_cause(self, service: str | None = None) -> pd.DataFrame:
        """Mean cost per horizon by root cause (failure mode or shock), largest first.

        SLA credits depend on a whole period's downtime, not on one cause: they are left out
        (see :meth:`cost_breakdown`). Data loss is blamed on the failure mode that lost the data.

        Parameters
        ----------
        service : str, optional
            One service, or ``None``: every service.

        Returns
        -------
        pandas.DataFrame
            Index (source, cause); columns ``kind`` (failure, maintenance, shock), ``cost`` and
            ``share`` (of the costs with a cause).

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000)
        >>> m.simulate("1y", 100, seed=1, progress=False).cost_by_cause().index[0]
        ('server', 'failure')
        """
        per = self._cell_mean("service_cause_cost", self._cost_key(service), total=True)
        sources, causes, planned = self._cause_labels()
        n_modes = len(self.mode_names)
        total = per.sum()
        df = pd.DataFrame(
            {
                "source": sources,
                "cause": causes,
                "kind": ["maintenance" if p else ("shock" if j >= n_modes else "failure") for j, p in enumerate(planned)],
                "cost": per,
                "share": per / total if total > 0 else np.full(per.shape, np.nan),
            }
        )
        df = df[df["cost"].to_numpy() > 0].sort_values("cost", ascending=False)
        return df.set_index(["source", "cause"])

    def cost_by_component(self, service: str | None = None) -> pd.Series:
        """Mean cost per horizon begun by each component's failures and each shock, largest first.

        Parameters
        ----------
        service : str, optional
            One service, or ``None``: every service.

        Returns
        -------
        pandas.Series
            Cost by component or shock name (SLA credits left out, see :meth:`cost_by_cause`).

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000)
        >>> list(m.simulate("1y", 100, seed=1, progress=False).cost_by_component().index)
        ['server']
        """
        by = self.cost_by_cause(service)
        if by.empty:
            return pd.Series(dtype=float, name="cost")
        return by.groupby(level="source")["cost"].sum().sort_values(ascending=False)

    def cost_by_shock(self, service: str | None = None) -> pd.Series:
        """Mean cost per horizon begun by each shock.

        Parameters
        ----------
        service : str, optional
            One service, or ``None``: every service.

        Returns
        -------
        pandas.Series
            Cost by shock name (empty without shock outages).

        Examples
        --------
        >>> m = rs.examples.load("exchange")
        >>> res = m.simulate("1y", 100, seed=1, progress=False)
        >>> res.cost_by_shock().name
        'cost'
        """
        by = self.cost_by_cause(service)
        by = by[by["kind"] == "shock"]
        return by["cost"].droplevel("cause") if len(by) else pd.Series(dtype=float, name="cost")

    def outages(self, service: str | None = None) -> pd.DataFrame:
        """Every outage of the kept replications (see ``keep_outages`` of :meth:`Model.simulate`).

        Parameters
        ----------
        service : str, optional
            Only this service's outages; default: every service.

        Returns
        -------
        pandas.DataFrame
            One row per outage: replication, service, start_h, duration_h, censored (still open at
            the horizon), component and mode or shock (its root cause), planned, rto_breach, and the
            hours spent in each recovery phase (columns ``phase_<name>_h``, only phases that occur).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> df = res.outages("trading")
        >>> list(df.columns[:4])
        ['replication', 'service', 'start_h', 'duration_h']
        """
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
        """Every data-loss incident of the kept replications.

        Returns
        -------
        pandas.DataFrame
            One row per incident: replication, component, mode, time_h and loss_h (hours of
            writes lost).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> list(res.data_losses().columns)
        ['replication', 'component', 'mode', 'time_h', 'loss_h']
        """
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
        """Downtime of a component (hours), per replication.

        Parameters
        ----------
        component : str
            Component name (``KeyError`` if unknown).

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.component_downtime("db-a").shape
        (200,)
        """
        return self.raw.component_downtime[:, self._comp(component)]

    def failures(self, component: str, mode: str | None = None) -> np.ndarray:
        """Failures of a component, per replication.

        Parameters
        ----------
        component : str
            Component name (``KeyError`` if unknown).
        mode : str, optional
            One failure mode (or a maintenance window's name: the windows it went through); default: every failure mode.

        Returns
        -------
        numpy.ndarray
            Shape ``(replications,)``.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> bool((res.failures("db-a") >= 0).all())
        True
        """
        if mode is None:
            idx = self._lookup()[1].get(component, [])
        else:
            idx = [i for i, (c, m) in enumerate(self.mode_names) if c == component and m == mode]
        if not idx:
            self._comp(component)
            raise KeyError(f"component {component!r} has no failure mode {mode!r}")
        return self.raw.mode_failures[:, idx].sum(axis=1)

    # --- engine counters ------------------------------------------------------------------------

    @property
    def events(self) -> int:
        """Total events processed by the engine in the run.

        Returns
        -------
        int
            Events over all replications.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.events > 0
        True
        """
        return int(round(float(self._column_mean("events")) * self.replications))

    @property
    def events_per_second(self) -> float:
        """Engine throughput of the run: events per wall-clock second.

        Returns
        -------
        float
            :attr:`events` divided by the run's elapsed time (NaN for an instant run).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.events_per_second > 0
        True
        """
        return self.events / self.elapsed if self.elapsed > 0 else math.nan

    # --- tables ------------------------------------------------------------------------------------

    @property
    def model(self) -> Model:
        """A copy of the model that was simulated (later edits of the original do not leak in).

        Returns
        -------
        Model
            The simulated model.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> res.model.name
        'exchange'
        """
        return self._model

    def trace(self, replication: int, log_file: str | None = None) -> pd.DataFrame:
        """Every event of one replication of this run (see :meth:`Model.trace`).

        Parameters
        ----------
        replication : int
            Index of the replication, in ``[0, replications)``.
        log_file : str, optional
            Also write the events to this file as a readable log.

        Returns
        -------
        pandas.DataFrame
            One row per event of that replication, identical to it in the full run.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> worst = int(res.downtime("trading").argmax())
        >>> len(res.trace(worst)) > 0
        True
        """
        if not 0 <= replication < self.replications:
            raise ValueError(f"replication must be in [0, {self.replications}), got {replication}")
        return self._model.trace(replication, seed=self.seed, horizon=self.horizon, log_file=log_file)

    def exact(self, max_states: int = 200_000) -> Any:
        """The exact (Markov chain) solution of the simulated model, when it has one.

        Parameters
        ----------
        max_states : int, default 200000
            Largest state space to solve.

        Returns
        -------
        ExactResults
            The exact answers (``ValueError`` when the model is not exponential; see :meth:`Model.exact`).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> single = rs.examples.load("single").simulate("1y", 200, seed=1, progress=False)
        >>> 0.999 < single.exact().availability("web") < 1
        True
        """
        if not hasattr(self, "_exact"):
            self._exact = self._model.exact(max_states=max_states)
        return self._exact

    def summary(self, confidence: float = 0.95, exact: bool = False) -> pd.DataFrame:
        """One row per service: the one-look table of a run.

        Parameters
        ----------
        confidence : float, default 0.95
            Two-sided confidence level of the interval, in (0, 1).
        exact : bool, default False
            Add the exact answers of the model's Markov chain beside the simulated ones: ``exact_availability`` (averaged over the same horizon, from all up: what the simulation estimates), ``exact_in_ci`` and ``exact_steady_availability``; ``ValueError`` when the model is not exponential (see :meth:`Model.exact`).

        Returns
        -------
        pandas.DataFrame
            Indexed by service: availability with CI, downtime mean/CI/std/P50/P90/P99 (hours),
            outages per horizon, mean outage duration, P(SLA met), RTO compliance and P(at least one
            RTO breach), RPO compliance, data-loss incidents and hours of writes lost per horizon
            (target columns are NaN where the service has no such target); when the model prices
            services, ``cost``, ``cost_low``, ``cost_high`` and ``cost_p99`` per horizon (NaN for
            services without a price; the total is :meth:`expected_cost`).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> df = res.summary()
        >>> "trading" in df.index, "availability_low" in df.columns
        (True, True)
        """
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
            if self._model.costs:  # priced services only; NaN for the others
                priced = s in self._model.costs
                c = self.expected_cost(s, confidence) if priced else None
                row["cost"] = c.mean if c is not None else math.nan
                row["cost_low"] = c.low if c is not None else math.nan
                row["cost_high"] = c.high if c is not None else math.nan
                row["cost_p99"] = float(self.cost_quantiles(s, (0.99,))[0]) if priced else math.nan
            if self.capacity_services:  # columns only for models with a demand somewhere
                cap = s in self.capacity_services
                for col, key in (
                    ("full_h", "service_full_time"),
                    ("degraded_h", "service_degraded_time"),
                    ("down_h", "service_capacity_down_time"),
                ):
                    row[col] = float(self._column_mean(key)[i]) if cap else math.nan
                demand = float(self._column_mean("service_demand")[i])
                row["unserved_share"] = float(self._column_mean("service_unserved")[i]) / demand if cap and demand > 0 else math.nan
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
        """One row per component: failures per horizon, downtime (hours), availability.

        Returns
        -------
        pandas.DataFrame
            Indexed by component: failures, downtime_h, planned_downtime_h, availability.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> list(res.components().columns)
        ['failures', 'downtime_h', 'planned_downtime_h', 'availability']
        """
        down = self._column_mean("component_downtime")
        planned = self._column_mean("component_planned_downtime")
        per_mode = self._column_mean("mode_failures")
        rows = []
        modes_of = self._lookup()[1]
        for ci, c in enumerate(self.component_names):
            failures = sum(per_mode[i] for i in modes_of[c])
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
        """Tidy per-replication table: one row per replication and service.

        Returns
        -------
        pandas.DataFrame
            Columns replication, service, downtime_h, availability, outages.

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> len(res.to_pandas()) == 200 * len(res.service_names)
        True
        """
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
        """A readable plain-text report (what ``make demo`` and the CLI print).

        Returns
        -------
        str
            The report (see :mod:`recoverysim.report`).

        Examples
        --------
        >>> res = rs.examples.load("exchange").simulate("1y", 200, seed=1, progress=False)
        >>> "trading" in res.report()
        True
        """
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
        self.spare_names = list(compiled.spare_names)
        self.targets = {s.name: {"availability": s.availability, "rto": s.rto, "rpo": s.rpo} for s in model.services.values()}
        self.phase_names = list(compiled.phases)
        self.agg = agg
        self.replications = int(agg.n)
        self.kept_replications = kept
        self.raw = agg.kept  # the histogram and records of every block, no per-replication arrays
        self.capacity_services = [s.name for s in model.services.values() if s.demand is not None]

    # --- what is not kept ----------------------------------------------------------------------

    def _not_kept(self, what: str) -> NoReturn:
        raise ValueError(
            f"{what}: per-replication values are not kept for this run of {self.replications:,} replications "
            "(per_replication=False); use the estimates (availability, mean_downtime, summary...), or simulate "
            "with per_replication=True"
        )

    def capacity_hours(self, service: str) -> pd.DataFrame:
        self._not_kept("capacity_hours")

    def unserved_fraction(self, service: str, confidence: float = 0.95) -> Estimate:
        self._not_kept("unserved_fraction")

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

    def spare_stockouts(self, pool: str) -> np.ndarray:
        self._not_kept("spare_stockouts")

    def spare_out_of_stock(self, pool: str) -> np.ndarray:
        self._not_kept("spare_out_of_stock")

    def to_pandas(self) -> pd.DataFrame:
        self._not_kept("to_pandas")

    # --- estimates from the aggregates -------------------------------------------------------------

    def _column_mean(self, key: str) -> np.ndarray:
        return self.agg.s1[key] / self.agg.n

    def _summed_cells(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        return self.agg.cells[key]

    def _est(self, key: str, i: int, confidence: float, upper: float = math.inf, what: str = "") -> Estimate:
        a = self.agg
        k = int(a.positive[key][i])
        return nonnegative_mean_from_sums(a.n, k, float(a.s1[key][i]), float(a.s2[key][i]), confidence, upper, what)

    def availability(self, service: str, confidence: float = 0.95, include_planned: bool = False) -> Estimate:
        i = self._svc(service)
        a = self.agg
        s1, s2 = float(a.s1["service_downtime"][i]), float(a.s2["service_downtime"][i])
        k = int(a.positive["service_downtime"][i])
        if include_planned:
            p1, p2 = float(a.s1["service_planned_downtime"][i]), float(a.s2["service_planned_downtime"][i])
            dp = float(a.cross[("service_downtime", "service_planned_downtime")][i])
            s1, s2 = s1 + p1, s2 + 2 * dp + p2
            k = int(a.positive["service_downtime+planned"][i])
        point = estimate_from_sums(a.n, s1, s2, confidence, scale=-1.0 / self.horizon, shift=1.0)  # the mean, as before
        d = nonnegative_mean_from_sums(a.n, k, s1, s2, confidence, self.horizon, "had any downtime")
        return complement(d, self.horizon, mean=point.mean, sd=point.std)

    def mean_downtime(self, service: str, confidence: float = 0.95) -> Estimate:
        return self._est("service_downtime", self._svc(service), confidence, self.horizon, "had any downtime")

    def outages_per_replication(self, service: str, confidence: float = 0.95) -> Estimate:
        return self._est("service_outages", self._svc(service), confidence, what="had an outage")

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

    def costs(self, service: str | None = None) -> np.ndarray:
        self._not_kept("costs")

    def _cost_column(self, service: str | None) -> int:
        return len(self.service_names) if service is None else self._svc(service)

    def expected_cost(self, service: str | None = None, confidence: float = 0.95) -> Estimate:
        a = self.agg
        j = self._cost_column(service)
        run = self.running_cost() if service is None else 0.0
        if a.cost_s1 is None:
            return nonnegative_mean_from_sums(a.n, 0, 0.0, 0.0, confidence) if not run else Estimate(run, run, run, 0.0, a.n, confidence)
        e = nonnegative_mean_from_sums(
            a.n, int(a.cost_positive[j]), float(a.cost_s1[j]), float(a.cost_s2[j]), confidence, math.inf, "had any cost"
        )
        return dataclasses.replace(e, mean=e.mean + run, low=e.low + run, high=e.high + run) if run else e

    def cost_quantiles(self, service: str | None = None, q: Sequence[float] = (0.5, 0.9, 0.99)) -> np.ndarray:
        qs = check_levels(q)
        run = self.running_cost() if service is None else 0.0
        if self.agg.cost_hist is None:
            return np.full(np.shape(q), run)
        counts = self.agg.cost_hist[self._cost_column(service)]
        cum = np.cumsum(counts)
        out = []
        for p in qs.ravel():
            b = min(int(np.searchsorted(cum, p * cum[-1], side="left")), len(counts) - 1)
            out.append(run + (0.0 if b == 0 else math.sqrt(COST_EDGES[b] * COST_EDGES[b + 1])))
        return np.asarray(out).reshape(np.shape(q))

    def p_sla_met(self, service: str, target: float | None = None, confidence: float = 0.95) -> Estimate:

        i = self._svc(service)
        stored = self.targets.get(service, {}).get("availability")
        if stored is None:
            raise ValueError(f"service {service!r} has no availability target; pass target=")
        if target is not None and target != stored:
            self._not_kept("p_sla_met with another target than the service's")
        return proportion_estimate(int(self.agg.sla_met[i]), self.agg.n, confidence, what="met the SLA")

    def rto_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        i = self._svc(service)
        self._target(service, "rto")
        a = self.agg
        m1, m2 = float(a.s1["service_rto_met"][i]), float(a.s2["service_rto_met"][i])
        b1, b2 = float(a.s1["service_rto_breaches"][i]), float(a.s2["service_rto_breaches"][i])
        mb = float(a.cross[("service_rto_met", "service_rto_breaches")][i])
        return ratio_from_sums(a.n, m1, m1 + b1, m2, m2 + 2 * mb + b2, m2 + mb, confidence, "outages with a known RTO outcome")

    def p_rto_breach(self, service: str, confidence: float = 0.95) -> Estimate:

        i = self._svc(service)
        self._target(service, "rto")
        return proportion_estimate(int(self.agg.positive["service_rto_breaches"][i]), self.agg.n, confidence, what="breached the RTO")

    def rpo_compliance(self, service: str, confidence: float = 0.95) -> Estimate:
        i = self._svc(service)
        self._target(service, "rpo")
        a = self.agg
        n1, n2 = float(a.s1["service_loss_incidents"][i]), float(a.s2["service_loss_incidents"][i])
        b1, b2 = float(a.s1["service_rpo_breaches"][i]), float(a.s2["service_rpo_breaches"][i])
        nb = float(a.cross[("service_loss_incidents", "service_rpo_breaches")][i])
        return ratio_from_sums(a.n, n1 - b1, n1, n2 - 2 * nb + b2, n2, n2 - nb, confidence, "data-loss incidents")

    def p_rpo_breach(self, service: str, confidence: float = 0.95) -> Estimate:

        i = self._svc(service)
        self._target(service, "rpo")
        return proportion_estimate(int(self.agg.positive["service_rpo_breaches"][i]), self.agg.n, confidence, what="breached the RPO")

    def expected_data_lost(self, service: str, confidence: float = 0.95) -> Estimate:
        return self._est("service_data_lost", self._svc(service), confidence, what="lost data")
