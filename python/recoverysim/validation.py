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
    "check_flag",
    "check_priority",
    "MAX_PRIORITY",
    "check_names",
    "check_optional_name",
    "check_nesting",
    "check_levels",
    "check_weight",
    "check_demand",
    "weight_threshold",
    "PROBABILITY",
    "INT32_MAX",
    "MAX_NESTING",
    "MAX_REQUIREMENT_NODES",
    "MAX_REPLICATIONS",
    "MAX_THREADS",
    "MAX_FILE_BYTES",
    "MAX_FILE_VALUES",
    "MAX_TRACE_EVENTS",
    "MAX_EVENTS_PER_REPLICATION",
]

# Bounds on what one value may ask of the machine; each is far above any real model and far
# below what would exhaust memory or never end. docs/semantics.md ("Bounds") explains each.
INT32_MAX = 2**31 - 1  # crew sizes and attempt counts are 32-bit integers in the engine
MAX_NESTING = 64  # levels of nested requirement groups (and of nested values in a model file)
MAX_REQUIREMENT_NODES = 100_000  # requirement nodes of one service, a shared group counted each time
MAX_REPLICATIONS = 10**12  # replications of one run (streamed runs hold fixed-size aggregates)
MAX_THREADS = 1024  # the engine's cap (_core.max_threads())
MAX_FILE_BYTES = 64 * 2**20  # a model file
MAX_FILE_VALUES = 2_000_000  # values in a model file, YAML aliases counted as expanded
MAX_TRACE_EVENTS = 2_000_000  # events of one trace (about 400 bytes each in Python)
MAX_PRIORITY = 10**6  # crew priorities are integers in [-MAX_PRIORITY, MAX_PRIORITY]
MAX_EVENTS_PER_REPLICATION = 1e9  # a run expected to need more asks for confirm_long_run=True


def _short(v: Any) -> str:
    """A value shown in a message, cut short (a 400-digit integer is not worth printing)."""
    text = repr(v) if not isinstance(v, int) or abs(v) < 10**30 else f"a {len(str(abs(v)))}-digit integer"
    return text if len(text) <= 80 else text[:77] + "..."


def check_name(name: Any, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} name must be a string, got {type(name).__name__}")
    if not name.strip():
        raise ValueError(f"{what} name must not be empty")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} name {name!r} is not valid text (it holds a lone surrogate)") from None
    return name


def check_optional_name(name: Any, what: str) -> str | None:
    """``None`` or a name (a crew, an escalation procedure, a failure mode)."""
    return None if name is None else check_name(name, what)


def check_names(v: Any, what: str) -> list[str]:
    """A list of names; a lone string is refused (``tags='eu'`` is not the list ``['e', 'u']``)."""
    if isinstance(v, str) or not isinstance(v, (list, tuple)):
        raise TypeError(f"{what} must be a list of names, got {type(v).__name__} {_short(v)}")
    return [check_name(x, what) for x in v]


def check_count(v: Any, what: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {type(v).__name__} {_short(v)}")
    if v < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {_short(int(v))}")
    if maximum is not None and v > maximum:
        raise ValueError(f"{what} must be <= {maximum:,}, got {_short(int(v))}")
    return int(v)


def check_priority(v: Any, what: str) -> int | None:
    """A crew priority: an integer (higher is served first) or None (inherited)."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{what}: priority must be an integer (higher is served first), got {_short(v)}")
    if not -MAX_PRIORITY <= int(v) <= MAX_PRIORITY:
        raise ValueError(f"{what}: priority must be in [-{MAX_PRIORITY}, {MAX_PRIORITY}], got {_short(v)}")
    return int(v)


def check_flag(v: Any, what: str) -> bool:
    """A yes/no option: ``True`` or ``False`` only (``'no'`` is a non-empty string, hence true)."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    raise TypeError(f"{what} must be True or False, got {type(v).__name__} {_short(v)}")


def check_nesting(depth: int, nodes: int, what: str) -> None:
    """Refuse a requirement nested deeper than :data:`MAX_NESTING` or larger than
    :data:`MAX_REQUIREMENT_NODES` (a group used n times counts n times)."""
    if depth > MAX_NESTING:
        raise ValueError(f"{what} is nested {depth} levels deep; at most {MAX_NESTING} are allowed")
    if nodes > MAX_REQUIREMENT_NODES:
        raise ValueError(
            f"{what} has {nodes:,} nodes (shared groups counted each time they are used); at most {MAX_REQUIREMENT_NODES:,} are allowed"
        )


def check_levels(q: Any, what: str = "q") -> np.ndarray:
    """Quantile levels: numbers from 0 to 1 (one or an array of them)."""
    try:
        qs = np.asarray(q, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{what} must be quantile levels from 0 to 1, got {_short(q)}") from None
    if not np.all((qs >= 0) & (qs <= 1)):
        raise ValueError(f"{what} must be quantile levels from 0 to 1, got {_short(q)}")
    return qs


def check_positive(v: float, what: str) -> float:
    if not v > 0:
        raise ValueError(f"{what} must be > 0, got {v:g} h")
    return v


def check_nonnegative(v: float, what: str) -> float:
    if not v >= 0:
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
        try:
            p = float(v)
        except OverflowError:  # an integer of hundreds of digits
            raise ValueError(f"expected {PROBABILITY}, got {_short(v)}") from None
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


def check_weight(v: Any, what: str) -> float:
    """A weight (stake, votes, capacity share): a finite number >= 0."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} must be a number >= 0, got {type(v).__name__} {_short(v)}")
    try:
        w = float(v)
    except OverflowError:
        raise ValueError(f"{what} must be a finite number >= 0, got {_short(v)}") from None
    if not (np.isfinite(w) and w >= 0):
        raise ValueError(f"{what} must be a finite number >= 0, got {_short(v)}")
    return w


def check_demand(v: Any, what: str) -> tuple[float, ...]:
    """A demand: one number >= 0 (constant) or 168 (one per hour of the week, hour 0 = the start
    of the run), not all 0."""
    values = [v] if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) else v
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{what} must be a number or 168 numbers (one per hour of the week), got {type(v).__name__}")
    if len(values) not in (1, 168):
        raise ValueError(f"{what} must be one number or 168 (one per hour of the week), got {len(values)} values")
    out = tuple(check_weight(x, f"{what}[{i}]" if len(values) > 1 else what) for i, x in enumerate(values))
    if not any(out):
        raise ValueError(f"{what} is 0 at every hour")
    return out


WEIGHT_THRESHOLD = "a weight (a number) or a share of the total weight ('2/3' or '66.7%')"


def weight_threshold(v: Any, total: float, what: str) -> float:
    """The absolute weight a weighted requirement's threshold stands for: a number is a weight,
    a string ``"a/b"`` or ``"x%"`` is that share of ``total`` (the members' summed weights).

    >>> weight_threshold("2/3", 120.0, "t"), weight_threshold("50%", 10.0, "t"), weight_threshold(7, 10.0, "t")
    (80.0, 5.0, 7.0)
    """
    if isinstance(v, str):
        text = v.strip()
        try:
            num, den = (text[:-1], "100") if text.endswith("%") else text.split("/")
            a, b = float(num), float(den)
            share = a / b
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{what}: expected {WEIGHT_THRESHOLD}, got {v!r}") from None
        if not (np.isfinite(share) and 0.0 <= share <= 1.0):
            raise ValueError(f"{what}: a share of the total weight must be from 0 to 1, got {v!r}")
        return a * total / b  # 2/3 of 120 is 80.0 exactly, not 79.99999999999999
    try:
        return check_weight(v, what)
    except TypeError:
        raise TypeError(f"{what}: expected {WEIGHT_THRESHOLD}, got {type(v).__name__} {_short(v)}") from None


def check_probability(p: Any, what: str) -> float:
    """:func:`probability_value`, with ``what`` (the field) at the start of any error."""
    try:
        return probability_value(p)
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None
    except ValueError as e:
        raise ValueError(f"{what}: {e}") from None
