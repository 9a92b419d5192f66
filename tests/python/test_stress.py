"""Stress periods: failure rates multiplied during calendar windows or while a group is degraded.

Exact answers
-------------
(1) Calendar stress on one exponential component (failure rate lambda while up, repair rate mu,
no crew). The state is up/down; during a window the failure rate is f * lambda. Over a piece of
constant rates the probabilities evolve as p(t) = p(0) expm(Q t), with

    Q = [[-lam, lam], [mu, -mu]]            (lam = lambda or f * lambda)

and the integral of p over the piece is p(0) (integral_0^T expm(Q s) ds), which is the top-right
block of expm([[Q T, I T], [0, 0]]) (Van Loan 1978). Starting from "up" at t = 0 and chaining the
pieces of every week gives the exact expected up time E[U] and expected failures
E[N] = sum over pieces of lam * (integral of p_up) over the horizon. The simulation must agree
within 4.5 standard errors (the standard error from the replications' spread).

(2) A 2-of-3 group whose members (failure rate lambda, repair mu each, independent repairs) fail
f times faster while the group is degraded (up, not whole: exactly two members up). The number
of members up is a birth-death chain:

    3 -> 2 at 3 lambda,   2 -> 1 at 2 f lambda,   1 -> 0 at lambda   (1 up: down, not degraded)
    n -> n + 1 at (3 - n) mu

    pi_2 = pi_3 * 3 lambda / mu,  pi_1 = pi_2 * 2 f lambda / (2 mu),  pi_0 = pi_1 * lambda / (3 mu)

availability A = pi_3 + pi_2; outage frequency = pi_2 * 2 f lambda; mean outage (1 - A) / freq.
The engine's exact chain (Model.exact) must give these numbers to rounding, and the simulation
must agree with them within 4.5 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg

import recoverysim as rs
from recoverysim.exact import component_availability

WEEK = 168.0


def integral_expm(q: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """(expm(Q t), integral_0^t expm(Q s) ds) by Van Loan's block matrix."""
    n = q.shape[0]
    big = np.zeros((2 * n, 2 * n))
    big[:n, :n] = q * t
    big[:n, n:] = np.eye(n) * t
    e = scipy.linalg.expm(big)
    return e[:n, :n], e[:n, n:]


def exact_calendar(lam: float, mu: float, f: float, pieces: list[tuple[float, bool]]) -> tuple[float, float]:
    """Expected up time and expected failures over consecutive pieces (duration, stressed),
    starting up."""
    p = np.array([1.0, 0.0])
    up = failures = 0.0
    for d, stressed in pieces:
        rate = lam * (f if stressed else 1.0)
        q = np.array([[-rate, rate], [mu, -mu]])
        e, integ = integral_expm(q, d)
        occupied = p @ integ
        up += occupied[0]
        failures += rate * occupied[0]
        p = p @ e
    return up, failures


def weekly_pieces(windows: list[tuple[float, float]], weeks: int) -> list[tuple[float, bool]]:
    """The pieces of `weeks` weeks with stress during the sorted, disjoint windows."""
    one: list[tuple[float, bool]] = []
    t = 0.0
    for a, b in windows:
        if a > t:
            one.append((a - t, False))
        one.append((b - a, True))
        t = b
    if t < WEEK:
        one.append((WEEK - t, False))
    return one * weeks


def single(mttf: float = 100.0, mttr: float = 4.0) -> rs.Model:
    m = rs.Model("stressed")
    m.component("engine", mttf=mttf, mttr=mttr, tags={"role": "matching"})
    m.service("s", "engine")
    return m


def agree(sim: np.ndarray, exact: float, k: float = 4.5) -> None:
    se = sim.std(ddof=1) / math.sqrt(len(sim))
    assert abs(sim.mean() - exact) < k * se, (sim.mean(), exact, se)


# --- (1) calendar stress on one component: the time-inhomogeneous chain -------------------------


def test_weekly_stress_matches_the_periodic_chain() -> None:
    lam, mu, f = 1 / 100.0, 1 / 4.0, 5.0
    m = single()
    m.stress("volatility", factor=f, targets={"role": "matching"}, hours=["mon-fri 13:00-21:00"])
    weeks = 52
    horizon = weeks * WEEK
    windows = [(24.0 * d + 13, 24.0 * d + 21) for d in range(5)]
    up, failures = exact_calendar(lam, mu, f, weekly_pieces(windows, weeks))
    res = m.simulate(horizon=horizon, replications=400, seed=11)
    agree(res.failures("engine").astype(float), failures)
    agree(horizon - res.downtime("s"), up)
    # The stress matters: without it the failures would be far fewer (about 84 against 157).
    _, calm = exact_calendar(lam, mu, 1.0, weekly_pieces(windows, weeks))
    assert failures > 1.8 * calm


def test_week_origin_shifts_the_windows() -> None:
    # With origin 13 (t = 0 is Monday 13:00) the window 'mon 13:00-21:00' is [0, 8) of each week.
    lam, mu, f = 1 / 50.0, 1 / 2.0, 8.0
    m = single(50.0, 2.0)
    m.stress("open", factor=f, targets="engine", hours=["mon 13:00-21:00"], origin=13)
    weeks = 26
    up, failures = exact_calendar(lam, mu, f, weekly_pieces([(0.0, 8.0)], weeks))
    res = m.simulate(horizon=weeks * WEEK, replications=400, seed=3)
    agree(res.failures("engine").astype(float), failures)


def test_one_off_periods_match_the_chain() -> None:
    lam, mu, f = 1 / 100.0, 1 / 4.0, 10.0
    m = single()
    m.stress("launch", factor=f, targets=["engine"], periods=[("100h", "200h"), ("500h", "600h")])
    pieces = [(100.0, False), (100.0, True), (300.0, False), (100.0, True), (400.0, False)]
    up, failures = exact_calendar(lam, mu, f, pieces)
    res = m.simulate(horizon=1000, replications=2000, seed=5)
    agree(res.failures("engine").astype(float), failures)
    agree(1000 - res.downtime("s"), up)


def test_stresses_on_one_component_multiply() -> None:
    # Two always-overlapping stresses (factors 2 and 3) act as one of factor 6.
    lam, mu = 1 / 100.0, 1 / 4.0
    m = single()
    m.stress("a", factor=2, targets="engine", periods=[(0, 500)])
    m.stress("b", factor=3, targets="engine", periods=[(0, 500)])
    up, failures = exact_calendar(lam, mu, 6.0, [(500.0, True), (500.0, False)])
    res = m.simulate(horizon=1000, replications=2000, seed=8)
    agree(res.failures("engine").astype(float), failures)


def test_factor_one_changes_nothing_bit_for_bit() -> None:
    # Boundaries draw nothing, and a rate that does not change reschedules nothing.
    m = rs.examples.load("exchange")
    base = m.simulate(horizon="1y", replications=40, seed=2)
    v = m.copy()
    v.stress("noop", factor=1.0, targets=list(v.components), hours=["mon-fri 09:00-17:00"])
    same = v.simulate(horizon="1y", replications=40, seed=2)
    for s in m.services:
        assert np.array_equal(base.downtime(s), same.downtime(s))
        assert np.array_equal(base.outage_counts(s), same.outage_counts(s))


def test_calendar_stress_is_refused_by_the_exact_chain() -> None:
    m = single()
    m.stress("volatility", factor=3, targets="engine", hours=["mon-fri 13:00-21:00"])
    with pytest.raises(ValueError, match="stress 'volatility': calendar windows make the rates depend on time"):
        m.exact()


# --- (2) stress while a 2-of-3 group is degraded: the birth-death chain -------------------------


def quorum(f: float, lam: float, mu: float) -> rs.Model:
    m = rs.Model("rpc")
    for i in range(3):
        m.component(f"n{i}", mttf=1 / lam, mttr=1 / mu, tags={"role": "rpc"})
    m.service("rpc", rs.k_of_n(2, "n0", "n1", "n2"))
    m.stress("peak-load", factor=f, targets={"role": "rpc"}, while_degraded="rpc")
    return m


def birth_death(f: float, lam: float, mu: float) -> tuple[float, float]:
    p3 = 1.0
    p2 = p3 * 3 * lam / mu
    p1 = p2 * 2 * f * lam / (2 * mu)
    p0 = p1 * lam / (3 * mu)
    z = p3 + p2 + p1 + p0
    a = (p3 + p2) / z
    return a, p2 / z * 2 * f * lam


def test_degraded_stress_in_the_exact_chain() -> None:
    f, lam, mu = 4.0, 1 / 200.0, 1 / 10.0
    a, freq = birth_death(f, lam, mu)
    ex = quorum(f, lam, mu).exact()
    assert ex.availability("rpc") == pytest.approx(a, rel=1e-10)
    assert ex.failure_frequency("rpc") == pytest.approx(freq, rel=1e-10)
    assert ex.mean_outage_duration("rpc") == pytest.approx((1 - a) / freq, rel=1e-9)
    # and the stress matters: unstressed the group is more available
    a1, _ = birth_death(1.0, lam, mu)
    assert a < a1 - 0.003


def test_degraded_stress_in_the_simulation() -> None:
    f, lam, mu = 4.0, 1 / 200.0, 1 / 10.0
    a, freq = birth_death(f, lam, mu)
    horizon = 20_000.0
    res = quorum(f, lam, mu).simulate(horizon=horizon, replications=300, seed=21)
    # Starting whole biases the mean by at most the relaxation time (~10 h) over 20,000 h.
    agree(res.availabilities("rpc"), a)
    agree(res.outage_counts("rpc").astype(float) / horizon, freq)


def test_capacity_service_degraded_stress_in_the_exact_chain() -> None:
    # Four servers of capacity 1, demand 3.5: full only with all four up; degraded with 1-3 up
    # (down only with none). Stressed members fail f times faster while 1..3 are up.
    f, lam, mu = 3.0, 1 / 300.0, 1 / 20.0
    m = rs.Model("fleet")
    for i in range(4):
        m.component(f"s{i}", mttf=1 / lam, mttr=1 / mu)
    m.service("api", rs.capacity({f"s{i}": 1.0 for i in range(4)}), demand=3.5)
    m.stress("spike", factor=f, targets=[f"s{i}" for i in range(4)], while_degraded="api")
    # birth-death on n up: n -> n - 1 at n * lam * (f if 1 <= n <= 3 else 1), n -> n + 1 at (4 - n) mu
    p = [1.0]  # p[k] for n = 4 - k up
    for n in (4, 3, 2, 1):
        down = n * lam * (f if 1 <= n <= 3 else 1.0)
        p.append(p[-1] * down / ((4 - n + 1) * mu))
    z = sum(p)
    assert m.exact().availability("api") == pytest.approx(1 - p[4] / z, rel=1e-10)
    assert m.exact().capacity("api")["p_full"] == pytest.approx(p[0] / z, rel=1e-10)


def standby_pair(lam: float, mu: float, dormancy: float) -> rs.Model:
    m = rs.Model("warm")
    m.component("a", mttf=1 / lam, mttr=1 / mu)
    m.component("b", mttf=1 / lam, mttr=1 / mu)
    m.service("pair", rs.standby("a", "b", dormancy=dormancy))
    return m


def test_dormant_spare_keeps_its_dormancy_rate() -> None:
    # A warm standby pair stressed by f for the whole run: the active member fails at f lambda,
    # the spare keeps d lambda (a stress multiplies the active rate only). That is the unstressed
    # pair with failure rate f lambda and dormancy d / f, whose exact chain gives the answer; had
    # the spare been stressed too (f d lambda), the answer would be the pair with dormancy d.
    lam, mu, f, d = 1 / 100.0, 1 / 20.0, 5.0, 0.5
    m = standby_pair(lam, mu, d)
    horizon = 20_000.0
    m.stress("always", factor=f, targets=["a", "b"], periods=[(0, horizon)])
    right = standby_pair(f * lam, mu, d / f).exact().availability("pair")
    wrong = standby_pair(f * lam, mu, d).exact().availability("pair")
    res = m.simulate(horizon=horizon, replications=300, seed=4)
    sim = res.availabilities("pair")
    agree(sim, right)
    assert abs(wrong - right) > 10 * sim.std(ddof=1) / math.sqrt(len(sim))


# --- model files, trace, report --------------------------------------------------------------------


def full_model() -> rs.Model:
    m = quorum(2.0, 1 / 200.0, 1 / 10.0)
    m.stress("volatility", factor=3, targets=["n0"], hours=["mon-fri 13:00-21:00", "sun 22:00-02:00"], origin="mon 06:00")
    m.stress("launch", factor=1.5, targets={"role": "rpc"}, periods=[("10d", "12d")])
    return m


def test_round_trip_through_yaml_and_json(tmp_path) -> None:
    m = full_model()
    for suffix in (".yaml", ".json"):
        path = tmp_path / f"m{suffix}"
        m.save(path)
        back = rs.load(path)
        assert back == m
        assert back.to_data()["stresses"] == m.to_data()["stresses"]
        r1 = m.simulate(horizon="30d", replications=20, seed=1)
        r2 = back.simulate(horizon="30d", replications=20, seed=1)
        assert np.array_equal(r1.downtime("rpc"), r2.downtime("rpc"))


def test_model_file_syntax() -> None:
    m = rs.loads(
        """
components:
  a: {mttf: 100h, mttr: 1h, tags: {role: matching}}
services:
  s: {requires: a}
stresses:
  volatility: {factor: 3, targets: {role: matching}, hours: ['mon-fri 13:00-21:00']}
  launch: {factor: 2, targets: [a], periods: [[10d, 12d]]}
""",
        format="yaml",
    )
    assert m.stresses["volatility"].windows[0] == (13.0, 21.0)
    assert m.stresses["launch"].periods == ((240.0, 288.0),)


def test_trace_shows_stress_start_and_end() -> None:
    m = single(1e9, 1.0)  # no failures: only the stress boundaries
    m.stress("volatility", factor=3, targets="engine", hours=["mon 13:00-21:00", "tue 00:00-01:00"])
    tr = m.trace(seed=0, horizon=2 * WEEK)
    st = tr[tr.event.str.startswith("stress")]
    assert list(zip(st.time_h, st.event)) == [
        (13.0, "stress_start"),
        (21.0, "stress_end"),
        (24.0, "stress_start"),
        (25.0, "stress_end"),
        (181.0, "stress_start"),
        (189.0, "stress_end"),
        (192.0, "stress_start"),
        (193.0, "stress_end"),
    ]
    assert (st.entity == "volatility").all()
    assert st.detail.iloc[0] == "x3"


def test_trace_shows_degraded_stress() -> None:
    m = quorum(2.0, 1 / 200.0, 1 / 10.0)
    tr = m.trace(horizon=2000, replication=0, seed=1)
    st = tr[tr.event.str.startswith("stress")]
    assert len(st) > 0
    assert st.detail[st.event == "stress_start"].str.contains("while rpc is degraded").all()


def test_report_and_html_list_stresses() -> None:
    m = full_model()
    html = m._repr_html_()
    assert "peak-load" in html and "volatility" in html
    res = m.simulate(horizon="30d", replications=10, seed=1)
    assert "peak-load" in res.report()
    assert "stress peak-load" in res._repr_html_()


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"factor": 0, "hours": ["mon 09:00-10:00"]}, "factor must be a finite number > 0"),
        ({"factor": -2, "hours": ["mon 09:00-10:00"]}, "factor must be a finite number > 0"),
        ({"factor": float("nan"), "hours": ["mon 09:00-10:00"]}, "factor must be a finite number > 0"),
        ({"factor": float("inf"), "hours": ["mon 09:00-10:00"]}, "factor must be a finite number > 0"),
        ({"factor": 2}, "give exactly one trigger"),
        ({"factor": 2, "hours": ["mon 09:00-10:00"], "while_degraded": "s"}, "got hours and while_degraded"),
        ({"factor": 2, "hours": ["mon 25:00-26:00"]}, "stress 'x'"),
        ({"factor": 2, "periods": [(5, 5)]}, r"periods\[0\] must have 0 <= start < end"),
        ({"factor": 2, "periods": []}, "non-empty list"),
    ],
    ids=["zero", "negative", "nan", "inf", "no-trigger", "two-triggers", "bad-hour", "empty-period", "no-periods"],
)
def test_bad_stress_arguments(kwargs, message) -> None:
    m = single()
    with pytest.raises(ValueError, match=message):
        m.stress("x", targets="engine", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"targets": "nope", "hours": ["mon 09:00-10:00"]}, "stress 'x' > targets\\[0\\]|unknown component 'nope'"),
        ({"targets": {"role": "none"}, "hours": ["mon 09:00-10:00"]}, "select no component"),
        ({"targets": "engine", "while_degraded": "nope"}, "unknown service 'nope'"),
        ({"targets": "engine", "while_degraded": "s"}, "never degraded"),
        ({"targets": "engine", "hours": ["mon 09:00-12:00", "mon 11:00-13:00"]}, "windows overlap"),
        ({"targets": "engine", "periods": [(0, 10), (5, 20)]}, "periods overlap"),
    ],
    ids=["unknown-component", "unknown-tag", "unknown-service", "all-of-service", "overlapping-hours", "overlapping-periods"],
)
def test_bad_stress_models(kwargs, message) -> None:
    m = single()
    m.stress("x", factor=2, **kwargs)
    with pytest.raises(ValueError, match=message):
        m.compile()


def test_weekly_demand_service_refused_for_degraded_stress() -> None:
    m = rs.Model()
    for i in range(2):
        m.component(f"s{i}", mttf="1000h", mttr="1h")
    m.service("api", rs.capacity({"s0": 1.0, "s1": 1.0}), demand=rs.weekly_profile(1.0, {"mon-fri 9-17": 1.5}))
    m.stress("x", factor=2, targets="s0", while_degraded="api")
    with pytest.raises(ValueError, match="weekly demand profile"):
        m.compile()


def test_bad_stress_in_a_model_file_names_the_field() -> None:
    with pytest.raises(rs.ModelFileError, match=r"stresses\.x\.factor"):
        rs.loads(
            "components: {a: {mttf: 1h, mttr: 1h}}\nservices: {s: {requires: a}}\nstresses: {x: {factor: 0, targets: a, periods: [[0h, 1h]]}}",
            format="yaml",
        )
    with pytest.raises(rs.ModelFileError, match=r"stresses\.x\.hours"):
        rs.loads(
            "components: {a: {mttf: 1h, mttr: 1h}}\nservices: {s: {requires: a}}\n"
            "stresses: {x: {factor: 2, targets: a, hours: ['mon 09:00-12:00', 'mon 11:00-13:00']}}",
            format="yaml",
        )
    with pytest.raises(rs.ModelFileError, match=r"stresses\.x\.while_degraded"):
        rs.loads(
            "components: {a: {mttf: 1h, mttr: 1h}}\nservices: {s: {requires: a}}\nstresses: {x: {factor: 2, targets: a, while_degraded: t}}",
            format="yaml",
        )


def test_closed_form_component_availability_refuses_stressed_components() -> None:
    m = single()
    m.stress("v", factor=2, targets="engine", hours=["mon 09:00-10:00"])
    with pytest.raises(ValueError, match="stress 'v'"):
        component_availability(m)
