"""Every number written for people: durations, percentages, intervals, counts.

The text report, the HTML views, the plots, the CLI and the comparison tables all call these
functions, so the same value reads the same everywhere: 100 hours is ``'4.2 days'`` in each of
them, and an RTO compliance of 0.9995 is ``'99.95%'``. Model-file literals that must read back
exactly (``'5m'``) are a different thing and live in :func:`recoverysim.units.exact_duration`.

>>> duration(100)
'4.2 days'
>>> percent(0.9995)
'99.95%'
>>> percent_interval(0.99999, 0.99998, 1.0)
('99.9990%', '99.9980 – 100.0000%')
"""

from __future__ import annotations

import math

__all__ = [
    "duration",
    "duration_long",
    "signed_duration",
    "per_horizon",
    "horizon_words",
    "percent",
    "given_percent",
    "percent_interval",
    "percentage_points",
    "signed",
    "share_decimals",
    "estimate_digits",
    "nice_int",
    "one_in",
    "confidence",
    "sig",
    "number",
    "money",
    "signed_money",
]

NA = "n/a"


def duration(h: float | None) -> str:
    """A duration in the unit a person reads it in: ``'45 s'``, ``'5.4 min'``, ``'3.8 h'``,
    ``'2.1 days'``, ``'3 weeks'``, ``'1.5 years'``; two significant digits below ten units.

    >>> [duration(x) for x in (30 / 3600, 0.5, 1.0, 4.4, 72, 8760)]
    ['30 s', '30 min', '1 h', '4.4 h', '3 days', '1 year']
    """
    if h is None or not math.isfinite(h):
        return NA
    a = abs(h)
    if a == 0:
        return "0"
    if a < 1 / 60:
        v, u = h * 3600, "s"
    elif a < 2 and not (a >= 1 and abs(a - round(a)) < 1e-9):
        v, u = h * 60, "min"
    elif a < 48:
        v, u = h, "h"
    elif a < 24 * 60:
        v, u = h / 24, "days"
    elif a < 24 * 182:
        v, u = h / 168, "weeks"
    else:
        v, u = h / 8760, "years"
    text = f"{v:.0f}" if abs(v) >= 10 else f"{v:.1f}".rstrip("0").rstrip(".")
    if text == "1" and u.endswith("s") and u != "s":
        u = u[:-1]  # 1 day, 1 week, 1 year
    return f"{text} {u}"


def duration_long(h: float) -> str:
    """A time to failure as people quote it: hours, with a readable equivalent.

    >>> duration_long(2000)
    '2,000 h (12 weeks)'
    """
    if not math.isfinite(h) or h < 48:
        return duration(h)
    return f"{h:,.0f} h ({duration(h)})" if h < 1e6 else duration(h)


def signed_duration(d: float) -> str:
    """A difference of durations with its sign: ``'+5 min'``, ``'-1.2 h'``, ``'0 s'``."""
    if not math.isfinite(d):
        return NA
    return "0 s" if d == 0 else ("+" if d > 0 else "-") + duration(abs(d))


def horizon_words(h: float) -> tuple[str, str]:
    """``('year', 'years')`` for a one-year horizon (likewise month, week, day), else
    ``('3-day period', '3-day periods')``."""
    words = {8760.0: ("year", "years"), 168.0: ("week", "weeks"), 24.0: ("day", "days"), 730.0: ("month", "months")}
    for k, v in words.items():
        if abs(h - k) < 1e-9:
            return v
    text, unit = duration(h).split(" ", 1)
    unit = {"s": "second", "min": "minute", "h": "hour"}.get(unit, unit.rstrip("s"))
    return (f"{text}-{unit} period", f"{text}-{unit} periods")


def per_horizon(h: float) -> str:
    """What "per ..." reads for a horizon: ``'year'`` for one year, else its length (``'30 days'``)."""
    one = horizon_words(h)[0]
    return one if not one.endswith("period") else duration(h)


def percent(p: float | None, max_decimals: int = 9) -> str:
    """A share as a percentage with two significant digits on the side that matters:
    ``0.0037 -> '0.37%'``, ``0.046 -> '4.6%'``, ``0.9995 -> '99.95%'``, ``0.9998772 -> '99.988%'``.

    Exactly 0 and 1 read ``'0%'`` and ``'100%'``; a value that is not exactly 1 never reads 100 %.
    """
    if p is None or not math.isfinite(p):
        return NA
    x = 100.0 * p
    if x <= 0:
        return "0%"
    if x >= 100:
        return "100%"
    small = float(f"{min(x, 100.0 - x):.10g}")  # 0.0099999999 (rounding noise) counts as 0.01
    dec = min(max(0, 1 - math.floor(math.log10(small))), max_decimals)
    text = f"{x:.{dec}f}"
    if float(text) == 0:
        return f"<{10.0**-dec:.{dec}f}%"
    if float(text) >= 100:
        return f">{100 - 10.0**-dec:.{dec}f}%"
    if dec >= 2 and text.endswith("0"):  # 99.60% -> 99.6%, but 99.0% keeps its precision
        text = text[:-1]
    return f"{text}%"


def given_percent(p: float) -> str:
    """A share the user gave (a target, a success probability) as they would write it:
    ``0.95 -> '95%'``, ``0.9995 -> '99.95%'``; estimates use :func:`percent`."""
    return NA if p is None or not math.isfinite(p) else f"{100 * p:.10g}%"


def percent_interval(mean: float, low: float, high: float) -> tuple[str, str]:
    """A share and its interval with enough decimals to see the interval's width:
    ``('99.9990%', '99.9980 – 100.0000%')``."""
    low, high = max(low, 0.0), min(high, 1.0)
    half = (high - low) / 2 if math.isfinite(high - low) else math.nan
    if math.isfinite(half) and half > 1e-12:  # below that: rounding noise of a point value
        dec = min(max(2, 1 - math.floor(math.log10(half * 100))), 8)
    else:
        un = 100 * (1 - mean)
        dec = 4 if un <= 0 else min(max(2, 1 - math.floor(math.log10(un))), 8)
    dec = max(_not_rounded_to_bound(x, dec) for x in (mean, low, high))
    return f"{100 * mean:.{dec}f}%", f"{100 * low:.{dec}f} – {100 * high:.{dec}f}%"


def _not_rounded_to_bound(p: float, decimals: int) -> int:
    """Decimals so that a share strictly between 0 and 1 never prints as 0 % or 100 %."""
    for d in range(decimals, 16):
        if not (0 < p < 1 and float(f"{100 * p:.{d}f}") in (0.0, 100.0)):
            return d
    return 15


def share_decimals(*xs: float, minimum: int = 4) -> int:
    """Decimals of a percentage that show shares close to 1 (99.9995 %) with three significant
    digits of their shortfall; at least ``minimum``."""
    digits = minimum
    for x in xs:
        gap = (1.0 - x) * 100
        if math.isfinite(gap) and 0 < gap < 1:
            digits = max(digits, min(10, 2 - math.floor(math.log10(gap))))
    return digits


def signed(v: float, sig: int = 3) -> str:
    """``v`` with ``sig`` significant digits in fixed-point notation and a sign: ``'+0.0000971'``."""
    if v == 0:
        return "0"
    if not math.isfinite(v):
        return NA
    digits = max(0, sig - 1 - math.floor(math.log10(abs(v))))
    return f"{v:+.{digits}f}"


def percentage_points(d: float) -> str:
    """A difference of shares in percentage points, with enough digits for small changes."""
    if not math.isfinite(d):
        return NA
    return "0 pp" if d == 0 else f"{signed(d * 100)} pp"


def estimate_digits(mean: float, low: float, high: float) -> tuple[str, str, str]:
    """Enough digits to tell an interval's ends apart (two significant digits of its half-width),
    at least six significant ones: ``0.99999871 [0.99999843, 0.99999898]``, not
    ``0.999999 [0.999998, 0.999999]``."""
    hw = (high - low) / 2
    if not (math.isfinite(mean) and math.isfinite(hw) and hw > 0):
        return f"{mean:.6g}", f"{low:.6g}", f"{high:.6g}"
    if mean == 0 or abs(mean) >= 1e-3:
        decimals = 1 - math.floor(math.log10(hw))
        sig = max(6, math.floor(math.log10(abs(mean))) + 1 + decimals) if mean != 0 else 6
        if decimals <= 0 or sig <= 6:
            return f"{mean:.6g}", f"{low:.6g}", f"{high:.6g}"
        decimals = min(decimals, 15)
        return f"{mean:.{decimals}f}", f"{low:.{decimals}f}", f"{high:.{decimals}f}"
    sig = max(3, min(15, math.floor(math.log10(abs(mean))) - math.floor(math.log10(hw)) + 2))
    return f"{mean:.{sig}g}", f"{low:.{sig}g}", f"{high:.{sig}g}"


def nice_int(x: float) -> str:
    """Two significant digits, thousands separated: ``268.7 -> '270'``, ``12345 -> '12,000'``."""
    if x < 10:
        return f"{x:.0f}"
    digits = int(math.floor(math.log10(x))) - 1
    return f"{round(x, -digits):,.0f}"


def one_in(p: float, unit: str) -> str:
    """``' (about 1 year in 270)'`` for rare events, else ``''``."""
    if 0 < p < 0.2:
        return f" (about 1 {unit} in {nice_int(1 / p)})" if not any(ch.isdigit() for ch in unit) else f" (about 1 in {nice_int(1 / p)})"
    return ""


def confidence(c: float) -> str:
    """A confidence level: ``0.95 -> '95%'``, ``0.999 -> '99.9%'``."""
    return f"{c * 100:.10g}%"


def sig(x: float | None, digits: int = 3) -> str:
    """A probability, an importance or a ratio with ``digits`` significant digits:
    ``0.021520 -> '0.0215'``, ``2.1e-07 -> '2.1e-07'``, ``inf -> '∞'``.

    >>> [sig(x) for x in (0.02152, 2.1e-07, 45.25, 1.0, float("inf"))]
    ['0.0215', '2.1e-07', '45.2', '1', '∞']
    """
    if x is None or math.isnan(x):
        return NA
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.{digits}g}"


def number(x: float, sig: int = 3) -> str:
    """A model parameter or a statistic with ``sig`` significant digits, thousands separated:
    ``1.3047 -> '1.3'``, ``11792.2 -> '11,800'``, ``0.00123 -> '0.00123'``.

    >>> [number(x) for x in (1.3047, 11792.2, 0.00123, -76.4369)]
    ['1.3', '11,800', '0.00123', '-76.4']
    """
    if x is None or not math.isfinite(x):
        return NA
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    if mag >= sig - 1:
        return f"{round(x, sig - 1 - mag):,.0f}"
    text = f"{x:.{sig - 1 - mag}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(x: float | None) -> str:
    """An amount of money (no currency: the user's), 3 significant digits with k / M / B:
    ``1234 -> '1.23k'``, ``4.56e6 -> '4.56M'``, ``950 -> '950'``.

    >>> [money(x) for x in (0, 950, 1234, 4.56e6, 7.2e9, 0.5)]
    ['0', '950', '1.23k', '4.56M', '7.2B', '0.5']
    """
    if x is None or not math.isfinite(x):
        return NA
    a = abs(x)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= scale * 0.9995:
            return number(x / scale) + suffix
    return number(x)


def signed_money(x: float) -> str:
    """A difference of money with its sign: ``-1.2e5 -> '-120k'``, ``3000 -> '+3k'``.

    >>> signed_money(-1.2e5), signed_money(3000)
    ('-120k', '+3k')
    """
    return ("+" if x > 0 else "") + money(x)
