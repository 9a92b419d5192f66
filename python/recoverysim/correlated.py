"""Correlated events: shocks (common causes hitting many components at once), planned
maintenance windows and stress periods (failure rates multiplied together), with the selector
that names their targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import _core
from .components import _origin, parse_hours
from .distributions import Distribution, Exponential, as_distribution
from .units import TIME_DELTAS, Duration, exact_duration, hours
from .units import hours as _hours
from .validation import check_name, check_optional_name, check_positive, check_probability

__all__ = ["Shock", "Maintenance", "Stress", "Selector", "check_selector"]

# Which components an event applies to: a name, a list of names, or tags that must all match
# ({"region": "eu-1"}).
Selector = str | Sequence[str] | Mapping[str, str]


def _targets_repr(t: Selector) -> str:
    return repr(t if isinstance(t, (str, Mapping)) else list(t))


class Shock:
    """A recurring external event hitting several components at once (see :meth:`Model.shock`).

    Parameters
    ----------
    name : str
        The shock's name.
    every : Distribution or duration
        Inter-arrival times (a bare duration: exponential with that mean).
    targets : str, list of str or mapping
        The components it can hit.
    probability : float or str, default 1.0
        Chance that an arrival hits each target.
    mode : str, optional
        The failure mode a hit triggers.
    outage : Distribution or duration, optional
        How long a hit holds its targets down.
    per_target : bool, default False
        With ``outage``: each hit target draws its own outage duration (components come back
        at different times) instead of one for all.
    stagger : Distribution or duration, optional
        With ``outage``: each hit target is released this (drawn) extra delay after its outage
        ends (the region is back, each service then takes its own time).

    Examples
    --------
    >>> sh = Shock("region-eu", every="2 years", targets={"region": "eu-1"}, outage="4h", probability="50%")
    >>> sh.every.mean, sh.probability
    (17520.0, 0.5)
    >>> Shock("region-eu", every="2y", targets=["a", "b"], outage="4h", stagger=rs.Uniform("0h", "2h")).stagger.mean
    1.0
    """

    __slots__ = ("name", "every", "targets", "probability", "mode", "outage", "per_target", "stagger")

    def __init__(
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
    ) -> None:
        self.name = check_name(name, "shock")
        if isinstance(every, (int, float, str, *TIME_DELTAS)) and not isinstance(every, bool):
            every = Exponential(check_positive(hours(every, name=f"shock {name!r} every"), f"shock {name!r} every"))  # Poisson arrivals
        self.every = as_distribution(every, name=f"shock {name!r} every")
        self.targets = check_selector(targets, f"shock {name!r}")
        self.probability = check_probability(probability, f"shock {name!r} probability")
        if mode is not None and outage is not None:
            raise TypeError(f"shock {name!r}: give mode= (trigger a failure mode) or outage= (hold down), not both")
        self.mode = check_optional_name(mode, f"shock {name!r} mode")
        self.outage = None if outage is None else as_distribution(outage, name=f"shock {name!r} outage")
        if not isinstance(per_target, bool):
            raise TypeError(f"shock {name!r}: per_target must be True or False, got {per_target!r}")
        if (per_target or stagger is not None) and self.outage is None:
            raise ValueError(f"shock {name!r}: per_target and stagger need outage= (a hold), not a triggered failure mode")
        self.per_target = per_target
        self.stagger = None if stagger is None else as_distribution(stagger, name=f"shock {name!r} stagger")

    def __repr__(self) -> str:
        extra = f", probability={self.probability!r}" if self.probability != 1 else ""
        extra += f", outage={self.outage!r}" if self.outage is not None else ""
        extra += f", mode={self.mode!r}" if self.mode else ""
        extra += ", per_target=True" if self.per_target else ""
        extra += f", stagger={self.stagger!r}" if self.stagger is not None else ""
        return f"Shock({self.name!r}, every={self.every!r}, targets={_targets_repr(self.targets)}{extra})"


class Maintenance:
    """Planned windows taking components down on purpose (see :meth:`Model.maintenance`).

    Parameters
    ----------
    name : str
        The window's name.
    targets : str, list of str or mapping
        The components maintained.
    every : duration
        Time between windows.
    duration : Distribution or duration
        How long a window keeps a target down.
    offset : duration, default 0
        Time of the first window.
    crew : str, optional
        A crew whose member each window needs.
    rolling : int, optional
        Take at most this many targets at a time (in the order they are selected): batch ``b``
        starts ``b * spacing`` after the window opens. Default: every target at once.
    spacing : duration, optional
        Time between the starts of consecutive batches (with ``rolling``); default: the
        duration when it is fixed (a deterministic duration), else required.

    Examples
    --------
    >>> Maintenance("patch", targets={"role": "worker"}, every="30 days", duration="PT1H").duration.mean
    1.0
    >>> Maintenance("patch", targets=["v1", "v2"], every="30 days", duration="1h", rolling=1).spacing
    1.0
    """

    __slots__ = ("name", "targets", "every", "duration", "offset", "crew", "rolling", "spacing")

    def __init__(
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
    ) -> None:
        self.name = check_name(name, "maintenance")
        self.targets = check_selector(targets, f"maintenance {name!r}")
        self.every = hours(every, name=f"maintenance {name!r} every")
        if self.every <= 0:
            raise ValueError(f"maintenance {name!r}: every must be > 0, got {every!r}")
        self.duration = as_distribution(duration, name=f"maintenance {name!r} duration")
        self.offset = hours(offset, name=f"maintenance {name!r} offset")
        if self.offset < 0:
            raise ValueError(f"maintenance {name!r}: offset must be >= 0, got {offset!r}")
        self.crew = check_optional_name(crew, f"maintenance {name!r} crew")
        self.rolling: int | None = None
        self.spacing: float | None = None
        if rolling is not None:
            if isinstance(rolling, bool) or not isinstance(rolling, int) or rolling < 1:
                raise ValueError(f"maintenance {name!r}: rolling must be a whole number >= 1 (targets at a time), got {rolling!r}")
            self.rolling = rolling
            if spacing is None:
                if self.duration.kind != "deterministic":
                    raise ValueError(
                        f"maintenance {name!r}: spacing: a rolling window with a random duration needs spacing= "
                        "(the time between the starts of consecutive batches)"
                    )
                spacing = self.duration.mean
            self.spacing = check_positive(hours(spacing, name=f"maintenance {name!r} spacing"), f"maintenance {name!r} spacing")
        elif spacing is not None:
            raise ValueError(f"maintenance {name!r}: spacing is only for rolling windows (give rolling=)")

    def batches(self, names: Sequence[str]) -> list[tuple[float, list[str]]]:
        """The batches of a window over these targets: (offset, targets) pairs.

        Parameters
        ----------
        names : sequence of str
            The selected targets, in order.

        Returns
        -------
        list of (float, list of str)
            One pair per batch (one batch, at ``offset``, unless rolling).

        Examples
        --------
        >>> w = Maintenance("patch", targets=["a", "b", "c"], every="30 days", duration="1h", rolling=2)
        >>> w.batches(["a", "b", "c"])
        [(0.0, ['a', 'b']), (1.0, ['c'])]
        """
        if self.rolling is None:
            return [(self.offset, list(names))]
        assert self.spacing is not None
        n = self.rolling
        out = [(self.offset + (i // n) * self.spacing, list(names[i : i + n])) for i in range(0, len(names), n)]
        if len(out) * self.spacing > self.every:
            raise ValueError(
                f"maintenance {self.name!r}: spacing: {len(out)} batches {exact_duration(self.spacing)} apart do not fit "
                f"in every = {exact_duration(self.every)} (a window would start before the last one is done)"
            )
        return out

    def __repr__(self) -> str:
        extra = f", offset={exact_duration(self.offset)!r}" if self.offset else ""
        extra += f", crew={self.crew!r}" if self.crew else ""
        extra += f", rolling={self.rolling!r}, spacing={exact_duration(self.spacing or 0)!r}" if self.rolling else ""
        return (
            f"Maintenance({self.name!r}, targets={_targets_repr(self.targets)}, every={exact_duration(self.every)!r}, "
            f"duration={self.duration!r}{extra})"
        )


_WEEK = 168.0


class Stress:
    """Failure rates of some components multiplied for a while (see :meth:`Model.stress`).

    While a stress is active, each target's failure rate is multiplied by ``factor`` (its age
    advances ``factor`` times faster; the pending failure is rescheduled from the age reached).
    Several active stresses on one component multiply, and they compose with load sharing; a
    dormant standby spare keeps its dormancy rate (a stress multiplies the active rate only).
    Exactly one trigger:

    - ``hours``: weekly windows, the crew-calendar syntax (``["mon-fri 13:00-21:00"]``), from
      the week ``origin``;
    - ``periods``: one-off ``[start, end)`` periods in time since the start of the run;
    - ``while_degraded``: while the named service is degraded: its requirement holds but not
      every member of its root group is up (a capacity service: 0 < served share < 1). A service
      that is down is not degraded (docs/semantics.md, "Stress periods").

    Parameters
    ----------
    name : str
        The stress's name.
    factor : float
        The rate multiplier, finite and > 0 (below 1: a calmer period).
    targets : str, list of str or mapping
        The components stressed (a name, names, or tags).
    hours : sequence of str, optional
        Weekly windows (see :func:`recoverysim.components.parse_hours`); they must not overlap.
    origin : float or str, default 0
        The hour of the week at t = 0 (``"mon 00:00"``), as for crews.
    periods : sequence of (duration, duration), optional
        One-off periods ``(start, end)`` since t = 0; they must not overlap.
    while_degraded : str, optional
        A service: the stress is active while it is degraded.

    Examples
    --------
    >>> Stress("volatility", factor=3, targets={"role": "matching"}, hours=["mon-fri 13:00-21:00"]).windows[0]
    (13.0, 21.0)
    >>> Stress("launch", factor=2, targets=["api"], periods=[("10d", "12d")]).periods
    ((240.0, 288.0),)
    >>> Stress("peak-load", factor=2, targets=["n1", "n2"], while_degraded="rpc").while_degraded
    'rpc'
    """

    __slots__ = ("name", "factor", "targets", "hours", "origin", "periods", "while_degraded", "windows")

    def __init__(
        self,
        name: str,
        *,
        factor: float,
        targets: Selector,
        hours: Sequence[str] | None = None,
        origin: float | str = 0.0,
        periods: Sequence[tuple[Duration, Duration]] | None = None,
        while_degraded: str | None = None,
    ) -> None:
        self.name = check_name(name, "stress")
        where = f"stress {name!r}"
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not (0 < float(factor) < float("inf")):
            raise ValueError(f"{where}: factor must be a finite number > 0 (the rate multiplier), got {factor!r}")
        self.factor = float(factor)
        self.targets = check_selector(targets, where)
        triggers = [k for k, v in (("hours", hours), ("periods", periods), ("while_degraded", while_degraded)) if v is not None]
        if len(triggers) != 1:
            raise ValueError(
                f"{where}: give exactly one trigger: hours (weekly windows), periods (one-off) or while_degraded (a service)"
                + (f", got {' and '.join(triggers)}" if triggers else "")
            )
        self.hours: tuple[str, ...] | None = None
        self.windows: tuple[tuple[float, float], ...] = ()
        if hours is not None:
            self.windows = tuple(parse_hours(hours, where))
            self.hours = tuple(hours)
        self.origin = _origin(origin, where)
        self.periods: tuple[tuple[float, float], ...] | None = None
        if periods is not None:
            if isinstance(periods, str) or not isinstance(periods, Sequence) or not periods:
                raise ValueError(f"{where}: periods must be a non-empty list of (start, end) pairs, got {periods!r}")
            out = []
            for i, pr in enumerate(periods):
                if isinstance(pr, str) or not isinstance(pr, Sequence) or len(pr) != 2:
                    raise ValueError(f"{where}: periods[{i}] must be a (start, end) pair, got {pr!r}")
                a = _hours(pr[0], name=f"{where} periods[{i}] start")
                b = _hours(pr[1], name=f"{where} periods[{i}] end")
                if not 0 <= a < b:
                    raise ValueError(f"{where}: periods[{i}] must have 0 <= start < end, got {pr!r}")
                out.append((a, b))
            self.periods = tuple(out)
        self.while_degraded = check_optional_name(while_degraded, f"{where} while_degraded")

    def to_spec(self, targets: Sequence[str]) -> Any:
        """The engine's specification of this stress (used by :meth:`Model.to_spec`).

        Parameters
        ----------
        targets : sequence of str
            The component names its selector picks.

        Returns
        -------
        recoverysim._core.StressSpec
            The compiled engine's input.

        Examples
        --------
        >>> type(Stress("s", factor=2, targets="a", periods=[(0, 5)]).to_spec(["a"])).__name__
        'StressSpec'
        """
        shifts: list[tuple[float, float]] = []
        for a, b in self.windows:  # a window past the week's end (Sunday night) goes on on Monday
            shifts += [(a, b)] if b <= _WEEK else [(a, _WEEK), (0.0, b - _WEEK)]
        return _core.StressSpec(
            name=self.name,
            targets=list(targets),
            factor=self.factor,
            shifts=shifts,
            origin=self.origin,
            periods=list(self.periods or ()),
            while_degraded=self.while_degraded or "",
        )

    def trigger(self) -> str:
        """When the stress is active, in words (reports).

        Returns
        -------
        str
            The windows, periods or degraded service.

        Examples
        --------
        >>> Stress("v", factor=3, targets="a", hours=["mon-fri 13:00-21:00"]).trigger()
        'weekly mon-fri 13:00-21:00'
        >>> Stress("p", factor=2, targets="a", while_degraded="rpc").trigger()
        "while 'rpc' is degraded"
        """
        if self.hours is not None:
            return "weekly " + ", ".join(self.hours) + (f" (origin {self.origin:g} h)" if self.origin else "")
        if self.periods is not None:
            return ", ".join(f"[{exact_duration(a)}, {exact_duration(b)})" for a, b in self.periods)
        return f"while {self.while_degraded!r} is degraded"

    def __repr__(self) -> str:
        if self.hours is not None:
            extra = f", hours={list(self.hours)!r}" + (f", origin={self.origin:g}" if self.origin else "")
        elif self.periods is not None:
            extra = f", periods={[(exact_duration(a), exact_duration(b)) for a, b in self.periods]!r}"
        else:
            extra = f", while_degraded={self.while_degraded!r}"
        return f"Stress({self.name!r}, factor={self.factor:g}, targets={_targets_repr(self.targets)}{extra})"


def check_selector(targets: Any, where: str) -> Selector:
    if isinstance(targets, str):
        return check_name(targets, f"{where}: targets")
    if isinstance(targets, Mapping):
        if not targets:
            raise ValueError(f"{where}: an empty tag selector selects nothing")
        return {check_name(k, f"{where}: tag"): check_name(v, f"{where}: tag value") for k, v in targets.items()}
    if isinstance(targets, (list, tuple)):
        if not targets:
            raise ValueError(f"{where}: targets is empty")
        for i, t in enumerate(targets):
            if not isinstance(t, str):
                raise TypeError(f"{where}: targets[{i}] must be a component name, got {type(t).__name__}")
            check_name(t, f"{where}: targets[{i}]")
        return list(targets)
    raise TypeError(f"{where}: targets must be a name, a list of names or a tag selector dict, got {type(targets).__name__}")
