"""Building a model in code: components, failure modes, recovery procedures, crews, services.

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

import math
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from .distributions import Distribution, Exponential, as_distribution
from .requirements import Member, Requirement, requirement_from
from .units import Duration, hours

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .exact import ExactResults
    from .results import Results

__all__ = [
    "Model",
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

# Which components an event applies to: a name, a list of names, or tags that must all match
# ({"region": "eu-1"}).
Selector = str | Sequence[str] | Mapping[str, str]


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} name must be a string, got {type(name).__name__}")
    if not name.strip():
        raise ValueError(f"{what} name must not be empty")
    return name


def _count(v: Any, what: str, *, minimum: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {type(v).__name__} {v!r}")
    if v < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {v}")
    return int(v)


def _result_bytes(compiled: Any, replications: int) -> int:
    """Bytes of the per-replication result arrays of a run (see RunResults in the engine)."""
    ns, nc, nm = len(compiled.service_names), len(compiled.component_names), len(compiled.mode_names)
    per = ns * (64 + 8 * (nm + len(compiled.shock_names)) + 8 * len(compiled.phases)) + 28 * nc + 4 * nm + 8
    return per * replications


def _check_memory(compiled: Any, replications: int) -> None:
    """Refuse a run whose results cannot fit in memory, instead of letting the OS kill it."""
    need = _result_bytes(compiled, replications)
    try:
        avail = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not Linux: no check
        return
    if need > 0.8 * avail:
        raise MemoryError(
            f"{replications:,} replications of this model need about {need / 2**30:.1f} GiB for their "
            f"per-replication results and {avail / 2**30:.1f} GiB is free; run fewer replications per call "
            "(the first n replications of a seed are the same whatever n is)"
        )


def _positive(v: float, what: str) -> float:
    if v <= 0:
        raise ValueError(f"{what} must be > 0, got {v:g} h")
    return v


def _nonnegative(v: float, what: str) -> float:
    if v < 0:
        raise ValueError(f"{what} must be >= 0, got {v:g} h")
    return v


def _probability(p: Any, what: str) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"{what}: expected a probability (a number in [0, 1]), got {type(p).__name__}")
    p = float(p)
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"{what}: probability must be in [0, 1], got {p:g}")
    return p


class Step:
    """One step of a recovery procedure.

    Parameters
    ----------
    name:
        What the step is: ``"detect"``, ``"diagnose"``, ``"failover"``, ``"restore"``,
        ``"repair"``, ``"verify"``... Time is reported per step name.
    duration:
        A distribution, or a fixed duration (``"5m"``).
    crew:
        Name of a crew (see :meth:`Model.crew`); the step waits for a free member, FIFO, and
        holds it while it runs. Waiting time is downtime.
    success:
        Probability that one attempt of the step succeeds. On failure the step is retried, or,
        after ``max_attempts`` failed attempts, the procedure ``escalate`` takes over.
    every, offset:
        The step first waits for the next periodic inspection at ``offset + k * every``
        (hidden failures found only by checks), then runs for ``duration``.

    >>> Step("detect", "5m")
    Step('detect', Deterministic(value='5m'))
    """

    __slots__ = ("name", "duration", "crew", "success", "max_attempts", "escalate", "every", "offset")

    def __init__(
        self,
        name: str,
        duration: Distribution | Duration,
        *,
        crew: str | None = None,
        success: float = 1.0,
        max_attempts: int | None = None,
        escalate: str | None = None,
        every: Duration | None = None,
        offset: Duration = 0,
    ) -> None:
        self.name = _check_name(name, "step")
        self.duration = as_distribution(duration, name=f"step {name!r} duration")
        self.crew = crew
        self.success = _probability(success, f"step {name!r} success")
        if max_attempts is not None and (isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1):
            raise ValueError(f"step {name!r}: max_attempts must be an integer >= 1, got {max_attempts!r}")
        self.max_attempts = max_attempts
        self.escalate = escalate
        self.every = None if every is None else hours(every, name=f"step {name!r} every")
        if self.every is not None and self.every <= 0:
            raise ValueError(f"step {name!r}: inspection interval 'every' must be > 0")
        self.offset = hours(offset, name=f"step {name!r} offset")

    def to_spec(self) -> Any:
        return _core.StepSpec(
            name=self.name,
            duration=self.duration._c,
            crew=self.crew or "",
            success=self.success,
            max_attempts=self.max_attempts or 0,
            escalate=self.escalate or "",
            inspection_interval=self.every or 0.0,
            inspection_offset=self.offset,
        )

    def __repr__(self) -> str:
        extra = ""
        if self.crew:
            extra += f", crew={self.crew!r}"
        if self.success != 1.0:
            extra += f", success={self.success:g}"
        if self.max_attempts:
            extra += f", max_attempts={self.max_attempts}"
        if self.escalate:
            extra += f", escalate={self.escalate!r}"
        if self.every:
            extra += f", every='{self.every:g}h'"
        return f"Step({self.name!r}, {self.duration!r}{extra})"


class Procedure:
    """An ordered list of recovery steps. The component is down until the last step ends.

    >>> Procedure(Step("detect", "5m"), Step("restart", rs.Exponential("10m")))  # doctest: +SKIP
    """

    __slots__ = ("steps", "name")

    def __init__(self, *steps: Step, name: str = "") -> None:
        if len(steps) == 1 and isinstance(steps[0], (list, tuple)):
            steps = tuple(steps[0])
        if not steps:
            raise ValueError("a procedure needs at least one step")
        for i, s in enumerate(steps):
            if not isinstance(s, Step):
                raise TypeError(f"procedure step {i}: expected rs.Step, got {type(s).__name__}")
        self.steps: tuple[Step, ...] = tuple(steps)
        self.name = name

    @property
    def mean(self) -> float:
        """Mean duration ignoring crews, inspections and retries (a lower bound)."""
        return sum(s.duration.mean for s in self.steps)

    def to_spec(self) -> Any:
        return _core.ProcedureSpec(name=self.name, steps=[s.to_spec() for s in self.steps])

    def __repr__(self) -> str:
        return f"Procedure({', '.join(repr(s) for s in self.steps)})"


def _as_procedure(repair: Any, where: str) -> Procedure:
    if isinstance(repair, Procedure):
        return repair
    if isinstance(repair, Step):
        return Procedure(repair)
    if isinstance(repair, (list, tuple)):
        return Procedure(*repair)
    return Procedure(Step("repair", as_distribution(repair, name=f"{where} repair")))


class Cascade:
    """A failure that makes another component fail: with ``probability``, after ``delay``, the
    ``target`` fails with its failure mode ``mode`` (its first mode by default) if it is up
    then. Outages it causes keep the original root cause.

    >>> Cascade("db-replica", probability=0.3, delay="5m")
    Cascade('db-replica', probability=0.3, delay=Deterministic(value='5m'))
    """

    __slots__ = ("target", "probability", "delay", "mode")

    def __init__(self, target: str, *, probability: float = 1.0, delay: Distribution | Duration = 0, mode: str | None = None) -> None:
        self.target = _check_name(target, "cascade target")
        self.probability = _probability(probability, f"cascade to {target!r} probability")
        self.delay = as_distribution(delay, name=f"cascade to {target!r} delay")
        self.mode = mode

    def to_spec(self) -> Any:
        return _core.CascadeSpec(target=self.target, mode=self.mode or "", probability=self.probability, delay=self.delay._c)

    def __repr__(self) -> str:
        extra = f", probability={self.probability!r}" if self.probability != 1 else ""
        if self.delay.mean > 0 or self.delay.kind != "deterministic":
            extra += f", delay={self.delay!r}"
        if self.mode:
            extra += f", mode={self.mode!r}"
        return f"Cascade({self.target!r}{extra})"


class FailureMode:
    """One way a component fails: a time to failure (in age) and the recovery procedure.

    ``repair`` is a distribution (one ``repair`` step), a :class:`Procedure`, or a list of steps.

    ``data_loss`` says what the failure does to the component's data:

    - ``False``: nothing is lost (a crash, a lost server behind replicated storage);
    - ``True``: writes since the latest recovery point are lost: the replica (lagging by the
      replication lag) or the latest successful backup, whichever is more recent;
    - ``"backup"``: the replica is lost too (corruption replicates, ransomware): back to the
      latest successful backup.
    """

    __slots__ = ("name", "failure", "repair", "data_loss", "cascades")

    def __init__(
        self,
        name: str,
        failure: Distribution,
        repair: Distribution | Procedure | Step | Sequence[Step] | Duration,
        *,
        data_loss: bool | str = False,
        cascades: Sequence[Cascade] = (),
    ) -> None:
        self.name = _check_name(name, "failure mode")
        self.failure = as_distribution(failure, name=f"failure mode {name!r} failure", allow_constant=False)
        self.repair = _as_procedure(repair, f"failure mode {name!r}")
        if data_loss not in (False, True, "backup"):
            raise ValueError(f"failure mode {name!r}: data_loss must be False, True or 'backup', got {data_loss!r}")
        self.data_loss: bool | str = data_loss
        if isinstance(cascades, Cascade):
            cascades = [cascades]
        for i, c in enumerate(cascades):
            if not isinstance(c, Cascade):
                raise TypeError(f"failure mode {name!r}: cascades[{i}] must be rs.Cascade(...), got {type(c).__name__}")
        self.cascades: list[Cascade] = list(cascades)

    def to_spec(self) -> Any:
        kind = {False: "none", True: "latest", "backup": "backup"}[self.data_loss]  # type: ignore[index]
        return _core.FailureModeSpec(
            name=self.name,
            ttf=self.failure._c,
            procedure=self.repair.to_spec(),
            data_loss=kind,
            cascades=[c.to_spec() for c in self.cascades],
        )

    def __repr__(self) -> str:
        steps = self.repair.steps
        rep = (
            repr(steps[0].duration)
            if len(steps) == 1 and steps[0].name == "repair" and steps[0].crew is None and steps[0].success == 1
            else repr(self.repair)
        )
        dl = f", data_loss={self.data_loss!r}" if self.data_loss else ""
        dl += f", cascades={self.cascades!r}" if self.cascades else ""
        return f"FailureMode({self.name!r}, failure={self.failure!r}, repair={rep}{dl})"


class Backup:
    """Periodic backups of a component's data.

    A backup starts at ``offset + k * every`` while the component is up, runs for ``duration``
    and succeeds with probability ``success``; its recovery point is its start time. A backup
    due while the component is down is skipped, and one still running when the component
    fails is lost. At the start of a replication the data is known good (a recovery point at 0).

    >>> Backup(every="1h", duration="5m", success=0.99)
    Backup(every='1h', duration=Deterministic(value='5m'), success=0.99)
    """

    __slots__ = ("every", "duration", "success", "offset")

    def __init__(self, every: Duration, duration: Distribution | Duration = 0, *, success: float = 1.0, offset: Duration = 0) -> None:
        self.every = hours(every, name="backup every")
        if self.every <= 0:
            raise ValueError(f"backup: every must be > 0, got {every!r}")
        self.duration = as_distribution(duration, name="backup duration")
        self.success = _probability(success, "backup success")
        self.offset = hours(offset, name="backup offset")
        if self.offset < 0:
            raise ValueError(f"backup: offset must be >= 0, got {offset!r}")

    def __repr__(self) -> str:
        from .units import exact_duration

        extra = f", success={self.success!r}" if self.success != 1 else ""
        extra += f", offset={exact_duration(self.offset)!r}" if self.offset else ""
        return f"Backup(every={exact_duration(self.every)!r}, duration={self.duration!r}{extra})"


class Replication:
    """Asynchronous replication: the replica lags the primary by ``lag`` (sampled per incident).

    A failure mode with ``data_loss=True`` loses the writes of the last ``lag`` hours (or less,
    if a backup is more recent); with ``data_loss="backup"`` the replica does not help.
    """

    __slots__ = ("lag",)

    def __init__(self, lag: Distribution | Duration) -> None:
        self.lag = as_distribution(lag, name="replication lag")

    def __repr__(self) -> str:
        return f"Replication(lag={self.lag!r})"


class Component:
    """A thing that fails: one or more competing failure modes (the first to fire wins).

    After its recovery procedure ends the component is as good as new.
    """

    __slots__ = ("name", "modes", "tags", "backup", "replication")

    def __init__(
        self,
        name: str,
        modes: Sequence[FailureMode],
        tags: Mapping[str, str] | None = None,
        *,
        backup: Backup | None = None,
        replication: Replication | None = None,
    ) -> None:
        self.name = _check_name(name, "component")
        if not modes:
            raise ValueError(f"component {name!r}: needs at least one failure mode")
        self.modes: list[FailureMode] = list(modes)
        self.tags: dict[str, str] = {str(k): str(v) for k, v in (tags or {}).items()}
        if backup is not None and not isinstance(backup, Backup):
            raise TypeError(f"component {name!r}: backup must be rs.Backup(...), got {type(backup).__name__}")
        if replication is not None and not isinstance(replication, Replication):
            raise TypeError(f"component {name!r}: replication must be rs.Replication(...), got {type(replication).__name__}")
        self.backup = backup
        self.replication = replication

    @property
    def mttf(self) -> float:
        """Mean time to the first failure of any mode, when that is simple to state (one mode)."""
        if len(self.modes) == 1:
            return self.modes[0].failure.mean
        return math.nan

    def to_spec(self) -> Any:
        b = self.backup
        return _core.ComponentSpec(
            name=self.name,
            modes=[m.to_spec() for m in self.modes],
            tags=sorted(self.tags.items()),
            backup_every=b.every if b else 0.0,
            backup_offset=b.offset if b else 0.0,
            backup_duration=b.duration._c if b else _core.Distribution.deterministic(0.0),
            backup_success=b.success if b else 1.0,
            replication_lag=self.replication.lag._c if self.replication else None,
        )

    def __repr__(self) -> str:
        tags = f", tags={self.tags!r}" if self.tags else ""
        extra = f", backup={self.backup!r}" if self.backup else ""
        extra += f", replication={self.replication!r}" if self.replication else ""
        return f"Component({self.name!r}, modes={self.modes!r}{tags}{extra})"


@dataclass(frozen=True)
class Crew:
    """A limited repair resource shared FIFO by every step that names it."""

    name: str
    size: int = 1


@dataclass
class Service:
    """A logical node that is up while its requirement holds, with optional targets."""

    name: str
    requirement: Member
    rto: float | None = None
    rpo: float | None = None
    availability: float | None = None

    def __repr__(self) -> str:
        t = "".join(f", {k}={v!r}" for k, v in (("rto", self.rto), ("rpo", self.rpo), ("availability", self.availability)) if v is not None)
        return f"Service({self.name!r}, {self.requirement!r}{t})"


def _targets_repr(t: Selector) -> str:
    return repr(t if isinstance(t, (str, Mapping)) else list(t))


class Shock:
    """A recurring external event hitting several components at once (see :meth:`Model.shock`)."""

    __slots__ = ("name", "every", "targets", "probability", "mode", "outage")

    def __init__(
        self,
        name: str,
        *,
        every: Distribution | Duration,
        targets: Selector,
        probability: float = 1.0,
        mode: str | None = None,
        outage: Distribution | Duration | None = None,
    ) -> None:
        self.name = _check_name(name, "shock")
        if isinstance(every, (int, float, str)) and not isinstance(every, bool):
            every = Exponential(hours(every, name=f"shock {name!r} every"))  # a rate: Poisson arrivals
        self.every = as_distribution(every, name=f"shock {name!r} every")
        self.targets = _check_selector(targets, f"shock {name!r}")
        self.probability = _probability(probability, f"shock {name!r} probability")
        if mode is not None and outage is not None:
            raise TypeError(f"shock {name!r}: give mode= (trigger a failure mode) or outage= (hold down), not both")
        self.mode = mode
        self.outage = None if outage is None else as_distribution(outage, name=f"shock {name!r} outage")

    def __repr__(self) -> str:
        extra = f", probability={self.probability!r}" if self.probability != 1 else ""
        extra += f", outage={self.outage!r}" if self.outage is not None else ""
        extra += f", mode={self.mode!r}" if self.mode else ""
        return f"Shock({self.name!r}, every={self.every!r}, targets={_targets_repr(self.targets)}{extra})"


class Maintenance:
    """Planned windows taking components down on purpose (see :meth:`Model.maintenance`)."""

    __slots__ = ("name", "targets", "every", "duration", "offset", "crew")

    def __init__(
        self,
        name: str,
        *,
        targets: Selector,
        every: Duration,
        duration: Distribution | Duration,
        offset: Duration = 0,
        crew: str | None = None,
    ) -> None:
        self.name = _check_name(name, "maintenance")
        self.targets = _check_selector(targets, f"maintenance {name!r}")
        self.every = hours(every, name=f"maintenance {name!r} every")
        if self.every <= 0:
            raise ValueError(f"maintenance {name!r}: every must be > 0, got {every!r}")
        self.duration = as_distribution(duration, name=f"maintenance {name!r} duration")
        self.offset = hours(offset, name=f"maintenance {name!r} offset")
        if self.offset < 0:
            raise ValueError(f"maintenance {name!r}: offset must be >= 0, got {offset!r}")
        self.crew = crew

    def __repr__(self) -> str:
        from .units import exact_duration

        extra = f", offset={exact_duration(self.offset)!r}" if self.offset else ""
        extra += f", crew={self.crew!r}" if self.crew else ""
        return (
            f"Maintenance({self.name!r}, targets={_targets_repr(self.targets)}, every={exact_duration(self.every)!r}, "
            f"duration={self.duration!r}{extra})"
        )


def _check_selector(targets: Any, where: str) -> Selector:
    if isinstance(targets, str):
        return targets
    if isinstance(targets, Mapping):
        if not targets:
            raise ValueError(f"{where}: an empty tag selector selects nothing")
        return {str(k): str(v) for k, v in targets.items()}
    if isinstance(targets, (list, tuple)):
        if not targets:
            raise ValueError(f"{where}: targets is empty")
        for i, t in enumerate(targets):
            if not isinstance(t, str):
                raise TypeError(f"{where}: targets[{i}] must be a component name, got {type(t).__name__}")
        return list(targets)
    raise TypeError(f"{where}: targets must be a name, a list of names or a tag selector dict, got {type(targets).__name__}")


class Model:
    """An architecture: components, crews, procedures and services.

    Build it with :meth:`component`, :meth:`crew`, :meth:`service`, then :meth:`simulate`.
    """

    def __init__(self, name: str = "model", *, age_when_down: bool = True) -> None:
        """``age_when_down=False``: a component does not age while every service that depends on
        it is down (e.g. the rest of a series system is idle while one part is repaired)."""
        self.name = _check_name(name, "model")
        self.age_when_down = bool(age_when_down)
        self.components: dict[str, Component] = {}
        self.services: dict[str, Service] = {}
        self.crews: dict[str, Crew] = {}
        self.procedures: dict[str, Procedure] = {}
        self.shocks: dict[str, Shock] = {}
        self.maintenances: dict[str, Maintenance] = {}

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
    ) -> Component:
        """Add a component and return it.

        Three ways to say how it fails:

        - ``mttf=, mttr=``: one exponential failure mode repaired in one exponential step;
        - ``failure=, repair=``: one failure mode with these distributions (``repair`` may be a
          :class:`Procedure`);
        - ``modes=[FailureMode(...), ...]``: competing failure modes.

        ``data_loss`` (for the first two forms) marks the failure as losing data; ``backup=`` and
        ``replication=`` say how the component's data is protected (see :class:`Backup`,
        :class:`Replication`). ``tags`` are free-form labels (``{"region": "eu-1"}``).

        >>> m = Model()
        >>> c = m.component("db-1", failure=rs.Weibull(1.3, "3000h"), repair=rs.LogNormal.from_mean_std("2h", "1h"))  # doctest: +SKIP
        """
        name = _check_name(name, "component")
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
        comp = Component(name, fm, tags, backup=backup, replication=replication)
        self.components[name] = comp
        return comp

    def crew(self, name: str, size: int = 1) -> Crew:
        """Add a crew of ``size`` interchangeable members (on-call engineers, a vendor's techs)."""
        name = _check_name(name, "crew")
        if name in self.crews:
            raise ValueError(f"crew {name!r} is already defined")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"crew {name!r}: size must be an integer >= 1, got {size!r}")
        c = Crew(name, size)
        self.crews[name] = c
        return c

    def procedure(self, name: str, *steps: Step) -> Procedure:
        """Add a named procedure, the target of a step's ``escalate=``."""
        name = _check_name(name, "procedure")
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
        replace: bool = False,
    ) -> Service:
        """Add a service, up while ``requirement`` holds (``replace=True`` redefines one).

        ``availability`` is an SLA target over the horizon (e.g. 0.9995); results report the
        probability of meeting it. ``rto`` is the longest acceptable outage: results report the
        share of outages restored within it and the probability of at least one breach per
        horizon. ``rpo`` is the largest acceptable data loss in the components beneath the
        service: results report the share of data-loss incidents within it.
        """
        name = _check_name(name, "service")
        if name in self.services and not replace:
            raise ValueError(f"service {name!r} is already defined (pass replace=True to redefine it)")
        if name in self.components:
            raise ValueError(f"service {name!r}: a component has that name; names must be unique")
        req = requirement_from(requirement, where=f"service {name!r}")
        a = None
        if availability is not None:
            a = _probability(availability, f"service {name!r} availability target")
        s = Service(
            name,
            req,
            rto=None if rto is None else _positive(hours(rto, name=f"service {name!r} rto"), f"service {name!r} rto"),
            rpo=None if rpo is None else _nonnegative(hours(rpo, name=f"service {name!r} rpo"), f"service {name!r} rpo"),
            availability=a,
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
    ) -> Shock:
        """Add a common-cause event: a cloud region outage, a DDoS, a bad deploy, a chain halt.

        Shocks arrive with inter-arrival times ``every`` (a distribution; a bare duration means
        exponential with that mean, i.e. Poisson arrivals). Each arrival hits each target with
        ``probability``. ``targets`` is a component name, a list of names, or tags that must all
        match (``{"region": "eu-1"}``).

        Effect, one of:

        - ``outage=<duration or distribution>``: all hit components are held down together for
          one sampled duration (they do not age meanwhile and resume afterwards, not renewed);
        - ``mode="crash"`` (default: each target's first failure mode): each hit component that
          is up fails with that mode, and its own recovery procedure follows.

        Outages begun by a shock carry the shock as root cause.

        >>> m.shock("region-eu", every="2y", targets={"region": "eu-1"}, outage=rs.Uniform("2h", "12h"))  # doctest: +SKIP
        """
        if name in self.shocks:
            raise ValueError(f"shock {name!r} is already defined")
        sh = Shock(name, every=every, targets=targets, probability=probability, mode=mode, outage=outage)
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
    ) -> Maintenance:
        """Add planned windows: at ``offset + k * every`` each target that is up goes down on
        purpose for ``duration`` (waiting for a ``crew`` member first if one is named), then is
        as good as new. A window due while the target is down is **skipped**. The time counts as
        planned downtime, reported apart from unplanned downtime (``res.planned_downtime``).

        >>> m.maintenance("deploy", targets={"role": "gateway"}, every="1w", duration="30m")  # doctest: +SKIP
        """
        if name in self.maintenances:
            raise ValueError(f"maintenance {name!r} is already defined")
        w = Maintenance(name, targets=targets, every=every, duration=duration, offset=offset, crew=crew)
        self.maintenances[name] = w
        return w

    def select(self, targets: Selector) -> list[str]:
        """The component names a selector picks, in definition order."""
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

        Keep component names: variants that share names share random numbers, so their
        difference is measured without noise from independent draws.
        """
        import copy as _copy

        new = Model(name or self.name, age_when_down=self.age_when_down)
        new.components = dict(self.components)  # components are not mutated once added
        new.services = {k: _copy.copy(v) for k, v in self.services.items()}
        new.crews = dict(self.crews)
        new.procedures = dict(self.procedures)
        new.shocks = dict(self.shocks)
        new.maintenances = dict(self.maintenances)
        return new

    def remove(self, name: str) -> None:
        """Remove a component, service, shock or maintenance by name (what uses it must change too)."""
        for table in (self.components, self.services, self.shocks, self.maintenances):
            if name in table:
                del table[name]  # type: ignore[attr-defined]
                return
        raise KeyError(f"no component, service, shock or maintenance named {name!r}")

    # --- compiling and running ------------------------------------------------------------------

    def to_spec(self) -> Any:
        """The engine's view of the model (private API)."""
        return _core.ModelSpec(
            name=self.name,
            components=[c.to_spec() for c in self.components.values()],
            crews=[_core.CrewSpec(name=c.name, size=c.size) for c in self.crews.values()],
            procedures=[p.to_spec() for p in self.procedures.values()],
            services=[
                _core.ServiceSpec(
                    name=s.name,
                    requirement=s.requirement.to_spec()
                    if isinstance(s.requirement, Requirement)
                    else _core.RequirementSpec(kind="ref", name=s.requirement),
                    rto=s.rto,
                    rpo=s.rpo,
                )
                for s in self.services.values()
            ],
            shocks=[
                _core.ShockSpec(
                    name=sh.name,
                    every=sh.every._c,
                    targets=self._resolve(sh.targets, f"shock {sh.name!r}"),
                    probability=sh.probability,
                    mode=sh.mode or "",
                    outage=None if sh.outage is None else sh.outage._c,
                )
                for sh in self.shocks.values()
            ],
            maintenance=[
                _core.MaintenanceSpec(
                    name=w.name,
                    targets=self._resolve(w.targets, f"maintenance {w.name!r}"),
                    every=w.every,
                    offset=w.offset,
                    duration=w.duration._c,
                    crew=w.crew or "",
                )
                for w in self.maintenances.values()
            ],
            age_when_down=self.age_when_down,
        )

    def compile(self) -> Any:
        """Validate the whole model; raises ``ValueError`` naming the offending entity."""
        return _core.compile(self.to_spec())

    def validate(self) -> Model:
        """Check the model (unknown names, cycles, bad k, empty groups...); returns ``self``."""
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
    ) -> Results:
        """Run ``replications`` independent replications over ``horizon`` and return Results.

        Parameters
        ----------
        horizon:
            Length of each replication (``"1y"``, ``"30d"``, or hours).
        replications:
            Number of independent replications.
        seed:
            Any integer; the same model and seed give bitwise identical results on any number
            of threads. ``None`` draws a fresh seed, kept in ``Results.seed``.
        threads:
            Worker threads (default: all cores). Results do not depend on it.
        progress:
            Show a progress bar (``None``: only if the run takes more than about a second).
        keep_outages:
            Keep the outage and data-loss records (``res.outages(s)``, ``res.data_losses()``)
            of the first ``keep_outages`` replications; default: the first 10,000. A
            replication keeps at most 100,000 records (a guard against runaway memory). All the
            statistics (RTO/RPO compliance, causes, phases) use every replication regardless.
        executor:
            Run the replications in chunks on any ``concurrent.futures.Executor`` or a Dask
            ``distributed.Client`` (beyond one machine). The model travels as plain data; the
            merged results are bitwise identical to a local run with the same seed. ``threads``
            is then the number of threads per chunk (default 1: one chunk per worker thread).
        chunk_size:
            Replications per chunk with an executor (default: about 64 chunks, at most 50,000).
        per_replication:
            Keep one value per replication of every result (``res.downtime(s)`` and friends).
            ``False`` streams the replications through fixed-size aggregates instead: memory does
            not grow with the number of replications, every estimate and the summary are
            available, quantiles come from a fixed histogram (within 2.9 %), and the results are
            identical for any number of threads or executor. Default: ``True`` up to 1,000,000
            replications, ``False`` above.

        Ctrl-C (or a Jupyter interrupt) stops the run within a fraction of a second and raises
        ``KeyboardInterrupt``.
        """
        from ._progress import Progress
        from .results import Results

        h = hours(horizon, name="horizon")
        if h <= 0:
            raise ValueError(f"horizon must be > 0, got {horizon!r}")
        replications = _count(replications, "replications", minimum=1)
        if seed is None:
            seed = int.from_bytes(os.urandom(8), "little") >> 1
        seed = _count(seed, "seed", minimum=0)
        if seed >= 2**64:
            raise ValueError(f"seed must be < 2**64, got {seed}")
        threads = 0 if threads is None else _count(threads, "threads (None or 0 = all cores)", minimum=0)
        keep = 10_000 if keep_outages is None else _count(keep_outages, "keep_outages", minimum=0)
        compiled = self.compile()
        if chunk_size is not None:
            chunk_size = _count(chunk_size, "chunk_size", minimum=1)
        if per_replication is None:
            per_replication = replications <= 1_000_000
        if not per_replication:
            return self._simulate_streaming(compiled, h, replications, seed, threads, keep, progress, executor)
        _check_memory(compiled, replications)
        t0 = time.perf_counter()
        with Progress(replications, enabled=progress, desc=self.name) as bar:
            if executor is not None:
                from ._distributed import run_on_executor

                raw = run_on_executor(
                    executor,
                    compiled,
                    horizon=h,
                    seed=seed,
                    replications=replications,
                    threads=threads or 1,
                    keep=keep,
                    chunk_size=chunk_size,
                    progress=bar.update,
                )
            else:
                raw = _core.simulate(
                    compiled,
                    horizon=h,
                    seed=seed,
                    replications=replications,
                    threads=threads,
                    progress=bar.update,
                    record_replications=keep,
                )
        elapsed = time.perf_counter() - t0
        return Results(
            self,
            compiled,
            raw,
            horizon=h,
            seed=seed,
            elapsed=elapsed,
            threads=threads or _core.default_threads(),
            kept=min(keep, replications),
        )

    # --- model files --------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The model as plain data in the model-file format (see ``docs/model-files.md``)."""
        from .io import to_data

        return to_data(self)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a model file, YAML (``.yaml``, ``.yml``) or JSON (``.json``); ``rs.load`` reads it."""
        from .io import save

        save(self, path)

    def __eq__(self, other: object) -> bool:
        """Models are equal when they describe the same thing (their :meth:`to_data` are equal)."""
        if not isinstance(other, Model):
            return NotImplemented
        return self.to_data() == other.to_data()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def trace(
        self,
        replication: int = 0,
        *,
        seed: int,
        horizon: Duration = "1y",
        log_file: str | os.PathLike[str] | None = None,
    ) -> pd.DataFrame:
        """Every event of one replication, as a DataFrame (and, with ``log_file``, as a text log
        written through the engine's spdlog).

        The replication is exactly replication ``replication`` of ``simulate(..., seed=seed)``
        with the same horizon: use it to see what happened in the worst year of a run
        (``res.trace(i)`` does this for a Results). Columns: ``time_h``, ``event`` (failure,
        maintenance, step_start, step_failed, crew_wait, inspection_wait, recovered, hold,
        release, shock, cascade, switchover, switchover_failed, no_spare, active, service_down,
        service_up, data_loss), ``entity``, ``detail``, ``value`` (hours of writes lost for
        data_loss).
        """
        import pandas as pd

        h = hours(horizon, name="horizon")
        if h <= 0:
            raise ValueError(f"horizon must be > 0, got {horizon!r}")
        replication = _count(replication, "replication", minimum=0)
        seed = _count(seed, "seed", minimum=0)
        compiled = self.compile()
        raw = _core.trace(compiled, horizon=h, seed=seed, replication=replication, log_file="" if log_file is None else os.fspath(log_file))
        df = pd.DataFrame(raw)
        df.attrs = {
            "model": self.name,
            "seed": seed,
            "replication": replication,
            "horizon_h": h,
            "services": list(compiled.service_names),
            "components": list(compiled.component_names),
            "shocks": list(compiled.shock_names),
            "maintenance": list(self.maintenances),
        }
        return df

    # --- exact answers ----------------------------------------------------------------------------

    def exact(self, *, max_states: int = 200_000) -> ExactResults:
        """Solve the model's continuous-time Markov chain (all times exponential): steady-state
        availability, outage frequency, mean outage, mean time to first outage, A(t). See
        :mod:`recoverysim.exact`."""
        from .exact import exact

        return exact(self, max_states=max_states)

    def rare_events(
        self, service: str | None = None, *, cycles: int = 100_000, plain_cycles: int = 20_000, bias: float = 0.5, seed: int = 0
    ) -> Any:
        """Steady-state unavailability by importance sampling for highly available exponential
        models (see :func:`recoverysim.exact.rare_events`)."""
        from .exact import rare_events

        return rare_events(self, service, cycles=cycles, plain_cycles=plain_cycles, bias=bias, seed=seed)

    def structure_availability(self, component_availability: Mapping[str, float] | None = None) -> dict[str, float]:
        """Exact service availabilities for independent components (see :mod:`recoverysim.exact`)."""
        from .exact import structure_availability

        return structure_availability(self, component_availability)

    def _simulate_streaming(
        self, compiled: Any, h: float, replications: int, seed: int, threads: int, keep: int, progress: bool | None, executor: Any
    ) -> Results:
        from ._progress import Progress
        from ._streaming import run_streaming
        from .results import StreamedResults

        t0 = time.perf_counter()
        with Progress(replications, enabled=progress, desc=self.name) as bar:
            agg = run_streaming(
                compiled,
                horizon=h,
                seed=seed,
                replications=replications,
                threads=threads,
                keep=keep,
                sla_targets=[self.services[n].availability for n in compiled.service_names],
                progress=bar.update,
                executor=executor,
            )
        elapsed = time.perf_counter() - t0
        return StreamedResults(
            self,
            compiled,
            agg,
            horizon=h,
            seed=seed,
            elapsed=elapsed,
            threads=threads or _core.default_threads(),
            kept=min(keep, replications),
        )

    # --- display ----------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        """Jupyter: components, services, shocks and maintenance as tables (see ``recoverysim._html``)."""
        from ._html import model_html

        return model_html(self)

    def __repr__(self) -> str:
        return (
            f"Model({self.name!r}: {len(self.components)} components, {len(self.services)} services, "
            f"{len(self.crews)} crews, {len(self.shocks)} shocks, {len(self.maintenances)} maintenance windows)"
        )
