"""Money: what downtime, data loss and SLA credits cost, and what the architecture costs to run.

A :class:`ServiceCost` prices one service: an hourly rate of unplanned downtime (constant, or a
weekly profile of 168 hourly rates so that peak trading hours cost more), a fixed cost per
outage, an extra hourly rate beyond the RTO, planned downtime at its own rate, data loss per
incident and per hour of writes lost, and :class:`SlaCredits` owed per calendar period. The
engine prices every replication (``docs/semantics.md``, "Money"); running costs of components and
crews per year are added by the results (they do not vary between replications).

>>> import recoverysim as rs
>>> c = ServiceCost("trading", per_hour=50_000, per_outage=2_000,
...                 sla=SlaCredits(fee=100_000, tiers={0.999: 0.1, 0.99: "30%"}))
>>> c.per_hour, c.sla.tiers
(50000.0, ((0.999, 0.1), (0.99, 0.3)))
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import _core
from .units import Duration, hours
from .validation import check_name, check_probability

__all__ = ["ServiceCost", "SlaCredits", "HOURS_PER_WEEK", "HOURS_PER_YEAR", "weekly_profile", "check_amount"]

HOURS_PER_WEEK = 168
HOURS_PER_YEAR = 8760.0
"""Running costs are given per year of 8760 hours (the ``1y`` of :mod:`recoverysim.units`)."""

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def check_amount(v: Any, what: str) -> float:
    """A sum of money or a rate: a finite number >= 0.

    Parameters
    ----------
    v : float
        The value.
    what : str
        What it is, for the error message.

    Returns
    -------
    float
        The value.

    Examples
    --------
    >>> check_amount(12, "per_hour")
    12.0
    >>> check_amount(-1, "cost of service 'x' per_hour")
    Traceback (most recent call last):
    ...
    ValueError: cost of service 'x' per_hour must be a finite amount >= 0, got -1
    """
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} must be a number, got {type(v).__name__} {v!r}")
    x = float(v)
    if not (math.isfinite(x) and x >= 0):
        raise ValueError(f"{what} must be a finite amount >= 0, got {v!r}")
    return x


def weekly_profile(base: float, peaks: Mapping[str, float] | None = None) -> tuple[float, ...]:
    """168 hourly rates (hour 0 = Monday 00:00-01:00): ``base`` everywhere, ``peaks`` where given.

    Parameters
    ----------
    base : float
        The rate outside the peaks.
    peaks : mapping of str to float, optional
        ``"mon-fri 13-21": 80_000`` (days ``mon``..``sun``, a day or a range; hours ``a-b`` from
        hour ``a`` up to, not including, hour ``b``, in the week's time zone).

    Returns
    -------
    tuple of float
        168 rates, the form :class:`ServiceCost` ``per_hour`` takes.

    Examples
    --------
    >>> p = weekly_profile(10_000, {"mon-fri 13-21": 80_000})
    >>> len(p), p[12], p[13], p[20], p[21], p[5 * 24 + 14]
    (168, 10000.0, 80000.0, 80000.0, 10000.0, 10000.0)
    """
    out = [check_amount(base, "weekly_profile base")] * HOURS_PER_WEEK
    for key, rate in (peaks or {}).items():
        r = check_amount(rate, f"weekly_profile {key!r}")
        try:
            days, span = key.lower().split()
            d0, _, d1 = days.partition("-")
            first, last = _DAYS.index(d0), _DAYS.index(d1 or d0)
            h0, _, h1 = span.partition("-")
            a, b = int(h0), int(h1)
        except (ValueError, AttributeError):
            raise ValueError(f"weekly_profile: {key!r} is not 'DAYS HOURS' such as 'mon-fri 13-21'") from None
        if not (0 <= a < b <= 24) or last < first:
            raise ValueError(f"weekly_profile: {key!r}: days in order (mon-fri) and hours a-b with 0 <= a < b <= 24")
        for d in range(first, last + 1):
            for h in range(a, b):
                out[24 * d + h] = r
    return tuple(out)


class SlaCredits:
    """SLA credits: per calendar period, a share of the period fee by the period's availability.

    Parameters
    ----------
    fee : float
        Fee of one period (the credit is a share of it).
    tiers : mapping or sequence of pairs
        ``{availability below: share of the fee}`` by decreasing availability with increasing
        shares, e.g. ``{"99.9%": "10%", "99%": "30%"}``: a period below 99.9 % earns 10 %, below
        99 % 30 % (the highest tier reached applies, not their sum).
    period : duration, default "730h"
        Length of a period (a month of 730 h); periods start at t = 0.

    Examples
    --------
    >>> s = SlaCredits(fee=10_000, tiers=[(0.999, 0.1), (0.99, 0.3)])
    >>> s.credit(0.5, 730), s.credit(1.0, 730), s.credit(10.0, 730)
    (0.0, 1000.0, 3000.0)
    """

    __slots__ = ("fee", "tiers", "period")

    def __init__(self, fee: float, tiers: Mapping[Any, Any] | Sequence[tuple[Any, Any]], period: Duration = "730h") -> None:
        self.fee = check_amount(fee, "sla fee")
        if self.fee <= 0:
            raise ValueError("sla fee must be > 0 (credits are shares of it)")
        items = list(tiers.items()) if isinstance(tiers, Mapping) else list(tiers)
        if not items:
            raise ValueError("sla tiers: give at least one tier {availability below: share of the fee}")
        out: list[tuple[float, float]] = []
        for i, pair in enumerate(items):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"sla tiers[{i}] must be a pair (availability below, share of the fee), got {pair!r}")
            below = check_probability(pair[0], f"sla tiers[{i}] availability")
            share = check_probability(pair[1], f"sla tiers[{i}] share")
            if below <= 0 or share <= 0:
                raise ValueError(f"sla tiers[{i}]: availability and share must be > 0")
            if out and not (below < out[-1][0] and share > out[-1][1]):
                raise ValueError(
                    f"sla tiers[{i}]: tiers out of order: list them by decreasing availability with increasing shares "
                    "(below 99.9%: 10%, below 99%: 30%)"
                )
            out.append((below, share))
        self.tiers: tuple[tuple[float, float], ...] = tuple(out)
        self.period = hours(period, name="sla period")
        if not self.period >= 1:
            raise ValueError(f"sla period must be at least 1 hour, got {self.period:g} h")

    def credit(self, down: float, length: float | None = None) -> float:
        """The credit of one period with ``down`` hours of unplanned downtime.

        Parameters
        ----------
        down : float
            Hours down in the period.
        length : float, optional
            Length of the period (a last, partial period is shorter; its fee is prorated).

        Returns
        -------
        float
            The credit owed.

        Examples
        --------
        >>> SlaCredits(fee=1000, tiers={0.99: 0.5}).credit(8.0)
        500.0
        """
        n = self.period if length is None else float(length)
        a = 1.0 - down / n
        share = max((s for b, s in self.tiers if a < b), default=0.0)
        return share * self.fee * (n / self.period)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SlaCredits):
            return NotImplemented
        return (self.fee, self.tiers, self.period) == (other.fee, other.tiers, other.period)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SlaCredits(fee={self.fee:g}, tiers={list(self.tiers)}, period={self.period:g})"


class ServiceCost:
    """What the downtime and data loss of one service cost (see :meth:`Model.cost`).

    Parameters
    ----------
    service : str
        The service priced.
    per_hour : float or sequence of 168 floats, default 0
        Cost per hour of unplanned downtime: a constant, or a weekly profile of 168 hourly rates
        (hour 0 = Monday 00:00-01:00; see :func:`weekly_profile`).
    week_origin : float, default 0
        The hour of the week at t = 0 (0: the run starts on a Monday at 00:00; 24 + 9: Tuesday
        09:00). Only a weekly profile reads it.
    per_outage : float, default 0
        Fixed cost of each unplanned outage (incident handling, customers lost per incident).
    beyond_rto_per_hour : float, default 0
        Extra cost per hour an outage lasts beyond the service's RTO (penalties); needs an RTO.
    planned_per_hour : float, default 0
        Cost per hour of planned downtime (maintenance windows).
    data_loss_per_incident : float, default 0
        Cost of each data-loss incident beneath the service (reconciliation).
    data_loss_per_hour : float, default 0
        Cost per hour of writes lost beneath the service.
    sla : SlaCredits, optional
        SLA credits owed per calendar period.

    Examples
    --------
    >>> c = ServiceCost("api", per_hour=weekly_profile(1000, {"mon-fri 9-17": 5000}), week_origin=0)
    >>> c.weekly, c.per_hour[9]
    (True, 5000.0)
    """

    __slots__ = (
        "service",
        "per_hour",
        "week_origin",
        "per_outage",
        "beyond_rto_per_hour",
        "planned_per_hour",
        "data_loss_per_incident",
        "data_loss_per_hour",
        "sla",
    )

    def __init__(
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
    ) -> None:
        self.service = check_name(service, "cost service")
        where = f"cost of service {service!r}"
        if isinstance(per_hour, (str, bytes)) or not isinstance(per_hour, (Sequence, np.ndarray)):
            self.per_hour: float | tuple[float, ...] = check_amount(per_hour, f"{where} per_hour")
        else:
            rates = list(per_hour)
            if len(rates) != HOURS_PER_WEEK:
                raise ValueError(f"{where} per_hour: a weekly profile needs 168 hourly rates (one per hour of the week), got {len(rates)}")
            self.per_hour = tuple(check_amount(r, f"{where} per_hour[{i}]") for i, r in enumerate(rates))
        origin = check_amount(week_origin, f"{where} week_origin")
        if origin >= HOURS_PER_WEEK:
            raise ValueError(f"{where} week_origin must be an hour of the week in [0, 168), got {week_origin!r}")
        self.week_origin = origin
        self.per_outage = check_amount(per_outage, f"{where} per_outage")
        self.beyond_rto_per_hour = check_amount(beyond_rto_per_hour, f"{where} beyond_rto_per_hour")
        self.planned_per_hour = check_amount(planned_per_hour, f"{where} planned_per_hour")
        self.data_loss_per_incident = check_amount(data_loss_per_incident, f"{where} data_loss_per_incident")
        self.data_loss_per_hour = check_amount(data_loss_per_hour, f"{where} data_loss_per_hour")
        if sla is not None and not isinstance(sla, SlaCredits):
            raise TypeError(f"{where} sla must be SlaCredits, got {type(sla).__name__}")
        self.sla = sla

    @property
    def weekly(self) -> bool:
        """Whether the hourly rate is a weekly profile.

        Returns
        -------
        bool
            True when ``per_hour`` holds 168 hourly rates.

        Examples
        --------
        >>> ServiceCost("s", per_hour=5).weekly
        False
        """
        return isinstance(self.per_hour, tuple)

    def mean_rate(self) -> float:
        """The hourly rate averaged over the week (the constant rate when there is no profile).

        Returns
        -------
        float
            Mean cost per hour down.

        Examples
        --------
        >>> ServiceCost("s", per_hour=weekly_profile(0, {"mon-sun 0-12": 2})).mean_rate()
        1.0
        """
        return float(np.mean(self.per_hour)) if isinstance(self.per_hour, tuple) else float(self.per_hour)

    def to_spec(self) -> Any:
        """The engine's view (private API).

        Returns
        -------
        recoverysim._core.ServiceCostSpec
            The specification the engine compiles.

        Examples
        --------
        >>> type(ServiceCost("s", per_hour=1).to_spec()).__name__
        'ServiceCostSpec'
        """
        weekly = list(self.per_hour) if isinstance(self.per_hour, tuple) else []
        sla = self.sla
        return _core.ServiceCostSpec(
            service=self.service,
            per_hour=0.0 if weekly else float(self.per_hour),  # type: ignore[arg-type]
            weekly=weekly,
            week_origin=self.week_origin,
            per_outage=self.per_outage,
            beyond_rto_per_hour=self.beyond_rto_per_hour,
            planned_per_hour=self.planned_per_hour,
            loss_per_incident=self.data_loss_per_incident,
            loss_per_hour=self.data_loss_per_hour,
            sla_fee=0.0 if sla is None else sla.fee,
            sla_period=730.0 if sla is None else sla.period,
            sla_tiers=[] if sla is None else list(sla.tiers),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServiceCost):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        rate = "weekly profile" if self.weekly else f"{self.per_hour:g}"
        return f"ServiceCost({self.service!r}, per_hour={rate}, per_outage={self.per_outage:g})"
