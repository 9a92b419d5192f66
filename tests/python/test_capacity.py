"""Capacity and demand: ``m.service(name, rs.capacity({member: capacity}), demand=..., down_below=...)``.

Exact answers for independent identical servers (each its own repair): the number up is
Binomial(n, a) with a = MTTF / (MTTF + MTTR), the capacity up is c * j, and with demand d

    served(j)  = min(1, c j / d)
    P(full)    = P(c j >= d)
    P(down)    = P(c j < f d)       (f = down_below; by default: P(j = 0))
    P(degr.)   = 1 - P(full) - P(down)
    unserved   = E[1 - served(J)]   (share of the demand; demand-weighted over hours of the week
                                     for a profile: sum_h d_h E[1 - served_h] / sum_h d_h)

Hours per year are shares of time x 8760. The simulation starts with every server up, so over a
finite horizon it sees slightly less trouble than the steady state; the tolerances include that
start-up bias explicitly (see check()).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import recoverysim as rs

MTTF, MTTR, CAP, N = 100.0, 25.0, 250.0, 4
A = MTTF / (MTTF + MTTR)
HORIZON = 2 * 8760.0
TAU = 1 / (1 / MTTF + 1 / MTTR)  # relaxation time of one server's two-state chain


def binom(j: int) -> float:
    return math.comb(N, j) * A**j * (1 - A) ** (N - j)


def fleet(demand: object, down_below: object = None) -> rs.Model:
    m = rs.Model("rpc")
    for i in range(N):
        m.component(f"rpc-{i}", mttf=MTTF, mttr=MTTR)
    m.service("rpc", rs.capacity({f"rpc-{i}": CAP for i in range(N)}), demand=demand, down_below=down_below)
    return m


def exact_answers(demands: list[float], f: float = 0.0) -> dict[str, float]:
    full = down = unserved = 0.0
    for d in demands:
        for j in range(N + 1):
            c = CAP * j
            if (c < f * d) if f > 0 else j == 0:
                down += binom(j)
            elif c >= d:
                full += binom(j)
            unserved += binom(j) * d * (1 - min(1.0, c / d))
    n = len(demands)
    return {"p_full": full / n, "p_down": down / n, "p_degraded": 1 - (full + down) / n, "unserved": unserved / sum(demands)}


def check(sim: np.ndarray, exact: float, what: str) -> None:
    """|mean - exact| < 4 standard errors + the start-up bias bound.

    Bias: one server started up has time-averaged P(down) over [0, T] equal to
    (1 - a)(1 - tau/T (1 - e^{-T/tau})), off the steady state by at most (1 - a) tau / T in total
    variation; the joint distribution of N independent servers is off by at most the sum,
    N (1 - a) tau / T, and so is any expectation of a quantity between 0 and 1."""
    se = sim.std(ddof=1) / math.sqrt(len(sim))
    bias = N * (1 - A) * TAU / HORIZON
    assert abs(sim.mean() - exact) < 4 * se + bias, (what, sim.mean(), exact, se, bias)


@pytest.mark.parametrize(("down_below", "f"), [(None, 0.0), ("50%", 0.5)], ids=["down-when-empty", "down-below-50%"])
def test_four_server_fleet_exact_and_simulated(down_below: object, f: float) -> None:
    """Four servers of 250 against a demand of 600: full with 3 or 4 up (750, 1000), degraded
    with 1 or 2 (250/600, 500/600 served), down with 0 (or, with down_below 50%, below 300:
    with 0 or 1 up)."""
    ex = exact_answers([600.0], f)
    # The closed forms, spelled out once: P(full) = P(J >= 3).
    assert math.isclose(ex["p_full"], binom(3) + binom(4))
    assert math.isclose(ex["unserved"], binom(0) + binom(1) * (1 - 250 / 600) + binom(2) * (1 - 500 / 600))
    m = fleet(600, down_below)
    twin = m.exact().capacity("rpc")
    for k in ("p_full", "p_down", "p_degraded", "unserved"):
        assert math.isclose(twin[k], ex[k], rel_tol=1e-9, abs_tol=1e-14), k
    # The service's availability is the share of time not down.
    assert math.isclose(m.exact().availability("rpc"), 1 - ex["p_down"], rel_tol=1e-9)
    res = m.simulate(horizon=HORIZON, replications=300, seed=5)
    h = res.capacity_hours("rpc")
    assert np.allclose(h.sum(axis=1), HORIZON, rtol=1e-12)
    check(h["full"].to_numpy() / HORIZON, ex["p_full"], "full")
    check(h["degraded"].to_numpy() / HORIZON, ex["p_degraded"], "degraded")
    check(h["down"].to_numpy() / HORIZON, ex["p_down"], "down")
    # Down hours are exactly the service's downtime (no maintenance here).
    assert np.allclose(h["down"].to_numpy(), res.downtime("rpc"), rtol=1e-12, atol=1e-9)
    per_rep = res.raw.service_unserved[:, 0] / res.raw.service_demand[:, 0]
    check(per_rep, ex["unserved"], "unserved")
    u = res.unserved_fraction("rpc")
    assert u.low <= u.mean <= u.high
    assert math.isclose(u.mean, res.raw.service_unserved[:, 0].sum() / res.raw.service_demand[:, 0].sum())
    # Hours per year for people: degraded = 8760 x P(1 or 2 up).
    assert math.isclose(8760 * ex["p_degraded"], 8760 * (binom(1) + binom(2) if f == 0 else binom(2)), rel_tol=1e-12)


def weekly_profile() -> list[float]:
    """400 at night, 900 from 12:00 to 20:00 on weekdays (hour 0 = Monday 00:00 = start)."""
    return [900.0 if (h // 24) < 5 and 12 <= h % 24 < 20 else 400.0 for h in range(168)]


def test_weekly_demand_profile() -> None:
    """A weekly profile: at 400 two servers are enough (full with j >= 2), at the 900 peak all
    four are needed (full only with j = 4). The exact answer averages the hours of the week."""
    prof = weekly_profile()
    ex = exact_answers(prof)
    peak_hours = sum(1 for d in prof if d == 900)
    assert peak_hours == 40
    p_full = ((168 - 40) * sum(binom(j) for j in (2, 3, 4)) + 40 * binom(4)) / 168
    assert math.isclose(ex["p_full"], p_full)
    m = fleet(prof)
    twin = m.exact().capacity("rpc")
    for k in ("p_full", "p_down", "p_degraded", "unserved"):
        assert math.isclose(twin[k], ex[k], rel_tol=1e-9, abs_tol=1e-14), k
    res = m.simulate(horizon=HORIZON, replications=300, seed=9)
    h = res.capacity_hours("rpc")
    check(h["full"].to_numpy() / HORIZON, ex["p_full"], "full")
    check(h["degraded"].to_numpy() / HORIZON, ex["p_degraded"], "degraded")
    check(res.raw.service_unserved[:, 0] / res.raw.service_demand[:, 0], ex["unserved"], "unserved")
    # The demand-hours of a run are the profile's, whatever happened: 104 full weeks + 32 h.
    weeks, rest = divmod(HORIZON, 168)
    assert np.allclose(res.raw.service_demand[:, 0], weeks * sum(prof) + sum(prof[: int(rest)]), rtol=1e-12)


def test_weekly_profile_with_down_below() -> None:
    """down_below with a weekly profile: the service is down while c j < f d_h, the threshold of
    the hour. With the 400 / 900 profile and f = 50 %: down with j = 0 at 400 (threshold 200)
    and with j <= 1 at the 900 peak (threshold 450), so by hand

        P(down) = (128 P(0) + 40 (P(0) + P(1))) / 168

    (0.77 % against 0.16 % if only an empty fleet counted as down). The service's own downtime
    counts from the same threshold, so downtime / horizon estimates the same share."""
    prof = weekly_profile()
    ex = exact_answers(prof, 0.5)
    p_down = (128 * binom(0) + 40 * (binom(0) + binom(1))) / 168
    assert math.isclose(ex["p_down"], p_down, rel_tol=1e-12)
    m = fleet(prof, "50%")
    res = m.simulate(horizon=HORIZON, replications=300, seed=12)
    h = res.capacity_hours("rpc")
    check(h["down"].to_numpy() / HORIZON, p_down, "down")
    check(h["full"].to_numpy() / HORIZON, ex["p_full"], "full")
    check(h["degraded"].to_numpy() / HORIZON, ex["p_degraded"], "degraded")
    check(res.raw.service_unserved[:, 0] / res.raw.service_demand[:, 0], ex["unserved"], "unserved")
    check(res.downtime("rpc") / HORIZON, p_down, "downtime")
    assert res.downtime("rpc").mean() > 3 * binom(0) * HORIZON  # more than an empty fleet alone
    with pytest.raises(ValueError, match="weekly demand profile makes its state depend on the hour"):
        m.exact()


def test_weekly_down_threshold_changes_at_the_hour() -> None:
    """Two servers of capacity 1; demand 2, or 3.5 from hour 10 to 12 of each day; down below
    50 % (threshold 1, or 1.75). Server b fails at 0.001 h for good and a never fails, so the
    capacity up is 1: degraded (1 >= 1) except while the demand is 3.5 (1 < 1.75), when it is
    down: two hours a day, 14 h and 7 outages a week, each begun and ended by the hour."""
    m = rs.Model()
    m.component("a", mttf=1e9, mttr=1)
    m.component("b", failure=rs.Deterministic(0.001), repair=rs.Deterministic(1e6))
    prof = [3.5 if 10 <= h % 24 < 12 else 2.0 for h in range(168)]
    m.service("s", rs.capacity({"a": 1.0, "b": 1.0}), demand=prof, down_below="50%")
    res = m.simulate(horizon=168, replications=3, seed=1)
    assert np.allclose(res.downtime("s"), 14.0)
    assert (res.outage_counts("s") == 7).all()
    assert np.allclose(res.capacity_hours("s")["down"], 14.0)
    assert np.allclose(res.capacity_hours("s")["degraded"], 168 - 14 - 0.001)
    tr = m.trace(seed=1, horizon=48)
    assert list(tr[tr.event == "service_down"].time_h) == [10.0, 34.0]
    assert list(tr[tr.event == "service_up"].time_h) == [12.0, 36.0]
    assert list(tr[tr.event == "demand_threshold"].time_h) == [10.0, 12.0, 34.0, 36.0]


def test_weekly_threshold_above_the_capacity_names_the_hour() -> None:
    m = rs.Model()
    m.component("a", mttf=10, mttr=1)
    prof = [1.0] * 30 + [5.0] + [1.0] * 137
    with pytest.raises(ValueError, match="down_below: 50% of the demand 5 at hour 30 of the week is more than the whole capacity 1"):
        m.service("s", rs.capacity({"a": 1.0}), demand=prof, down_below="50%")


def test_profile_reproducible_across_threads() -> None:
    m = fleet(weekly_profile())
    a = m.simulate(horizon=4000, replications=40, seed=2, threads=1)
    b = m.simulate(horizon=4000, replications=40, seed=2, threads=3)
    for k in ("service_full_time", "service_degraded_time", "service_unserved"):
        assert np.array_equal(getattr(a.raw, k), getattr(b.raw, k))


YAML = """
name: rpc
components:
  rpc-1: {mttf: 100h, mttr: 25h}
  rpc-2: {mttf: 100h, mttr: 25h}
  rpc-3: {mttf: 100h, mttr: 25h}
  rpc-4: {mttf: 100h, mttr: 25h}
services:
  rpc:
    requires: {capacity: {rpc-1: 250, rpc-2: 250, rpc-3: 250, rpc-4: 250}}
    demand: 600
    down_below: 50%
"""


def test_model_file_round_trip() -> None:
    m = rs.loads(YAML)
    s = m.services["rpc"]
    assert s.demand == (600.0,) and s.down_below == 0.5
    assert math.isclose(m.exact().capacity("rpc")["p_full"], binom(3) + binom(4))
    again = rs.loads(rs.io.dumps(m))
    assert again.services["rpc"].requirement == s.requirement
    assert again.services["rpc"].demand == s.demand and again.services["rpc"].down_below == 0.5
    p = fleet(weekly_profile())
    assert rs.loads(rs.io.dumps(p)).services["rpc"].demand == tuple(weekly_profile())


@pytest.mark.parametrize(
    ("service", "field", "message"),
    [
        ("{requires: {capacity: {a: -1}}, demand: 5}", "capacity.a", ">= 0"),
        ("{requires: {capacity: {a: 1}}, demand: [1, 2, 3]}", "demand", "168 values"),
        ("{requires: {capacity: {a: 1}}, demand: -4}", "demand", ">= 0"),
        ("{requires: {capacity: {a: 1}}}", "rpc", "needs a demand"),
        ("{requires: a, demand: 5}", "rpc", "rs.capacity"),
        ("{requires: {capacity: {a: 1}}, demand: 5, down_below: 50%}", "down_below", "could never be up"),
    ],
    ids=["negative-capacity", "profile-length", "negative-demand", "no-demand", "not-capacity", "threshold-above-capacity"],
)
def test_bad_input_names_the_field(service: str, field: str, message: str) -> None:
    text = f"components:\n  a: {{mttf: 10h, mttr: 1h}}\nservices:\n  rpc: {service}\n"
    with pytest.raises(rs.ModelFileError) as e:
        rs.loads(text)
    assert field in str(e.value)
    assert message in str(e.value)


def test_results_without_demand_refuse_capacity_questions() -> None:
    m = rs.Model()
    m.component("a", mttf=10, mttr=1)
    m.service("s", "a")
    with pytest.raises(ValueError, match="has no demand"):
        m.simulate(horizon=10, replications=2, seed=1).unserved_fraction("s")


def test_report_html_summary_and_plot_show_capacity() -> None:
    """The same numbers everywhere: the summary's hours are the means of capacity_hours, the
    report and HTML print them, and the stacked plot's bars are the shares of the horizon."""
    from recoverysim import _html

    m = fleet(600, "50%")
    res = m.simulate(horizon=8760, replications=60, seed=4)
    h = res.capacity_hours("rpc").mean()
    row = res.summary().loc["rpc"]
    assert math.isclose(row["full_h"], h["full"]) and math.isclose(row["down_h"], h["down"])
    assert math.isclose(row["unserved_share"], float(res.unserved_fraction("rpc")))
    text = res.report()
    assert "capacity          full" in text and "demand unserved" in text
    assert "of demand unserved" in _html.results_html(res)
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from recoverysim import plot

    ax = plot.capacity(res)
    widths = [p.get_width() for p in ax.patches]
    assert np.allclose(widths, [h["full"] / 8760, h["degraded"] / 8760, h["down"] / 8760])
    with pytest.raises(ValueError, match="has no demand"):
        plot.capacity(res, ["nope"])
