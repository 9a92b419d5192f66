"""Checks of values where they enter: names, counts, durations, probabilities.

Every domain object, the Model facade and the run layer call these, so one kind of bad value
reads the same error wherever it is given. Model files add the path of the field (see
:mod:`recoverysim.io`), on top of the same rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "check_name",
    "check_count",
    "check_positive",
    "check_nonnegative",
    "check_probability",
    "probability_value",
    "probability_literal",
    "PROBABILITY",
]


def check_name(name: Any, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} name must be a string, got {type(name).__name__}")
    if not name.strip():
        raise ValueError(f"{what} name must not be empty")
    return name


def check_count(v: Any, what: str, *, minimum: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {type(v).__name__} {v!r}")
    if v < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {v}")
    return int(v)


def check_positive(v: float, what: str) -> float:
    if v <= 0:
        raise ValueError(f"{what} must be > 0, got {v:g} h")
    return v


def check_nonnegative(v: float, what: str) -> float:
    if v < 0:
        raise ValueError(f"{what} must be >= 0, got {v:g} h")
    return v


PROBABILITY = "a probability (a number from 0 to 1, or a percentage such as '99.9%')"


def probability_value(v: Any) -> float:
    """The probability ``v`` stands for: a number from 0 to 1, or a percentage string
    (``"99.9%"``). Raises ``TypeError`` or ``ValueError`` saying what was expected; the model
    files (:mod:`recoverysim.io`) and the Python API share this rule."""
    if isinstance(v, str) and v.strip().endswith("%"):
        try:
            p = float(v.strip()[:-1]) / 100.0
        except ValueError:
            raise ValueError(f"expected {PROBABILITY}, got {v!r}") from None
    elif isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"expected {PROBABILITY}, got {type(v).__name__} {v!r}")
    else:
        p = float(v)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"expected {PROBABILITY}, got {v!r}")
    return p


def probability_literal(p: float) -> float | int | str:
    """The shortest model-file literal that :func:`probability_value` reads back as exactly ``p``:
    a number when its shortest form reads well (at most 12 characters: ``0.9995``), else the
    shortest percentage that reads back exactly when it is shorter, so a value keeps the form the user wrote it in (``"99.99%"`` is 0.9998999999999999 as a float, and written back
    as ``"99.99%"``; ``0.9999`` stays ``0.9999``).

    >>> probability_literal(probability_value("99.99%"))
    '99.99%'
    >>> probability_literal(0.9999)
    0.9999
    >>> probability_literal(1.0)
    1
    """
    p = float(p)
    number: float | int = int(p) if p.is_integer() else p
    best: float | int | str = number
    for digits in range(1, 18):
        text = f"{100 * p:.{digits}g}"
        if "e" in text:
            continue
        candidate = f"{text}%"
        if probability_value(candidate) == p:
            if len(repr(number)) > 12 and len(candidate) < len(repr(number)):
                best = candidate
            break
    return best


def check_probability(p: Any, what: str) -> float:
    """:func:`probability_value`, with ``what`` (the field) at the start of any error."""
    try:
        return probability_value(p)
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None
    except ValueError as e:
        raise ValueError(f"{what}: {e}") from None
