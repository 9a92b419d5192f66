"""Requirements: when is a service up?

Requirements compose components and other services into a DAG:

- ``all_of(a, b, ...)``: up when every member is up (series).
- ``any_of(a, b, ...)``: up when at least one member is up (parallel / redundancy).
- ``k_of_n(k, a, b, ...)``: up when at least ``k`` members are up (quorum; a BFT validator set of
  3f+1 needs 2f+1).

Members are component or service names (strings) or nested requirements.

>>> import recoverysim as rs
>>> rs.all_of("lb", rs.any_of("api-1", "api-2"), rs.k_of_n(2, "db-1", "db-2", "db-3"))
all_of('lb', any_of('api-1', 'api-2'), k_of_n(2, 'db-1', 'db-2', 'db-3'))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _core
from . import formatting as fmt
from .distributions import as_distribution
from .validation import check_name, check_nesting, check_probability

if TYPE_CHECKING:
    from .recovery import Procedure

__all__ = ["Service", "Requirement", "Standby", "Member", "all_of", "any_of", "k_of_n", "standby", "requirement_from"]


class Requirement:
    """A gate over members (names or other requirements). Build with all_of/any_of/k_of_n.

    Parameters
    ----------
    kind : {"all_of", "any_of", "k_of_n"}
        The gate.
    members : iterable of str or Requirement
        Component or service names, or nested requirements.
    k : int, default 0
        Members needed, for ``k_of_n``.
    load_sharing : float, default 0.0
        Extra ageing rate of survivors per member down, for ``k_of_n``.

    Examples
    --------
    >>> r = all_of("lb", any_of("api-1", "api-2"))
    >>> r.kind, r.names()
    ('all_of', ['lb', 'api-1', 'api-2'])
    """

    __slots__ = ("kind", "k", "members", "load_sharing", "depth", "size")

    def __init__(self, kind: str, members: Iterable[Member], k: int = 0, load_sharing: float = 0.0) -> None:
        self.kind = kind
        self.k = k
        self.load_sharing = float(load_sharing)
        self.members: tuple[Member, ...] = tuple(members)
        # Levels of nesting and nodes (a group used twice counts twice): bounded, so that no
        # requirement can exhaust the stack or the memory of whatever walks it.
        self.depth, self.size = 1, 1
        for i, m in enumerate(self.members):
            if isinstance(m, str):
                check_name(m, f"{self._label()}: member {i}")
                self.size += 1
            elif isinstance(m, Requirement):
                self.depth = max(self.depth, m.depth + 1)
                self.size += m.size
            else:
                raise TypeError(f"{self._label()}: member {i} must be a component/service name or a requirement, got {type(m).__name__}")
        check_nesting(self.depth, self.size, self._label())

    def _label(self) -> str:
        return f"k_of_n({self.k}, ...)" if self.kind == "k_of_n" else f"{self.kind}(...)"

    def names(self) -> list[str]:
        """Every component or service name used, depth first, without duplicates.

        Returns
        -------
        list of str
            The names.

        Examples
        --------
        >>> k_of_n(2, "a", "b", any_of("a", "c")).names()
        ['a', 'b', 'c']
        """
        out: list[str] = []
        for m in self.members:
            for n in [m] if isinstance(m, str) else m.names():
                if n not in out:
                    out.append(n)
        return out

    def to_spec(self) -> Any:
        """The engine's specification of this requirement (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.RequirementSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(any_of("a", "b").to_spec()).__name__
        'RequirementSpec'
        """
        return _core.RequirementSpec(
            kind=self.kind, k=self.k, children=[_member_spec(m) for m in self.members], load_sharing=self.load_sharing
        )

    def __repr__(self) -> str:
        inner = ", ".join(repr(m) for m in self.members)
        if self.kind == "k_of_n":
            ls = f", load_sharing={self.load_sharing!r}" if self.load_sharing else ""
            return f"k_of_n({self.k}, {inner}{ls})"
        return f"{self.kind}({inner})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Requirement) and (self.kind, self.k, self.members, self.load_sharing) == (
            other.kind,
            other.k,
            other.members,
            other.load_sharing,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.k, self.members, self.load_sharing))


class Standby(Requirement):
    """One active member; spares take over after detection and switchover. See :func:`standby`.

    Parameters
    ----------
    members : iterable of str
        The primary, then the spares in the order they are used.
    detection : Distribution or duration, default 0
        Time to notice that the active member failed.
    switchover : Distribution or duration, default 0
        Time to fail over.
    success : float or str, default 1.0
        Probability that a switchover works.
    dormancy : float, default 0.0
        Ageing rate of waiting spares: 0 cold, 1 hot, in between warm.

    Examples
    --------
    >>> s = standby("db-a", "db-b", switchover="2m")
    >>> isinstance(s, Standby), s.members
    (True, ('db-a', 'db-b'))
    """

    __slots__ = ("detection", "switchover", "success", "dormancy")

    def __init__(
        self,
        members: Iterable[str],
        *,
        detection: Any = 0,
        switchover: Any = 0,
        success: float = 1.0,
        dormancy: float = 0.0,
    ) -> None:
        super().__init__("standby", members)
        if len(self.members) < 2:
            raise ValueError("standby: needs a primary and at least one spare")
        for i, m in enumerate(self.members):
            if not isinstance(m, str):
                raise TypeError(f"standby: member {i} must be a component name, got a {type(m).__name__}")
        self.detection = as_distribution(detection, name="standby detection")
        self.switchover = as_distribution(switchover, name="standby switchover")
        if isinstance(dormancy, bool) or not isinstance(dormancy, (int, float)) or not 0 <= dormancy <= 1:
            raise ValueError(f"standby: dormancy must be in [0, 1] (0 cold, 1 hot), got {dormancy!r}")
        self.success = check_probability(success, "standby success")
        self.dormancy = float(dormancy)

    def to_spec(self) -> Any:
        """The engine's specification of this standby group (used by :meth:`Model.to_spec`).

        Returns
        -------
        recoverysim._core.RequirementSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(standby("a", "b").to_spec()).__name__
        'RequirementSpec'
        """
        return _core.RequirementSpec(
            kind="standby",
            children=[_member_spec(m) for m in self.members],
            detection=self.detection._c,
            switchover=self.switchover._c,
            success=self.success,
            dormancy=self.dormancy,
        )

    def _options(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.detection.mean > 0 or self.detection.kind != "deterministic":
            out["detection"] = self.detection
        if self.switchover.mean > 0 or self.switchover.kind != "deterministic":
            out["switchover"] = self.switchover
        if self.success != 1.0:
            out["success"] = self.success
        if self.dormancy != 0.0:
            out["dormancy"] = self.dormancy
        return out

    def describe(self) -> tuple[str, list[str]]:
        """The standby's options for people.

        Used by the HTML table, the CLI and the dependency graph.

        Returns
        -------
        kind : str
            ``"cold"``, ``"hot"`` or ``"warm (d)"``.
        details : list of str
            E.g. ``["detect 5 min", "switchover 2 min", "success 95%"]``.

        Examples
        --------
        >>> standby("a", "b", detection="5m", switchover="2m", success=0.95, dormancy=1).describe()
        ('hot', ['detect 5 min', 'switchover 2 min', 'success 95%'])
        """
        temperature = {0.0: "cold", 1.0: "hot"}.get(self.dormancy, f"warm ({self.dormancy:g})")
        options = []
        if self.detection.mean:
            options.append(f"detect {fmt.duration(self.detection.mean)}")
        if self.switchover.mean:
            options.append(f"switchover {fmt.duration(self.switchover.mean)}")
        if self.success != 1:
            options.append(f"success {fmt.given_percent(self.success)}")
        return temperature, options

    def __repr__(self) -> str:
        opts = "".join(f", {k}={v!r}" for k, v in self._options().items())
        return f"standby({', '.join(repr(m) for m in self.members)}{opts})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Standby) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


Member = str | Requirement


def _member_spec(m: Member) -> Any:
    if isinstance(m, str):
        return _core.RequirementSpec(kind="ref", name=m)
    return m.to_spec()


def all_of(*members: Member) -> Requirement:
    """Up when every member is up (components in series).

    Parameters
    ----------
    *members : str or Requirement
        Component or service names, or nested requirements.

    Returns
    -------
    Requirement
        The gate.

    Examples
    --------
    >>> all_of("lb", "api", "db")
    all_of('lb', 'api', 'db')
    """
    return Requirement("all_of", members)


def any_of(*members: Member) -> Requirement:
    """Up when at least one member is up (redundant members in parallel).

    Parameters
    ----------
    *members : str or Requirement
        Component or service names, or nested requirements.

    Returns
    -------
    Requirement
        The gate.

    Examples
    --------
    >>> any_of("api-1", "api-2")
    any_of('api-1', 'api-2')
    """
    return Requirement("any_of", members)


def k_of_n(k: int, *members: Member, load_sharing: float = 0.0) -> Requirement:
    """Up when at least ``k`` of the members are up (a quorum).

    Parameters
    ----------
    k : int
        Members needed, from 1 to the number of members.
    *members : str or Requirement
        Component or service names, or nested requirements.
    load_sharing : float, default 0.0
        While ``j`` members are down, every surviving member ages at rate ``1 + f * j`` (their
        load grows, so failures cluster). Members must then be components.

    Returns
    -------
    Requirement
        The gate.

    Examples
    --------
    >>> k_of_n(3, "v1", "v2", "v3", "v4")   # BFT: 2f+1 of 3f+1 with f = 1
    k_of_n(3, 'v1', 'v2', 'v3', 'v4')
    """
    if isinstance(load_sharing, bool) or not isinstance(load_sharing, (int, float)) or not 0 <= load_sharing <= 1e6:
        raise ValueError(f"k_of_n: load_sharing must be a number from 0 to 1e6, got {load_sharing!r}")
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k_of_n: k must be an integer, got {type(k).__name__}")
    if len(members) == 1 and isinstance(members[0], (list, tuple)):
        members = tuple(members[0])
    if not 1 <= k <= len(members):
        raise ValueError(f"k_of_n: needs 1 <= k <= n, got k={k} with n={len(members)} members")
    return Requirement("k_of_n", members, k, load_sharing)


def standby(
    primary: str,
    *spares: str,
    detection: Any = 0,
    switchover: Any = 0,
    success: float = 1.0,
    dormancy: float = 0.0,
) -> Standby:
    """One active member (the primary); when it fails a spare takes over.

    The requirement is down from the failure of the active member until a spare has taken over:
    first ``detection`` (time to notice), then ``switchover`` (time to fail over), which
    succeeds with probability ``success``. The next available spare in the order given is used;
    if none is up, or the switchover fails, the requirement stays down until a member recovers,
    and that member then serves. Non-revertive: a repaired primary becomes a spare.

    Parameters
    ----------
    primary : str
        The member active at the start (a component).
    *spares : str
        Spares, in the order they are used.
    detection : Distribution or duration, default 0
        Time to notice the failure.
    switchover : Distribution or duration, default 0
        Time to fail over.
    success : float or str, default 1.0
        Probability that a switchover works (``0.95`` or ``"95%"``).
    dormancy : float, default 0.0
        How fast spares age while they wait: 0 = cold (cannot fail), 1 = hot (age like the active
        member), in between = warm.

    Returns
    -------
    Standby
        The requirement.

    Examples
    --------
    >>> standby("db-a", "db-b", detection="5m", switchover="2m", success=0.95, dormancy=0.5)
    standby('db-a', 'db-b', detection=Deterministic(value='5m'), switchover=Deterministic(value='2m'), success=0.95, dormancy=0.5)
    """
    return Standby((primary, *spares), detection=detection, switchover=switchover, success=success, dormancy=dormancy)


def requirement_from(value: Any, *, where: str) -> Member:
    """A requirement given in Python: a component or service name, or a Requirement built with
    :func:`all_of`, :func:`any_of`, :func:`k_of_n` or :func:`standby`. Model-file data
    (``{"all_of": [...]}``) is read by :mod:`recoverysim.io` alone."""
    if isinstance(value, str):
        return check_name(value, f"{where}: requirement")
    if isinstance(value, Requirement):
        return value
    if isinstance(value, dict):
        raise TypeError(
            f"{where}: a requirement in Python is a name or rs.all_of / rs.any_of / rs.k_of_n / rs.standby(...); "
            f"model-file data such as {value!r} is read by rs.loads / rs.load"
        )
    raise TypeError(f"{where}: expected a component or service name or a requirement (rs.all_of(...), ...), got {type(value).__name__}")


@dataclass
class Service:
    """A logical node that is up while its requirement holds, with optional targets.

    Services are made by :meth:`Model.service`, which checks and converts the targets.

    Parameters
    ----------
    name : str
        The service's name.
    requirement : str or Requirement
        What it needs.
    rto : float, optional
        Longest acceptable outage, hours.
    rpo : float, optional
        Largest acceptable data loss, hours.
    availability : float, optional
        SLA target over the horizon.
    restart : Procedure, optional
        A restart procedure (a chain halt's coordinated restart): once down, the service stays
        down until its requirement holds again *and* these steps have run; its requirement failing
        during them abandons the restart, which starts over when the requirement holds again.

    Examples
    --------
    >>> m = rs.Model()
    >>> _ = m.component("api", mttf="2000h", mttr="30m")
    >>> m.service("trading", "api", rto="1h", availability="99.9%")
    Service('trading', 'api', rto=1.0, availability=0.9990000000000001)
    """

    name: str
    requirement: Member
    rto: float | None = None
    rpo: float | None = None
    availability: float | None = None
    restart: Procedure | None = None

    def __repr__(self) -> str:
        t = "".join(
            f", {k}={v!r}"
            for k, v in (("rto", self.rto), ("rpo", self.rpo), ("availability", self.availability), ("restart", self.restart))
            if v is not None
        )
        return f"Service({self.name!r}, {self.requirement!r}{t})"
