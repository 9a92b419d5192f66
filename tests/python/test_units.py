"""Durations with units: rs.hours and the places that use it."""

from __future__ import annotations

import numpy as np
import pytest

import recoverysim as rs

GOOD = [
    ("30s", 30 / 3600),
    ("5m", 5 / 60),
    ("2h", 2.0),
    ("3d", 72.0),
    ("1w", 168.0),
    ("1y", 8760.0),
    ("1.5h", 1.5),
    (" 2 h ", 2.0),
    ("1e3h", 1000.0),
    ("1E2s", 100 / 3600),
    (".5h", 0.5),
    ("+3h", 3.0),
    ("1.5", 1.5),  # no unit: hours
    ("30min", 0.5),
    ("5 sec", 5 / 3600),
    ("2hr", 2.0),
    ("1yr", 8760.0),
    ("2H", 2.0),
    ("1 y", 8760.0),
    (2, 2.0),
    (0, 0.0),
    (1.25, 1.25),
    (np.float64(2.5), 2.5),
    (np.float32(0.5), 0.5),
    (np.int64(3), 3.0),
    (np.array(2.0), 2.0),
]


@pytest.mark.parametrize(("value", "expected"), GOOD, ids=[repr(v) for v, _ in GOOD])
def test_hours_converts(value, expected):
    out = rs.hours(value)
    assert type(out) is float
    assert out == pytest.approx(expected, rel=1e-15)


def test_exact_conversions():
    # The common cases are exact in binary floating point.
    assert rs.hours("30m") == 0.5
    assert rs.hours("90m") == 1.5
    assert rs.hours("1y") == 365 * 24
    assert rs.hours("2w") == 14 * 24
    assert rs.hours("3600s") == 1.0


def test_negative_durations_parse_and_are_rejected_where_a_duration_must_be_positive():
    assert rs.hours("-2h") == -2.0
    with pytest.raises(ValueError, match="mean must be > 0"):
        rs.Exponential("-2h")


BAD = [
    ("5x", ValueError, "unknown time unit 'x'"),
    ("2 hours", ValueError, "unknown time unit 'hours'"),
    ("abc", ValueError, "cannot read 'abc'"),
    ("", ValueError, "cannot read ''"),
    ("   ", ValueError, "cannot read"),
    ("1h30m", ValueError, "cannot read '1h30m'"),
    ("inf", ValueError, "cannot read 'inf'"),
    ("1e400h", ValueError, "finite"),
    (float("inf"), ValueError, "finite"),
    (float("-inf"), ValueError, "finite"),
    (float("nan"), ValueError, "finite"),
    (np.float64("inf"), ValueError, "finite"),
    (None, TypeError, "got NoneType"),
    (True, TypeError, "got a bool"),
    (False, TypeError, "got a bool"),
    ([1], TypeError, "got list"),
    (b"2h", TypeError, "got bytes"),
    (1 + 2j, TypeError, "got complex"),
]


@pytest.mark.parametrize(("value", "exc", "match"), BAD, ids=[repr(v) for v, _, _ in BAD])
def test_hours_errors_name_the_field(value, exc, match):
    with pytest.raises(exc, match=match) as info:
        rs.hours(value, name="mttr")
    assert str(info.value).startswith("mttr: ")


def test_default_field_name():
    with pytest.raises(ValueError, match="^duration: "):
        rs.hours("5x")


def test_error_message_lists_the_units():
    with pytest.raises(ValueError) as info:
        rs.hours("5x", name="horizon")
    for unit in ("s", "m", "h", "d", "w", "y"):
        assert unit in str(info.value)


def test_numpy_bool_is_rejected_like_bool():
    with pytest.raises(TypeError, match="bool"):
        rs.hours(np.bool_(True), name="mttr")


def test_huge_int_is_a_value_error():
    with pytest.raises(ValueError, match="mttr"):
        rs.hours(10**400, name="mttr")


# --- the field name reaches the user through the API --------------------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: rs.Model().component("db-1", mttf="5x", mttr="1h"), "component 'db-1' mttf"),
        (lambda: rs.Model().component("db-1", mttf="1000h", mttr="abc"), "component 'db-1' mttr"),
        (lambda: rs.Weibull(1.5, "3 fortnights"), "Weibull scale"),
        (lambda: rs.Step("detect", "5 mins"), "step 'detect' duration"),
        (lambda: rs.Step("detect", "5m", every="daily"), "step 'detect' every"),
        (lambda: rs.Model().service("s", "x", rto="soon"), "service 's' rto"),
        (lambda: rs.Empirical(["1h", "2q"]), r"Empirical values\[1\]"),
    ],
    ids=["mttf", "mttr", "weibull-scale", "step-duration", "step-every", "service-rto", "empirical-value"],
)
def test_api_errors_name_the_field(call, field):
    with pytest.raises(ValueError, match=field):
        call()


def test_simulate_horizon_with_units():
    m = rs.Model("u")
    m.component("c", failure=rs.Deterministic("100h"), repair=rs.Deterministic("2h"))
    m.service("s", "c")
    a = m.simulate("30d", 3, seed=1, threads=1, progress=False)
    b = m.simulate(720, 3, seed=1, threads=1, progress=False)
    assert a.horizon == b.horizon == 720.0
    assert a.raw == b.raw
