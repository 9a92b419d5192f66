"""The Model facade: builds an architecture (components, crews, procedures, services, shocks,
maintenance) and forwards compiling, running, files and exact answers to the layers below.

>>> import recoverysim as rs
>>> m = rs.Model("exchange")
>>> m.component("api-1", mttf="2000h", mttr="30m")
Component('api-1', modes=[FailureMode('failure', failure=Exponential(mean='2000h'), repair=Exponential(mean='0.5h'))])
>>> _ = m.component("api-2", mttf="2000h", mttr="30m")
>>> _ = m.service("trading", rs.any_of("api-1", "api-2"))
>>> res = m.simulate(horizon="1y", replications=200, seed=1, progress=False)
>>> 0.999 < res.availability("trading").mean <= 1.0
True
"""

from __future__ import annotations

import copy as _copy
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _engine, _html, exact, run, writer
from . import formatting as fmt
from .components import Backup, Component, Crew, Fleet, Replication, SparePool, fleet_names
from .correlated import Maintenance, Selector, Shock, Stress
from .distributions import Distribution, Exponential
from .money import ServiceCost, SlaCredits, check_amount
from .recovery import Cascade, FailureMode, Procedure, Step, restart_procedure
from .requirements import Member, Requirement, Service, demand_threshold, has_selector, holds, requirement_from, select_members
from .units import Duration, hours
from .validation import (
    MAX_TRACE_EVENTS,
    check_demand,
    check_flag,
    check_name,
    check_nonnegative,
    check_positive,
    check_priority,
    check_probability,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .exact import ExactResults, RareEventResults
    from .results import Results

__all__ = [
    "Model",
    # Re-exported for code that imported them from here; each lives in its own module.
    "Component",
    "FailureMode",
    "Step",
    "Procedure",
    "Crew",
    "Service",
    "Backup",
    "Replication",
    "Cascade",
    "Shock",
    "Maintenance",
    "Selector",
]


def _selects(member: Member, tags: Mapping[str, str]) -> bool:
    """Whether a tag selector inside the requirement matches these tags."""
    if isinstance(member, str):
        return False
    if member.tags is not None:
        return all(tags.get(k) == v for k, v in member.tags.items())
    return any(_selects(m, tags) for m in member.members)


class Model:
    """An architecture: components, crews, procedures, services, shocks and maintenance.

    Build it with :meth:`component`, :meth:`crew`, :meth:`service`, then :meth:`simulate`.

    Parameters
    ----------
    name : str, default "model"
        The model's name, shown in reports and written to model files.
    age_when_down : bool, default True
        ``False``: a component does not age while every service that depends on it is down (e.g.
        the rest of a series system is idle while one part is repaired).

    Examples
    --------
    >>> m = rs.Model("demo")
    >>> api = m.component("api", mttf="2000h", mttr="30m")
    >>> trading = m.service("trading", "api", availability="99.9%")
    >>> m
    Model('demo': 1 components, 1 services, 0 crews, 0 shocks, 0 maintenance windows)
    """

    def __init__(self, name: str = "model", *, age_when_down: bool = True) -> None:
        """``age_when_down=False``: a component does not age while every service that depends on
        it is down (e.g. the rest of a series system is idle while one part is repaired)."""
        self.name = check_name(name, "model")
        self.age_when_down = check_flag(age_when_down, "age_when_down")
        self.components: dict[str, Component] = {}
        self.fleets: dict[str, Fleet] = {}  # templates, by pattern: their instances are in components
        self._adding_fleet = False
        self.services: dict[str, Service] = {}
        self.crews: dict[str, Crew] = {}
        self.spares: dict[str, SparePool] = {}
        self.procedures: dict[str, Procedure] = {}
        self.shocks: dict[str, Shock] = {}
        self.maintenances: dict[str, Maintenance] = {}
        self.stresses: dict[str, Stress] = {}
        self.costs: dict[str, ServiceCost] = {}  # by service
        self.running_costs: dict[str, float] = {}  # component or crew -> cost per year

    # --- building -------------------------------------------------------------------------------

    def component(
        self,
        name: str,
        *,
        mttf: Duration | None = None,
        mttr: Duration | None = None,
        failure: Distribution | None = None,
        repair: Distribution | Procedure | Step | Sequence[Step] | Duration | None = None,
        modes: Iterable[FailureMode] | None = None,
        data_loss: bool | str = False,
        backup: Backup | None = None,
        replication: Replication | None = None,
        tags: Mapping[str, str] | None = None,
        priority: int | None = None,
    ) -> Component:
        """Add a component and return it.

        Three ways to say how it fails:

        - ``mttf=, mttr=``: one exponential failure mode repaired in one exponential step;
        - ``failure=, repair=``: one failure mode with these distributions (``repair`` may be a
          :class:`Procedure`);
        - ``modes=[FailureMode(...), ...]``: competing failure modes.

        Parameters
        ----------
        name : str
            Unique among components and services.
        mttf, mttr : duration, optional
            Mean time to failure and to repair (exponential), e.g. ``"2000h"``, ``"30 minutes"``.
        failure : Distribution, optional
            Time to failure, measured in the component's age.
        repair : Distribution, Procedure, Step, list of Step or duration, optional
            How it recovers (a bare duration: exactly that long).
        modes : iterable of FailureMode, optional
            Competing failure modes (the first to fire wins).
        data_loss : bool or str, default False
            Whether the failure (of the first two forms) loses data (``"since_backup"`` and the other
            forms of :class:`FailureMode`).
        backup : Backup, optional
            Periodic backups of the component's data.
        replication : Replication, optional
            Asynchronous replication of its data.
        tags : mapping of str to str, optional
            Free-form labels (``{"region": "eu-1"}``) for selectors of shocks and maintenance.
        priority : int, optional
            Crew priority of its recovery steps (higher is served first; see :meth:`crew`).

        Returns
        -------
        Component
            The component added.

        Examples
        --------
        >>> m = rs.Model()
        >>> db = m.component("db-1", failure=rs.Weibull(1.3, "3000h"), repair=rs.LogNormal.from_mean_std("2h", "1h"))
        >>> db.name
        'db-1'
        """
        name = check_name(name, "component")
        if name in self.components:
            raise ValueError(f"component {name!r} is already defined")
        if name in self.services:
            raise ValueError(f"component {name!r}: a service has that name; names must be unique")
        where = f"component {name!r}"
        given = [
            k
            for k, v in (
                ("mttf/mttr", mttf if mttf is not None else mttr),
                ("failure/repair", failure if failure is not None else repair),
                ("modes", modes),
            )
            if v is not None
        ]
        if len(given) != 1:
            raise TypeError(
                f"{where}: say how it fails with exactly one of mttf= and mttr=, failure= and repair=, "
                f"or modes=[...] (got {', '.join(given) or 'none'})"
            )
        if given[0] == "mttf/mttr":
            if mttf is None or mttr is None:
                raise TypeError(f"{where}: mttf= and mttr= go together")
            mttf_h = hours(mttf, name=f"{where} mttf")
            mttr_h = hours(mttr, name=f"{where} mttr")
            for label, v, raw in (("mttf", mttf_h, mttf), ("mttr", mttr_h, mttr)):
                if v <= 0:
                    raise ValueError(f"{where}: {label} must be > 0 (got {raw!r})")
            fm = [FailureMode("failure", Exponential(mttf_h), Exponential(mttr_h), data_loss=data_loss)]
        elif given[0] == "failure/repair":
            if failure is None or repair is None:
                raise TypeError(f"{where}: failure= and repair= go together")
            fm = [FailureMode("failure", failure, repair, data_loss=data_loss)]
        else:
            fm = list(modes)  # type: ignore[arg-type]
            for i, x in enumerate(fm):
                if not isinstance(x, FailureMode):
                    raise TypeError(f"{where}: modes[{i}] must be rs.FailureMode, got {type(x).__name__}")
        comp = Component(name, fm, tags, backup=backup, replication=replication, priority=priority)
        self.components[name] = comp
        if not self._adding_fleet:
            self._reselect(comp)
        return comp

    def fleet(
        self,
        pattern: str,
        count: int,
        *,
        start: int = 1,
        mttf: Duration | Sequence[Duration] | None = None,
        mttr: Duration | Sequence[Duration] | None = None,
        failure: Distribution | None = None,
        repair: Distribution | Procedure | Step | Sequence[Step] | Duration | None = None,
        modes: Iterable[FailureMode] | None = None,
        data_loss: bool | str = False,
        backup: Backup | None = None,
        replication: Replication | None = None,
        tags: Mapping[str, str | Sequence[str]] | None = None,
        priority: int | Sequence[int] | None = None,
    ) -> Fleet:
        """Add ``count`` components from one template: a validator set, an RPC fleet, a rack.

        Instance ``i`` (from ``start``, default 1) is named ``pattern.format(i=i)``:
        ``"validator-{i}"`` gives ``validator-1`` ... ``validator-1000``, ``"rpc-{i:03d}"`` gives
        ``rpc-001``. Each instance is an ordinary component (its own random streams, keyed by
        its name) with the arguments of :meth:`component`. ``mttf``, ``mttr``, ``priority`` and
        each tag value may instead be a list with one value per instance (a stake per
        validator: ``tags={"stake": stakes}``). Select the instances in requirements by tag
        (``rs.k_of_n(667, tags={"role": "validator"})``, ``rs.weighted(tags=..., weight="stake",
        more_than="2/3")``). Model files write a fleet back as one template entry.

        Parameters
        ----------
        pattern : str
            The name pattern, with the field ``{i}`` (format specs allowed: ``{i:04d}``).
        count : int
            Instances, from 1 to 1,000,000.
        start : int, default 1
            The first index.
        mttf, mttr : duration or list of durations, optional
            As in :meth:`component`, or one per instance.
        failure, repair, modes, data_loss, backup, replication
            As in :meth:`component`, shared by every instance.
        tags : mapping of str to str or list of str, optional
            Labels; a list gives one value per instance.
        priority : int or list of int, optional
            Crew priority, or one per instance.

        Returns
        -------
        Fleet
            The instances (iterable; ``.names``), also in :attr:`fleets` under the pattern.

        Examples
        --------
        >>> m = rs.Model()
        >>> vs = m.fleet("validator-{i:02d}", 4, mttf="2000h", mttr="2h", tags={"role": "validator", "stake": [40, 30, 20, 10]})
        >>> vs.names
        ['validator-01', 'validator-02', 'validator-03', 'validator-04']
        >>> m.components["validator-03"].tags
        {'role': 'validator', 'stake': '20'}
        >>> m.service("chain", rs.weighted(tags={"role": "validator"}, weight="stake", more_than="2/3"))
        Service('chain', weighted(tags={'role': 'validator'}, weight='stake', more_than='2/3'))
        """
        names = fleet_names(pattern, count, start)
        where = f"fleet {pattern!r}"
        if pattern in self.fleets:
            raise ValueError(f"{where} is already defined")
        taken = [n for n in names if n in self.components or n in self.services]
        if taken:
            raise ValueError(f"{where}: instance {taken[0]!r} has the name of a component or service already defined")

        def each(value: Any, field: str) -> list[Any]:
            if isinstance(value, np.ndarray):
                value = value.tolist()
            if isinstance(value, (list, tuple, range)):
                if len(value) != len(names):
                    raise ValueError(f"{where}: {field} has {len(value)} values, one per instance needs {len(names)}")
                return list(value)
            return [value] * len(names)

        if tags is not None and not isinstance(tags, Mapping):
            raise TypeError(f"{where}: tags must be a mapping such as {{'role': 'validator'}}, got {type(tags).__name__}")
        per_tag = {k: each(v, f"tag {k!r}") for k, v in (tags or {}).items()}
        mttfs, mttrs, prios = each(mttf, "mttf"), each(mttr, "mttr"), each(priority, "priority")
        shared = {
            "failure": failure,
            "repair": repair,
            "modes": modes,
            "data_loss": data_loss,
            "backup": backup,
            "replication": replication,
        }
        if isinstance(modes, Iterable) and not isinstance(modes, (list, tuple)):
            shared["modes"] = list(modes)
        made: list[Component] = []
        self._adding_fleet = True  # select again once, not once per instance
        try:
            for j, name in enumerate(names):
                t = {k: v[j] for k, v in per_tag.items()} if tags is not None else None
                made.append(self.component(name, mttf=mttfs[j], mttr=mttrs[j], tags=t, priority=prios[j], **shared))
        except (TypeError, ValueError):
            for c in made:  # all or nothing
                del self.components[c.name]
            raise
        finally:
            self._adding_fleet = False
        f = Fleet(pattern, len(names), start, tuple(made))
        self.fleets[pattern] = f
        self._reselect()
        return f

    def _reselect(self, added: Component | None = None) -> None:
        """Fill the tag selectors of the services in again after components changed (only those
        a new component matches). A selection that fails now is left as it was: compiling
        selects again and reports the error."""
        for s in self.services.values():
            if not has_selector(s.requirement) or (added is not None and not _selects(s.requirement, added.tags)):
                continue
            try:
                s.requirement = select_members(s.requirement, self.components)
            except ValueError:
                pass

    def crew(
        self,
        name: str,
        size: int = 1,
        *,
        preemptive: bool = False,
        hours: Sequence[str] | None = None,
        origin: float | str = 0,
    ) -> Crew:
        """Add a crew of ``size`` interchangeable members (on-call engineers, a vendor's techs).

        Recovery steps that name the crew wait for free members, by priority and FIFO within a
        priority; the wait is ``crew_wait`` time, and downtime. A step may take several members
        at once (``Step(..., crew={"custodians": 3})``).

        Parameters
        ----------
        name : str
            The crew's name, used by ``Step(crew=...)``.
        size : int, default 1
            Members, at least 1.
        preemptive : bool, default False
            Higher-priority requests take members from lower-priority steps in progress, which
            resume later with their remaining time (preemptive-resume).
        hours : sequence of str, optional
            Working hours of the week, e.g. ``["mon-fri 09:00-17:00"]`` (see
            :func:`recoverysim.components.parse_hours`). Default: always working.
        origin : float or str, default 0
            Hour of the week at t = 0 (``"mon 00:00"``, the default, or ``"wed 12:00"``).

        Returns
        -------
        Crew
            The crew added.

        Examples
        --------
        >>> m = rs.Model()
        >>> m.crew("oncall", size=2)
        Crew(name='oncall', size=2)
        >>> m.crew("custodians", 5, hours=["mon-fri 09:00-17:00"])
        Crew(name='custodians', size=5, hours=['mon-fri 09:00-17:00'])
        """
        name = check_name(name, "crew")
        if name in self.crews:
            raise ValueError(f"crew {name!r} is already defined")
        c = Crew(name, size, preemptive, None if hours is None else tuple(hours) if not isinstance(hours, str) else hours, origin)  # type: ignore[arg-type]
        self.crews[name] = c
        return c

    def spare_pool(
        self,
        name: str,
        stock: int,
        lead_time: Distribution | Duration,
        *,
        emergency: Distribution | Duration | None = None,
    ) -> SparePool:
        """Add a pool of spares that recovery steps take from (``Step(..., spare=name)``).

        Parameters
        ----------
        name : str
            The pool's name.
        stock : int
            Spares on hand at the start; every spare taken is reordered.
        lead_time : Distribution or duration
            Time from a reorder to the arrival of the spare.
        emergency : Distribution or duration, optional
            Lead time of the emergency order a step places when it finds the pool empty.

        Returns
        -------
        SparePool
            The pool added.

        Examples
        --------
        >>> m = rs.Model()
        >>> m.spare_pool("hsm", 1, rs.Exponential("2w"), emergency="2d").stock
        1
        """
        name = check_name(name, "spare pool")
        if name in self.spares:
            raise ValueError(f"spare pool {name!r} is already defined")
        p = SparePool(name, stock, lead_time, emergency=emergency)
        self.spares[name] = p
        return p

    def procedure(self, name: str, *steps: Step) -> Procedure:
        """Add a named procedure, the target of a step's ``escalate=``.

        Parameters
        ----------
        name : str
            The procedure's name.
        *steps : Step
            Its steps, in order.

        Returns
        -------
        Procedure
            The procedure added.

        Examples
        --------
        >>> m = rs.Model()
        >>> p = m.procedure("restore-from-backup", rs.Step("restore", "2h"), rs.Step("verify", "30m"))
        >>> len(p.steps)
        2
        """
        name = check_name(name, "procedure")
        if name in self.procedures:
            raise ValueError(f"procedure {name!r} is already defined")
        p = Procedure(*steps, name=name)
        self.procedures[name] = p
        return p

    def service(
        self,
        name: str,
        requirement: Member | Mapping[str, Any],
        *,
        rto: Duration | None = None,
        rpo: Duration | None = None,
        availability: float | None = None,
        demand: float | Sequence[float] | None = None,
        down_below: float | str | None = None,
        priority: int | None = None,
        restart: Procedure | Step | Sequence[Step] | None = None,
        replace: bool = False,
    ) -> Service:
        """Add a service, up while ``requirement`` holds.

        Parameters
        ----------
        name : str
            Unique among components and services.
        requirement : str, Requirement or mapping
            A component or service name, or ``all_of``/``any_of``/``k_of_n``/``weighted``/``standby`` of them.
        rto : duration, optional
            The longest acceptable outage: results report the share of outages restored within it
            and the probability of at least one breach per horizon.
        rpo : duration, optional
            The largest acceptable data loss in the components beneath the service: results report
            the share of data-loss incidents within it.
        availability : float or str, optional
            An SLA target over the horizon (``0.9995`` or ``"99.95%"``); results report the
            probability of meeting it.
        demand : float or sequence of 168 floats, optional
            With ``requirement=rs.capacity({...})``: the demand, constant or one value per hour
            of the week (hour 0 is the start of the run), in the capacities' unit. Results then
            give hours full / degraded / down and the share of demand not served.
        down_below : float or str, optional
            Share of the demand (``0.5`` or ``"50%"``) below which the service is down; by
            default it is down only while nothing is served. With a weekly profile the share
            applies to each hour's demand (the state changes at hour boundaries too).
        priority : int, optional
            Crew priority inherited by the components beneath it that set none (higher is served
            first; the highest of the services above a component wins).
        restart : Procedure, Step or list of Step, optional
            A restart procedure: after the service goes down it stays down until its requirement
            holds again *and* these steps (a name and a duration each) have run; a failure of the
            requirement during the restart abandons it, and it starts over when the requirement
            holds again (a halted chain's coordinated restart, a cluster's state replay).
        replace : bool, default False
            Redefine a service of that name.

        Returns
        -------
        Service
            The service added.

        Examples
        --------
        >>> m = rs.Model()
        >>> for n in ("api-1", "api-2"):
        ...     _ = m.component(n, mttf="2000h", mttr="30m")
        >>> s = m.service("api", rs.any_of("api-1", "api-2"), rto="15 minutes", availability="99.99%")
        >>> s.availability, s.rto
        (0.9998999999999999, 0.25)
        >>> m.service("chain", rs.all_of("api-1", "api-2"), restart=rs.Step("coordinate", "20m")).restart
        Procedure(Step('coordinate', Deterministic(value='20m')))
        """
        name = check_name(name, "service")
        if name in self.services and not replace:
            raise ValueError(f"service {name!r} is already defined (pass replace=True to redefine it)")
        if name in self.components:
            raise ValueError(f"service {name!r}: a component has that name; names must be unique")
        req = requirement_from(requirement, where=f"service {name!r}")
        try:
            req = select_members(req, self.components)
        except ValueError as e:
            raise ValueError(f"service {name!r}: {e}") from None
        a = None
        if availability is not None:
            a = check_probability(availability, f"service {name!r} availability target")
        dem, below = None, 0.0
        if demand is not None or down_below is not None or (isinstance(req, Requirement) and req.capacity):
            if demand is None:
                raise ValueError(f"service {name!r}: a capacity requirement needs a demand (demand=...)")
            dem = check_demand(demand, f"service {name!r} demand")
            below = 0.0 if down_below is None else check_probability(down_below, f"service {name!r} down_below")
            req = demand_threshold(req, dem, below, f"service {name!r}")  # type: ignore[arg-type]
        s = Service(
            name,
            req,
            rto=None if rto is None else check_positive(hours(rto, name=f"service {name!r} rto"), f"service {name!r} rto"),
            rpo=None if rpo is None else check_nonnegative(hours(rpo, name=f"service {name!r} rpo"), f"service {name!r} rpo"),
            availability=a,
            demand=dem,
            down_below=below,
            priority=check_priority(priority, f"service {name!r}"),
            restart=None if restart is None else restart_procedure(restart, f"service {name!r}"),
        )
        self.services[name] = s
        return s

    def shock(
        self,
        name: str,
        *,
        every: Distribution | Duration,
        targets: Selector,
        probability: float = 1.0,
        mode: str | None = None,
        outage: Distribution | Duration | None = None,
        per_target: bool = False,
        stagger: Distribution | Duration | None = None,
    ) -> Shock:
        """Add a common-cause event: a cloud region outage, a DDoS, a bad deploy, a chain halt.

        Effect, one of:

        - ``outage=<duration or distribution>``: all hit components are held down together for
          one sampled duration (they do not age meanwhile and resume afterwards, not renewed);
        - ``mode="crash"`` (default: each target's first failure mode): each hit component that
          is up fails with that mode, and its own recovery procedure follows.

        Outages begun by a shock carry the shock as root cause.

        Parameters
        ----------
        name : str
            The shock's name.
        every : Distribution or duration
            Inter-arrival times; a bare duration means exponential with that mean (Poisson arrivals).
        targets : str, list of str or mapping
            A component name, a list of names, or tags that must all match (``{"region": "eu-1"}``).
        probability : float or str, default 1.0
            Chance that an arrival hits each target (``0.3`` or ``"30%"``).
        mode : str, optional
            The failure mode a hit triggers.
        outage : Distribution or duration, optional
            How long a hit holds its targets down.
        per_target : bool, default False
            With ``outage``: each hit target draws its own outage (a region outage whose
            components come back at different times).
        stagger : Distribution or duration, optional
            With ``outage``: each hit target is released this drawn extra delay after its outage.

        Returns
        -------
        Shock
            The shock added.

        Examples
        --------
        >>> m = rs.Model()
        >>> _ = m.component("api", mttf="2000h", mttr="30m", tags={"region": "eu-1"})
        >>> sh = m.shock("region-eu", every="2y", targets={"region": "eu-1"}, outage=rs.Uniform("2h", "12h"))
        >>> m.select(sh.targets)
        ['api']
        """
        if name in self.shocks:
            raise ValueError(f"shock {name!r} is already defined")
        sh = Shock(
            name, every=every, targets=targets, probability=probability, mode=mode, outage=outage, per_target=per_target, stagger=stagger
        )
        self.shocks[name] = sh
        return sh

    def maintenance(
        self,
        name: str,
        *,
        targets: Selector,
        every: Duration,
        duration: Distribution | Duration,
        offset: Duration = 0,
        crew: str | None = None,
        rolling: int | None = None,
        spacing: Duration | None = None,
        replace: bool = False,
    ) -> Maintenance:
        """Add planned maintenance windows.

        At ``offset + k * every`` each target that is up goes down on purpose for ``duration``
        (waiting for a ``crew`` member first if one is named), then is as good as new. A window due
        while the target is down is **skipped**. The time counts as planned downtime, reported apart
        from unplanned downtime (:meth:`Results.planned_downtime`).

        Parameters
        ----------
        name : str
            The window's name.
        targets : str, list of str or mapping
            The components maintained (a name, names, or tags).
        every : duration
            Time between windows.
        duration : Distribution or duration
            How long a window keeps a target down.
        offset : duration, default 0
            Time of the first window.
        crew : str, optional
            A crew whose member the window needs.
        rolling : int, optional
            Rolling maintenance: at most this many targets at a time, batch ``b`` starting
            ``b * spacing`` after the window opens (so a quorum is not taken down by its own
            maintenance). See :meth:`maintenance_warnings`.
        spacing : duration, optional
            Time between the starts of batches (default: a fixed duration).
        replace : bool, default False
            Redefine a window of that name.

        Returns
        -------
        Maintenance
            The maintenance added.

        Examples
        --------
        >>> m = rs.Model()
        >>> _ = m.component("gw", mttf="2000h", mttr="30m", tags={"role": "gateway"})
        >>> w = m.maintenance("deploy", targets={"role": "gateway"}, every="1w", duration="30m")
        >>> w.name
        'deploy'
        """
        if name in self.maintenances and not replace:
            raise ValueError(f"maintenance {name!r} is already defined (pass replace=True to redefine it)")
        w = Maintenance(name, targets=targets, every=every, duration=duration, offset=offset, crew=crew, rolling=rolling, spacing=spacing)
        self.maintenances[name] = w
        return w

    def stress(
        self,
        name: str,
        *,
        factor: float,
        targets: Selector,
        hours: Sequence[str] | None = None,
        origin: float | str = 0.0,
        periods: Sequence[tuple[Duration, Duration]] | None = None,
        while_degraded: str | None = None,
        replace: bool = False,
    ) -> Stress:
        """Multiply failure rates during stress periods: market volatility, load spikes.

        While the stress is active, each target's failure rate is multiplied by ``factor`` (its
        pending failure is rescheduled from the age it has reached, as for load sharing).
        Several active stresses on one component multiply; they compose with load sharing; a
        dormant standby spare keeps its dormancy rate. Give exactly one trigger: weekly
        ``hours``, one-off ``periods``, or ``while_degraded`` (a service that is up but not whole;
        a capacity service while 0 < served < 1; see docs/semantics.md, "Stress periods").
        Boundaries are deterministic: nothing is drawn, and a model without stresses runs as
        before, bit for bit.

        Parameters
        ----------
        name : str
            The stress's name.
        factor : float
            The rate multiplier (finite, > 0).
        targets : str, list of str or mapping
            The components stressed (a name, names, or tags).
        hours : sequence of str, optional
            Weekly windows, as crew hours (``["mon-fri 13:00-21:00"]``); no overlaps.
        origin : float or str, default 0
            The hour of the week at t = 0 (``"mon 00:00"``).
        periods : sequence of (duration, duration), optional
            One-off ``(start, end)`` periods since t = 0 (``[("10d", "12d")]``); no overlaps.
        while_degraded : str, optional
            A service (k_of_n, any_of, weighted, or capacity with a constant demand): active
            while it is degraded.
        replace : bool, default False
            Redefine a stress of that name.

        Returns
        -------
        Stress
            The stress added.

        Examples
        --------
        >>> m = rs.Model()
        >>> for i in range(3):
        ...     _ = m.component(f"n{i}", mttf="1000h", mttr="4h", tags={"role": "rpc"})
        >>> _ = m.service("rpc", rs.k_of_n(2, "n0", "n1", "n2"))
        >>> m.stress("peak-load", factor=2, targets={"role": "rpc"}, while_degraded="rpc")
        Stress('peak-load', factor=2, targets={'role': 'rpc'}, while_degraded='rpc')
        >>> _ = m.stress("volatility", factor=3, targets=["n0"], hours=["mon-fri 13:00-21:00"])
        >>> sorted(m.stresses)
        ['peak-load', 'volatility']
        """
        if name in self.stresses and not replace:
            raise ValueError(f"stress {name!r} is already defined (pass replace=True to redefine it)")
        st = Stress(name, factor=factor, targets=targets, hours=hours, origin=origin, periods=periods, while_degraded=while_degraded)
        self.stresses[name] = st
        return st

    def cost(
        self,
        service: str,
        per_hour: float | Sequence[float] = 0.0,
        *,
        week_origin: float = 0.0,
        per_outage: float = 0.0,
        beyond_rto_per_hour: float = 0.0,
        planned_per_hour: float = 0.0,
        data_loss_per_incident: float = 0.0,
        data_loss_per_hour: float = 0.0,
        sla: SlaCredits | None = None,
    ) -> ServiceCost:
        """Price a service's downtime, outages, data loss and SLA credits (replaces an earlier price).

        Every replication is priced by the engine; results report the expected cost with its
        interval, its quantiles and what drives it (:meth:`Results.expected_cost`).

        Parameters
        ----------
        service : str
            A service of the model.
        per_hour : float or sequence of 168 floats, default 0
            Cost per hour of unplanned downtime, constant or a weekly profile (hour 0 = Monday
            00:00; :func:`recoverysim.weekly_profile`).
        week_origin : float, default 0
            Hour of the week at t = 0 (a weekly profile only).
        per_outage : float, default 0
            Fixed cost of each unplanned outage.
        beyond_rto_per_hour : float, default 0
            Extra cost per hour an outage lasts beyond the RTO (the service needs an ``rto``).
        planned_per_hour : float, default 0
            Cost per hour of planned downtime.
        data_loss_per_incident : float, default 0
            Cost of each data-loss incident beneath the service.
        data_loss_per_hour : float, default 0
            Cost per hour of writes lost beneath the service.
        sla : SlaCredits, optional
            Credits owed per calendar period by the period's availability.

        Returns
        -------
        ServiceCost
            The price added.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> c = m.cost("web", per_hour=20_000, per_outage=1_000)
        >>> res = m.simulate("1y", 200, seed=1, progress=False)
        >>> res.expected_cost().mean > 0
        True
        """
        if service not in self.services:
            known = ", ".join(self.services) or "(none)"
            raise ValueError(f"cost: unknown service {service!r} (services: {known})")
        c = ServiceCost(
            service,
            per_hour,
            week_origin=week_origin,
            per_outage=per_outage,
            beyond_rto_per_hour=beyond_rto_per_hour,
            planned_per_hour=planned_per_hour,
            data_loss_per_incident=data_loss_per_incident,
            data_loss_per_hour=data_loss_per_hour,
            sla=sla,
        )
        if c.beyond_rto_per_hour > 0 and self.services[service].rto is None:
            raise ValueError(f"cost of service {service!r} beyond_rto_per_hour: the service has no rto")
        self.costs[service] = c
        return c

    def running_cost(self, name: str, per_year: float) -> None:
        """The running cost of a component (a server, a region) or of a crew member, per year.

        It is the same in every replication: results add ``per_year * horizon / 1y`` (a crew's cost
        counts once per member) to the total cost, so two designs compare on total cost.

        Parameters
        ----------
        name : str
            A component or a crew of the model.
        per_year : float
            Cost per year (per member for a crew).

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> m.running_cost("server", 12_000)
        >>> m.running_costs
        {'server': 12000.0}
        """
        if name not in self.components and name not in self.crews:
            raise ValueError(f"running cost: unknown component or crew {name!r}")
        self.running_costs[name] = check_amount(per_year, f"running cost of {name!r} per_year")

    def annual_running_cost(self) -> float:
        """What the architecture costs to run per year: components plus crew members.

        Returns
        -------
        float
            Sum of the running costs per year (a crew's cost times its size).

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> m.running_cost("server", 12_000)
        >>> m.annual_running_cost()
        12000.0
        """
        total = 0.0
        for name, per_year in self.running_costs.items():
            total += per_year * (self.crews[name].size if name in self.crews else 1)
        return total

    def maintenance_warnings(self) -> list[str]:
        """Maintenance windows that take a service down by themselves (every other component up).

        Targeting maintenance by tag takes every target down at once: four validators of a
        3-of-4 quorum patched together halt the chain at every window. Each such window and
        service gives one sentence with the planned downtime it costs per year; ``rolling=``
        takes targets a few at a time. Printed by ``recoverysim validate``, and at the top of the run report and HTML view.

        Returns
        -------
        list of str
            One sentence per (window, service), empty when no window alone breaks a service.

        Examples
        --------
        >>> m = rs.Model()
        >>> for v in ("v1", "v2", "v3", "v4"):
        ...     _ = m.component(v, mttf="1000h", mttr="1h", tags={"role": "validator"})
        >>> _ = m.service("chain", rs.k_of_n(3, "v1", "v2", "v3", "v4"))
        >>> _ = m.maintenance("patch", targets={"role": "validator"}, every="30d", duration="1h")
        >>> print(m.maintenance_warnings()[0])
        maintenance 'patch' alone takes service 'chain' down (v1, v2, v3, v4 down together): 12 h of planned downtime per year; rolling=1 takes them one at a time
        >>> _ = m.maintenance("patch", targets={"role": "validator"}, every="30d", duration="1h", rolling=1, replace=True)
        >>> m.maintenance_warnings()
        []
        """
        out = []
        for w in self.maintenances.values():
            names = self.select(w.targets)
            if not names:
                continue
            batches = w.batches(names)
            for s in self.services.values():
                broken = [batch for _, batch in batches if not holds(s.requirement, set(batch), self.services)]
                if not broken:
                    continue
                per_year = len(broken) * w.duration.mean * 8760.0 / w.every
                hint = "rolling=1 takes them one at a time" if w.rolling is None else "a smaller rolling batch would avoid it"
                out.append(
                    f"maintenance {w.name!r} alone takes service {s.name!r} down ({', '.join(broken[0])} down together): "
                    f"{fmt.duration(per_year)} of planned downtime per year; {hint}"
                )
        return out

    def select(self, targets: Selector) -> list[str]:
        """The component names a selector picks, in definition order.

        Parameters
        ----------
        targets : str, list of str or mapping
            A name, a list of names, or tags that must all match.

        Returns
        -------
        list of str
            Component names.

        Examples
        --------
        >>> m = rs.examples.load("exchange")
        >>> m.select({"region": "eu-1"})  # doctest: +ELLIPSIS
        [...]
        """
        if isinstance(targets, str):
            return [targets]
        if isinstance(targets, Mapping):
            return [c.name for c in self.components.values() if all(c.tags.get(k) == v for k, v in targets.items())]
        return list(targets)

    def _resolve(self, targets: Selector, where: str) -> list[str]:
        names = self.select(targets)
        if not names:
            raise ValueError(f"{where}: targets {targets!r} select no component")
        return names

    def copy(self, name: str | None = None) -> Model:
        """A copy to modify into a variant (components, crews, procedures, services).

        Keep component names: variants that share names share random numbers, so their difference
        is measured without noise from independent draws.

        Parameters
        ----------
        name : str, optional
            The copy's name (default: the same name).

        Returns
        -------
        Model
            An independent model; editing it leaves this one unchanged.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> v = m.copy("two-servers")
        >>> v.name, m.name
        ('two-servers', 'single')
        """
        new = Model(name or self.name, age_when_down=self.age_when_down)
        new.components = dict(self.components)  # components are not mutated once added
        new.fleets = dict(self.fleets)
        new.services = {k: _copy.copy(v) for k, v in self.services.items()}
        new.crews = dict(self.crews)
        new.spares = dict(self.spares)
        new.procedures = dict(self.procedures)
        new.shocks = dict(self.shocks)
        new.maintenances = dict(self.maintenances)
        new.stresses = dict(self.stresses)  # stresses are not mutated once added
        new.costs = dict(self.costs)  # prices are not mutated once added
        new.running_costs = dict(self.running_costs)
        return new

    def remove(self, name: str) -> None:
        """Remove a component, service, shock, maintenance or stress by name (what uses it must change too).

        Parameters
        ----------
        name : str
            The name to remove; ``KeyError`` if nothing has it.

        Examples
        --------
        >>> m = rs.examples.load("exchange")
        >>> m.remove("region-eu-1")
        >>> "region-eu-1" in m.shocks
        False
        """
        for table in (self.components, self.services, self.shocks, self.maintenances, self.stresses):
            if name in table:
                del table[name]  # type: ignore[attr-defined]
                self.costs.pop(name, None)  # its price goes with it
                self.running_costs.pop(name, None)
                if table is self.components:
                    # a fleet with an instance missing is written out component by component
                    self.fleets = {p: f for p, f in self.fleets.items() if all(c.name != name for c in f.members)}
                    self._reselect()
                return
        raise KeyError(f"no component, service, shock, maintenance or stress named {name!r}")

    # --- compiling and running (the run layer does the work) -----------------------------------

    def to_spec(self) -> Any:
        """The engine's view of the model (private API; see :mod:`recoverysim._engine`).

        Returns
        -------
        recoverysim._core.ModelSpec
            The specification the engine compiles.

        Examples
        --------
        >>> spec = rs.examples.load("single").to_spec()
        >>> type(spec).__name__
        'ModelSpec'
        """
        return _engine.build_spec(self)

    def compile(self) -> Any:
        """Validate the whole model; raises ``recoverysim._core.SpecError`` (a ``ValueError``)
        naming the offending entity, the field and the reason (``.entity``, ``.field``,
        ``.reason``).

        Returns
        -------
        recoverysim._core.CompiledModel
            The compiled model the engine runs.

        Examples
        --------
        >>> m = rs.Model()
        >>> _ = m.component("a", mttf="1000h", mttr="1h")
        >>> _ = m.service("s", rs.all_of("a", "b"))
        >>> m.compile()
        Traceback (most recent call last):
        ...
        recoverysim._core.SpecError: service 's' > all_of(...)[1]: unknown component or service 'b'
        """
        return _engine.compile_model(self)

    def validate(self) -> Model:
        """Check the model (unknown names, cycles, bad k, empty groups...).

        Returns
        -------
        Model
            ``self``, so that ``m.validate().simulate(...)`` reads naturally.

        Examples
        --------
        >>> rs.examples.load("quorum").validate().name
        'quorum'
        """
        self.compile()
        return self

    def simulate(
        self,
        horizon: Duration = "1y",
        replications: int = 1000,
        seed: int | None = None,
        *,
        threads: int | None = None,
        progress: bool | None = None,
        keep_outages: int | None = None,
        executor: Any = None,
        chunk_size: int | None = None,
        per_replication: bool | None = None,
        confirm_long_run: bool = False,
    ) -> Results:
        """Run ``replications`` independent replications over ``horizon``.

        Ctrl-C (or a Jupyter interrupt) stops the run within a fraction of a second and raises
        ``KeyboardInterrupt``.

        Parameters
        ----------
        horizon : duration, default "1y"
            Length of each replication (``"1y"``, ``"30 days"``, ``"P30D"``, or hours).
        replications : int, default 1000
            Number of independent replications.
        seed : int, optional
            Any integer; the same model and seed give bitwise identical results on any number
            of threads. ``None`` draws a fresh seed, kept in ``Results.seed``.
        threads : int, optional
            Worker threads (default: all cores). Results do not depend on it.
        progress : bool, optional
            Show a progress bar (``None``: only if the run takes more than about a second).
        keep_outages : int, optional
            Keep the outage and data-loss records (``res.outages(s)``, ``res.data_losses()``)
            of the first ``keep_outages`` replications; default: the first 10,000. A
            replication keeps at most 100,000 records (a guard against runaway memory). All the
            statistics (RTO/RPO compliance, causes, phases) use every replication regardless.
        executor : concurrent.futures.Executor or distributed.Client, optional
            Run the replications in chunks on any ``concurrent.futures.Executor`` or a Dask
            ``distributed.Client`` (beyond one machine). The compiled model travels to the
            workers; the merged results are bitwise identical to a local run with the same seed.
            ``threads`` is then the number of threads per chunk (default 1: one chunk per worker
            thread).
        chunk_size : int, optional
            Replications per chunk with an executor (default: about 64 chunks, at most 50,000).
        per_replication : bool, optional
            Keep one value per replication of every result (``res.downtime(s)`` and friends).
            ``False`` streams the replications through fixed-size aggregates instead: memory does
            not grow with the number of replications, every estimate and the summary are
            available, quantiles come from a fixed histogram (within 2.9 %), and the results are
            identical for any number of threads or executor. Default: ``True`` up to 1,000,000
            replications, ``False`` above.
        confirm_long_run : bool, default False
            Before a run, the engine estimates the events one replication needs from the model's
            rates. Above a billion (minutes per replication), or when an entity's sampled
            durations are mostly too short for the clock to advance at the horizon, the run is
            refused with an error naming that entity; ``True`` runs it anyway (Ctrl-C still
            stops it).

        Returns
        -------
        Results
            Per-replication arrays and estimates (:class:`recoverysim.results.Results`), or
            :class:`recoverysim.results.StreamedResults` when ``per_replication`` is false.

        Examples
        --------
        >>> m = rs.examples.load("single")
        >>> res = m.simulate("1y", 1000, seed=7, progress=False)
        >>> res.replications, res.horizon
        (1000, 8760.0)
        >>> res.availability("web").contains(m.exact().mean_availability("web", "1y"))
        True
        """
        return run.simulate(
            self,
            horizon,
            replications,
            seed,
            threads=threads,
            progress=progress,
            keep_outages=keep_outages,
            executor=executor,
            chunk_size=chunk_size,
            per_replication=per_replication,
            confirm_long_run=confirm_long_run,
        )

    def trace(
        self,
        replication: int = 0,
        *,
        seed: int,
        horizon: Duration = "1y",
        log_file: str | os.PathLike[str] | None = None,
        max_events: int = MAX_TRACE_EVENTS,
    ) -> pd.DataFrame:
        """Every event of one replication, as a DataFrame.

        The replication is exactly replication ``replication`` of ``simulate(..., seed=seed)``
        with the same horizon: use it to see what happened in the worst year of a run
        (:meth:`Results.trace` does this for a Results).

        Parameters
        ----------
        replication : int, default 0
            Index of the replication.
        seed : int
            The run's seed.
        horizon : duration, default "1y"
            The run's horizon.
        log_file : str or os.PathLike, optional
            Also write the events as a text log (through the engine's spdlog).
        max_events : int, default 2,000,000
            A longer trace (about 800 MB) raises ``ValueError``: trace a shorter horizon.
            Ctrl-C stops a trace and raises ``KeyboardInterrupt``.

        Returns
        -------
        pandas.DataFrame
            Columns ``time_h``, ``event`` (failure, maintenance, step_start, step_failed,
            crew_wait, inspection_wait, recovered, hold, release, shock, cascade, switchover,
            switchover_failed, no_spare, spares_unusable (a replicated corruption: no spare can take
            over), active, service_down, service_up, data_loss; crews and spares: step_paused,
            step_resume, shift_start, shift_end, spare_wait, spare_taken, spare_restock,
            spare_emergency; step requirements: dependency_wait, dependency_ready, fallback
            (a step paused by its requirement is step_paused too); restart procedures:
            restart_step, restart_abandoned, restarted), ``entity``,
            ``detail``, ``value`` (hours of writes lost for data_loss).

        Examples
        --------
        >>> t = rs.examples.load("single").trace(0, seed=1)
        >>> list(t.columns)
        ['time_h', 'event', 'entity', 'detail', 'value']
        """
        return run.trace(self, replication, seed=seed, horizon=horizon, log_file=log_file, max_events=max_events)

    # --- model files --------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The model as plain data in the model-file format (see ``docs/model-files.md``).

        Returns
        -------
        dict
            Sections ``name``, ``components``, ``services``... as :func:`recoverysim.loads` reads them.

        Examples
        --------
        >>> m = rs.Model("tiny")
        >>> _ = m.component("a", mttf="1000h", mttr="1h")
        >>> _ = m.service("s", "a", availability="99.99%")
        >>> m.to_data()["services"]
        {'s': {'requires': 'a', 'availability': '99.99%'}}
        """
        return writer.to_data(self)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a model file, YAML (``.yaml``, ``.yml``) or JSON (``.json``); ``rs.load`` reads it.

        Durations and probabilities are written as short literals that read back exactly
        (``15m``, ``99.99%``).

        Parameters
        ----------
        path : str or os.PathLike
            The file; its suffix picks the format.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> m = rs.examples.load("standby")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     m.save(pathlib.Path(d) / "standby.yaml")
        ...     rs.load(pathlib.Path(d) / "standby.yaml") == m
        True
        """
        writer.save(self, path)

    def __eq__(self, other: object) -> bool:
        """Models are equal when they describe the same thing (their :meth:`to_data` are equal)."""
        if not isinstance(other, Model):
            return NotImplemented
        return self.to_data() == other.to_data()

    __hash__ = None  # type: ignore[assignment]  # mutable

    # --- exact answers ----------------------------------------------------------------------------

    def exact(self, *, max_states: int = 200_000) -> ExactResults:
        """Solve the model's continuous-time Markov chain (all times exponential).

        Steady-state availability, outage frequency, mean outage, mean time to first outage, A(t).
        See :mod:`recoverysim.exact`.

        Parameters
        ----------
        max_states : int, default 200000
            Largest state space to solve (``ValueError`` above it).

        Returns
        -------
        ExactResults
            The exact answers.

        Examples
        --------
        >>> ex = rs.examples.load("single").exact()
        >>> round(ex.availability("web"), 6)
        0.99975
        """
        return exact.exact(self, max_states=max_states)

    def rare_events(
        self, service: str | None = None, *, cycles: int = 100_000, plain_cycles: int = 20_000, bias: float = 0.5, seed: int = 0
    ) -> RareEventResults:
        """Steady-state unavailability by importance sampling for highly available exponential models.

        See :func:`recoverysim.exact.rare_events`.

        Parameters
        ----------
        service : str, optional
            The service (default: the only one).
        cycles : int, default 100000
            Regeneration cycles with biased failures.
        plain_cycles : int, default 20000
            Cycles without bias, for the mean cycle length.
        bias : float, default 0.5
            Total probability given to failures in the biased chain, strictly between 0 and 1.
        seed : int, default 0
            Seed of the estimate.

        Returns
        -------
        RareEventResults
            The estimate with its confidence interval.

        Examples
        --------
        >>> m = rs.Model()
        >>> for n in ("a", "b", "c"):
        ...     _ = m.component(n, mttf="10000h", mttr="1h")
        >>> _ = m.service("s", rs.k_of_n(2, "a", "b", "c"))
        >>> r = m.rare_events("s", cycles=2_000, plain_cycles=500)
        >>> 0 < r.unavailability("s").mean < 1e-6
        True
        """
        return exact.rare_events(self, service, cycles=cycles, plain_cycles=plain_cycles, bias=bias, seed=seed)

    def structure_availability(self, component_availability: Mapping[str, float] | None = None) -> dict[str, float]:
        """Exact service availabilities for independent components (see :mod:`recoverysim.exact`).

        Parameters
        ----------
        component_availability : mapping of str to float, optional
            Availability of each component (default: ``MTTF / (MTTF + MTTR)`` of each).

        Returns
        -------
        dict of str to float
            Availability of each service.

        Examples
        --------
        >>> m = rs.Model()
        >>> for n in ("a", "b"):
        ...     _ = m.component(n, mttf="99h", mttr="1h")
        >>> _ = m.service("both", rs.all_of("a", "b"))
        >>> round(m.structure_availability()["both"], 6)
        0.9801
        """
        return exact.structure_availability(self, component_availability)

    # --- display ----------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        """Jupyter: components, services, shocks and maintenance as tables (see ``recoverysim._html``)."""
        return _html.model_html(self)

    def __repr__(self) -> str:
        return (
            f"Model({self.name!r}: {len(self.components)} components, {len(self.services)} services, "
            f"{len(self.crews)} crews, {len(self.shocks)} shocks, {len(self.maintenances)} maintenance windows)"
        )
