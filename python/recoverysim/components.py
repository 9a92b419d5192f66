"""Components: things that fail, with their data protection (backups, replication), and the
crews that repair them."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _core
from .distributions import Distribution, as_distribution
from .recovery import FailureMode
from .units import Duration, exact_duration, hours
from .validation import INT32_MAX, check_count, check_name, check_priority, check_probability

__all__ = ["Component", "Backup", "Replication", "Crew", "SparePool", "Fleet", "fleet_names", "parse_hours", "MAX_FLEET"]


class Backup:
    """Periodic backups of a component's data.

    A backup starts at ``offset + k * every`` while the component is up, runs for ``duration``
    and succeeds with probability ``success``; its recovery point is its start time. A backup
    due while the component is down is skipped, and one still running when the component
    fails is lost. At the start of a replication the data is known good (a recovery point at 0).

    Parameters
    ----------
    every : duration
        Time between backups.
    duration : Distribution or duration, default 0
        How long a backup runs.
    success : float or str, default 1.0
        Probability that a backup succeeds.
    offset : duration, default 0
        Start of the first backup.

    Examples
    --------
    >>> Backup(every="1h", duration="5m", success=0.99)
    Backup(every='1h', duration=Deterministic(value='5m'), success=0.99)
    """

    __slots__ = ("every", "duration", "success", "offset")

    def __init__(self, every: Duration, duration: Distribution | Duration = 0, *, success: float = 1.0, offset: Duration = 0) -> None:
        self.every = hours(every, name="backup every")
        if self.every <= 0:
            raise ValueError(f"backup: every must be > 0, got {every!r}")
        self.duration = as_distribution(duration, name="backup duration")
        self.success = check_probability(success, "backup success")
        self.offset = hours(offset, name="backup offset")
        if self.offset < 0:
            raise ValueError(f"backup: offset must be >= 0, got {offset!r}")

    def __repr__(self) -> str:
        extra = f", success={self.success!r}" if self.success != 1 else ""
        extra += f", offset={exact_duration(self.offset)!r}" if self.offset else ""
        return f"Backup(every={exact_duration(self.every)!r}, duration={self.duration!r}{extra})"


class Replication:
    """Asynchronous replication: the replica lags the primary by ``lag`` (sampled per incident).

    A failure mode with ``data_loss=True`` loses the writes of the last ``lag`` hours (or less,
    if a backup is more recent); with ``data_loss="backup"`` the replica does not help.

    Parameters
    ----------
    lag : Distribution or duration
        How far the replica is behind when an incident happens.

    Examples
    --------
    >>> Replication(lag=rs.Exponential("5s")).lag.mean == 5 / 3600
    True
    """

    __slots__ = ("lag",)

    def __init__(self, lag: Distribution | Duration) -> None:
        self.lag = as_distribution(lag, name="replication lag")

    def __repr__(self) -> str:
        return f"Replication(lag={self.lag!r})"


class Component:
    """A thing that fails: one or more competing failure modes (the first to fire wins).

    After its recovery procedure ends the component is as good as new.

    Components are made by :meth:`Model.component`.

    Parameters
    ----------
    name : str
        The component's name.
    modes : sequence of FailureMode
        Its competing failure modes.
    tags : mapping of str to str, optional
        Free-form labels for selectors.
    backup : Backup, optional
        Periodic backups of its data.
    replication : Replication, optional
        Asynchronous replication of its data.
    priority : int, optional
        Crew priority of its failure modes' steps (a mode's own priority wins); higher is served
        first. Default: the highest priority of the services above it that set one, else 0.

    Examples
    --------
    >>> m = rs.Model()
    >>> c = m.component("db", mttf="1000h", mttr="2h", tags={"region": "eu-1"})
    >>> c.name, c.tags
    ('db', {'region': 'eu-1'})
    """

    __slots__ = ("name", "modes", "tags", "backup", "replication", "priority")

    def __init__(
        self,
        name: str,
        modes: Sequence[FailureMode],
        tags: Mapping[str, str] | None = None,
        *,
        backup: Backup | None = None,
        replication: Replication | None = None,
        priority: int | None = None,
    ) -> None:
        self.name = check_name(name, "component")
        self.priority = check_priority(priority, f"component {name!r}")
        if not modes:
            raise ValueError(f"component {name!r}: needs at least one failure mode")
        self.modes: list[FailureMode] = list(modes)
        for i, m in enumerate(self.modes):
            if not isinstance(m, FailureMode):
                raise TypeError(f"component {name!r}: modes[{i}] must be rs.FailureMode(...), got {type(m).__name__}")
        if tags is not None and not isinstance(tags, Mapping):
            raise TypeError(f"component {name!r}: tags must be a mapping such as {{'region': 'eu-1'}}, got {type(tags).__name__} {tags!r}")
        self.tags: dict[str, str] = {
            check_name(str(k), f"component {name!r} tag"): check_name(str(v), f"component {name!r} tag {k!r} value")
            for k, v in (tags or {}).items()
        }
        if backup is not None and not isinstance(backup, Backup):
            raise TypeError(f"component {name!r}: backup must be rs.Backup(...), got {type(backup).__name__}")
        if replication is not None and not isinstance(replication, Replication):
            raise TypeError(f"component {name!r}: replication must be rs.Replication(...), got {type(replication).__name__}")
        self.backup = backup
        self.replication = replication

    @property
    def mttf(self) -> float:
        """Mean time to the first failure of any mode, when that is simple to state (one mode).

        Returns
        -------
        float
            Hours (``ValueError`` when the component has several modes).

        Examples
        --------
        >>> rs.Model().component("db", mttf="1000h", mttr="2h").mttf
        1000.0
        """
        if len(self.modes) == 1:
            return self.modes[0].failure.mean
        return math.nan

    def to_spec(self) -> Any:
        """The engine's specification of this component (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.ComponentSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(rs.Model().component("db", mttf="1000h", mttr="2h").to_spec()).__name__
        'ComponentSpec'
        """
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
            priority=self.priority,
        )

    def __repr__(self) -> str:
        tags = f", tags={self.tags!r}" if self.tags else ""
        extra = f", backup={self.backup!r}" if self.backup else ""
        extra += f", replication={self.replication!r}" if self.replication else ""
        extra += f", priority={self.priority}" if self.priority is not None else ""
        return f"Component({self.name!r}, modes={self.modes!r}{tags}{extra})"


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = 168.0
_SHIFT = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?((?:\s*,\s*[a-z]{3})*)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _day(d: str, text: str, where: str) -> int:
    if d not in _DAYS:
        raise ValueError(f"{where}: unknown day {d!r} in {text!r} (days are {', '.join(_DAYS)})")
    return _DAYS.index(d)


def _clock(h: str, m: str, text: str, where: str, *, end: bool) -> float:
    hh, mm = int(h), int(m)
    if mm >= 60 or hh > 24 or (hh == 24 and (mm or not end)):
        raise ValueError(f"{where}: bad time of day in {text!r} (HH:MM, 00:00 to 24:00)")
    return hh + mm / 60


def parse_hours(hours: Sequence[str], where: str = "crew") -> list[tuple[float, float]]:
    """Working hours of the week as ``[start, end)`` hours since Monday 00:00.

    Each entry is ``"<days> HH:MM-HH:MM"``: days are a day (``mon``), a range (``mon-fri``,
    ``fri-mon`` wraps), or a list (``mon,wed,fri``). An end at or before the start runs past
    midnight into the next day (a night shift ``"mon-fri 22:00-06:00"``); ``24:00`` is the end
    of the day.

    Parameters
    ----------
    hours : sequence of str
        The shifts, at least one.
    where : str, default "crew"
        Names the owner in error messages.

    Returns
    -------
    list of (float, float)
        Shifts in hours of the week (an overnight shift on Sunday ends past 168).

    Examples
    --------
    >>> parse_hours(["mon-fri 09:00-17:00"])[:2]
    [(9.0, 17.0), (33.0, 41.0)]
    >>> parse_hours(["sun 22:00-06:00"])
    [(166.0, 174.0)]
    """
    if isinstance(hours, str) or not isinstance(hours, Sequence):
        raise TypeError(f"{where}: hours must be a list of shifts such as ['mon-fri 09:00-17:00'], got {hours!r}")
    if not hours:
        raise ValueError(f"{where}: hours is an empty calendar (the crew would never work); give at least one shift or leave hours out")
    out: list[tuple[float, float]] = []
    for text in hours:
        if not isinstance(text, str):
            raise TypeError(f"{where}: a shift must be a string such as 'mon-fri 09:00-17:00', got {text!r}")
        m = _SHIFT.match(text.lower())
        if not m:
            raise ValueError(f"{where}: malformed shift {text!r} (expected '<days> HH:MM-HH:MM', e.g. 'mon-fri 09:00-17:00')")
        first = _day(m.group(1), text, where)
        if m.group(2):
            last = _day(m.group(2), text, where)
            days = [(first + i) % 7 for i in range((last - first) % 7 + 1)]
        else:
            days = [first]
        days += [_day(d.strip(), text, where) for d in m.group(3).split(",") if d.strip()]
        start = _clock(m.group(4), m.group(5), text, where, end=False)
        end = _clock(m.group(6), m.group(7), text, where, end=True)
        length = end - start if end > start else end + 24 - start
        for d in days:
            out.append((24 * d + start, 24 * d + start + length))
    return out


def _origin(v: Any, where: str) -> float:
    """The hour of the week at t = 0: a number of hours, or ``"wed 12:00"``."""
    if isinstance(v, str):
        m = re.match(r"^\s*([a-z]{3})\s+(\d{1,2}):(\d{2})\s*$", v.lower())
        if not m:
            raise ValueError(f"{where}: origin must be '<day> HH:MM' such as 'mon 00:00', got {v!r}")
        return 24 * _day(m.group(1), v, where) + _clock(m.group(2), m.group(3), v, where, end=False)
    h = hours(v, name=f"{where} origin")
    if not 0 <= h < _WEEK:
        raise ValueError(f"{where}: origin must be an hour of the week in [0, 168), got {v!r}")
    return h


MAX_FLEET = 1_000_000  # instances of one template: far above any fleet, far below what exhausts memory


def fleet_names(pattern: str, count: int, start: int = 1) -> list[str]:
    """The names of a component template's instances: ``pattern.format(i=i)`` for ``i`` from
    ``start`` to ``start + count - 1``.

    The pattern holds the field ``{i}`` once or more, with an optional format spec
    (``validator-{i:04d}`` gives ``validator-0001``); every other brace must be doubled.

    Parameters
    ----------
    pattern : str
        The name pattern.
    count : int
        Instances, from 1 to 1,000,000.
    start : int, default 1
        The first index.

    Returns
    -------
    list of str
        The names, distinct.

    Examples
    --------
    >>> fleet_names("validator-{i:03d}", 3)
    ['validator-001', 'validator-002', 'validator-003']
    >>> fleet_names("rpc-{i}", 2, start=0)
    ['rpc-0', 'rpc-1']
    """
    check_name(pattern, "fleet")
    where = f"fleet {pattern!r}"
    count = check_count(count, f"{where}: count", minimum=1, maximum=MAX_FLEET)
    start = check_count(start, f"{where}: start", minimum=0, maximum=INT32_MAX)
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as e:
        raise ValueError(f"{where}: not a name pattern ({e}); write the index as {{i}} and other braces doubled") from None
    if not fields or any(f != "i" for f in fields):
        others = [f for f in fields if f != "i"]
        got = f" (it has {{{others[0]}}})" if others else ""
        raise ValueError(f"{where}: the name pattern needs the index field {{i}} (e.g. 'validator-{{i}}') and no other field{got}")
    try:
        names = [pattern.format(i=i) for i in range(start, start + count)]
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where}: cannot format the index with this pattern: {e}") from None
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: the pattern gives the same name to two instances (e.g. {names[0]!r})")
    return names


@dataclass(frozen=True)
class Fleet:
    """A component template with a count, as :meth:`Model.fleet` added it.

    The instances are ordinary components of the model; the fleet remembers them so that a
    model file writes the template back in a few lines instead of one entry per instance.

    Parameters
    ----------
    pattern : str
        The name pattern (``"validator-{i}"``).
    count : int
        Instances.
    start : int
        The first index.
    members : tuple of Component
        The instances, in order.

    Examples
    --------
    >>> m = rs.Model()
    >>> f = m.fleet("v-{i}", 3, mttf="1000h", mttr="1h", tags={"role": "validator"})
    >>> [c.name for c in f], m.fleets["v-{i}"].count
    (['v-1', 'v-2', 'v-3'], 3)
    """

    pattern: str
    count: int
    start: int
    members: tuple[Component, ...]

    def __iter__(self) -> Any:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def __getitem__(self, i: int) -> Component:
        return self.members[i]

    @property
    def names(self) -> list[str]:
        """The instances' names, in order.

        Returns
        -------
        list of str
            The names.

        Examples
        --------
        >>> rs.Model().fleet("db-{i}", 2, mttf="1000h", mttr="1h").names
        ['db-1', 'db-2']
        """
        return [c.name for c in self.members]

    def __repr__(self) -> str:
        return f"Fleet({self.pattern!r}, count={self.count}" + (f", start={self.start}" if self.start != 1 else "") + ")"


@dataclass(frozen=True)
class Crew:
    """A limited repair resource shared by every step that names it.

    Crews are made by :meth:`Model.crew`. Steps wait for members by priority, FIFO within a
    priority (docs/semantics.md, "Crews, priorities, calendars and spares").

    Parameters
    ----------
    name : str
        The crew's name.
    size : int, default 1
        Interchangeable members.
    preemptive : bool, default False
        A request of higher priority takes members from steps of lower priority in progress,
        which pause and resume later with their remaining time (preemptive-resume). Default:
        non-preemptive (a step in progress keeps its members).
    hours : sequence of str, optional
        Working hours of the week (``["mon-fri 09:00-17:00"]``, see :func:`parse_hours`); outside
        them no step holds the crew: waiting for the shift is ``crew_wait``, and a step in
        progress when the shift ends pauses and resumes at the next shift. Default: always.
    origin : float or str, default 0
        The hour of the week at t = 0: 0 (``"mon 00:00"``) says the run starts on a Monday at
        midnight.

    Examples
    --------
    >>> Crew("oncall", 2)
    Crew(name='oncall', size=2)
    >>> Crew("custodians", 5, hours=["mon-fri 09:00-17:00"]).shifts[0]
    (9.0, 17.0)
    """

    name: str
    size: int = 1
    preemptive: bool = False
    hours: tuple[str, ...] | None = None
    origin: float = 0.0
    shifts: tuple[tuple[float, float], ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_name(self.name, "crew")
        where = f"crew {self.name!r}"
        check_count(self.size, f"{where}: size", minimum=1, maximum=INT32_MAX)
        if not isinstance(self.preemptive, bool):
            raise TypeError(f"{where}: preemptive must be True or False, got {self.preemptive!r}")
        if self.hours is not None:
            shifts = parse_hours(self.hours, where)
            object.__setattr__(self, "hours", tuple(self.hours))
            object.__setattr__(self, "shifts", tuple(shifts))
        object.__setattr__(self, "origin", _origin(self.origin, where))

    def to_spec(self) -> Any:
        """The engine's specification of this crew (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.CrewSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(Crew("oncall").to_spec()).__name__
        'CrewSpec'
        """
        # A shift past the week's end (Sunday night) continues on Monday.
        shifts: list[tuple[float, float]] = []
        for a, b in self.shifts:
            if b <= _WEEK:
                shifts.append((a, b))
            else:
                shifts += [(a, _WEEK), (0.0, b - _WEEK)]
        return _core.CrewSpec(name=self.name, size=self.size, preemptive=self.preemptive, shifts=shifts, origin=self.origin)

    def __repr__(self) -> str:
        extra = ", preemptive=True" if self.preemptive else ""
        extra += f", hours={list(self.hours)!r}" if self.hours is not None else ""
        extra += f", origin={self.origin:g}" if self.origin else ""
        return f"Crew(name={self.name!r}, size={self.size}{extra})"


class SparePool:
    """A stock of spares (HSMs, disks, line cards) that recovery steps take from.

    A step with ``spare=`` takes one spare before its crew; while the stock is 0 it waits
    (``spare_wait``). Every spare taken is reordered at once and arrives after ``lead_time``.
    With ``emergency``, each step that finds the pool empty also places an emergency order that
    arrives after ``emergency``; a spare that came by emergency order is not reordered when it
    is taken (it stood in for the regular reorder), so the stock never exceeds ``stock``.

    Spare pools are made by :meth:`Model.spare_pool`.

    Parameters
    ----------
    name : str
        The pool's name, used by ``Step(spare=...)``.
    stock : int
        Spares on hand at the start (and the level reorders bring it back to).
    lead_time : Distribution or duration
        Time from a reorder to the spare's arrival.
    emergency : Distribution or duration, optional
        Lead time of an emergency order.

    Examples
    --------
    >>> SparePool("hsm", 1, rs.Exponential("2w"))
    SparePool('hsm', stock=1, lead_time=Exponential(mean='336h'))
    """

    __slots__ = ("name", "stock", "lead_time", "emergency")

    def __init__(
        self, name: str, stock: int, lead_time: Distribution | Duration, *, emergency: Distribution | Duration | None = None
    ) -> None:
        self.name = check_name(name, "spare pool")
        where = f"spare pool {name!r}"
        self.stock = check_count(stock, f"{where}: stock", minimum=0, maximum=INT32_MAX)
        self.lead_time = as_distribution(lead_time, name=f"{where} lead_time")
        if not self.lead_time.mean > 0:
            raise ValueError(f"{where}: lead_time must have a positive mean")
        self.emergency = None if emergency is None else as_distribution(emergency, name=f"{where} emergency")

    def to_spec(self) -> Any:
        """The engine's specification of this pool (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.SparePoolSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(SparePool("hsm", 1, "2w").to_spec()).__name__
        'SparePoolSpec'
        """
        return _core.SparePoolSpec(
            name=self.name, stock=self.stock, lead_time=self.lead_time._c, emergency=None if self.emergency is None else self.emergency._c
        )

    def __repr__(self) -> str:
        extra = f", emergency={self.emergency!r}" if self.emergency is not None else ""
        return f"SparePool({self.name!r}, stock={self.stock}, lead_time={self.lead_time!r}{extra})"
