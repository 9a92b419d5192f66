"""Requirements: when is a service up?

Requirements compose components and other services into a DAG:

- ``all_of(a, b, ...)``: up when every member is up (series).
- ``any_of(a, b, ...)``: up when at least one member is up (parallel / redundancy).
- ``k_of_n(k, a, b, ...)``: up when at least ``k`` members are up (quorum; a BFT validator set of
  3f+1 needs 2f+1).
- ``weighted({a: wa, b: wb, ...}, more_than=... | at_least=...)``: up when the weights of the up
  members reach a threshold (a stake-weighted BFT chain is live while validators holding
  strictly more than 2/3 of the stake are up).

Members are component or service names (strings) or nested requirements, or every component
whose tags match a selector (``k_of_n(667, tags={"role": "validator"})``; the selection is made
against the model's components when the service is added, and again whenever components are
added or removed, so the compiled model always holds the components the tags select).

>>> import recoverysim as rs
>>> rs.all_of("lb", rs.any_of("api-1", "api-2"), rs.k_of_n(2, "db-1", "db-2", "db-3"))
all_of('lb', any_of('api-1', 'api-2'), k_of_n(2, 'db-1', 'db-2', 'db-3'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _core
from . import formatting as fmt
from .distributions import as_distribution
from .validation import check_name, check_nesting, check_probability, check_weight, weight_threshold

if TYPE_CHECKING:
    from .recovery import Procedure

__all__ = [
    "Service",
    "Requirement",
    "Standby",
    "Member",
    "all_of",
    "any_of",
    "k_of_n",
    "weighted",
    "capacity",
    "demand_threshold",
    "holds",
    "standby",
    "requirement_from",
    "select_members",
    "has_selector",
]


class Requirement:
    """A gate over members (names or other requirements). Build with all_of/any_of/k_of_n/weighted.

    Parameters
    ----------
    kind : {"all_of", "any_of", "k_of_n", "weighted"}
        The gate.
    members : iterable of str or Requirement
        Component or service names, or nested requirements.
    k : int, default 0
        Members needed, for ``k_of_n``.
    load_sharing : float, default 0.0
        Extra ageing rate of survivors per member down, for ``k_of_n``.
    weights : iterable of float, default ()
        One weight per member, for ``weighted``.
    threshold : float or str, default 0
        For ``weighted``: a weight, or a share of the total weight (``"2/3"``, ``"66.7%"``),
        as given (see :attr:`threshold_weight` for the weight it stands for).
    strict : bool, default False
        For ``weighted``: up only while the up weight is *more than* the threshold.
    capacity : bool, default False
        A ``weighted`` gate of capacities (built by :func:`capacity`): its threshold comes from
        the demand of the service it measures.
    tags : mapping of str to str, optional
        A tag selector: the members are the components whose tags match all of these (filled in
        by :func:`select_members`; ``members`` is empty until then).
    weight_tag : str, optional
        With ``tags`` on a ``weighted`` gate: the tag whose value is each member's weight.

    Examples
    --------
    >>> r = all_of("lb", any_of("api-1", "api-2"))
    >>> r.kind, r.names()
    ('all_of', ['lb', 'api-1', 'api-2'])
    """

    __slots__ = (
        "kind",
        "k",
        "members",
        "load_sharing",
        "depth",
        "size",
        "weights",
        "threshold",
        "strict",
        "capacity",
        "tags",
        "weight_tag",
    )

    def __init__(
        self,
        kind: str,
        members: Iterable[Member],
        k: int = 0,
        load_sharing: float = 0.0,
        weights: Iterable[float] = (),
        threshold: float | str = 0,
        strict: bool = False,
        capacity: bool = False,
        tags: Mapping[str, str] | None = None,
        weight_tag: str | None = None,
    ) -> None:
        self.kind = kind
        self.tags: dict[str, str] | None = None if tags is None else dict(tags)
        self.weight_tag = weight_tag
        self.capacity = bool(capacity)
        self.k = k
        self.load_sharing = float(load_sharing)
        self.members: tuple[Member, ...] = tuple(members)
        self.weights: tuple[float, ...] = tuple(float(w) for w in weights)
        self.threshold = threshold
        self.strict = bool(strict)
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
        if self.tags is not None:
            return self._selector_repr()
        if self.kind == "weighted":
            return f"weighted({'more_than' if self.strict else 'at_least'}={self.threshold!r})"
        return f"k_of_n({self.k}, ...)" if self.kind == "k_of_n" else f"{self.kind}(...)"

    @property
    def total_weight(self) -> float:
        """The members' summed weights (``weighted`` only; 0 for other gates).

        Returns
        -------
        float
            The total weight.

        Examples
        --------
        >>> weighted({"v1": 40, "v2": 35, "v3": 25}, more_than="2/3").total_weight
        100.0
        """
        return float(sum(self.weights))

    @property
    def threshold_weight(self) -> float:
        """The weight the threshold stands for (a share such as ``"2/3"`` times the total).

        Returns
        -------
        float
            The threshold as a weight (0 for gates other than ``weighted``).

        Examples
        --------
        >>> weighted({"v1": 40, "v2": 35, "v3": 25}, more_than="2/3").threshold_weight
        66.66666666666667
        """
        if self.kind != "weighted":
            return 0.0
        return weight_threshold(self.threshold, self.total_weight, self._label())

    def describe(self) -> str:
        """The gate for people: ``"2 of 3"``, ``"> 2/3 of weight"``, ``"all of"``, ``"any of"``.

        Used by the HTML table, the CLI and the dependency graph.

        Returns
        -------
        str
            The gate's label.

        Examples
        --------
        >>> weighted({"v1": 40, "v2": 35, "v3": 25}, more_than="2/3").describe()
        '> 2/3 of weight'
        >>> weighted({"a": 3, "b": 2}, at_least=3).describe()
        '>= 3 of 5 weight'
        """
        if self.capacity:
            return f"capacity {_number(self.total_weight)}"
        if self.kind == "weighted":
            sign = ">" if self.strict else ">="
            if isinstance(self.threshold, str):
                return f"{sign} {self.threshold.strip()} of weight"
            return f"{sign} {_number(self.threshold)} of {_number(self.total_weight)} weight"
        if self.kind == "k_of_n":
            return f"{self.k} of {len(self.members)}"
        if self.tags is not None:
            return f"{self.kind.replace('_', ' ')} {len(self.members)}"
        return {"all_of": "all of", "any_of": "any of"}.get(self.kind, self.kind)

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
        if self.kind == "weighted":
            return _core.RequirementSpec(
                kind="weighted",
                children=[_member_spec(m) for m in self.members],
                weights=list(self.weights),
                threshold=self.threshold_weight,
                strict=self.strict,
            )
        return _core.RequirementSpec(
            kind=self.kind, k=self.k, children=[_member_spec(m) for m in self.members], load_sharing=self.load_sharing
        )

    def _selector_repr(self) -> str:
        sel = f"tags={self.tags!r}"
        if self.capacity:
            return f"capacity({sel}, weight={self.weight_tag!r})"
        if self.kind == "weighted":
            return f"weighted({sel}, weight={self.weight_tag!r}, {'more_than' if self.strict else 'at_least'}={self.threshold!r})"
        if self.kind == "k_of_n":
            ls = f", load_sharing={self.load_sharing!r}" if self.load_sharing else ""
            return f"k_of_n({self.k}, {sel}{ls})"
        return f"{self.kind}({sel})"

    def __repr__(self) -> str:
        if self.tags is not None:  # a fleet of thousands is shown by its selector, not listed
            return self._selector_repr()
        inner = ", ".join(repr(m) for m in self.members)
        if self.kind == "weighted":
            pairs = ", ".join(f"{m!r}: {_number(w)}" for m, w in zip(self.members, self.weights))
            if self.capacity:
                return f"capacity({{{pairs}}})"
            return f"weighted({{{pairs}}}, {'more_than' if self.strict else 'at_least'}={self.threshold!r})"
        if self.kind == "k_of_n":
            ls = f", load_sharing={self.load_sharing!r}" if self.load_sharing else ""
            return f"k_of_n({self.k}, {inner}{ls})"
        return f"{self.kind}({inner})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Requirement) and self._key() == other._key()

    def _key(self) -> tuple[Any, ...]:
        tags = None if self.tags is None else tuple(sorted(self.tags.items()))
        return (
            self.kind,
            self.k,
            self.members,
            self.load_sharing,
            self.weights,
            self.threshold,
            self.strict,
            self.capacity,
            tags,
            self.weight_tag,
        )

    def __hash__(self) -> int:
        return hash(self._key())


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


def _number(w: float) -> str:
    """A weight as code reads it back: ``32`` rather than ``32.0``."""
    return str(int(w)) if float(w).is_integer() and abs(w) < 1e15 else repr(float(w))


def _member_spec(m: Member) -> Any:
    if isinstance(m, str):
        return _core.RequirementSpec(kind="ref", name=m)
    return m.to_spec()


def _selector(tags: Any, label: str) -> dict[str, str]:
    """A tag selector as given in Python: a non-empty mapping of labels (numbers read as text)."""
    if not isinstance(tags, Mapping):
        raise TypeError(f"{label}: tags must be a mapping such as {{'role': 'validator'}}, got {type(tags).__name__}")
    if not tags:
        raise ValueError(f"{label}: an empty tag selector selects nothing")
    out: dict[str, str] = {}
    for k, v in tags.items():
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise TypeError(f"{label}: tag {k!r} must be a text label, got {type(v).__name__}")
        out[check_name(str(k), f"{label}: tag")] = check_name(str(v), f"{label}: tag {k!r} value")
    return out


def _group(kind: str, members: tuple[Member, ...], tags: Mapping[str, str] | None) -> Requirement:
    if tags is None:
        return Requirement(kind, members)
    if members:
        raise TypeError(f"{kind}: give members or tags=, not both")
    return Requirement(kind, (), tags=_selector(tags, f"{kind}(tags=...)"))


def all_of(*members: Member, tags: Mapping[str, str] | None = None) -> Requirement:
    """Up when every member is up (components in series).

    Parameters
    ----------
    *members : str or Requirement
        Component or service names, or nested requirements.
    tags : mapping of str to str, optional
        Instead of members: every component whose tags match all of these.

    Returns
    -------
    Requirement
        The gate.

    Examples
    --------
    >>> all_of("lb", "api", "db")
    all_of('lb', 'api', 'db')
    >>> all_of(tags={"tier": "edge"})
    all_of(tags={'tier': 'edge'})
    """
    return _group("all_of", members, tags)


def any_of(*members: Member, tags: Mapping[str, str] | None = None) -> Requirement:
    """Up when at least one member is up (redundant members in parallel).

    Parameters
    ----------
    *members : str or Requirement
        Component or service names, or nested requirements.
    tags : mapping of str to str, optional
        Instead of members: every component whose tags match all of these.

    Returns
    -------
    Requirement
        The gate.

    Examples
    --------
    >>> any_of("api-1", "api-2")
    any_of('api-1', 'api-2')
    >>> any_of(tags={"role": "rpc"})
    any_of(tags={'role': 'rpc'})
    """
    return _group("any_of", members, tags)


def k_of_n(k: int, *members: Member, tags: Mapping[str, str] | None = None, load_sharing: float = 0.0) -> Requirement:
    """Up when at least ``k`` of the members are up (a quorum).

    Parameters
    ----------
    k : int
        Members needed, from 1 to the number of members.
    *members : str or Requirement
        Component or service names, or nested requirements.
    tags : mapping of str to str, optional
        Instead of members: every component whose tags match all of these (a validator fleet
        made by :meth:`Model.fleet`); ``k`` is checked against the selection when the service
        is added.
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
    >>> k_of_n(667, tags={"role": "validator"})
    k_of_n(667, tags={'role': 'validator'})
    """
    if isinstance(load_sharing, bool) or not isinstance(load_sharing, (int, float)) or not 0 <= load_sharing <= 1e6:
        raise ValueError(f"k_of_n: load_sharing must be a number from 0 to 1e6, got {load_sharing!r}")
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k_of_n: k must be an integer, got {type(k).__name__}")
    if len(members) == 1 and isinstance(members[0], (list, tuple)):
        members = tuple(members[0])
    if tags is not None:
        if members:
            raise TypeError("k_of_n: give members or tags=, not both")
        if k < 1:
            raise ValueError(f"k_of_n: needs k >= 1, got k={k}")
        return Requirement("k_of_n", (), k, load_sharing, tags=_selector(tags, f"k_of_n({k}, tags=...)"))
    if not 1 <= k <= len(members):
        raise ValueError(f"k_of_n: needs 1 <= k <= n, got k={k} with n={len(members)} members")
    return Requirement("k_of_n", members, k, load_sharing)


def weighted(
    weights: Mapping[Member, float] | Iterable[tuple[Member, float]] | None = None,
    *,
    tags: Mapping[str, str] | None = None,
    weight: str | None = None,
    more_than: float | str | None = None,
    at_least: float | str | None = None,
) -> Requirement:
    """Up when the weights of the up members reach a threshold (a stake-weighted quorum).

    Give exactly one of ``more_than`` (strict: up while the up weight is *more than* the
    threshold; stake-weighted BFT liveness is ``more_than="2/3"``) or ``at_least`` (up while it
    is at least the threshold). A threshold is a weight (a number, in the members' unit) or a
    share of the total weight (``"2/3"``, ``"66.7%"``). Weights within 1e-9 of the total weight
    of the threshold count as equal to it, so exactly 2/3 of the stake is not more than 2/3
    whatever the rounding of the sum.

    Parameters
    ----------
    weights : mapping or iterable of (member, weight) pairs, optional
        Each member (a component or service name, or a nested requirement) and its weight
        (stake, votes; a finite number >= 0; the weights must not all be 0).
    tags : mapping of str to str, optional
        Instead of ``weights``: every component whose tags match all of these...
    weight : str, optional
        ...weighted by the number in its tag of this name (``weight="stake"`` reads each
        validator's ``stake`` tag).
    more_than : float or str, optional
        Strict threshold.
    at_least : float or str, optional
        Inclusive threshold.

    Returns
    -------
    Requirement
        The gate.

    Examples
    --------
    >>> weighted({"v1": 32, "v2": 24, "v3": 20, "v4": 14, "v5": 10}, more_than="2/3")
    weighted({'v1': 32, 'v2': 24, 'v3': 20, 'v4': 14, 'v5': 10}, more_than='2/3')
    >>> weighted({"a": 2, "b": 1, "c": 1}, at_least=2).threshold_weight
    2.0
    >>> weighted(tags={"role": "validator"}, weight="stake", more_than="2/3")
    weighted(tags={'role': 'validator'}, weight='stake', more_than='2/3')
    """
    if (more_than is None) == (at_least is None):
        raise TypeError("weighted: give exactly one of more_than= (strict) or at_least= (inclusive)")
    strict = more_than is not None
    threshold: Any = more_than if strict else at_least
    label = f"weighted({'more_than' if strict else 'at_least'}={threshold!r})"
    if tags is not None or weight is not None:
        if weights is not None:
            raise TypeError(f"{label}: give weights= or tags= with weight=, not both")
        if tags is None or weight is None:
            raise TypeError(f"{label}: tags= and weight= go together (weight names the tag that holds each member's weight)")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, str)):
            raise TypeError(f"{label}: threshold must be a weight (a number) or a share ('2/3', '66.7%'), got {type(threshold).__name__}")
        sel = _selector(tags, label)
        return Requirement(
            "weighted", (), threshold=threshold, strict=strict, tags=sel, weight_tag=check_name(weight, f"{label}: weight tag")
        )
    if weights is None:
        raise TypeError(f"{label}: give the members' weights (weights=) or select them by tags= with weight=")
    pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
    if not pairs:
        raise ValueError(f"{label}: has no members")
    members: list[Member] = []
    ws: list[float] = []
    for i, pair in enumerate(pairs):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"{label}: weights must map members to weights, got {pair!r} at {i}")
        members.append(pair[0])
        name = pair[0] if isinstance(pair[0], str) else f"member {i}"
        ws.append(check_weight(pair[1], f"{label}: weight of {name!r}" if isinstance(pair[0], str) else f"{label}: weight of {name}"))
    total = sum(ws)
    if not total > 0:
        raise ValueError(f"{label}: the weights sum to 0")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, str)):
        raise TypeError(f"{label}: threshold must be a weight (a number) or a share ('2/3', '66.7%'), got {type(threshold).__name__}")
    where = f"{label}: threshold"
    t = weight_threshold(threshold, total, where)
    eps = 1e-9 * total
    if (t >= total - eps) if strict else (t > total + eps):
        raise ValueError(f"{where}: {'more than' if strict else 'at least'} {t:g} can never be up: the weights sum to {total:g}")
    if not strict and t <= eps:
        raise ValueError(f"{where}: at least 0 is always up: the threshold must be > 0")
    return Requirement("weighted", members, weights=ws, threshold=threshold, strict=strict)


def capacity(
    capacities: Mapping[str, float] | None = None, *, tags: Mapping[str, str] | None = None, weight: str | None = None
) -> Requirement:
    """The capacity of a pool: each member provides its capacity while it is up.

    Use it as the requirement of a service with a ``demand`` (:meth:`Model.service`): the served
    share is ``min(1, capacity up / demand)``; the service is *down* while the capacity up is
    below ``down_below`` times the demand (default: while nothing is up), *degraded* while part
    of the demand is not served, *full* otherwise. It is a weighted gate
    (:func:`weighted`) whose threshold the service sets.

    Parameters
    ----------
    capacities : mapping of str to float, optional
        Each member (component or service name) and its capacity (requests per second, say;
        the demand is in the same unit), >= 0.
    tags : mapping of str to str, optional
        Instead of ``capacities``: every component whose tags match all of these...
    weight : str, optional
        ...with the capacity in its tag of this name (``weight="rps"``).

    Returns
    -------
    Requirement
        The gate (``kind == "weighted"``, ``capacity == True``).

    Examples
    --------
    >>> capacity({"rpc-1": 250, "rpc-2": 250})
    capacity({'rpc-1': 250, 'rpc-2': 250})
    >>> capacity(tags={"role": "rpc"}, weight="rps")
    capacity(tags={'role': 'rpc'}, weight='rps')
    """
    if tags is not None or weight is not None:
        if capacities is not None:
            raise TypeError("capacity: give capacities or tags= with weight=, not both")
        if tags is None or weight is None:
            raise TypeError("capacity: tags= and weight= go together (weight names the tag that holds each member's capacity)")
        sel = _selector(tags, "capacity(tags=...)")
        return Requirement(
            "weighted", (), threshold=0, strict=True, capacity=True, tags=sel, weight_tag=check_name(weight, "capacity: weight tag")
        )
    if not isinstance(capacities, Mapping) or not all(isinstance(k, str) for k in capacities):
        raise TypeError(f"capacity: expected a mapping of member names to capacities, got {capacities!r}")
    base = weighted(capacities, more_than=0)
    return Requirement("weighted", base.members, weights=base.weights, threshold=0, strict=True, capacity=True)


def demand_threshold(req: Requirement, demand: tuple[float, ...], down_below: float, where: str) -> Requirement:
    """The capacity gate of a service with this demand (used by :meth:`Model.service`).

    The service is down while the capacity up is below ``down_below`` x demand, or while
    nothing is up (``down_below`` 0). With a weekly profile the engine applies each hour's
    threshold (``down_below`` x that hour's demand); the gate itself carries the peak hour's, the
    strictest, for the static analyses (structure function, cut sets, maintenance warnings).

    Parameters
    ----------
    req : Requirement
        A gate made by :func:`capacity`.
    demand : tuple of float
        One demand, or 168 (hour of the week).
    down_below : float
        Share of the demand below which the service is down.
    where : str
        The service, for errors.

    Returns
    -------
    Requirement
        The capacity gate with its threshold.

    Examples
    --------
    >>> demand_threshold(capacity({"a": 250, "b": 250}), (400.0,), 0.5, "s").threshold_weight
    200.0
    """
    if not (isinstance(req, Requirement) and req.capacity):
        raise ValueError(f"{where}: a service with a demand needs rs.capacity({{member: capacity, ...}}) as its requirement")
    sel = {"tags": req.tags, "weight_tag": req.weight_tag}
    if down_below == 0:
        return Requirement("weighted", req.members, weights=req.weights, threshold=0, strict=True, capacity=True, **sel)
    peak = max(demand)
    t = down_below * peak
    if t > req.total_weight * (1 + 1e-9):
        at = "" if len(demand) == 1 else f" at hour {demand.index(peak)} of the week"
        raise ValueError(
            f"{where}: down_below: {fmt.given_percent(down_below)} of the demand {_number(peak)}{at} is more than the "
            f"whole capacity {_number(req.total_weight)}: the service could never be up" + ("" if len(demand) == 1 else " then")
        )
    return Requirement("weighted", req.members, weights=req.weights, threshold=t, strict=False, capacity=True, **sel)


def has_selector(member: Member) -> bool:
    """Whether a requirement selects members by tag anywhere inside it.

    Parameters
    ----------
    member : str or Requirement
        The requirement.

    Returns
    -------
    bool
        True when it (or a nested group) has ``tags=``.

    Examples
    --------
    >>> has_selector(all_of("lb", k_of_n(2, tags={"role": "db"}))), has_selector("lb")
    (True, False)
    """
    if isinstance(member, str):
        return False
    return member.tags is not None or any(has_selector(m) for m in member.members)


def select_members(member: Member, components: Mapping[str, Any]) -> Member:
    """The requirement with every tag selector filled in from ``components`` (by name, in order).

    A selector that matches no component, a ``k`` larger than the selection and a member
    without the weight tag (or with one that is not a number) raise ``ValueError`` naming the
    tags. Requirements without selectors come back as they are.

    Parameters
    ----------
    member : str or Requirement
        The requirement.
    components : mapping of str to Component
        The model's components, in definition order (anything with a ``tags`` mapping).

    Returns
    -------
    str or Requirement
        The requirement whose selectors list their members.

    Examples
    --------
    >>> m = rs.Model()
    >>> for i, stake in enumerate([40, 35, 25]):
    ...     _ = m.component(f"v{i}", mttf="1000h", mttr="1h", tags={"role": "validator", "stake": stake})
    >>> r = select_members(weighted(tags={"role": "validator"}, weight="stake", more_than="2/3"), m.components)
    >>> r.members, r.weights
    (('v0', 'v1', 'v2'), (40.0, 35.0, 25.0))
    """
    if isinstance(member, str) or not has_selector(member):
        return member
    if member.tags is None:
        kids = tuple(select_members(m, components) for m in member.members)
        if kids == member.members:
            return member
        return Requirement(
            member.kind,
            kids,
            member.k,
            member.load_sharing,
            weights=member.weights,
            threshold=member.threshold,
            strict=member.strict,
            capacity=member.capacity,
        )
    label = member._selector_repr()
    sel = member.tags
    names = [n for n, c in components.items() if all(c.tags.get(k) == v for k, v in sel.items())]
    if not names:
        raise ValueError(f"{label}: the tags {sel!r} select no component")
    if member.kind == "k_of_n" and member.k > len(names):
        raise ValueError(f"{label}: k={member.k} is more than the {len(names)} components the tags {sel!r} select")
    weights: list[float] = []
    if member.kind == "weighted":
        wt = member.weight_tag or ""
        for n in names:
            raw = components[n].tags.get(wt)
            if raw is None:
                raise ValueError(f"{label}: component {n!r} has no tag {wt!r} (the weight of each member selected by {sel!r})")
            try:
                w = float(raw)
            except ValueError:
                raise ValueError(f"{label}: component {n!r}: tag {wt!r} must be a number (its weight), got {raw!r}") from None
            weights.append(check_weight(w, f"{label}: component {n!r} tag {wt!r}"))
        if member.capacity:
            checked = weighted(list(zip(names, weights)), more_than=0)
        else:
            kw = {"more_than" if member.strict else "at_least": member.threshold}
            try:
                checked = weighted(list(zip(names, weights)), **kw)
            except ValueError as e:
                raise ValueError(f"{label}: {str(e).split(': ', 1)[-1]}") from None
        del checked  # the checks of an explicit weighted gate, on the selection
    return Requirement(
        member.kind,
        names,
        member.k,
        member.load_sharing,
        weights=weights,
        threshold=member.threshold,
        strict=member.strict,
        capacity=member.capacity,
        tags=sel,
        weight_tag=member.weight_tag,
    )


def holds(member: Member, down: set[str], services: Mapping[str, Service]) -> bool:
    """Whether a requirement holds with the components in ``down`` down and every other up (a
    standby group holds while any member is up: switchover delays are not counted).

    Parameters
    ----------
    member : str or Requirement
        The requirement.
    down : set of str
        Components down.
    services : mapping of str to Service
        The model's services (for members that are services).

    Returns
    -------
    bool
        Whether it holds.

    Examples
    --------
    >>> holds(k_of_n(3, "v1", "v2", "v3", "v4"), {"v1", "v2"}, {})
    False
    >>> holds(weighted({"a": 5, "b": 3, "c": 2}, more_than="2/3"), {"c"}, {})
    True
    """
    if isinstance(member, str):
        if member in services:
            return holds(services[member].requirement, down, services)
        return member not in down
    up = [holds(m, down, services) for m in member.members]
    if isinstance(member, Standby) or member.kind == "any_of":
        return any(up)
    if member.kind == "all_of":
        return all(up)
    if member.kind == "k_of_n":
        return sum(up) >= member.k
    w = sum(x for x, u in zip(member.weights, up) if u)
    eps, t = 1e-9 * member.total_weight, member.threshold_weight
    return w > t + eps if member.strict else w >= t - eps


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
    :func:`all_of`, :func:`any_of`, :func:`k_of_n`, :func:`weighted` or :func:`standby`. Model-file data
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
    demand : tuple of float, optional
        Demand on a capacity requirement: one value (constant) or 168 (hour of the week).
    down_below : float, default 0.0
        Share of the demand below which the service is down (0: down when nothing is served).
    priority : int, optional
        Crew priority inherited by the components beneath it that set none (the highest of the
        services above a component wins); higher is served first.
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
    demand: tuple[float, ...] | None = None
    down_below: float = 0.0
    priority: int | None = None
    restart: Procedure | None = None

    def __repr__(self) -> str:
        t = "".join(
            f", {k}={v!r}"
            for k, v in (
                ("rto", self.rto),
                ("rpo", self.rpo),
                ("availability", self.availability),
                ("priority", self.priority),
                ("restart", self.restart),
            )
            if v is not None
        )
        if self.demand is not None:
            t += f", demand={self.demand[0] if len(self.demand) == 1 else '<168 hours>'}"
            t += f", down_below={self.down_below!r}" if self.down_below else ""
        return f"Service({self.name!r}, {self.requirement!r}{t})"
