"""Money: costs of downtime, outages, data loss, SLA credits and running the architecture.

Every expectation is checked against an exact answer: closed-form transient solutions of the
two-state Markov chain, the exact distribution of the time a two-state Markov process spends
down in a period, or a hand-counted deterministic timeline. Tolerances are 4 standard errors of
the simulated mean (a false alarm about once in 16,000 runs).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from scipy import integrate

import recoverysim as rs
from recoverysim import _core

# --- exact answers ------------------------------------------------------------------------------


def transient_down_integral(lam: float, mu: float, a: float, b: float) -> float:
    """Integral over [a, b] of U(t), the probability that a repairable exponential component,
    up at t = 0, is down at t.

    Kolmogorov forward equation: U' = lam (1 - U) - mu U with U(0) = 0, so
    U(t) = p (1 - exp(-s t)) with s = lam + mu and p = lam / s. Integrating,
    int_a^b U = p [(b - a) - (exp(-s a) - exp(-s b)) / s].
    """
    s = lam + mu
    p = lam / s
    return p * ((b - a) - (math.exp(-s * a) - math.exp(-s * b)) / s)


def single(mttf: float, mttr: float, **svc: object) -> rs.Model:
    m = rs.Model("single")
    m.component("c", mttf=mttf, mttr=mttr)
    m.service("s", "c", **svc)  # type: ignore[arg-type]
    return m


def check_mean(values: np.ndarray, exact: float) -> None:
    se = values.std(ddof=1) / math.sqrt(values.size)
    assert abs(values.mean() - exact) < 4 * se, (values.mean(), exact, se)


# --- 1. cost of downtime and outages -------------------------------------------------------------


def test_constant_rate_and_per_outage_cost_match_the_transient_solution() -> None:
    """E[cost] = r E[D] + c E[N] over a year from all up.

    E[D] = int_0^T U(t) dt (transient expected downtime). Outages begin at failures, which
    happen at rate lam while up: E[N] = int_0^T lam (1 - U(t)) dt = lam (T - E[D]) (an outage
    still open at the horizon counts: it began in the horizon).
    """
    lam, mu, T, r, c = 1 / 100, 1 / 10, 8760.0, 100.0, 1000.0
    m = single(100, 10)
    m.cost("s", per_hour=r, per_outage=c)
    res = m.simulate(T, 4000, seed=11, progress=False)
    ed = transient_down_integral(lam, mu, 0, T)
    en = lam * (T - ed)
    exact = r * ed + c * en
    check_mean(res.costs("s"), exact)
    # Per replication, the engine's sums are exactly these products.
    np.testing.assert_allclose(res.costs("s"), r * res.downtime("s") + c * res.outage_counts("s"), rtol=1e-12)
    e = res.expected_cost("s")
    assert e.low < exact < e.high or abs(e.mean - exact) < 4 * e.stderr
    assert res.expected_cost().mean == pytest.approx(e.mean)  # no running costs: the same total


def test_weekly_profile_matches_the_integral_of_rate_times_unavailability() -> None:
    """E[cost] = int_0^T rate(t) U(t) dt with rate(t) = profile[floor(t + origin) mod 168].

    The rate is constant between t = j - origin (j integer), so the integral is a sum of the
    closed-form integrals of U over those pieces (transient_down_integral).
    """
    lam, mu, T, origin = 1 / 50, 1 / 5, 4 * 168.0, 37.5
    profile = rs.weekly_profile(10, {"mon-fri 13-21": 200, "sat-sun 0-24": 0})
    m = single(50, 5)
    m.cost("s", per_hour=profile, week_origin=origin)
    res = m.simulate(T, 4000, seed=5, progress=False)
    cuts = [0.0] + [j - origin for j in range(math.ceil(origin), int(T + origin) + 1) if 0 < j - origin < T] + [T]
    exact = sum(profile[int(math.floor(a + origin + 1e-9)) % 168] * transient_down_integral(lam, mu, a, b) for a, b in zip(cuts, cuts[1:]))
    check_mean(res.costs("s"), exact)


def test_profile_integral_over_a_hand_counted_timeline() -> None:
    """Deterministic 10 h up, 30 h down: outages [10, 40], [50, 80], ... With the week origin at
    hour 20.25 the first outage covers week hours 30.25 .. 60.25: 0.75 h of hour 30, hours 31-59
    whole, 0.25 h of hour 60."""
    m = rs.Model()
    m.component("c", failure=rs.Deterministic(10), repair=rs.Deterministic(30))
    m.service("s", "c")
    rates = [float(h) for h in range(168)]  # rate = hour of the week
    m.cost("s", per_hour=rates, week_origin=20.25)
    res = m.simulate(45, 1, seed=1, progress=False)
    expected = 0.75 * 30 + sum(range(31, 60)) + 0.25 * 60
    assert res.costs("s")[0] == pytest.approx(expected, rel=1e-12)


def test_beyond_rto_and_planned_downtime_hand_counted() -> None:
    """Deterministic 100 h up, 3 h down, RTO 1 h: each outage costs 3 r + 2 x beyond. A weekly
    window of 2 h at offset 50 h (skipped when the component is down) is priced at its own rate."""
    m = rs.Model()
    m.component("c", failure=rs.Deterministic(100), repair=rs.Deterministic(3))
    m.service("s", "c", rto="1h")
    m.maintenance("w", targets="c", every="1w", duration="2h", offset="50h")
    m.cost("s", per_hour=10, per_outage=7, beyond_rto_per_hour=1000, planned_per_hour=1)
    res = m.simulate(168, 1, seed=1, progress=False)
    # Window at 50-52 renews the component: failures at 152 (age 100 after 52); down 152-155.
    assert res.outage_counts("s")[0] == 1
    assert res.raw.service_cost_downtime[0, 0] == pytest.approx(30)
    assert res.raw.service_cost_outages[0, 0] == 7
    assert res.raw.service_cost_beyond_rto[0, 0] == pytest.approx(2000)
    assert res.raw.service_cost_planned[0, 0] == pytest.approx(2)
    assert res.costs("s")[0] == pytest.approx(30 + 7 + 2000 + 2)
    by = res.cost_by_cause("s")
    assert by.loc[("c", "failure"), "cost"] == pytest.approx(2037)
    assert by.loc[("c", "w"), "kind"] == "maintenance"


# --- 2. SLA credits ---------------------------------------------------------------------------------


def down_time_cdf(lam: float, mu: float, T: float, x: float, n_max: int = 60) -> float:
    """P(D <= x), D = time a two-state Markov process (up -> down at lam, down -> up at mu), up
    at 0, spends down in [0, T].

    Time-change argument: failures are a Poisson(lam) process on the up-clock, repairs a
    Poisson(mu) process on the down-clock; with d down and u = T - d up at T:
      ends up after n >= 1 outages: density P(N_lam(u) = n) * Erlang(n, mu)(d)
        = e^{-lam u} (lam u)^n / n! * mu^n d^{n-1} e^{-mu d} / (n-1)!
      ends down in its n-th outage: density Erlang(n, lam)(u) * P(N_mu(d) = n - 1)
        = lam^n u^{n-1} e^{-lam u} / (n-1)! * e^{-mu d} (mu d)^{n-1} / (n-1)!
    plus an atom e^{-lam T} at d = 0 (no failure).
    """

    def density(d: float) -> float:
        u = T - d
        total = 0.0
        for n in range(1, n_max):
            lg = math.lgamma(n + 1)
            lg1 = math.lgamma(n)
            up = -lam * u + n * math.log(lam * u) - lg + n * math.log(mu) + (n - 1) * math.log(d) - mu * d - lg1 if u > 0 else -math.inf
            dn = (
                n * math.log(lam) + (n - 1) * math.log(u) - lam * u - lg1 - mu * d + (n - 1) * math.log(mu * d) - lg1
                if u > 0
                else -math.inf
            )
            total += math.exp(up) + math.exp(dn)
        return total

    if x <= 0:
        return math.exp(-lam * T)
    val, _ = integrate.quad(density, 0, min(x, T), limit=400, epsabs=1e-13)
    return math.exp(-lam * T) + val


def test_down_time_distribution_is_a_distribution() -> None:
    lam, mu, T = 1 / 200, 1 / 3, 730.0
    assert down_time_cdf(lam, mu, T, T) == pytest.approx(1.0, abs=1e-9)
    # Its mean is the transient expected downtime.
    mean, _ = integrate.quad(lambda x: 1 - down_time_cdf(lam, mu, T, x), 0, T, limit=200)
    assert mean == pytest.approx(transient_down_integral(lam, mu, 0, T), rel=1e-6)


def test_monthly_sla_credits_match_the_exact_distribution_of_time_down() -> None:
    """One 730 h period from all up; tiers below 99.9 %: 10 %, below 99 %: 30 %, below 98 %: 50 %.
    A period earns tier i when D > (1 - below_i) T, so P(tier >= i) = 1 - P(D <= (1 - below_i) T)
    and E[credit] = fee * sum_i (share_i - share_{i-1}) P(D > x_i)."""
    lam, mu, T, fee = 1 / 200, 1 / 3, 730.0, 1000.0
    tiers = [(0.999, 0.1), (0.99, 0.3), (0.98, 0.5)]
    m = single(200, 3)
    m.cost("s", sla=rs.SlaCredits(fee=fee, tiers=tiers, period="730h"))
    res = m.simulate(T, 20000, seed=3, progress=False)
    credit = res.raw.service_cost_sla[:, 0]
    p_above = [1 - down_time_cdf(lam, mu, T, (1 - b) * T) for b, _ in tiers]
    shares = [0.0] + [s for _, s in tiers]
    exact = fee * sum((shares[i + 1] - shares[i]) * p for i, p in enumerate(p_above))
    check_mean(credit, exact)
    # Each tier's probability on its own (binomial standard error).
    n = credit.size
    for i, (lo, hi) in enumerate(zip(p_above, [*p_above[1:], 0.0])):
        p = lo - hi  # P(exactly tier i)
        observed = np.mean(np.isclose(credit, fee * tiers[i][1]))
        assert abs(observed - p) < 4 * math.sqrt(p * (1 - p) / n) + 1e-12, (i, observed, p)


def test_sla_periods_split_an_outage_hand_counted() -> None:
    """Deterministic 725 h up, 10 h down: outages [725, 735] (5 h in each of periods 0 and 1) and
    [1460, 1470] (10 h in period 2). 5 h of 730 is 99.32 % (< 99.9 %: 10 %); 10 h is 98.63 %
    (< 99 %: 30 %). The next failure (2195 h) is after the horizon (2190 h)."""
    m = rs.Model()
    m.component("c", failure=rs.Deterministic(725), repair=rs.Deterministic(10))
    m.service("s", "c")
    m.cost("s", sla=rs.SlaCredits(fee=1000, tiers={"99.9%": "10%", "99%": "30%"}))
    res = m.simulate(3 * 730, 1, seed=1, progress=False)
    assert res.raw.service_cost_sla[0, 0] == pytest.approx(1000 * (0.1 + 0.1 + 0.3))
    # A partial last period's fee is prorated: with a horizon of 730 + 365 h, period 1 lasts
    # 365 h and holds 5 h down (98.6 %: 30 % of half the fee).
    res2 = m.simulate(730 + 365, 1, seed=1, progress=False)
    assert res2.raw.service_cost_sla[0, 0] == pytest.approx(1000 * 0.1 + 1000 * 0.3 * 0.5)


# --- 3. data loss ---------------------------------------------------------------------------------


def test_data_loss_cost_with_periodic_backups_hand_counted() -> None:
    """Deterministic 100 h up, 2 h restore, backups every 24 h from 0 (instant). Failures at
    100, 202, 304, ... (102 h apart); the latest backup started while up before each: 96, 192,
    288, 384, 504, ... so the losses are 4, 10, 16, 22 h and repeat (each cycle shifts the
    failure by 6 h against the 24 h backup grid). Ten failures before 1020 h lose
    4+10+16+22+4+10+16+22+4+10 = 118 h."""
    m = rs.Model()
    m.component(
        "db",
        modes=[rs.FailureMode("corrupt", failure=rs.Deterministic(100), repair=rs.Deterministic(2), data_loss=True)],
        backup=rs.Backup(every="24h", duration=0),
    )
    m.service("s", "db")
    m.cost("s", data_loss_per_incident=500, data_loss_per_hour=100)
    res = m.simulate(1020, 1, seed=1, progress=False)
    assert res.data_loss_incidents("s")[0] == 10
    assert res.data_lost("s")[0] == pytest.approx(118)
    assert res.raw.service_cost_data[0, 0] == pytest.approx(10 * 500 + 118 * 100)
    assert res.cost_by_cause("s").loc[("db", "corrupt"), "cost"] == pytest.approx(10 * 500 + 118 * 100)


def test_data_loss_cost_expectation_with_random_failures() -> None:
    """Exponential failures (rate lam) of a database backed up every B hours (instant, reliable),
    restored in a fixed r hours; a failure loses the writes since the latest backup after its
    last restore. E[cost] = c_i E[incidents] + c_h E[hours lost]; per replication the engine's
    cost equals c_i * incidents + c_h * hours lost exactly, and E[incidents] = the expected
    number of failures (checked against the renewal count: the cycles are up-time Exp(lam) plus
    r, so E[N(T)] is approached by T / (1/lam + r) with a bounded renewal error)."""
    m = rs.Model()
    m.component(
        "db",
        modes=[rs.FailureMode("corrupt", failure=rs.Exponential(300), repair=rs.Deterministic(2), data_loss=True)],
        backup=rs.Backup(every="24h", duration=0),
    )
    m.service("s", "db")
    m.cost("s", data_loss_per_incident=500, data_loss_per_hour=100)
    res = m.simulate(8760, 2000, seed=9, progress=False)
    np.testing.assert_allclose(res.raw.service_cost_data[:, 0], 500 * res.data_loss_incidents("s") + 100 * res.data_lost("s"), rtol=1e-12)


# --- 4. running costs and totals ---------------------------------------------------------------------


def test_running_costs_add_to_every_replication() -> None:
    m = single(1000, 1)
    m.crew("oncall", size=3)
    m.running_cost("c", 12_000)
    m.running_cost("oncall", 100_000)
    m.cost("s", per_hour=50)
    res = m.simulate("2y", 200, seed=2, progress=False)
    run = 2 * (12_000 + 3 * 100_000)
    assert res.running_cost() == pytest.approx(run)
    np.testing.assert_allclose(res.costs(), run + res.costs("s"))
    e = res.expected_cost()
    assert e.mean == pytest.approx(run + res.costs("s").mean())
    assert e.low > run
    df = res.cost_breakdown()
    assert df.loc["running", "total"] == pytest.approx(run)
    assert df.loc["s", "downtime"] == pytest.approx(res.costs("s").mean())
    assert df["total"].sum() == pytest.approx(e.mean)
    p50, p90, p99 = res.cost_quantiles()
    assert run <= p50 <= p90 <= p99


def test_models_without_costs_have_zero_costs() -> None:
    res = rs.examples.load("single").simulate("1y", 50, seed=1, progress=False)
    assert not res.has_costs
    assert res.expected_cost().mean == 0
    assert np.all(res.costs() == 0)


# --- determinism, pickling, streaming ----------------------------------------------------------------


def test_costs_are_identical_for_any_thread_count_and_through_pickling() -> None:
    m = rs.examples.load("exchange")
    assert m.costs, "the exchange example prices its services"
    a = m.simulate("1y", 64, seed=4, threads=1, progress=False)
    b = m.simulate("1y", 64, seed=4, threads=2, progress=False)
    for key in ("service_cost_downtime", "service_cost_sla", "service_cause_cost", "service_cost_data"):
        assert np.array_equal(getattr(a.raw, key), getattr(b.raw, key))
    compiled = m.compile()
    again = pickle.loads(pickle.dumps(compiled))
    r1 = _core.simulate(compiled, horizon=8760.0, seed=4, replications=16)
    r2 = _core.simulate(again, horizon=8760.0, seed=4, replications=16)
    assert r1 == r2
    assert pickle.loads(pickle.dumps(r1)) == r1


def test_streamed_costs_agree_with_kept_costs() -> None:
    m = single(100, 10)
    m.cost("s", per_hour=100, per_outage=1000)
    kept = m.simulate("1y", 3000, seed=8, progress=False)
    streamed = m.simulate("1y", 3000, seed=8, progress=False, per_replication=False)
    assert streamed.expected_cost().mean == pytest.approx(kept.expected_cost().mean, rel=1e-12)
    assert streamed.expected_cost().high == pytest.approx(kept.expected_cost().high, rel=1e-9)
    q_kept, q_str = kept.cost_quantiles(), streamed.cost_quantiles()
    np.testing.assert_allclose(q_str, q_kept, rtol=0.03)
    with pytest.raises(ValueError, match="not kept"):
        streamed.costs()


# --- bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_hour": -1}, "per_hour must be a finite amount >= 0"),
        ({"per_hour": [1.0] * 167}, "weekly profile needs 168 hourly rates"),
        ({"per_outage": float("nan")}, "per_outage must be a finite amount"),
        ({"week_origin": 168}, r"week_origin must be an hour of the week in \[0, 168\)"),
        ({"beyond_rto_per_hour": 5}, "beyond_rto_per_hour: the service has no rto"),
    ],
    ids=["negative-rate", "short-profile", "nan", "origin", "no-rto"],
)
def test_bad_costs_in_python(kwargs: dict[str, object], message: str) -> None:
    m = single(100, 1)
    with pytest.raises(ValueError, match=message):
        m.cost("s", **kwargs)  # type: ignore[arg-type]


def test_bad_sla_and_names_in_python() -> None:
    m = single(100, 1)
    with pytest.raises(ValueError, match="unknown service 'nope'"):
        m.cost("nope", per_hour=1)
    with pytest.raises(ValueError, match="tiers out of order"):
        rs.SlaCredits(fee=10, tiers={"99%": "30%", "99.9%": "10%"})
    with pytest.raises(ValueError, match="unknown component or crew 'x'"):
        m.running_cost("x", 1)


def test_engine_refuses_bad_cost_specs() -> None:
    """The engine checks too (specs built by hand): the error names the service and the field."""

    def spec(cost: object) -> object:
        comp = _core.ComponentSpec(
            name="c",
            modes=[
                _core.FailureModeSpec(
                    name="f",
                    ttf=rs.Exponential(10)._c,
                    procedure=_core.ProcedureSpec(name="", steps=[_core.StepSpec(name="r", duration=rs.Exponential(1)._c)]),
                )
            ],
        )
        svc = _core.ServiceSpec(name="s", requirement=_core.RequirementSpec(kind="ref", name="c"))
        return _core.ModelSpec(name="m", components=[comp], services=[svc], costs=[cost])

    with pytest.raises(_core.SpecError, match="168 hourly rates") as e:
        _core.compile(spec(_core.ServiceCostSpec(service="s", weekly=[1.0] * 10)))
    assert (e.value.entity, e.value.field) == (("service", "s"), "cost.weekly")
    with pytest.raises(_core.SpecError, match="must be a finite number >= 0"):
        _core.compile(spec(_core.ServiceCostSpec(service="s", per_outage=-1)))
    with pytest.raises(_core.SpecError, match="tiers out of order"):
        _core.compile(spec(_core.ServiceCostSpec(service="s", sla_fee=1, sla_tiers=[(0.99, 0.3), (0.999, 0.1)])))
    with pytest.raises(_core.SpecError, match="unknown service 'q'"):
        _core.compile(spec(_core.ServiceCostSpec(service="q", per_hour=1)))


BASE = """
components:
  c: {mttf: 100h, mttr: 1h}
crews: {oncall: 2}
services:
  s: {requires: c, rto: 1h}
"""


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        ("costs: {s: {per_hour: -5}}", "costs.s.per_hour", "expected an amount >= 0"),
        ("costs: {s: {per_hour: [1, 2, 3]}}", "costs.s.per_hour", "168 hourly rates"),
        ("costs: {t: {per_hour: 5}}", "costs.t", "unknown service 't'"),
        ("costs: {s: {sla: {fee: 10, tiers: {99%: 30%, 99.9%: 10%}}}}", "costs.s.sla.tiers", "tiers out of order"),
        ("costs: {s: {per_hour: {base: 1, peaks: {mon-fri 25-26: 3}}}}", "costs.s.per_hour.peaks", "hours a-b"),
        ("costs: {s: {week_origin: 200h}}", "costs.s.week_origin", "[0, 168)"),
        ("costs: {s: {per_hour: 1, color: red}}", "costs.s.color", ""),
        ("running_costs: {db: 5}", "running_costs.db", "unknown component or crew 'db'"),
    ],
    ids=["negative", "profile-length", "unknown-service", "tier-order", "bad-peak", "origin", "unknown-field", "running-unknown"],
)
def test_bad_costs_in_model_files(text: str, path: str, reason: str) -> None:
    with pytest.raises(rs.ModelFileError) as e:
        rs.loads(BASE + text)
    assert e.value.path == path
    assert reason in e.value.reason


def test_costs_round_trip_through_yaml_and_json(tmp_path: object) -> None:
    m = rs.loads(
        BASE
        + """
costs:
  s:
    per_hour: {base: 1000, peaks: {mon-fri 13-21: 8000}}
    week_origin: 33h
    per_outage: 2500
    beyond_rto_per_hour: 100
    planned_per_hour: 10
    data_loss: {per_incident: 50, per_hour: 7}
    sla: {fee: 100000, period: 1w, tiers: {99.95%: 5%, "0.999": 10%, 99%: 25%}}
running_costs: {c: 5000, oncall: 120000}
"""
    )
    c = m.costs["s"]
    assert c.weekly and c.per_hour[13] == 8000 and c.per_hour[12] == 1000 and c.week_origin == 33
    assert c.sla is not None and c.sla.tiers == ((0.9995, 0.05), (0.999, 0.1), (0.99, 0.25)) and c.sla.period == 168
    assert m.annual_running_cost() == 5000 + 2 * 120000
    for fmt in ("yaml", "json"):
        assert rs.io.loads(rs.io.dumps(m, format=fmt)) == m
    assert rs.io.from_data(m.to_data()).costs == m.costs


def test_schema_accepts_the_cost_sections() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import json

    schema = json.loads(rs.io.SCHEMA_PATH.read_text())
    data = rs.examples.load("exchange").to_data()
    assert "costs" in data and "running_costs" in data
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "costs": {"trading": {"per_hour": -1}}}, schema)


# --- 5. money in decisions, exact twin, views ----------------------------------------------------------


def crewed_quorum() -> rs.Model:
    """2 of 3 exponential replicas repaired by one engineer (a queue: no closed form by hand)."""
    m = rs.Model("quorum")
    m.crew("eng", 1)
    for i in range(3):
        m.component(
            f"r{i}", modes=[rs.FailureMode("f", failure=rs.Exponential(200), repair=[rs.Step("fix", rs.Exponential(20), crew="eng")])]
        )
    m.service("s", rs.k_of_n(2, "r0", "r1", "r2"))
    return m


def test_exact_twin_cost_rate_and_transient_cost() -> None:
    """Markov rewards: reward rate r in the down states, impulse c per up->down transition:
    steady-state cost rate = r (1 - A) + c f. For one component A = mu/(lam+mu) and
    f = lam A. The transient expected cost r * T * (1 - mean A(0..T)) of a queueing model (one
    engineer for three replicas) is checked against the simulation."""
    lam, mu = 1 / 100, 1 / 10
    m = single(100, 10)
    m.cost("s", per_hour=100, per_outage=1000)
    ex = m.exact()
    a = mu / (lam + mu)
    assert ex.cost_rate("s") == pytest.approx(100 * (1 - a) + 1000 * lam * a, rel=1e-9)
    q = crewed_quorum()
    q.cost("s", per_hour=5000)
    exact = q.exact().expected_cost("s", "1y")
    res = q.simulate("1y", 4000, seed=21, progress=False)
    check_mean(res.costs("s"), exact)
    with pytest.raises(ValueError, match="prices only per_hour"):
        m.exact().expected_cost("s", "1y")  # per-outage costs need the transition count


def test_compare_reports_the_paired_cost_difference() -> None:
    """A second server costs 10k/year to run and removes nearly all downtime at 50k/hour: the
    paired difference of total cost is the mean of the per-replication differences."""
    a = rs.examples.load("single")
    a.cost("web", per_hour=50_000)
    b = a.copy("two-servers")
    b.component("server-2", mttf="2000h", mttr="30m")
    b.service("web", rs.any_of("server", "server-2"), replace=True)
    b.running_cost("server-2", 10_000)
    cmp = rs.compare(a, b, horizon="1y", replications=2000, seed=1, progress=False)
    d = cmp.cost_difference()
    per_rep = cmp.candidate.costs() - cmp.baseline.costs()
    assert d.difference.mean == pytest.approx(per_rep.mean(), rel=1e-12)
    assert d.difference.high < 0 and d.verdict == "better"
    assert (cmp.candidate.costs() >= 10_000).all()
    assert "cost" in [x.metric for x in cmp.differences()]
    text = cmp.report()
    assert "total cost per year (running included)" in text and "running cost +10k" in text
    ranked = rs.sensitivity(a, "web", metric="total_cost", replications=300, seed=1, progress=False)
    assert ranked.attrs["metric"] == "total_cost"
    # Doubling the MTTR doubles the expected downtime cost (constant rate): high ~ 2 x base.
    assert ranked.loc["server MTTR", "high"] == pytest.approx(2 * ranked.loc["server MTTR", "base"], rel=0.1)


def test_assert_cost() -> None:
    from recoverysim.testing import StatisticalAssertionError, assert_cost

    m = rs.examples.load("single")
    m.cost("web", per_hour=10_000)  # about 2.2 h down a year: 22k
    assert assert_cost(m, at_most=50_000, horizon="1y").passed
    assert assert_cost(m, "web", at_most=50_000, horizon="1y").metric == "cost"
    with pytest.raises(StatisticalAssertionError, match="model 'single': total cost per horizon"):
        assert_cost(m, at_most=5_000, horizon="1y")


def test_report_html_summary_and_plot_show_costs() -> None:
    res = rs.examples.load("exchange").simulate("1y", 300, seed=7, progress=False)
    text = res.report()
    e = res.expected_cost()
    assert f"cost per year        {rs.formatting.money(e.mean)}" in text
    assert "running           280k per year" in text
    html = res._repr_html_()
    assert "total per year" in html and rs.formatting.money(e.mean) in html
    s = res.summary()
    assert s.loc["trading", "cost"] == pytest.approx(res.costs("trading").mean())
    assert math.isnan(s.loc["gateways", "cost"])
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import recoverysim.plot as rsp

    ax = rsp.cost_distribution(res)
    p99 = float(np.quantile(res.costs(), 0.99))
    assert f"1 year in 100 costs more than {rs.formatting.money(p99)}" in ax.get_title(loc="left")
    assert any(abs(line.get_xdata()[0] - p99) < 1e-6 * p99 for line in ax.get_lines())


def test_removing_a_service_or_component_removes_its_price() -> None:
    m = single(100, 1)
    m.cost("s", per_hour=1)
    m.running_cost("c", 5)
    m.remove("s")
    m.remove("c")
    assert m.costs == {} and m.running_costs == {}
