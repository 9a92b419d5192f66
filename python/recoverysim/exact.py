"""Exact answers: the Markov chain of an exponential model, and the structure function.

For models whose times are all exponential (failures, recovery steps) the availability of every
service is the solution of a continuous-time Markov chain over the component states, shared crews
(FIFO queues), k-of-n, load sharing and standby with instant switchover included. recoverysim
builds the chain and solves it in C++ with Eigen's sparse LU:

>>> import recoverysim as rs
>>> m = rs.Model("machine-repair")
>>> _ = m.crew("repairer", size=1)
>>> for name in ("a", "b"):
...     _ = m.component(name, failure=rs.Exponential(1.0), repair=rs.Step("repair", rs.Exponential(0.5), crew="repairer"))
>>> _ = m.service("one", "a")
>>> round(m.exact().availability("one"), 12)
0.6

For independent components, :func:`structure_availability` evaluates the structure function
exactly (components shared by several branches are conditioned on):

>>> t = rs.Model("two-train")
>>> for n in ("V1", "P1", "V2", "P2"):
...     _ = t.component(n, mttf=1, mttr=1)
>>> _ = t.service("s", rs.all_of(rs.any_of("V1", "P1"), rs.any_of("V2", "P2")))
>>> round(t.structure_availability({"V1": 0.5, "P1": 0.7, "V2": 0.5, "P2": 0.7})["s"], 12)
0.7225
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core, _html
from .requirements import Requirement, Standby
from .stats import Estimate, normal_quantile
from .units import Duration, hours
from .validation import check_count

if TYPE_CHECKING:
    from .model import Model

__all__ = ["ExactResults", "exact", "structure_availability", "component_availability", "RareEventResults", "rare_events"]


class ExactResults:
    """The solved Markov chain of a model: steady-state and transient answers per service.

    Built by :func:`exact` (or :meth:`Model.exact`), not by hand.

    Parameters
    ----------
    model : Model
        The solved model.
    solution : recoverysim._core.ExactSolution
        The engine's solution of the chain.
    service_names : sequence of str
        The services, in the engine's order.

    Examples
    --------
    >>> ex = rs.examples.load("single").exact()
    >>> ex.n_states
    2
    """

    def __init__(self, model: Model, solution: Any, service_names: Sequence[str]) -> None:
        self.model_name = model.name
        self._sol = solution
        self.service_names = list(service_names)
        self._services = {n: d for n, d in zip(self.service_names, solution.services)}
        self._costs = dict(model.costs)  # money: the prices the chain can be rewarded with
        self._capacity = {
            sv.name: (sv.demand, sv.requirement)
            for sv in model.services.values()
            if sv.demand is not None and isinstance(sv.requirement, Requirement)
        }

    @property
    def n_states(self) -> int:
        """Number of states of the chain.

        Returns
        -------
        int
            States of the continuous-time Markov chain.

        Examples
        --------
        >>> rs.examples.load("single").exact().n_states
        2
        """
        return int(self._sol.n_states)

    def _get(self, service: str) -> dict[str, float]:
        try:
            return self._services[service]
        except KeyError:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(self.service_names)}") from None

    def availability(self, service: str) -> float:
        """Steady-state availability.

        Parameters
        ----------
        service : str
            Service name.

        Returns
        -------
        float
            Long-run fraction of time the service is up.

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> round(ex.availability("web"), 9)  # 2000 / 2000.5
        0.999750062
        """
        return float(self._get(service)["availability"])

    def capacity(self, service: str) -> dict[str, float]:
        """Steady-state capacity answers of a service with a demand (Markov rewards).

        From the chain's steady-state distribution of the capacity up, ``p(C)``: with demand
        ``d_h`` in hour ``h`` of the week (every hour equally long),
        ``p_full = mean_h P(C >= d_h)``, ``p_down = mean_h P(service down | d_h)``,
        ``unserved = sum_h d_h E[1 - min(1, C / d_h)] / sum_h d_h``. Multiply shares of time by
        8760 for hours per year.

        Parameters
        ----------
        service : str
            A service with a demand.

        Returns
        -------
        dict
            ``p_full``, ``p_degraded``, ``p_down`` (long-run shares of time), ``served`` and
            ``unserved`` (shares of the demand).

        Examples
        --------
        >>> m = rs.Model()
        >>> _ = m.component("a", mttf="90h", mttr="10h")
        >>> _ = m.component("b", mttf="90h", mttr="10h")
        >>> _ = m.service("s", rs.capacity({"a": 1, "b": 1}), demand=2)
        >>> c = m.exact().capacity("s")
        >>> round(c["p_full"], 4), round(c["p_down"], 4), round(c["unserved"], 4)
        (0.81, 0.01, 0.1)
        """
        if service not in self._capacity:
            raise ValueError(f"service {service!r} has no demand (exact capacity answers need demand= and rs.capacity(...))")
        demand, gate = self._capacity[service]
        dist = self._sol.weight_distribution(self.service_names.index(service))
        eps = 1e-9 * gate.total_weight
        t = gate.threshold_weight

        def holds(c: float) -> bool:  # the engine's weight_holds
            return c > t + eps if gate.strict else c >= t - eps

        full = down = unserved = 0.0
        for d in demand:
            for c, p in dist:
                if not holds(c):
                    down += p
                elif c >= d - eps:
                    full += p
                if c < d - eps:
                    unserved += p * d * (1.0 - c / d)
        n = len(demand)
        return {
            "p_full": full / n,
            "p_degraded": max(0.0, 1.0 - full / n - down / n),
            "p_down": down / n,
            "unserved": unserved / sum(demand),
            "served": 1.0 - unserved / sum(demand),
        }

    def failure_frequency(self, service: str) -> float:
        """Steady-state outages per hour (multiply by 8760 for outages per year).

        Parameters
        ----------
        service : str
            Service name.

        Returns
        -------
        float
            Outages per hour.

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> round(ex.failure_frequency("web") * 8760, 4)  # 8760 / 2000.5 outages a year
        4.3789
        """
        return float(self._get(service)["failure_frequency"])

    def mean_outage_duration(self, service: str) -> float:
        """Steady-state mean outage duration in hours (unavailability / frequency).

        Parameters
        ----------
        service : str
            Service name.

        Returns
        -------
        float
            Hours.

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> round(ex.mean_outage_duration("web"), 9)  # the MTTR of the one component
        0.5
        """
        return float(self._get(service)["mean_outage"])

    def mttff(self, service: str) -> float:
        """Mean time to the first outage from all components up (hours).

        Parameters
        ----------
        service : str
            Service name.

        Returns
        -------
        float
            Hours.

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> round(ex.mttff("web"), 6)  # the MTTF of the one component
        2000.0
        """
        return float(self._get(service)["mttff"])

    def point_availability(self, service: str, times: Sequence[Duration] | np.ndarray) -> np.ndarray:
        """A(t): probability the service is up at each time, from all up at 0 (uniformization).

        Parameters
        ----------
        service : str
            Service name.
        times : sequence of duration or numpy.ndarray
            Times (hours or duration strings).

        Returns
        -------
        numpy.ndarray
            A(t) at each time.

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> a = ex.point_availability("web", [0, "1h", "1y"])
        >>> float(a[0]), bool(a[1] > a[2])
        (1.0, True)
        """
        i = self.service_names.index(self._check(service))
        ts = [hours(t, name="time") for t in np.atleast_1d(np.asarray(times, dtype=object))]
        return np.asarray(self._sol.point_availability(ts))[:, i]

    def mean_availability(self, service: str, horizon: Duration) -> float:
        """Availability averaged over [0, horizon] from all up at 0: what a simulation of that
        horizon estimates.

        Parameters
        ----------
        service : str
            Service name.
        horizon : duration
            The horizon, e.g. ``"1y"``.

        Returns
        -------
        float
            Mean of A(t) over [0, horizon].

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> ex.mean_availability("web", "1y") > ex.availability("web")  # it starts up
        True
        """
        i = self.service_names.index(self._check(service))
        return float(self._sol.mean_availability(hours(horizon, name="horizon"))[i])

    def _check(self, service: str) -> str:
        self._get(service)
        return service

    def _cost(self, service: str, allowed: Sequence[str]) -> Any:
        c = self._costs.get(self._check(service))
        if c is None:
            raise ValueError(f"service {service!r} has no cost (Model.cost)")
        beyond = {
            "beyond_rto_per_hour": c.beyond_rto_per_hour,
            "planned_per_hour": c.planned_per_hour,
            "data_loss_per_incident": c.data_loss_per_incident,
            "data_loss_per_hour": c.data_loss_per_hour,
            "sla": c.sla is not None,
            "per_outage": c.per_outage,
            "weekly profile": c.weekly,
        }
        extra = [k for k, v in beyond.items() if v and k not in allowed]
        if extra:
            raise ValueError(
                f"the Markov chain prices only {' and '.join(allowed)}: service {service!r} also has {', '.join(extra)} (simulate it)"
            )
        return c

    def cost_rate(self, service: str) -> float:
        """Steady-state expected cost per hour of a service (a Markov reward).

        Reward rate ``per_hour`` in the down states and an impulse ``per_outage`` on every
        up-to-down transition: ``mean rate × (1 − A) + per_outage × failure frequency``. A weekly
        profile enters by its mean over the week (exact in steady state: the chain does not know
        the time of week). Costs the chain has no state for (beyond the RTO, planned downtime,
        data loss, SLA credits) raise ``ValueError``.

        Parameters
        ----------
        service : str
            A priced service.

        Returns
        -------
        float
            Expected cost per hour in steady state.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000, per_outage=50)
        >>> ex = m.exact()
        >>> round(ex.cost_rate("web"), 6) == round(1000 * (1 - ex.availability("web")) + 50 * ex.failure_frequency("web"), 6)
        True
        """
        c = self._cost(service, ("per_hour", "per_outage", "weekly profile"))
        return c.mean_rate() * (1.0 - self.availability(service)) + c.per_outage * self.failure_frequency(service)

    def expected_cost(self, service: str, horizon: Duration) -> float:
        """Expected cost of a service over [0, horizon] from all up (transient solution): a
        constant ``per_hour`` times the expected downtime ``horizon × (1 − mean availability)``.

        Parameters
        ----------
        service : str
            A service priced with a constant ``per_hour`` only.
        horizon : duration
            The horizon, e.g. ``"1y"``.

        Returns
        -------
        float
            What a simulation of that horizon estimates with :meth:`Results.expected_cost`.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> _ = m.cost("web", per_hour=1000)
        >>> ex = m.exact()
        >>> ex.expected_cost("web", "1y") == 1000 * 8760 * (1 - ex.mean_availability("web", "1y"))
        True
        """
        c = self._cost(service, ("per_hour",))
        h = hours(horizon, name="horizon")
        return float(c.per_hour) * h * (1.0 - self.mean_availability(service, h))

    def summary(self, horizon: Duration | None = None) -> pd.DataFrame:
        """One row per service: steady availability, outages per year, mean outage (hours), mean
        time to first outage (hours), and with ``horizon`` the mean availability over it.

        Parameters
        ----------
        horizon : duration, optional
            Add the mean availability over this horizon.

        Returns
        -------
        pandas.DataFrame
            Indexed by service.

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> "web" in ex.summary("1y").index
        True
        """
        rows = []
        mean = None if horizon is None else self._sol.mean_availability(hours(horizon, name="horizon"))
        for i, s in enumerate(self.service_names):
            d = self._services[s]
            row = {
                "service": s,
                "availability": d["availability"],
                "outages_per_year": d["failure_frequency"] * 8760.0,
                "mean_outage_h": d["mean_outage"] if d["failure_frequency"] > 0 else math.nan,
                "mttff_h": d["mttff"],
            }
            if mean is not None:
                row["mean_availability"] = mean[i]
            rows.append(row)
        return pd.DataFrame(rows).set_index("service") if rows else pd.DataFrame(index=pd.Index([], name="service", dtype=object))

    def _repr_html_(self) -> str:
        """Jupyter: the exact answers as a table (see ``recoverysim._html``)."""
        return _html.exact_html(self)

    def __repr__(self) -> str:
        return f"ExactResults(model={self.model_name!r}, states={self.n_states}, services={self.service_names})"


def exact(model: Model, *, max_states: int = 200_000) -> ExactResults:
    """Solve the continuous-time Markov chain of an exponential model.

    Raises ``ValueError`` naming what the chain cannot express (a non-exponential time, an
    inspection, a standby switchover delay, shocks, maintenance, cascades, escalation), or the
    number of states when it exceeds ``max_states``.

    Parameters
    ----------
    model : Model
        An exponential model.
    max_states : int, default 200000
        Largest state space to solve.

    Returns
    -------
    ExactResults
        The solved chain.

    Examples
    --------
    >>> ex = exact(rs.examples.load("single"))
    >>> round(ex.availability("web"), 6)
    0.99975
    """
    if isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1:
        raise ValueError(f"max_states must be a positive integer, got {max_states!r}")
    compiled = model.compile()
    _refuse_large(model, max_states)
    sol = _core.solve_markov(compiled, max_states=max_states)
    return ExactResults(model, sol, compiled.service_names)


def _refuse_large(model: Model, max_states: int) -> None:
    """Refuse at once a chain that is certainly too large, rather than after exploring
    ``max_states`` states of it (half a minute for a 10,000-validator fleet).

    While components age when services are down, any set of components outside standby groups
    can be down at once (they fail one after the other before any repair), so the chain has at
    least 2^n states for n such components. Small models are left to the engine, which names
    what else it cannot express."""
    if not model.age_when_down:
        return
    spares: set[str] = set()

    def walk(r: Any) -> None:
        if isinstance(r, Standby):
            spares.update(r.members)  # type: ignore[arg-type]
        elif isinstance(r, Requirement):
            for x in r.members:
                walk(x)

    for s in model.services.values():
        walk(s.requirement)
    n = sum(1 for c in model.components if c not in spares)
    if n > 30 and n > math.log2(max_states):
        raise ValueError(
            f"the Markov chain of {n:,} components has at least 2^{n} states (limit max_states={max_states:,}); "
            "use structure_availability() for independent components, rare_events(), or simulate"
        )


def component_availability(model: Model, names: Sequence[str] | None = None) -> dict[str, float]:
    """Steady availability of each component on its own: mean up time / (mean up + mean down).

    One failure mode: MTTF/(MTTF+MTTR) for any distributions (alternating renewal). Several modes
    need exponential times to failure (competing risks): 1 / (1 + sum_i lambda_i * MTTR_i).
    MTTR is the sum of the steps' mean durations divided by their success probabilities. Shared
    crews, inspections, escalations and standby make components dependent: then pass the
    availabilities yourself or use :meth:`Model.exact`.

    Parameters
    ----------
    model : Model
        The model.
    names : sequence of str, optional
        The components (default: all).

    Returns
    -------
    dict of str to float
        Steady availability of each component.

    Examples
    --------
    >>> component_availability(rs.examples.load("single"))
    {'server': 0.9997500624843789}
    """
    out: dict[str, float] = {}
    stressed = {c: st.name for st in model.stresses.values() for c in model.select(st.targets)}
    for c in model.components.values():
        if names is not None and c.name not in names:
            continue
        if c.name in stressed:
            raise ValueError(
                f"component {c.name!r}: stress {stressed[c.name]!r} changes its failure rate over time, so MTTF/(MTTF+MTTR) "
                "does not hold; use exact() (a stress while a group is degraded) or simulate"
            )
        terms = []
        for mode in c.modes:
            mttr = 0.0
            for st in mode.repair.steps:
                if st.crew is not None or st.every is not None or st.escalate is not None:
                    raise ValueError(
                        f"component {c.name!r}, failure mode {mode.name!r}: step {st.name!r} uses a crew, an inspection "
                        "or an escalation, so components are not independent; pass component_availability= or use exact()"
                    )
                mttr += st.duration.mean / st.success
            terms.append((mode.failure, mttr))
        if len(terms) == 1:
            mttf = terms[0][0].mean
            out[c.name] = mttf / (mttf + terms[0][1])
        else:
            if any(f.kind != "exponential" for f, _ in terms):
                raise ValueError(
                    f"component {c.name!r}: competing failure modes need exponential times to failure for a closed form; "
                    "pass component_availability="
                )
            out[c.name] = 1.0 / (1.0 + sum(mttr / f.mean for f, mttr in terms))
    return out


component_availability_of = component_availability


def structure_availability(model: Model, component_availability: Mapping[str, float] | None = None) -> dict[str, float]:
    """Exact availability of every service for independent components.

    ``component_availability`` maps component names to availabilities; missing ones (or all,
    when it is None) come from :func:`component_availability`. Standby groups are not
    independent and raise ``ValueError``.

    Parameters
    ----------
    model : Model
        The model.
    component_availability : mapping of str to float, optional
        Availability of components (default: from their failure and repair times).

    Returns
    -------
    dict of str to float
        Availability of each service.

    Examples
    --------
    >>> m = rs.Model()
    >>> for n in ("a", "b"):
    ...     _ = m.component(n, mttf="99h", mttr="1h")
    >>> _ = m.service("either", rs.any_of("a", "b"))
    >>> structure_availability(m, {"a": 0.9, "b": 0.9})
    {'either': 0.99}
    """
    compiled = model.compile()
    given = dict(component_availability or {})
    unknown = set(given) - set(model.components)
    if unknown:
        raise KeyError(f"unknown component(s) in component_availability: {', '.join(sorted(unknown))}")
    missing = [n for n in model.components if n not in given]
    if missing:
        auto = component_availability_of(model, missing)
        given.update({n: auto[n] for n in missing})
    avail = [float(given[n]) for n in compiled.component_names]
    values = _core.structure_availability(compiled, avail)
    # A wide quorum sums thousands of terms: rounding may leave 1 + 1e-15, which is not a probability.
    return {s: min(1.0, max(0.0, float(v))) for s, v in zip(compiled.service_names, values)}


class RareEventResults:
    """Steady-state unavailability estimated by importance sampling (see :func:`rare_events`).

    Built by :func:`rare_events` (or :meth:`Model.rare_events`), not by hand.

    Parameters
    ----------
    model_name : str
        The model's name.
    service_names : sequence of str
        The services.
    raw : dict
        The engine's per-cycle sums.
    seconds : float
        Wall-clock seconds the estimate took.

    Examples
    --------
    >>> m = rs.Model()
    >>> for n in ("a", "b"):
    ...     _ = m.component(n, mttf="10000h", mttr="1h")
    >>> _ = m.service("s", rs.any_of("a", "b"))
    >>> r = m.rare_events("s", cycles=2_000, plain_cycles=500)
    >>> r.cycles, r.plain_cycles
    (2000, 500)
    """

    def __init__(self, model_name: str, service_names: Sequence[str], raw: dict[str, Any], seconds: float) -> None:
        self.model_name = model_name
        self.service_names = list(service_names)
        self.raw = raw
        self.seconds = seconds
        self.cycles = int(raw["cycles"])
        self.plain_cycles = int(raw["plain_cycles"])

    def _i(self, service: str) -> int:
        try:
            return self.service_names.index(service)
        except ValueError:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(self.service_names)}") from None

    def unavailability(self, service: str, confidence: float = 0.95) -> Estimate:
        """Steady-state unavailability with a confidence interval (ratio estimator, delta method:
        the biased and plain cycles are independent).

        Parameters
        ----------
        service : str
            Service name.
        confidence : float, default 0.95
            Two-sided confidence level.

        Returns
        -------
        Estimate
            The unavailability with its interval.

        Examples
        --------
        >>> m = rs.Model()
        >>> for n in ("a", "b"):
        ...     _ = m.component(n, mttf="10000h", mttr="1h")
        >>> _ = m.service("s", rs.any_of("a", "b"))
        >>> u = m.rare_events("s", cycles=20_000, plain_cycles=2_000).unavailability("s", confidence=0.999)
        >>> u.contains(1 - m.exact().availability("s"))
        True
        """
        d = self.raw["services"][self._i(service)]
        t, tse = self.raw["cycle_length"], self.raw["cycle_length_se"]
        u = d["down_per_cycle"] / t
        rel = math.hypot(d["down_per_cycle_se"] / d["down_per_cycle"], tse / t) if d["down_per_cycle"] > 0 else math.inf
        se = u * rel
        h = normal_quantile(0.5 + confidence / 2) * se
        return Estimate(u, max(u - h, 0.0), u + h, se * math.sqrt(self.cycles), self.cycles, confidence)

    def availability(self, service: str, confidence: float = 0.95) -> Estimate:
        """1 - unavailability, with the same interval.

        Parameters
        ----------
        service : str
            Service name.
        confidence : float, default 0.95
            Two-sided confidence level.

        Returns
        -------
        Estimate
            ``1 - unavailability``.

        Examples
        --------
        >>> m = rs.Model()
        >>> for n in ("a", "b"):
        ...     _ = m.component(n, mttf="10000h", mttr="1h")
        >>> _ = m.service("s", rs.any_of("a", "b"))
        >>> m.rare_events("s", cycles=2_000, plain_cycles=500).availability("s").mean > 0.99999
        True
        """
        u = self.unavailability(service, confidence)
        return Estimate(1 - u.mean, 1 - u.high, 1 - u.low, u.std, u.n, confidence)

    def gain(self, service: str) -> float:
        """Variance reduction per cycle against crude simulation of the same cycles: the crude
        per-cycle variance of the downtime (its second moment, estimated from the same biased
        cycles) over the importance-sampling variance. Crude simulation needs this many times
        more cycles for the same precision.

        Parameters
        ----------
        service : str
            Service name.

        Returns
        -------
        float
            Crude variance over importance-sampling variance, per cycle.

        Examples
        --------
        >>> m = rs.Model()
        >>> for n in ("a", "b"):
        ...     _ = m.component(n, mttf="10000h", mttr="1h")
        >>> _ = m.service("s", rs.any_of("a", "b"))
        >>> m.rare_events("s", cycles=2_000, plain_cycles=500).gain("s") > 10
        True
        """
        d = self.raw["services"][self._i(service)]
        var_is = d["down_per_cycle_se"] ** 2 * self.cycles
        var_crude = d["crude_second_moment"] - d["down_per_cycle"] ** 2
        return var_crude / var_is if var_is > 0 else math.inf

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """One row per service: unavailability with its interval, availability, and the gain.

        Parameters
        ----------
        confidence : float, default 0.95
            Two-sided confidence level.

        Returns
        -------
        pandas.DataFrame
            Indexed by service.

        Examples
        --------
        >>> m = rs.Model()
        >>> for n in ("a", "b"):
        ...     _ = m.component(n, mttf="10000h", mttr="1h")
        >>> _ = m.service("s", rs.any_of("a", "b"))
        >>> list(m.rare_events("s", cycles=2_000, plain_cycles=500).summary().index)
        ['s']
        """
        rows = []
        for s in self.service_names:
            u = self.unavailability(s, confidence)
            rows.append(
                {
                    "service": s,
                    "unavailability": u.mean,
                    "unavailability_low": u.low,
                    "unavailability_high": u.high,
                    "relative_half_width": u.half_width / u.mean if u.mean > 0 else math.nan,
                    "downtime_min_per_year": u.mean * 8760 * 60,
                    "gain_vs_crude": self.gain(s),
                }
            )
        return pd.DataFrame(rows).set_index("service") if rows else pd.DataFrame(index=pd.Index([], name="service", dtype=object))

    def __repr__(self) -> str:
        return f"RareEventResults(model={self.model_name!r}, cycles={self.cycles}, services={self.service_names})"


def rare_events(
    model: Model,
    service: str | None = None,
    *,
    cycles: int = 100_000,
    plain_cycles: int = 20_000,
    bias: float = 0.5,
    seed: int = 0,
) -> RareEventResults:
    """Steady-state unavailability of a highly available exponential model by importance sampling.

    Regenerative simulation of the model's Markov chain from the all-up state with balanced
    failure biasing (Shahabuddin 1994): where failures and repairs compete, failures are chosen
    with total probability ``bias``, and the path's likelihood ratio keeps the estimate unbiased.
    Unavailability = E[downtime per cycle] (``cycles`` biased cycles) / E[cycle length]
    (``plain_cycles`` plain ones). With ``service``, only failures of the components beneath it
    are biased: failures that cannot bring it down only add variance (estimates of the other
    services stay unbiased but may be less precise). The chain is walked on the fly, so models
    too large for :meth:`Model.exact` work too. A five-nines service gets a tight interval in a second where
    plain simulation would need years of simulated time per outage.

    >>> m = rs.Model("triple")
    >>> for n in "abc":
    ...     _ = m.component(n, mttf="1000h", mttr="4h")
    >>> _ = m.service("s", rs.any_of("a", "b", "c"))
    >>> est = m.rare_events("s", cycles=20_000, seed=1).unavailability("s", confidence=0.999)
    >>> est.contains(1 - m.exact().availability("s"))   # about 6.3e-8
    True

    Parameters
    ----------
    model : Model
        A highly available exponential model.
    service : str, optional
        Bias only the failures beneath this service (default: the only service).
    cycles : int, default 100000
        Biased regeneration cycles.
    plain_cycles : int, default 20000
        Plain cycles, for the mean cycle length.
    bias : float, default 0.5
        Total probability of failures where failures and repairs compete, in (0, 1).
    seed : int, default 0
        Seed of the estimate.

    Returns
    -------
    RareEventResults
        Estimates with confidence intervals.

    Examples
    --------
    >>> m = rs.Model()
    >>> for n in ("a", "b", "c"):
    ...     _ = m.component(n, mttf="10000h", mttr="1h")
    >>> _ = m.service("s", rs.k_of_n(3, "a", "b", "c"))
    >>> r = rare_events(m, "s", cycles=5_000, plain_cycles=1_000)
    >>> r.unavailability("s", confidence=0.999).contains(1 - m.exact().availability("s"))
    True
    """
    cycles = check_count(cycles, "cycles", minimum=2)
    plain_cycles = check_count(plain_cycles, "plain_cycles", minimum=2)
    seed = check_count(seed, "seed", minimum=0)
    if isinstance(bias, bool) or not isinstance(bias, (int, float)) or not 0 < bias < 1:
        raise ValueError(f"bias must be a probability strictly between 0 and 1, got {bias!r}")
    compiled = model.compile()
    t0 = time.perf_counter()
    target = -1
    if service is not None:
        if service not in compiled.service_names:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(compiled.service_names)}")
        target = list(compiled.service_names).index(service)
    raw = _core.importance_sampling(compiled, cycles=cycles, plain_cycles=plain_cycles, bias=float(bias), seed=seed, target_service=target)
    return RareEventResults(model.name, compiled.service_names, raw, time.perf_counter() - t0)
