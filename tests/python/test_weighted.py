"""Weighted thresholds (stake-weighted quorums): ``rs.weighted({member: weight}, more_than=...)``.

The exact answer for independent members is an enumeration of the 2^n up/down states: member i
is up with probability A_i = MTTF_i / (MTTF_i + MTTR_i) (each has its own repair, so members are
independent), and a state x is up when sum_{i up in x} w_i > t (strict) or >= t (inclusive).

    A     = sum_{x up} prod_i P(x_i)
    freq  = sum_{x up} P(x) * sum_{i up in x, x - i down} lambda_i     (flows out of the up set)
    MDT   = (1 - A) / freq                                              (mean outage)

(Barlow & Proschan 1975; Rausand & Hoyland 2004, ch. 8: the frequency of system failures of a
coherent system of independent components is sum_i lambda_i * P(i up) * Birnbaum_i; summing the
flows across the cut between up and down states is the same number.)
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import recoverysim as rs

# A five-validator chain with unequal stakes (percent of the total), each validator with its own
# failure and repair times. Live while validators holding strictly more than 2/3 of the stake are up.
STAKES = {"v1": 32.0, "v2": 24.0, "v3": 20.0, "v4": 14.0, "v5": 10.0}
MTTF = {"v1": 400.0, "v2": 600.0, "v3": 300.0, "v4": 500.0, "v5": 250.0}
MTTR = {"v1": 20.0, "v2": 12.0, "v3": 30.0, "v4": 8.0, "v5": 25.0}


def validator_model() -> rs.Model:
    m = rs.Model("validators")
    for v in STAKES:
        m.component(v, mttf=MTTF[v], mttr=MTTR[v])
    m.service("chain", rs.weighted(STAKES, more_than="2/3"))
    return m


def enumerate_states(weights: dict[str, float], holds) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(A, failure frequency) of a weighted gate over independent exponential members, by
    enumerating the 2^n states."""
    names = list(weights)
    avail = {v: MTTF[v] / (MTTF[v] + MTTR[v]) for v in names}
    a = freq = 0.0
    for bits in itertools.product((0, 1), repeat=len(names)):
        up = {v for v, b in zip(names, bits) if b}
        if not holds(sum(weights[v] for v in up)):
            continue
        p = math.prod(avail[v] if v in up else 1 - avail[v] for v in names)
        a += p
        freq += p * sum(1 / MTTF[v] for v in up if not holds(sum(weights[u] for u in up - {v})))
    return a, freq


def test_five_validators_exact_twins_agree_with_the_enumeration() -> None:
    # Up while the up stake is more than 200/3 = 66.67: the minimal cut sets are the pairs whose
    # stake is at least 33.33: v1 with anyone (32 + 10 = 42), v2v3 (44), v2v4 (38), v2v5 (34),
    # v3v4 (34); v3v5 (30) and v4v5 (24) leave 70 and 76 up.
    a, freq = enumerate_states(STAKES, lambda w: w > 200 / 3)
    m = validator_model()
    ex = m.exact()
    assert ex.n_states == 32
    assert math.isclose(ex.availability("chain"), a, rel_tol=1e-10)
    assert math.isclose(ex.failure_frequency("chain"), freq, rel_tol=1e-9)
    assert math.isclose(ex.mean_outage_duration("chain"), (1 - a) / freq, rel_tol=1e-9)
    assert math.isclose(m.structure_availability()["chain"], a, rel_tol=1e-12)
    an = rs.analysis.analyze(m, simulate=False)
    pairs = {frozenset(e) for e in an.cut_sets("chain")["events"]}
    assert pairs == {frozenset(p) for p in ["v1 v2", "v1 v3", "v1 v4", "v1 v5", "v2 v3", "v2 v4", "v2 v5", "v3 v4"] for p in [p.split()]}
    assert math.isclose(an.availability("chain"), a, rel_tol=1e-12)
    assert an.single_points_of_failure("chain").empty


def test_five_validators_simulation_matches_exact() -> None:
    """Simulation against the chain: availability over the horizon (the exact transient mean from
    all up), outages per year and mean outage duration, each within 4 standard errors."""
    m = validator_model()
    ex = m.exact()
    horizon = 8760.0
    res = m.simulate(horizon=horizon, replications=400, seed=11)
    av = res.availabilities("chain")
    exact_av = ex.mean_availability("chain", horizon)
    assert abs(av.mean() - exact_av) < 4 * av.std(ddof=1) / math.sqrt(len(av))
    # Outages begin at rate freq once in steady state; from all up the expected count is lower by
    # at most freq * (time to reach steady state ~ a few MTTR), well inside the tolerance.
    counts = res.outage_counts("chain")
    expected = ex.failure_frequency("chain") * horizon
    assert abs(counts.mean() - expected) < 4 * counts.std(ddof=1) / math.sqrt(len(counts))
    durations = res.outages("chain")["duration_h"].to_numpy()
    sem = durations.std(ddof=1) / math.sqrt(len(durations))
    assert abs(durations.mean() - ex.mean_outage_duration("chain")) < 4 * sem
    # The exact values for the report (see README): A = 0.99..., about 9 outages a year.
    assert 0.98 < ex.availability("chain") < 0.999


@pytest.mark.parametrize(
    ("threshold", "same_as"),
    [
        ({"more_than": "2/3"}, rs.all_of("a", "b", "c")),  # 2 of 3 equal stakes is exactly 2/3: not more
        ({"at_least": "2/3"}, rs.k_of_n(2, "a", "b", "c")),  # exactly 2/3 is at least 2/3
        ({"more_than": 0.5}, rs.k_of_n(2, "a", "b", "c")),
        ({"at_least": "1%"}, rs.any_of("a", "b", "c")),
    ],
    ids=["more-than-2/3", "at-least-2/3", "more-than-0.5", "at-least-1%"],
)
def test_equal_weights_are_a_count_quorum_bitwise(threshold: dict[str, object], same_as: rs.Requirement) -> None:
    """With equal weights a weighted gate is a k-of-n gate: the same events, the same random
    numbers (streams are keyed by component names), so bitwise identical results. This pins the
    strictness at the boundary (0.1 + 0.1 = 0.2 style rounding of thirds does not matter)."""

    def run(req: rs.Requirement) -> np.ndarray:
        m = rs.Model("q")
        for c in "abc":
            m.component(c, mttf=50, mttr=10)
        m.service("s", req)
        r = m.simulate(horizon=2000, replications=50, seed=3)
        return np.concatenate([r.downtime("s"), r.outage_counts("s")])

    w = rs.weighted({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}, **threshold)  # type: ignore[arg-type]
    assert np.array_equal(run(w), run(same_as))


def test_weighted_over_services_and_nested_groups() -> None:
    """Members can be services and nested requirements. Each validator needs its node and one of
    two signers: A_i = A_node * (1 - (1 - A_sig)^2); the chain is then the enumeration over
    validators with these availabilities (the Markov chain has 3^... states: checked against the
    structure function and the BDD, which must agree exactly)."""
    m = rs.Model("nested")
    weights = {"val-a": 5.0, "val-b": 3.0, "val-c": 2.0}
    for v in weights:
        m.component(f"{v}-node", mttf=300, mttr=10)
        m.component(f"{v}-s1", mttf=100, mttr=20)
        m.component(f"{v}-s2", mttf=100, mttr=20)
        m.service(v, rs.all_of(f"{v}-node", rs.any_of(f"{v}-s1", f"{v}-s2")))
    m.service("chain", rs.weighted(weights, at_least="70%"))
    node, sig = 300 / 310, 100 / 120
    ai = node * (1 - (1 - sig) ** 2)
    # at least 7 of 10: a+b (8), a+c (7), a+b+c; b+c is 5.
    exact = ai**3 + 2 * ai**2 * (1 - ai)
    assert math.isclose(m.structure_availability()["chain"], exact, rel_tol=1e-12)
    assert math.isclose(m.exact().availability("chain"), exact, rel_tol=1e-9)
    assert math.isclose(rs.analysis.analyze(m, simulate=False).availability("chain"), exact, rel_tol=1e-12)
    # The same group with a nested requirement as a member instead of a service.
    m2 = rs.Model("nested2")
    for c in m.components.values():
        m2.component(c.name, mttf=300 if c.name.endswith("node") else 100, mttr=10 if c.name.endswith("node") else 20)
    m2.service(
        "chain",
        rs.weighted([(rs.all_of(f"{v}-node", rs.any_of(f"{v}-s1", f"{v}-s2")), w) for v, w in weights.items()], at_least="70%"),
    )
    assert math.isclose(m2.structure_availability()["chain"], exact, rel_tol=1e-12)


YAML = """
name: validators
components:
  v1: {mttf: 400h, mttr: 20h}
  v2: {mttf: 600h, mttr: 12h}
  v3: {mttf: 300h, mttr: 30h}
  v4: {mttf: 500h, mttr: 8h}
  v5: {mttf: 250h, mttr: 25h}
services:
  chain:
    requires:
      weighted:
        more_than: 2/3
        weights: {v1: 32, v2: 24, v3: 20, v4: 14, v5: 10}
"""


def test_model_file_round_trip_and_same_answer() -> None:
    m = rs.loads(YAML)
    assert m.services["chain"].requirement == rs.weighted(STAKES, more_than="2/3")
    assert math.isclose(m.exact().availability("chain"), validator_model().exact().availability("chain"), rel_tol=1e-14)
    again = rs.loads(rs.io.dumps(m))
    assert again.services["chain"].requirement == m.services["chain"].requirement
    # Nested members are written as a list of {member, weight}.
    m2 = rs.Model("n")
    for c in "abc":
        m2.component(c, mttf=10, mttr=1)
    m2.service("s", rs.weighted([(rs.any_of("a", "b"), 2), ("c", 1.5)], at_least=2))
    text = rs.io.dumps(m2)
    assert "member:" in text
    assert rs.loads(text).services["s"].requirement == m2.services["s"].requirement


def test_compiled_model_pickles_with_weights() -> None:
    import pickle

    m = validator_model()
    c = m.compile()
    c2 = pickle.loads(pickle.dumps(c))
    gate = [g for g in c2.gates if g["kind"] == "weighted"]
    assert len(gate) == 1
    assert gate[0]["weights"] == [32.0, 24.0, 20.0, 14.0, 10.0]
    assert gate[0]["strict"] is True
    assert math.isclose(gate[0]["threshold"], 200 / 3, rel_tol=1e-15)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ("{more_than: 2/3, weights: {v1: -1, v2: 3}}", "weights.v1", "must be >= 0"),
        ("{at_least: 11, weights: {v1: 5, v2: 5}}", "at_least", "can never be up"),
        ("{more_than: 10, weights: {v1: 5, v2: 5}}", "more_than", "can never be up"),
        ("{more_than: 1/2, at_least: 3, weights: {v1: 5, v2: 5}}", "weighted", "exactly one"),
        ("{more_than: 3/2, weights: {v1: 5, v2: 5}}", "more_than", "from 0 to 1"),
        ("{more_than: two thirds, weights: {v1: 5, v2: 5}}", "more_than", "a share of the total weight"),
        ("{at_least: 1, weights: {v1: 5, v9: 5}}", "weights.v9", "unknown"),
        ("{at_least: 1, weights: {v1: 0, v2: 0}}", "at_least", "sum to 0"),
    ],
    ids=["negative-weight", "above-total", "strict-at-total", "both", "share-above-1", "bad-share", "unknown", "zero"],
)
def test_bad_model_file_input_names_the_field(body: str, field: str, message: str) -> None:
    text = (
        f"components:\n  v1: {{mttf: 10h, mttr: 1h}}\n  v2: {{mttf: 10h, mttr: 1h}}\nservices:\n  s: {{requires: {{weighted: {body}}}}}\n"
    )
    with pytest.raises(rs.ModelFileError) as e:
        rs.loads(text)
    assert field in str(e.value)
    assert message in str(e.value)


def test_bad_python_input() -> None:
    with pytest.raises(ValueError, match=r"weight of 'a' must be a finite number >= 0"):
        rs.weighted({"a": -1, "b": 2}, at_least=1)
    with pytest.raises(ValueError, match="can never be up: the weights sum to 3"):
        rs.weighted({"a": 1, "b": 2}, at_least=4)
    with pytest.raises(ValueError, match="can never be up"):
        rs.weighted({"a": 1, "b": 2}, more_than="100%")
    with pytest.raises(TypeError, match="exactly one of more_than"):
        rs.weighted({"a": 1, "b": 2})
    with pytest.raises(ValueError, match="from 0 to 1"):
        rs.weighted({"a": 1, "b": 2}, more_than="4/3")
    m = rs.Model()
    m.component("a", mttf=1, mttr=1)
    m.service("s", rs.weighted({"a": 1, "zz": 2}, at_least=1))
    with pytest.raises(ValueError, match=r"service .s. > weighted\(...\)\[1\]: unknown component or service .zz."):
        m.compile()


def test_gate_is_described_where_people_look() -> None:
    """The HTML model table, the DOT graph of the command line and the dependency-graph plot say
    which threshold and which weights the gate has."""
    from recoverysim import _html, cli

    m = validator_model()
    html = _html.model_html(m)
    assert "&gt; 2/3 of weight" in html
    dot = cli.graph(m)
    assert "> 2/3 of weight" in dot
    assert 'label="weight 32"' in dot
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from recoverysim import plot

    ax = plot.dependency_graph(m)
    assert any("> 2/3 of weight" in t.get_text() for t in ax.texts)
