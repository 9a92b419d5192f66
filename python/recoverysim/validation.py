"""Checks of values where they enter: names, counts, durations, probabilities.

Every domain object, the Model facade and the run layer call these, so one kind of bad value
reads the same error wherever it is given. Model files add the path of the field (see
:mod:`recoverysim.io`), on top of the same rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["check_name", "check_count", "check_positive", "check_nonnegative", "check_probability"]


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


def check_probability(p: Any, what: str) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"{what}: expected a probability (a number in [0, 1]), got {type(p).__name__}")
    p = float(p)
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"{what}: probability must be in [0, 1], got {p:g}")
    return p
