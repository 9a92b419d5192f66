"""Design analysis: minimal cut sets, single points of failure, importance measures and incident
scenarios, against answers derived by hand here and published answers of an open fault-tree tool.

Published answers: SCRAM (https://github.com/rakhimov/scram), benchmark inputs
``tests/input/benchmark/two_train.xml``, ``three_motor.xml``, ``input/Aralia/chinese.txt`` (the gates) with
``input/Chinese/chinese-basic-events.xml`` (the probabilities), and the
numbers its tests publish for them (``tests/bench_two_train_tests.cc``, ``bench_three_motor_tests.cc``,
``bench_chinese_tree_tests.cc``). The fault trees below are those inputs transcribed as data; none
of SCRAM's code is used.
"""

from __future__ import annotations

import math
import re
import time

import numpy as np
import pytest

import recoverysim as rs
from recoverysim.analysis import CutSetLimitError

# --- fault trees as models ---------------------------------------------------------------------------


def fault_tree_model(name: str, gates: str, probabilities: dict[str, float]) -> tuple[rs.Model, dict[str, float]]:
    """A model whose services are the gates of a fault tree given as ``g := (a & b | ...)`` lines
    (``&`` and ``|`` not mixed in one gate, as in the Aralia format). A failure AND is a
    redundancy (any_of up), a failure OR a series (all_of up). Returns the model and the
    component availabilities 1 - p."""
    m = rs.Model(name)
    for e in probabilities:
        m.component(e, mttf=1, mttr=1)
    defs = {}
    for line in gates.strip().splitlines():
        g, expr = (x.strip() for x in line.split(":="))
        expr = expr.strip("()")
        op = "&" if "&" in expr else "|"
        defs[g] = (op, [x.strip() for x in expr.split(op)])
    done: set[str] = set()

    def define(g: str) -> None:
        if g in done:
            return
        op, kids = defs[g]
        for k in kids:
            if k in defs:
                define(k)
        m.service(g, (rs.any_of if op == "&" else rs.all_of)(*kids))
        done.add(g)

    for g in defs:
        define(g)
    return m, {e: 1 - p for e, p in probabilities.items()}


# SCRAM input/Aralia/chinese.txt (the gates; SCRAM's benchmark gives all 25 events p = 0.02 in
# input/Chinese/chinese-basic-events.xml).
CHINESE = """
r1:=(g1 & g2)
g1:=(e1 | e2 | e3 | g3)
g2:=(g4 & g5)
g3:=(g6 & g7)
g4:=(e4 | e5 | e6 | e7 | g8)
g5:=(e8 | g9)
g6:=(e9 | e10 | e11 | g10)
g7:=(e12 | e13)
g8:=(g11 & g12)
g9:=(g13 & g14)
g10:=(g15 & g16)
g11:=(e14 | e15 | e16 | g17)
g12:=(g18 & g19)
g13:=(e1 | e2 | e3 | g20)
g14:=(e4 | e5 | e6 | e7 | g21)
g15:=(e17 | e18)
g16:=(e19 | e20 | e21)
g17:=(g22 & g23)
g18:=(e22 | e23)
g19:=(e24 | e25)
g20:=(g24 & g25)
g21:=(g26 & g27)
g22:=(e17 | e18 | e21)
g23:=(e19 | e20)
g24:=(e14 | e15 | e16 | g28)
g25:=(g29 & g30)
g26:=(e9 | e10 | e11 | g31)
g27:=(e12 | e13)
g28:=(g32 & g33)
g29:=(e22 | e23)
g30:=(e24 | e25)
g31:=(g34 & g35)
g32:=(e17 | e18 | e21)
g33:=(e19 | e20)
g34:=(e19 | e20 | e21)
g35:=(e17 | e18)
"""

# SCRAM tests/input/benchmark/three_motor.xml (OpenFTA's three-motor example), every basic event
# p = 0.02. Its house events KT1, KT2 and KT3 are constant true, so E10 and E12 are true, hence
# E9, E8, E5 and E3 are true and E1 = E2: the tree reduces to the gates below.
THREE_MOTOR = """
E2:=(K5 | E4)
E4:=(E1tr & E6)
E1tr:=(K1 | E2tr)
E6:=(T2 | K5)
E2tr:=(E3tr | E4tr)
E4tr:=(S1 | T1inc)
E3tr:=(E5tr & E6tr & E7tr)
E5tr:=(KT1inc | T2inc)
E6tr:=(KT2inc | T3inc)
E7tr:=(KT3inc | T4inc)
"""
THREE_MOTOR_EVENTS = ["K5", "K1", "T2", "S1", "T1inc", "KT1inc", "T2inc", "KT2inc", "T3inc", "KT3inc", "T4inc"]


def test_scram_two_train() -> None:
    # bench_two_train_tests.cc: P(top) = 0.7225 exactly; 4 minimal cut sets.
    m, avail = fault_tree_model(
        "two_train",
        "TopEvent:=(TrainOne & TrainTwo)\nTrainOne:=(ValveOne | PumpOne)\nTrainTwo:=(ValveTwo | PumpTwo)",
        {"ValveOne": 0.5, "PumpOne": 0.7, "ValveTwo": 0.5, "PumpTwo": 0.7},
    )
    a = rs.analyze(m, ["TopEvent"], component_availability=avail, simulate=False)
    assert a.unavailability("TopEvent") == pytest.approx(0.7225, abs=1e-15)
    sets = {frozenset(e) for e in a.cut_sets("TopEvent")["events"]}
    assert sets == {
        frozenset(x) for x in ({"ValveOne", "ValveTwo"}, {"ValveOne", "PumpTwo"}, {"ValveTwo", "PumpOne"}, {"PumpOne", "PumpTwo"})
    }


def test_scram_three_motor() -> None:
    # bench_three_motor_tests.cc: P(top) = 0.0211538 (+-1e-5); the 12 minimal cut sets below.
    m, avail = fault_tree_model("three_motor", THREE_MOTOR, {e: 0.02 for e in THREE_MOTOR_EVENTS})
    a = rs.analyze(m, ["E2"], component_availability=avail, simulate=False)
    assert a.unavailability("E2") == pytest.approx(0.0211538, abs=1e-5)
    expected = [{"K5"}, {"S1", "T2"}, {"K1", "T2"}, {"T1inc", "T2"}]
    for x in ("KT1inc", "T2inc"):
        for y in ("KT2inc", "T3inc"):
            for z in ("KT3inc", "T4inc"):
                expected.append({"T2", x, y, z})
    assert {frozenset(e) for e in a.cut_sets("E2")["events"]} == {frozenset(x) for x in expected}
    assert list(a.single_points_of_failure("E2")["event"]) == ["K5"]


def test_scram_chinese() -> None:
    # bench_chinese_tree_tests.cc (limit order 6): P(top) = 0.0045691 (+-1e-5), 392 minimal cut
    # sets: 12 of order 2, 24 of order 4, 188 of order 5, 168 of order 6.
    events = {f"e{i}": 0.02 for i in range(1, 26)}
    m, avail = fault_tree_model("chinese", CHINESE, events)
    a = rs.analyze(m, ["r1"], component_availability=avail, simulate=False, max_order=6)
    assert a.unavailability("r1") == pytest.approx(0.0045691, abs=1e-5)
    cs = a.cut_sets("r1")
    assert len(cs) == 392
    assert cs["order"].value_counts().to_dict() == {2: 12, 4: 24, 5: 188, 6: 168}
    # No cut set exceeds order 6, so the truncation dropped nothing.
    assert not a.truncated("r1")
    # Truncating at order 4 keeps 36 and says so.
    a4 = rs.analyze(m, ["r1"], component_availability=avail, simulate=False, max_order=4)
    assert len(a4.cut_sets("r1")) == 36 and a4.truncated("r1")
    assert a4.unavailability("r1") == a.unavailability("r1")  # the probability is exact regardless


# --- the bridge network ----------------------------------------------------------------------------

Q_BRIDGE = {"c1": 0.10, "c2": 0.20, "c3": 0.05, "c4": 0.15, "c5": 0.08}


def bridge() -> rs.Model:
    m = rs.Model("bridge")
    for c in Q_BRIDGE:
        m.component(c, mttf=1, mttr=1)
    paths = [("c1", "c4"), ("c2", "c5"), ("c1", "c3", "c5"), ("c2", "c3", "c4")]
    m.service("flow", rs.any_of(*(rs.all_of(*p) for p in paths)))
    return m


def bridge_unavailability(q: dict[str, float]) -> float:
    """Pivotal decomposition on the bridge element c3. c3 up: the network is (c1 || c2) in series
    with (c4 || c5); it fails when c1 and c2 fail or c4 and c5 fail. c3 down: two paths {c1,c4}
    and {c2,c5} in parallel; it fails when both paths are broken."""
    q1, q2, q3, q4, q5 = (q[c] for c in ("c1", "c2", "c3", "c4", "c5"))
    up3 = 1 - (1 - q1 * q2) * (1 - q4 * q5)
    down3 = (1 - (1 - q1) * (1 - q4)) * (1 - (1 - q2) * (1 - q5))
    return q3 * down3 + (1 - q3) * up3


def bridge_fv(q: dict[str, float]) -> dict[str, float]:
    """P(at least one minimal cut set containing the element fails), by inclusion-exclusion over
    the cut sets {1,2}, {4,5}, {1,3,5}, {2,3,4} that contain it."""
    q1, q2, q3, q4, q5 = (q[c] for c in ("c1", "c2", "c3", "c4", "c5"))
    return {
        "c1": q1 * (q2 + q3 * q5 - q2 * q3 * q5),  # {1,2} u {1,3,5}
        "c2": q2 * (q1 + q3 * q4 - q1 * q3 * q4),  # {1,2} u {2,3,4}
        "c3": q3 * (q1 * q5 + q2 * q4 - q1 * q2 * q4 * q5),  # {1,3,5} u {2,3,4}
        "c4": q4 * (q5 + q2 * q3 - q2 * q3 * q5),  # {4,5} u {2,3,4}
        "c5": q5 * (q4 + q1 * q3 - q1 * q3 * q4),  # {4,5} u {1,3,5}
    }


def test_bridge_cut_sets_and_unavailability() -> None:
    a = rs.analyze(bridge(), component_availability={c: 1 - q for c, q in Q_BRIDGE.items()}, simulate=False)
    cs = a.cut_sets("flow")
    # Sorted by order, then by probability: q1 q2 = 0.02, q4 q5 = 0.012, q2 q3 q4 = 0.0015,
    # q1 q3 q5 = 0.0004.
    assert [sorted(e) for e in cs["events"]] == [["c1", "c2"], ["c4", "c5"], ["c2", "c3", "c4"], ["c1", "c3", "c5"]]
    assert list(cs["order"]) == [2, 2, 3, 3]
    assert list(cs["probability"]) == pytest.approx([0.02, 0.012, 0.0015, 0.0004])
    assert a.unavailability("flow") == pytest.approx(bridge_unavailability(Q_BRIDGE), rel=1e-12)
    assert a.single_points_of_failure("flow").empty


def test_bridge_importance_measures_by_hand() -> None:
    a = rs.analyze(bridge(), component_availability={c: 1 - q for c, q in Q_BRIDGE.items()}, simulate=False)
    imp = a.importance("flow")
    Q = bridge_unavailability(Q_BRIDGE)
    fv = bridge_fv(Q_BRIDGE)
    for c, q in Q_BRIDGE.items():
        q1 = bridge_unavailability({**Q_BRIDGE, c: 1.0})  # the element surely failed
        q0 = bridge_unavailability({**Q_BRIDGE, c: 0.0})  # the element perfect
        row = imp.loc[c]
        assert row["birnbaum"] == pytest.approx(q1 - q0, rel=1e-12)
        assert row["criticality"] == pytest.approx((q1 - q0) * q / Q, rel=1e-12)
        assert row["raw"] == pytest.approx(q1 / Q, rel=1e-12)
        assert row["rrw"] == pytest.approx(Q / q0, rel=1e-12)
        assert row["fussell_vesely"] == pytest.approx(fv[c] / Q, rel=1e-12)
        assert row["downtime_avoided_h_per_year"] == pytest.approx((Q - q0) * 8760, rel=1e-12)
    # Ranked by criticality: c2 (the most probable pair {c1, c2}) first.
    assert imp.index[0] == "c2"


# --- an exchange-like graph ----------------------------------------------------------------------------


def exchange(region_shock: bool = False) -> rs.Model:
    m = rs.Model("exchange-like")
    m.component("lb", mttf="1y", mttr="15m")
    for i in (1, 2):
        m.component(f"api-{i}", mttf="2000h", mttr="10m", tags={"region": "eu-1"})
    for n in ("db-a", "db-b"):
        m.component(n, mttf="1500h", mttr="2h")
    for i in (1, 2, 3):
        m.component(f"v{i}", mttf="1000h", mttr="1h")
    m.service("gateways", rs.all_of("lb", rs.any_of("api-1", "api-2")))
    m.service("database", rs.standby("db-a", "db-b", success=0.95))
    m.service("quorum", rs.k_of_n(2, "v1", "v2", "v3"))
    m.service("trading", rs.all_of("gateways", "database", "quorum"))
    if region_shock:
        m.shock("region-eu-1", every="2y", targets={"region": "eu-1"}, outage=rs.Uniform("1h", "8h"))
    return m


def q_of(mttf: float, mttr: float) -> float:
    return mttr / (mttf + mttr)


def test_exchange_load_balancer_is_the_single_point_of_failure() -> None:
    a = rs.analyze(exchange(), simulate=False)
    spof = a.single_points_of_failure()
    assert sorted(zip(spof["service"], spof["event"])) == [("gateways", "lb"), ("trading", "lb")]
    # Hand computation: independent blocks in series.
    q_lb, q_api, q_db, q_v = q_of(8760, 0.25), q_of(2000, 1 / 6), q_of(1500, 2), q_of(1000, 1)
    p_sw = 0.05
    gate = 1 - (1 - q_lb) * (1 - q_api**2)
    # Standby: down when both members are down, or one is down and its switchover failed.
    db = q_db**2 + p_sw * (2 * q_db - 2 * q_db**2)
    quorum = 3 * q_v**2 * (1 - q_v) + q_v**3
    trading = 1 - (1 - gate) * (1 - db) * (1 - quorum)
    assert a.unavailability("trading") == pytest.approx(trading, rel=1e-12)
    assert a.unavailability("database") == pytest.approx(db, rel=1e-12)
    cs = {frozenset(e) for e in a.cut_sets("database")["events"]}
    assert cs == {frozenset({"db-a", "db-b"}), frozenset({"db-a", "failover db-a/db-b"}), frozenset({"db-b", "failover db-a/db-b"})}
    assert {frozenset(e) for e in a.cut_sets("quorum")["events"]} == {frozenset(p) for p in (("v1", "v2"), ("v1", "v3"), ("v2", "v3"))}
    # The load balancer heads the "what to fix first" table of the gateways.
    assert a.fix_first("gateways").iloc[0]["event"] == "lb"
    # Its RAW: with the lb surely down the gateways are surely down.
    assert a.importance("gateways").loc["lb", "raw"] == pytest.approx(1 / gate, rel=1e-9)


def test_a_region_outage_is_a_single_point_of_failure_even_with_redundant_components() -> None:
    a = rs.analyze(exchange(region_shock=True), simulate=False)
    spof = a.single_points_of_failure("gateways")
    assert set(spof["event"]) == {"lb", "region-eu-1"}
    assert dict(zip(spof["event"], spof["kind"]))["region-eu-1"] == "shock"
    # Shock in progress: Poisson arrivals every 2 years, outages of mean 4.5 h (M/G/inf).
    q_s = 1 - math.exp(-4.5 / (2 * 8760))
    assert a.events_table().loc["region-eu-1", "probability"] == pytest.approx(q_s, rel=1e-12)
    q_lb, q_api = q_of(8760, 0.25), q_of(2000, 1 / 6)
    gate = 1 - (1 - q_lb) * (1 - q_s) * (1 - q_api**2)
    assert a.unavailability("gateways") == pytest.approx(gate, rel=1e-12)


def test_shock_hitting_with_a_probability_needs_every_hit() -> None:
    m = rs.Model("partial")
    m.component("a", mttf=100, mttr=1)
    m.component("b", mttf=100, mttr=1)
    m.shock("storm", every="1y", targets=["a", "b"], probability=0.5, outage="10h")
    m.service("s", rs.any_of("a", "b"))
    a = rs.analyze(m, simulate=False)
    qs = 1 - math.exp(-10 / 8760)
    qa = 1 / 101
    # Each of a, b is down when it failed or the storm is on and hit it (hits independent).
    # Conditioning on the storm: Q = qs * (qa + (1-qa)/2)^2 + (1 - qs) * qa^2.
    expected = qs * (qa + (1 - qa) * 0.5) ** 2 + (1 - qs) * qa**2
    assert a.unavailability("s") == pytest.approx(expected, rel=1e-12)
    sets = {frozenset(e) for e in a.cut_sets("s")["events"]}
    assert frozenset({"storm"}) in sets  # the storm with both hits, listed as the storm
    cs = a.cut_sets("s")
    row = cs[cs["events"] == ("storm",)].iloc[0]
    assert row["probability"] == pytest.approx(qs * 0.25, rel=1e-12)


def test_simulated_share_and_availability_are_reported_next_to_exact() -> None:
    m = exchange()
    a = rs.analyze(m, replications=200, seed=3)
    imp = a.importance("gateways")
    assert "simulated_share" in imp
    assert imp.loc["lb", "simulated_share"] > 0.5
    assert 0.999 < a.summary().loc["trading", "simulated_availability"] <= 1


def test_simulated_component_availability_where_the_closed_form_does_not_apply() -> None:
    # A crew makes the renewal closed form inapplicable: the availability is simulated (without
    # shocks), close to the crew-free value when the crew is rarely busy.
    m = rs.Model("crewed")
    m.crew("oncall", 1)
    m.component("a", failure=rs.Exponential(100), repair=rs.Step("fix", rs.Exponential(1), crew="oncall"))
    m.service("s", "a")
    a = rs.analyze(m, replications=400, seed=1, simulate=False)
    ev = a.events_table().loc["a"]
    assert ev["source"].startswith("simulated")
    assert ev["probability"] == pytest.approx(1 / 101, rel=0.1)


# --- truncation, limits and bad input ---------------------------------------------------------------


def test_truncation_that_drops_everything_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"service 'flow'.*drops every cut set"):
        rs.analyze(bridge(), max_order=1, simulate=False)
    with pytest.raises(ValueError, match="drops every cut set"):
        rs.analyze(bridge(), cutoff=0.9, simulate=False)


def test_probability_cutoff_keeps_the_likely_sets_and_says_so() -> None:
    a = rs.analyze(bridge(), component_availability={c: 1 - q for c, q in Q_BRIDGE.items()}, cutoff=0.001, simulate=False)
    assert sorted(map(sorted, a.cut_sets("flow")["events"])) == [["c1", "c2"], ["c2", "c3", "c4"], ["c4", "c5"]]
    assert a.truncated("flow")
    assert "probability >= 0.001" in a.truncation


def test_too_many_cut_sets_offers_truncation() -> None:
    m = rs.Model("quorum")
    names = [f"v{i}" for i in range(30)]
    for n in names:
        m.component(n, mttf=1000, mttr=1)
    m.service("bft", rs.k_of_n(20, *names))  # fails when 11 of 30 fail: C(30, 11) = 54,627,300 sets
    with pytest.raises(CutSetLimitError, match=r"too large for exact cut sets.*max_order="):
        rs.analyze(m, simulate=False, max_cut_sets=10_000)
    with pytest.raises(ValueError, match="drops every cut set"):
        rs.analyze(m, simulate=False, max_order=3)


def test_large_model_stays_tractable() -> None:
    # 2,000 components: 1,000 redundant pairs in series; 1,000 cut sets of order 2.
    m = rs.Model("fleet")
    pairs = []
    for i in range(1000):
        for side in "ab":
            m.component(f"{side}{i}", mttf=1000, mttr=1)
        pairs.append(rs.any_of(f"a{i}", f"b{i}"))
    m.service("all", rs.all_of(*pairs))
    t0 = time.perf_counter()
    a = rs.analyze(m, simulate=False, max_order=2)
    elapsed = time.perf_counter() - t0
    q = 1 / 1001
    assert len(a.cut_sets("all")) == 1000
    assert a.unavailability("all") == pytest.approx(1 - (1 - q * q) ** 1000, rel=1e-9)
    assert elapsed < 60


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"services": ["nope"]}, "unknown service 'nope'"),
        ({"component_availability": {"nope": 0.9}}, "unknown component"),
        ({"component_availability": {"c1": 1.5}}, r"component_availability\['c1'\] must be a probability"),
        ({"cutoff": 1.0}, "cutoff must be a probability"),
        ({"max_order": 0}, "max_order"),
    ],
    ids=["service", "component", "availability", "cutoff", "max_order"],
)
def test_bad_analysis_input(kwargs: dict, message: str) -> None:
    services = kwargs.pop("services", None)
    with pytest.raises((ValueError, KeyError), match=message):
        rs.analyze(bridge(), services, simulate=False, **kwargs)


# --- incident scenarios --------------------------------------------------------------------------------


def ks_distance(sample: np.ndarray, cdf) -> float:
    x = np.sort(sample)
    n = len(x)
    f = cdf(x)
    return float(max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n)))


def ks_critical(n: int, alpha: float = 1e-4) -> float:
    """Asymptotic Kolmogorov-Smirnov critical value: sqrt(-ln(alpha/2) / (2n))."""
    return math.sqrt(-math.log(alpha / 2) / (2 * n))


@pytest.mark.parametrize("at", [0.0, 500.0], ids=["from-start", "injected"])
def test_scenario_time_to_restore_is_exponential(at: float) -> None:
    # A failed component with exponential repair of mean 2 h: time to restore ~ Exp(mean 2 h).
    # It fails on its own once in 10 years, so at t = 500 h it is up with probability
    # 1 - 2/(87600+2) (then the forced failure applies) or already under repair (then the
    # remaining repair is again Exp(2 h) by memorylessness): the law is the same either way.
    m = rs.Model("one")
    m.component("db", mttf="10y", mttr="2h")
    m.service("app", "db", rto="4h")
    n = 20_000
    r = rs.run_scenarios(m, rs.Scenario("db down", rs.fail("db"), at=at), replications=n, seed=11, window="5d")
    ttr = r.time_to_restore("db down", "app")
    assert (ttr > 0).all() and not r.censored("db down", "app").any()
    d = ks_distance(ttr, lambda x: 1 - np.exp(-x / 2))
    assert d < ks_critical(n), f"KS distance {d:.4f}"
    se = 2 / math.sqrt(n)
    assert abs(ttr.mean() - 2) < 4 * se
    s = r.summary().loc[("db down", "app")]
    assert s["p_within_rto"] == pytest.approx(1 - math.exp(-2), abs=4 * math.sqrt(0.14 / n))


def test_scenario_region_outage_restores_after_the_outage() -> None:
    # A region outage Uniform(1 h, 8 h) holds down both nodes of a redundant pair that never fail
    # on their own in the window: time to restore ~ Uniform(1, 8) exactly.
    m = rs.Model("region")
    for n in ("n1", "n2"):
        m.component(n, mttf="1000y", mttr="1h", tags={"region": "eu"})
    m.shock("region-eu", every="5y", targets={"region": "eu"}, probability=0.3, outage=rs.Uniform("1h", "8h"))
    m.service("rpc", rs.any_of("n1", "n2"), rto="6h")
    n = 10_000
    r = rs.run_scenarios(m, rs.Scenario("eu down", rs.shock("region-eu")), replications=n, seed=5, window="2d")
    ttr = r.time_to_restore("eu down", "rpc")
    assert (ttr > 0).all()  # every target is hit, whatever the shock's probability
    assert ks_distance(ttr, lambda x: np.clip((x - 1) / 7, 0, 1)) < ks_critical(n)
    assert r.summary().loc[("eu down", "rpc"), "dominant_phase"] == "shock"


def test_scenarios_side_by_side_use_common_random_numbers() -> None:
    m = exchange(region_shock=True)
    a = rs.Scenario("eu-1 down", rs.shock("region-eu-1"))
    b = rs.Scenario("eu-1 down and lb", rs.shock("region-eu-1"), rs.fail("lb"))
    r = rs.run_scenarios(m, [a, b], replications=500, seed=2)
    # The same forced shock at the same time draws the same outage in both scenarios.
    ga, gb = r.time_to_restore("eu-1 down", "gateways"), r.time_to_restore("eu-1 down and lb", "gateways")
    assert (gb >= ga - 1e-12).all()
    # Services the load balancer does not touch are identical replication by replication.
    assert np.array_equal(r.time_to_restore("eu-1 down", "database"), r.time_to_restore("eu-1 down and lb", "database"))
    # Same seed, same results: reproducible for any thread count.
    r1 = rs.run_scenarios(m, [b], replications=500, seed=2, threads=1)
    assert np.array_equal(r1.time_to_restore("eu-1 down and lb", "trading"), r.time_to_restore("eu-1 down and lb", "trading"))


def test_scenario_data_loss_against_the_rpo() -> None:
    # Corruption restored from hourly backups: injected at 30.5 h, the latest backup (taken at
    # 30 h, finished 5 min later) holds the writes up to 30 h, so 30 minutes of writes are lost in
    # every replication (backups always succeed here): over the 20-minute RPO every time.
    m = rs.Model("backups")
    m.component(
        "db",
        modes=[rs.FailureMode("corruption", rs.Exponential("100y"), rs.Exponential("1h"), data_loss="backup")],
        backup=rs.Backup(every="1h", duration="5m"),
    )
    m.service("app", "db", rpo="20m")
    r = rs.run_scenarios(m, rs.Scenario("corrupt", rs.fail("db", "corruption"), at=30.5), replications=200, seed=1, window="1d")
    lost = r.data_lost("corrupt", "app")
    assert lost == pytest.approx(np.full(200, 0.5))
    assert r.summary().loc[("corrupt", "app"), "p_within_rpo"] == 0.0


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (lambda: rs.Scenario("x", rs.fail("nope")), "scenario 'x': fail\\('nope'\\): unknown component 'nope'"),
        (lambda: rs.Scenario("x", rs.fail("lb", "meltdown")), "has no failure mode 'meltdown'"),
        (lambda: rs.Scenario("x", rs.shock("region-mars")), "unknown shock 'region-mars'"),
    ],
    ids=["component", "mode", "shock"],
)
def test_scenario_bad_input(scenario, message: str) -> None:
    with pytest.raises(KeyError, match=message):
        rs.run_scenarios(exchange(region_shock=True), scenario(), replications=10)


def test_scenario_construction_errors() -> None:
    with pytest.raises(ValueError, match="at least one incident"):
        rs.Scenario("empty")
    with pytest.raises(TypeError, match="incident 0 must be"):
        rs.Scenario("x", "lb")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at must be >= 0"):
        rs.Scenario("x", rs.fail("lb"), at=-1)
    with pytest.raises(ValueError, match="unique"):
        rs.run_scenarios(exchange(), [rs.Scenario("x", rs.fail("lb")), rs.Scenario("x", rs.fail("lb"))])


def test_forced_events_survive_pickling() -> None:
    import pickle

    from recoverysim import _engine

    m = exchange(region_shock=True)
    c = _engine.compile_model(m, forced=rs.Scenario("s", rs.shock("region-eu-1"), rs.fail("lb")).forced())
    c2 = pickle.loads(pickle.dumps(c))
    a = _engine.simulate(c, horizon=100.0, seed=1, replications=20)
    b = _engine.simulate(c2, horizon=100.0, seed=1, replications=20)
    assert np.array_equal(a.service_downtime, b.service_downtime)


def test_reports_and_html() -> None:
    m = exchange(region_shock=True)
    a = rs.analyze(m, replications=100, seed=1)
    text = a.report()
    assert "single points of failure" in text and "lb" in text and "region-eu-1" in text
    assert re.search(r"gateways\s+.*lb \(component", text)
    html = a._repr_html_()
    assert "What to fix first" in html and "region-eu-1" in html
    r = rs.run_scenarios(m, rs.Scenario("eu-1 down", rs.shock("region-eu-1")), replications=100, seed=1)
    assert "scenario 'eu-1 down'" in r.report()
    assert "Incident scenarios" in r._repr_html_()


# --- command line and plots ------------------------------------------------------------------------------


def test_cli_analyze_prints_spofs_and_the_ranking(tmp_path, capsys) -> None:
    from pathlib import Path

    from recoverysim import cli

    exchange_yaml = Path(__file__).resolve().parents[2] / "examples" / "exchange.yaml"
    out = tmp_path / "a.json"
    t0 = time.perf_counter()
    assert cli.main(["analyze", str(exchange_yaml), "--json", str(out), "-n", "300"]) == 0
    assert time.perf_counter() - t0 < 10  # about a second on a quiet machine
    text = capsys.readouterr().out
    assert "single points of failure" in text
    assert re.search(r"withdrawals\s+signer \(component", text)
    assert re.search(r"what to fix first.*\n.*\n\s+signer\s+component\s+withdrawals", text)
    import json

    doc = json.loads(out.read_text())
    assert {(r["service"], r["event"]) for r in doc["single_points_of_failure"]} == {
        ("gateways", "lb"),
        ("trading", "lb"),
        ("withdrawals", "lb"),
        ("withdrawals", "signer"),
    }
    assert doc["fix_first"][0]["event"] == "signer"
    # Truncation dropping every cut set is a usage error naming the service and the option.
    assert cli.main(["analyze", str(exchange_yaml), "--max-order", "1", "-q"]) == 2
    assert "service 'matching'" in capsys.readouterr().err


def test_cli_scenario(tmp_path, capsys) -> None:
    from pathlib import Path

    from recoverysim import cli

    exchange_yaml = Path(__file__).resolve().parents[2] / "examples" / "exchange.yaml"
    csv = tmp_path / "s.csv"
    args = [
        "scenario",
        str(exchange_yaml),
        "-s",
        "regions=shock:region-eu-1+shock:region-us-1",
        "-s",
        "lb=fail:lb",
        "-n",
        "300",
        "--csv",
        str(csv),
    ]
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    assert "scenario 'regions'" in text and "scenario 'lb'" in text
    import pandas as pd

    df = pd.read_csv(csv).set_index(["scenario", "service"])
    assert df.loc[("regions", "blockchain"), "p_down"] == 1.0
    assert df.loc[("lb", "gateways"), "p_down"] == 1.0
    assert cli.main(["scenario", str(exchange_yaml), "-s", "x=fail:nope", "-n", "10"]) == 2
    assert "unknown component 'nope'" in capsys.readouterr().err
    assert cli.main(["scenario", str(exchange_yaml), "-s", "x=explode:lb", "-n", "10"]) == 2
    assert "shock:NAME or fail:COMPONENT" in capsys.readouterr().err


def test_plots_state_their_finding() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import recoverysim.plot as rsp

    m = exchange(region_shock=True)
    a = rs.analyze(m, replications=100, seed=1)
    ax = rsp.importance(a, "gateways")
    # The region outage (in progress 0.026% of the time) outweighs the load balancer (0.0029%).
    assert ax.get_title(loc="left").startswith("Fix region-eu-1 first for gateways")
    assert [t.get_text() for t in ax.get_yticklabels()][-2:] == ["lb", "region-eu-1 (shock)"]  # largest on top
    ax = rsp.cut_sets(a, "gateways")
    assert ax.get_title(loc="left").startswith("gateways: 2 single points of failure")
    with pytest.raises(ValueError, match="measure must be one of"):
        rsp.importance(a, "gateways", measure="nope")
    r = rs.run_scenarios(m, [rs.Scenario("eu-1", rs.shock("region-eu-1")), rs.Scenario("lb", rs.fail("lb"))], replications=200, seed=1)
    m.services["gateways"].rto = 2.0
    r.targets["gateways"]["rto"] = 2.0
    ax = rsp.scenario_restore(r, "gateways")
    assert any(abs(line.get_xdata()[0] - 2.0) < 1e-12 for line in ax.get_lines() if line.get_linestyle() == "--")
    assert "worst: 'eu-1'" in ax.get_title(loc="left")
    plt.close("all")
