"""Durations with units.

Inside the engine time is in **hours** (float). Everywhere the Python API takes a duration it
accepts a plain number (hours) or a string with a unit:

======  =========================  ======
unit    meaning                    hours
======  =========================  ======
``s``   seconds                    1/3600
``m``   minutes (also ``min``)     1/60
``h``   hours                      1
``d``   days                       24
``w``   weeks                      168
``y``   years of 365 days          8760
======  =========================  ======

>>> hours("30m")
0.5
>>> hours("1y")
8760.0
>>> hours(2)
2.0
"""

from __future__ import annotations

import math
import re

import numpy as np

__all__ = ["Duration", "hours", "exact_duration", "duration_literal", "UNITS"]

Duration = int | float | str

UNITS: dict[str, float] = {
    "s": 1.0 / 3600.0,
    "sec": 1.0 / 3600.0,
    "m": 1.0 / 60.0,
    "min": 1.0 / 60.0,
    "h": 1.0,
    "hr": 1.0,
    "d": 24.0,
    "w": 168.0,
    "y": 8760.0,
    "yr": 8760.0,
}

_PATTERN = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*$")


def hours(value: Duration, *, name: str = "duration") -> float:
    """Convert a duration (number of hours, or a string such as ``"45s"``) to hours.

    Raises ``ValueError`` / ``TypeError`` that name ``name`` for anything else.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a duration (hours or a string like '30m'), got a bool")
    if isinstance(value, (int, float)):
        try:
            v = float(value)
        except OverflowError:
            raise ValueError(f"{name}: duration must be finite, got a number too large for a float") from None
    elif isinstance(value, str):
        m = _PATTERN.match(value)
        if not m:
            raise ValueError(
                f"{name}: cannot read {value!r} as a duration "
                "(expected a number of hours or a string like '45s', '5m', '2h', '3d', '1w', '1y')"
            )
        number, unit = m.groups()
        if unit == "M":
            raise ValueError(f"{name}: 'M' in {value!r} is ambiguous (months or minutes?); write 'm' for minutes")
        unit = unit.lower() or "h"
        if unit not in UNITS:
            raise ValueError(f"{name}: unknown time unit {m.group(2)!r} in {value!r} (expected s, m, h, d, w or y)")
        v = float(number) * UNITS[unit]
    else:
        try:
            v = float(value)  # numpy scalars
        except (TypeError, ValueError):
            raise TypeError(f"{name}: expected a duration (hours or a string like '30m'), got {type(value).__name__}") from None
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
