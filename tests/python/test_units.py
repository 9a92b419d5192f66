"""Durations with units: rs.hours and the places that use it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import recoverysim as rs
from recoverysim.units import UNITS

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
    ("2 fortnights", ValueError, "unknown time unit 'fortnights'"),
    ("P1M", ValueError, "months"),
    ("P1Y2M", ValueError, "months"),
    ("PT", ValueError, "cannot read 'PT'"),
    ("P", ValueError, "cannot read 'P'"),
    ("P1DT", ValueError, "cannot read 'P1DT'"),
    ("PT1H30", ValueError, "cannot read 'PT1H30'"),
    ("3M", ValueError, "ambiguous"),
    (np.timedelta64("NaT"), ValueError, "finite"),
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


def test_error_message_lists_exactly_what_is_accepted():
    """Every unit name the parser knows is in the message, and every word of the message's unit
    list is a unit the parser knows (no more, no less)."""
    with pytest.raises(ValueError) as info:
        rs.hours("5x", name="horizon")
    message = str(info.value)
    listed = message[message.index("a number with a unit (") + len("a number with a unit (") : message.index("; case-insensitive")]
    words = [w.strip() for group in listed.split(";") for w in group.split(",")]
    assert sorted(words) == sorted(UNITS)
    for w in words:
        assert rs.hours(f"2 {w}") == 2 * UNITS[w]
        assert rs.hours(f"2{w.upper()}" if w != "m" else "2m") == 2 * UNITS[w]
    for form in ("PT30M", "P1D", "datetime.timedelta", "pandas.Timedelta", "numpy.timedelta64", "'M'"):
        assert form in message


LONG_AND_ISO = [
    ("2 hours", 2.0),
    ("30 minutes", 0.5),
    ("1 minute", 1 / 60),
    ("90 mins", 1.5),
    ("45 seconds", 45 / 3600),
    ("1 second", 1 / 3600),
    ("3 days", 72.0),
    ("1 day", 24.0),
    ("2 weeks", 336.0),
    ("1 year", 8760.0),
    ("2 Years", 17520.0),
    ("4 hrs", 4.0),
    ("PT30M", 0.5),
    ("PT1H30M", 1.5),
    ("P1D", 24.0),
    ("P1DT2H30M", 26.5),
    ("P2W", 336.0),
    ("P1Y", 8760.0),
    ("PT0.5S", 0.5 / 3600),
    ("PT0,5H", 0.5),
    ("pt15m", 0.25),
    (" PT45S ", 45 / 3600),
    (dt.timedelta(minutes=30), 0.5),
    (dt.timedelta(days=1, hours=2), 26.0),
    (dt.timedelta(seconds=1), 1 / 3600),
    (pd.Timedelta("30min"), 0.5),
    (pd.Timedelta(days=365), 8760.0),
    (pd.Timedelta("1h") * 1.5, 1.5),
    (np.timedelta64(30, "m"), 0.5),
    (np.timedelta64(2, "h"), 2.0),
    (np.timedelta64(90, "s"), 90 / 3600),
]


@pytest.mark.parametrize(("value", "expected"), LONG_AND_ISO, ids=[repr(v) for v, _ in LONG_AND_ISO])
def test_long_names_iso_and_time_deltas(value, expected):
    out = rs.hours(value)
    assert type(out) is float
    assert out == pytest.approx(expected, rel=1e-15)


def test_the_same_duration_written_five_ways():
    assert {rs.hours(v) for v in ("90m", "1.5h", "90 minutes", "PT1H30M", dt.timedelta(minutes=90))} == {1.5}


def test_time_deltas_reach_the_engine_through_the_api():
    m = rs.Model("td")
    m.component("c", failure=rs.Deterministic(dt.timedelta(hours=100)), repair=rs.Step("fix", pd.Timedelta("2h")))
    m.shock("storm", every=dt.timedelta(days=365), targets=["c"], outage=np.timedelta64(30, "m"))
    assert m.shocks["storm"].every.mean == 8760.0 and m.shocks["storm"].outage.mean == 0.5
    m.service("s", "c", rto=pd.Timedelta("1h"))
    a = m.simulate(pd.Timedelta(days=30), 3, seed=1, threads=1, progress=False)
    m2 = rs.Model("td")
    m2.component("c", failure=rs.Deterministic("100 hours"), repair=rs.Step("fix", "PT2H"))
    m2.shock("storm", every="1 year", targets=["c"], outage="30 minutes")
    m2.service("s", "c", rto="1h")
    b = m2.simulate("30 days", 3, seed=1, threads=1, progress=False)
    assert a.horizon == b.horizon == 720.0
    assert a.raw == b.raw


def test_model_files_accept_long_names_and_iso():
    m = rs.loads("components: {c: {mttf: 2000 hours, mttr: PT30M}}\nservices: {s: {requires: c, rto: 15 minutes}}")
    assert m.components["c"].modes[0].failure.mean == 2000.0
    assert m.services["s"].rto == 0.25


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
        (lambda: rs.Step("detect", "5 minuts"), "step 'detect' duration"),
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
