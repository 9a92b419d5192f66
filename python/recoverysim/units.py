"""Durations with units.

Inside the engine time is in **hours** (float). Everywhere the Python API (and a model file)
takes a duration it accepts:

- a plain number: hours;
- a number with a unit, with or without a space (``"45s"``, ``"2 hours"``, ``"30 minutes"``):

  =========  ========================================  ======
  unit       written as (case-insensitive but ``M``)   hours
  =========  ========================================  ======
  seconds    ``s``, ``sec``, ``secs``, ``second``,     1/3600
             ``seconds``
  minutes    ``m``, ``min``, ``mins``, ``minute``,     1/60
             ``minutes``
  hours      ``h``, ``hr``, ``hrs``, ``hour``,         1
             ``hours``
  days       ``d``, ``day``, ``days``                  24
  weeks      ``w``, ``week``, ``weeks``                168
  years      ``y``, ``yr``, ``yrs``, ``year``,         8760 (365 days)
             ``years``
  =========  ========================================  ======

  ``M`` alone is refused: months or minutes?
- an ISO-8601 duration: ``"PT30M"``, ``"P1D"``, ``"P1DT2H30M"``, ``"P2W"``, ``"PT0.5S"``
  (``Y`` is 365 days; months, ``P1M``, are refused: they have no fixed length);
- a :class:`datetime.timedelta`, a :class:`pandas.Timedelta` or a :class:`numpy.timedelta64`.

>>> hours("30m")
0.5
>>> hours("2 hours")
2.0
>>> hours("PT30M")
0.5
>>> from datetime import timedelta
>>> hours(timedelta(days=1))
24.0
>>> hours(2)
2.0
"""

from __future__ import annotations

import datetime as _dt
import math
import re

import numpy as np

__all__ = ["Duration", "TIME_DELTAS", "hours", "exact_duration", "duration_literal", "UNITS", "ACCEPTED"]

Duration = int | float | str | _dt.timedelta | np.timedelta64
TIME_DELTAS = (_dt.timedelta, np.timedelta64)  # durations that are not numbers or strings (pandas.Timedelta is a timedelta)

# Each unit with the names it may be written with (the first is the one the writer uses).
_UNIT_NAMES: dict[float, tuple[str, ...]] = {
    1.0 / 3600.0: ("s", "sec", "secs", "second", "seconds"),
    1.0 / 60.0: ("m", "min", "mins", "minute", "minutes"),
    1.0: ("h", "hr", "hrs", "hour", "hours"),
    24.0: ("d", "day", "days"),
    168.0: ("w", "week", "weeks"),
    8760.0: ("y", "yr", "yrs", "year", "years"),
}

UNITS: dict[str, float] = {name: h for h, names in _UNIT_NAMES.items() for name in names}
"""Every unit name :func:`hours` accepts (lower case), with its length in hours."""

ACCEPTED = (
    "a number of hours; a number with a unit ("
    + "; ".join(", ".join(names) for names in _UNIT_NAMES.values())
    + "; case-insensitive except 'M'; years are 365 days), e.g. '45s', '2 hours', '30 minutes'; "
    "an ISO-8601 duration such as 'PT30M', 'P1D' or 'P1DT2H30M' (no months); "
    "or a datetime.timedelta, pandas.Timedelta or numpy.timedelta64"
)
"""What :func:`hours` accepts, as its error messages say it."""

_PATTERN = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*$")
_NUM = r"(\d+(?:[.,]\d+)?)"
_ISO = re.compile(
    rf"^\s*P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?\s*$",
    re.IGNORECASE,
)
_ISO_HOURS = (8760.0, None, 168.0, 24.0, 1.0, 1.0 / 60.0, 1.0 / 3600.0)


def _iso_hours(value: str, name: str) -> float | None:
    m = _ISO.match(value)
    if not m or not any(m.groups()) or value.strip().upper().endswith("T"):
        return None
    if m.group(2) is not None:
        raise ValueError(f"{name}: {value!r} has months, which have no fixed length; write days ('P30D') or weeks")
    return sum(float(g.replace(",", ".")) * f for g, f in zip(m.groups(), _ISO_HOURS) if g is not None and f is not None)


def hours(value: Duration, *, name: str = "duration") -> float:
    """Convert a duration to hours.

    Parameters
    ----------
    value : float, str, datetime.timedelta, pandas.Timedelta or numpy.timedelta64
        A number of hours, a number with a unit (``"45s"``, ``"2 hours"``), an ISO-8601
        duration (``"PT30M"``) or a time delta: see :data:`ACCEPTED`.
    name : str, optional
        The field the value is for; errors start with it.

    Returns
    -------
    float
        The duration in hours.

    Raises
    ------
    ValueError
        For a string that is not a duration (the message lists what is accepted), an
        ambiguous unit (``M``, ISO months) or a value that is not finite.
    TypeError
        For a value of another type (``None``, ``bool``, a list...).

    Examples
    --------
    >>> hours("90 minutes")
    1.5
    >>> hours("P1DT12H")
    36.0
    >>> hours("1y")
    8760.0
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a duration ({ACCEPTED}), got a bool")
    if isinstance(value, (int, float)):
        try:
            v = float(value)
        except OverflowError:
            raise ValueError(f"{name}: duration must be finite, got a number too large for a float") from None
    elif isinstance(value, _dt.timedelta):  # pandas.Timedelta too
        if value != value:  # pragma: no cover - NaT is not a timedelta, but be safe
            raise ValueError(f"{name}: duration must be finite, got {value!r}")
        v = value.total_seconds() / 3600.0
    elif isinstance(value, np.timedelta64):
        if np.isnat(value):
            raise ValueError(f"{name}: duration must be finite, got {value!r}")
        v = float(value / np.timedelta64(1, "us")) / 3.6e9
    elif isinstance(value, str):
        iso = _iso_hours(value, name)
        if iso is not None:
            return iso
        m = _PATTERN.match(value)
        if not m:
            raise ValueError(f"{name}: cannot read {value!r} as a duration; expected {ACCEPTED}")
        number, unit = m.groups()
        if unit == "M":
            raise ValueError(f"{name}: 'M' in {value!r} is ambiguous (months or minutes?); write 'm' or 'min' for minutes")
        unit = unit.lower() or "h"
        if unit not in UNITS:
            raise ValueError(f"{name}: unknown time unit {m.group(2)!r} in {value!r}; expected {ACCEPTED}")
        v = float(number) * UNITS[unit]
    else:
        try:
            v = float(value)  # numpy scalars
        except (TypeError, ValueError):
            raise TypeError(f"{name}: expected a duration ({ACCEPTED}), got {type(value).__name__}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name}: duration must be finite, got {value!r}")
    return v


def _reads_back(text: str, h: float) -> bool:
    try:
        return hours(text) == h
    except ValueError:  # 7.49e306d is more hours than a float holds
        return False


def exact_duration(h: float) -> str:
    """A duration string that reads back (through :func:`hours`) as exactly ``h``.

    Hours when they read well, else the unit that gives the shortest exact number:
    ``0.08333333333333333`` -> ``'5m'``.

    >>> exact_duration(0.5)
    '0.5h'
    >>> exact_duration(5 / 60)
    '5m'
    """
    best = None
    for unit in ("h", "m", "s", "d", "w", "y"):
        x = h / UNITS[unit]
        text = repr(x)
        if text.endswith(".0"):
            text = text[:-2]
        candidate = f"{text}{unit}"
        if math.isfinite(x) and _reads_back(candidate, h):
            if unit == "h" and len(candidate) <= 8:
                return candidate  # hours whenever they read well
            if best is None or len(candidate) < len(best):
                best = candidate
    return best if best is not None else f"{h!r}h"


def duration_literal(h: float) -> str:
    """A duration as a person would write it in a model file, reading back exactly: whole years, weeks or days
    up to 99 (``1y``, ``30d``), else hours when short (``2000h``, ``2.5h``); below an hour whole
    minutes or seconds (``15m``, ``2s``); else the shortest exact string."""

    def whole(unit: str, limit: float) -> str | None:
        n = h / UNITS[unit]
        text = f"{int(n)}{unit}" if n.is_integer() and 0 < n <= limit else ""
        return text if text and _reads_back(text, h) else None

    if h >= 1:
        for unit in ("y", "w", "d"):
            if text := whole(unit, 99):
                return text
        text = exact_duration(h)
        if text.endswith("h") and len(text) <= 7:
            return text
    else:
        for unit in ("m", "s"):
            if text := whole(unit, math.inf):
                return text
    best = exact_duration(h)
    for unit in ("h", "m", "s", "d", "w", "y"):
        x = h / UNITS[unit]
        text = repr(x).removesuffix(".0") + unit
        if math.isfinite(x) and len(text) < len(best) and _reads_back(text, h):
            best = text
    return best
