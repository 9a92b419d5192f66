"""Recovery: the steps of a procedure, the procedure, failure modes and cascades.

>>> Step("detect", "5m")
Step('detect', Deterministic(value='5m'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import _core
from .distributions import Distribution, as_distribution
from .requirements import Member, _member_spec, has_selector, requirement_from
from .units import Duration, hours
from .validation import INT32_MAX, check_count, check_name, check_optional_name, check_priority, check_probability

__all__ = ["Step", "Procedure", "FailureMode", "Cascade", "as_procedure", "restart_procedure"]


class Step:
    """One step of a recovery procedure.

    Parameters
    ----------
    name : str
        What the step is: ``"detect"``, ``"diagnose"``, ``"failover"``, ``"restore"``,
        ``"repair"``, ``"verify"``... Time is reported per step name.
    duration : Distribution or duration
        A distribution, or a fixed duration (``"5m"``, ``"PT5M"``).
    crew : str or mapping of str to int, optional
        Name of a crew (see :meth:`Model.crew`): the step waits for a free member and holds it
        while it runs. A mapping asks for several members at once, from one crew or several
        (``{"custodians": 3}``, ``{"dba": 1, "vendor": 1}``): the step starts only when it can
        take all of them together, and holds them together. Waiters are served by priority
        (see ``priority`` of :class:`FailureMode`), FIFO within a priority. Waiting is
        ``crew_wait`` time, and downtime.
    spare : str, optional
        Name of a spare pool (see :meth:`Model.spare_pool`): the step first takes one spare from
        the pool (waiting while it is empty: ``spare_wait``), then its crew.
    success : float or str, default 1.0
        Probability that one attempt of the step succeeds (``0.9`` or ``"90%"``). On failure the
        step is retried, or, after ``max_attempts`` failed attempts, the procedure ``escalate``
        takes over.
    max_attempts : int, optional
        Failed attempts before escalating (default: retry until it succeeds).
    escalate : str, optional
        Name of the procedure (see :meth:`Model.procedure`) that takes over.
    every, offset : duration, optional
        The step first waits for the next periodic inspection at ``offset + k * every``
        (hidden failures found only by checks), then runs for ``duration``.
    requires : str or Requirement, optional
        A component, a service, or any requirement (``rs.k_of_n(3, ...)``) that must be up for
        the step to run: a restore needs the backup store, a detection needs the monitoring.
        The requirement comes first, then the ``spare``, then the ``crew`` members: while it is
        down the step waits (phase ``dependency_wait``) holding no crew; if it fails while the
        step runs, the step pauses, releases its crew members (keeping a spare it took), and
        resumes with its remaining duration when the requirement holds again (it queues for its
        crew again first). See "Acquisition order" in docs/semantics.md.
    fallback : Distribution or duration, optional
        With ``requires``: the step never waits for its requirement. If the requirement is down
        when the step is reached it runs for ``fallback`` instead of ``duration`` (customers
        report the outage after 30 minutes when the monitoring is down); later changes of the
        requirement do not affect it.

    Examples
    --------
    >>> Step("detect", "5m")
    Step('detect', Deterministic(value='5m'))
    >>> Step("restore", rs.LogNormal.from_mean_std("2h", "1h"), crew="oncall", success="95%").success
    0.95
    >>> Step("ceremony", "2h", crew={"custodians": 3}).crew
    {'custodians': 3}
    >>> Step("restore", "2h", requires="backup-store").requires
    'backup-store'
    >>> Step("detect", "1m", requires="monitor", fallback="30m").fallback.mean
    0.5
    """

    __slots__ = ("name", "duration", "crew", "success", "max_attempts", "escalate", "every", "offset", "spare", "requires", "fallback")

    def __init__(
        self,
        name: str,
        duration: Distribution | Duration,
        *,
        crew: str | Mapping[str, int] | None = None,
        success: float = 1.0,
        max_attempts: int | None = None,
        escalate: str | None = None,
        every: Duration | None = None,
        offset: Duration = 0,
        spare: str | None = None,
        requires: Member | None = None,
        fallback: Distribution | Duration | None = None,
    ) -> None:
        self.name = check_name(name, "step")
        self.duration = as_distribution(duration, name=f"step {name!r} duration")
        self.crew: str | dict[str, int] | None
        if isinstance(crew, Mapping):
            if not crew:
                raise ValueError(f"step {name!r}: crew {{}} names no crew")
            self.crew = {
                check_name(k, f"step {name!r} crew"): check_count(v, f"step {name!r}: members of crew {k!r}", minimum=1, maximum=INT32_MAX)
                for k, v in crew.items()
            }
        else:
            self.crew = check_optional_name(crew, f"step {name!r} crew")
        self.spare = check_optional_name(spare, f"step {name!r} spare")
        self.success = check_probability(success, f"step {name!r} success")
        if max_attempts is not None:
            max_attempts = check_count(max_attempts, f"step {name!r}: max_attempts", minimum=1, maximum=INT32_MAX)
        self.max_attempts = max_attempts
        self.escalate = check_optional_name(escalate, f"step {name!r} escalate")
        self.every = None if every is None else hours(every, name=f"step {name!r} every")
        if self.every is not None and self.every <= 0:
            raise ValueError(f"step {name!r}: inspection interval 'every' must be > 0")
        self.offset = hours(offset, name=f"step {name!r} offset")
        self.requires: Member | None = None if requires is None else requirement_from(requires, where=f"step {name!r} requires")
        if self.requires is not None and has_selector(self.requires):
            raise ValueError(
                f"step {name!r} requires: tag selectors (tags=) select the members of a service's requirement; "
                "make a service with it and require that service"
            )
        self.fallback: Distribution | None = None
        if fallback is not None:
            if requires is None:
                raise ValueError(f"step {name!r}: fallback needs requires= (the requirement it falls back from)")
            self.fallback = as_distribution(fallback, name=f"step {name!r} fallback")

    def to_spec(self) -> Any:
        """The engine's specification of this step (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.StepSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(Step("detect", "5m").to_spec()).__name__
        'StepSpec'
        """
        several = isinstance(self.crew, dict)
        return _core.StepSpec(
            name=self.name,
            duration=self.duration._c,
            crew="" if several or self.crew is None else self.crew,
            crews=list(self.crew.items()) if isinstance(self.crew, dict) else [],
            spare=self.spare or "",
            success=self.success,
            max_attempts=self.max_attempts or 0,
            escalate=self.escalate or "",
            inspection_interval=self.every or 0.0,
            inspection_offset=self.offset,
            requirement=None if self.requires is None else _member_spec(self.requires),
            fallback=None if self.fallback is None else self.fallback._c,
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
        if self.spare:
            extra += f", spare={self.spare!r}"
        if self.requires is not None:
            extra += f", requires={self.requires!r}"
        if self.fallback is not None:
            extra += f", fallback={self.fallback!r}"
        return f"Step({self.name!r}, {self.duration!r}{extra})"


class Procedure:
    """An ordered list of recovery steps. The component is down until the last step ends.

    Parameters
    ----------
    *steps : Step
        The steps, in order (at least one).
    name : str, default ""
        The procedure's name (named procedures are targets of ``escalate=``).

    Examples
    --------
    >>> p = Procedure(Step("detect", "5m"), Step("restart", rs.Exponential("10m")))
    >>> [s.name for s in p.steps]
    ['detect', 'restart']
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
        """Mean duration ignoring crews, inspections and retries (a lower bound).

        Returns
        -------
        float
            The sum of the steps' mean durations, hours.

        Examples
        --------
        >>> Procedure(Step("detect", "5m"), Step("restart", "10m")).mean
        0.25
        """
        return sum(s.duration.mean for s in self.steps)

    def to_spec(self) -> Any:
        """The engine's specification of this procedure (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.ProcedureSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(Procedure(Step("detect", "5m")).to_spec()).__name__
        'ProcedureSpec'
        """
        return _core.ProcedureSpec(name=self.name, steps=[s.to_spec() for s in self.steps])

    def __repr__(self) -> str:
        return f"Procedure({', '.join(repr(s) for s in self.steps)})"


def as_procedure(repair: Any, where: str) -> Procedure:
    if isinstance(repair, Procedure):
        return repair
    if isinstance(repair, Step):
        return Procedure(repair)
    if isinstance(repair, (list, tuple)):
        return Procedure(*repair)
    return Procedure(Step("repair", as_distribution(repair, name=f"{where} repair")))


def restart_procedure(restart: Any, where: str) -> Procedure:
    """A service's restart procedure: a Procedure, a Step or a list of Steps, each with a name and
    a duration only (the engine runs them back to back while the service's requirement holds).

    Parameters
    ----------
    restart : Procedure, Step or sequence of Step
        The restart.
    where : str
        The service, for error messages.

    Returns
    -------
    Procedure
        The restart procedure.

    Examples
    --------
    >>> restart_procedure([Step("coordinate", "20m"), Step("replay", "1h")], "service 'chain'").mean
    1.3333333333333333
    """
    if isinstance(restart, Procedure):
        proc = restart
    elif isinstance(restart, Step):
        proc = Procedure(restart)
    elif isinstance(restart, (list, tuple)):
        proc = Procedure(*restart)
    else:
        raise TypeError(f"{where}: restart must be rs.Step, a list of rs.Step or rs.Procedure, got {type(restart).__name__}")
    for s in proc.steps:
        if s.crew or s.spare or s.success != 1.0 or s.max_attempts or s.escalate or s.every or s.requires is not None:
            raise ValueError(
                f"{where}: restart step {s.name!r} has a name and a duration only (no crew, spare, success, escalation, inspection or requirement)"
            )
    return proc


class Cascade:
    """A failure that makes another component fail.

    With ``probability``, after ``delay``, the ``target`` fails with its failure mode ``mode``
    (its first mode by default) if it is up then. Outages it causes keep the original root cause.

    Parameters
    ----------
    target : str
        The component that fails too.
    probability : float or str, default 1.0
        Chance of the cascade (``0.3`` or ``"30%"``).
    delay : Distribution or duration, default 0
        Time from the first failure to the second.
    mode : str, optional
        The target's failure mode (default: its first).

    Examples
    --------
    >>> Cascade("db-replica", probability=0.3, delay="5m")
    Cascade('db-replica', probability=0.3, delay=Deterministic(value='5m'))
    """

    __slots__ = ("target", "probability", "delay", "mode")

    def __init__(self, target: str, *, probability: float = 1.0, delay: Distribution | Duration = 0, mode: str | None = None) -> None:
        self.target = check_name(target, "cascade target")
        self.probability = check_probability(probability, f"cascade to {target!r} probability")
        self.delay = as_distribution(delay, name=f"cascade to {target!r} delay")
        self.mode = check_optional_name(mode, f"cascade to {target!r} mode")

    def to_spec(self) -> Any:
        """The engine's specification of this cascade (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.CascadeSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(Cascade("db", probability="30%").to_spec()).__name__
        'CascadeSpec'
        """
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
      latest successful backup. On the active member of a standby group it also defeats
      failover: no spare takes over, the group is down until this mode's procedure (the
      restore) completes (docs/semantics.md).

    Parameters
    ----------
    name : str
        The mode's name (``"crash"``, ``"disk"``, ``"corruption"``).
    failure : Distribution
        Time to failure, in the component's age.
    repair : Distribution, Procedure, Step, list of Step or duration
        How it recovers.
    data_loss : bool or str, default False
        ``False``, ``True`` or ``"backup"``, as above.
    cascades : sequence of Cascade, default ()
        Failures of other components this failure causes.
    priority : int, optional
        Crew priority of its recovery steps: a higher number is served first (FIFO within a
        priority). Default: the component's priority, else the highest priority of the services
        above the component that set one, else 0.

    Examples
    --------
    >>> fm = FailureMode("disk", rs.Weibull(1.3, "3y"), [Step("replace", "4h", crew="oncall")])
    >>> fm.name, fm.repair.mean
    ('disk', 4.0)
    """

    __slots__ = ("name", "failure", "repair", "data_loss", "cascades", "priority")

    def __init__(
        self,
        name: str,
        failure: Distribution,
        repair: Distribution | Procedure | Step | Sequence[Step] | Duration,
        *,
        data_loss: bool | str = False,
        cascades: Sequence[Cascade] = (),
        priority: int | None = None,
    ) -> None:
        self.name = check_name(name, "failure mode")
        self.priority = check_priority(priority, f"failure mode {name!r}")
        self.failure = as_distribution(failure, name=f"failure mode {name!r} failure", allow_constant=False)
        self.repair = as_procedure(repair, f"failure mode {name!r}")
        if not (isinstance(data_loss, bool) or (isinstance(data_loss, str) and data_loss == "backup")):
            raise ValueError(f"failure mode {name!r}: data_loss must be False, True or 'backup', got {data_loss!r}")
        self.data_loss: bool | str = data_loss
        if isinstance(cascades, Cascade):
            cascades = [cascades]
        for i, c in enumerate(cascades):
            if not isinstance(c, Cascade):
                raise TypeError(f"failure mode {name!r}: cascades[{i}] must be rs.Cascade(...), got {type(c).__name__}")
        self.cascades: list[Cascade] = list(cascades)

    def to_spec(self) -> Any:
        """The engine's specification of this failure mode (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.FailureModeSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(FailureMode("crash", rs.Exponential("1000h"), "5m").to_spec()).__name__
        'FailureModeSpec'
        """
        kind = {False: "none", True: "latest", "backup": "backup"}[self.data_loss]  # type: ignore[index]
        return _core.FailureModeSpec(
            name=self.name,
            ttf=self.failure._c,
            procedure=self.repair.to_spec(),
            data_loss=kind,
            cascades=[c.to_spec() for c in self.cascades],
            priority=self.priority,
        )

    def __repr__(self) -> str:
        steps = self.repair.steps
        rep = (
            repr(steps[0].duration)
            if len(steps) == 1 and steps[0].name == "repair" and steps[0].crew is None and steps[0].spare is None and steps[0].success == 1
            else repr(self.repair)
        )
        dl = f", data_loss={self.data_loss!r}" if self.data_loss else ""
        dl += f", cascades={self.cascades!r}" if self.cascades else ""
        dl += f", priority={self.priority}" if self.priority is not None else ""
        return f"FailureMode({self.name!r}, failure={self.failure!r}, repair={rep}{dl})"
