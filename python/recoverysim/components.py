"""Components: things that fail, with their data protection (backups, replication), and the
crews that repair them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _core
from .distributions import Distribution, as_distribution
from .recovery import FailureMode
from .units import Duration, exact_duration, hours
from .validation import INT32_MAX, check_count, check_name, check_probability

__all__ = ["Component", "Backup", "Replication", "Crew"]


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

    Examples
    --------
    >>> m = rs.Model()
    >>> c = m.component("db", mttf="1000h", mttr="2h", tags={"region": "eu-1"})
    >>> c.name, c.tags
    ('db', {'region': 'eu-1'})
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
        self.name = check_name(name, "component")
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
        )

    def __repr__(self) -> str:
        tags = f", tags={self.tags!r}" if self.tags else ""
        extra = f", backup={self.backup!r}" if self.backup else ""
        extra += f", replication={self.replication!r}" if self.replication else ""
        return f"Component({self.name!r}, modes={self.modes!r}{tags}{extra})"


@dataclass(frozen=True)
class Crew:
    """A limited repair resource shared FIFO by every step that names it.

    Crews are made by :meth:`Model.crew`.

    Parameters
    ----------
    name : str
        The crew's name.
    size : int, default 1
        Interchangeable members.

    Examples
    --------
    >>> Crew("oncall", 2)
    Crew(name='oncall', size=2)
    """

    name: str
    size: int = 1

    def __post_init__(self) -> None:
        check_name(self.name, "crew")
        check_count(self.size, f"crew {self.name!r}: size", minimum=1, maximum=INT32_MAX)
