"""Fleets in a few lines: component templates with a count (``Model.fleet``, ``count:`` in model
files) and requirements that select their members by tag.

A fleet is only a way of writing components, and a tag selector only a way of writing a member
list, so the exact answer for both is the hand-written model: the same results bit for bit (the
same digest). The statistics of a wide tag-selected quorum are checked against the binomial
closed form of a k-of-n gate over independent components (each has its own repair):

    A = sum_{j >= k} C(n, j) a^j (1 - a)^(n - j),   a = MTTF / (MTTF + MTTR).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from test_digest import digest_results
from test_io import SCHEMA, validate

import recoverysim as rs
from recoverysim import io as rsio

ROOT = Path(__file__).resolve().parents[2]
VALIDATORS = ROOT / "examples" / "validators.yaml"


def run(m: rs.Model, reps: int = 200, seed: int = 5) -> rs.Results:
    return m.simulate("1y", reps, seed=seed, threads=2, progress=False)


# --- templates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "count", "start", "names"),
    [
        ("v-{i}", 3, 1, ["v-1", "v-2", "v-3"]),
        ("validator-{i:04d}", 2, 1, ["validator-0001", "validator-0002"]),
        ("rack{i}-host", 2, 0, ["rack0-host", "rack1-host"]),
        ("{{eu}}-{i}", 1, 7, ["{eu}-7"]),
    ],
    ids=["plain", "format-spec", "start-0", "escaped-braces"],
)
def test_fleet_names(pattern, count, start, names):
    assert rs.Model().fleet(pattern, count, start=start, mttf="1000h", mttr="1h").names == names


@pytest.mark.parametrize(
    ("pattern", "count", "message"),
    [
        ("validator", 3, "needs the index field {i}"),
        ("v-{j}", 3, "(it has {j})"),
        ("v-{i", 3, "not a name pattern"),
        ("v-{i:x}x{i:s}", 3, "cannot format the index"),
        ("v-{i}", 0, "count must be >= 1"),
        ("v-{i}", 2_000_000, "count must be <= 1,000,000"),
        ("v-{i:.0s}", 3, "cannot format"),
    ],
    ids=["no-field", "other-field", "unclosed", "bad-spec", "zero", "too-many", "str-spec"],
)
def test_fleet_bad_patterns_are_refused_with_the_pattern(pattern, count, message):
    with pytest.raises((ValueError, TypeError)) as e:
        rs.Model().fleet(pattern, count, mttf="1000h", mttr="1h")
    assert message in str(e.value)
    assert repr(pattern) in str(e.value) or "count" in str(e.value)


def test_fleet_per_instance_values_and_their_errors():
    m = rs.Model()
    f = m.fleet("v-{i}", 3, mttf=["100h", "200h", "300h"], mttr="1h", priority=[1, 2, 3], tags={"role": "v", "stake": [5, 6, 7]})
    assert [c.mttf for c in f] == [100.0, 200.0, 300.0]
    assert [c.priority for c in f] == [1, 2, 3]
    assert [c.tags for c in f] == [{"role": "v", "stake": s} for s in ("5", "6", "7")]
    with pytest.raises(ValueError, match=r"fleet 'w-\{i\}': tag 'stake' has 2 values, one per instance needs 3"):
        m.fleet("w-{i}", 3, mttf="1h", mttr="1h", tags={"stake": [1, 2]})
    with pytest.raises(ValueError, match=r"fleet 'w-\{i\}': mttf has 4 values"):
        m.fleet("w-{i}", 3, mttf=["1h"] * 4, mttr="1h")
    assert "w-1" not in m.components  # all or nothing
    with pytest.raises(ValueError, match=r"instance 'v-2' has the name"):
        m.fleet("v-{i:d}", 1, start=2, mttf="1h", mttr="1h")
    with pytest.raises(ValueError, match=r"component 'w-2': mttf must be > 0"):
        m.fleet("w-{i}", 3, mttf=["1h", "0h", "1h"], mttr="1h")
    assert "w-1" not in m.components and "w-{i}" not in m.fleets


def test_per_instance_values_may_be_numpy_arrays_and_a_step_cannot_select_by_tag():
    m = rs.Model()
    f = m.fleet("v-{i}", 3, mttf=np.array([100.0, 200.0, 300.0]), mttr="1h", tags={"stake": np.arange(1, 4)})
    assert [c.tags["stake"] for c in f] == ["1", "2", "3"] and [c.mttf for c in f] == [100.0, 200.0, 300.0]
    with pytest.raises(ValueError, match="step 'restore' requires: tag selectors"):
        rs.Step("restore", "1h", requires=rs.k_of_n(2, tags={"role": "db"}))


def test_a_templated_2_of_3_is_the_hand_written_one_bitwise():
    hand = rs.Model("q")
    for i in (1, 2, 3):
        hand.component(f"db-{i}", mttf="300h", mttr="20h", tags={"role": "db"})
    hand.service("db", rs.k_of_n(2, "db-1", "db-2", "db-3"))
    fleet = rs.Model("q")
    fleet.fleet("db-{i}", 3, mttf="300h", mttr="20h", tags={"role": "db"})
    fleet.service("db", rs.k_of_n(2, tags={"role": "db"}))
    a, b = run(hand), run(fleet)
    assert a.raw == b.raw
    assert digest_results(a) == digest_results(b)


# --- tag selectors ---------------------------------------------------------------------------------


def stake_model(selected: bool) -> rs.Model:
    stakes = [32, 24, 20, 14, 10]
    m = rs.Model("stake")
    m.fleet(
        "v{i}",
        5,
        mttf=["400h", "600h", "300h", "500h", "250h"],
        mttr=["20h", "12h", "30h", "8h", "25h"],
        tags={"role": "validator", "stake": stakes},
    )
    m.fleet("rpc-{i}", 4, mttf="500h", mttr="10h", tags={"role": "rpc", "rps": [100, 100, 200, 50]})
    m.component("lb", mttf="5000h", mttr="1h", tags={"role": "lb"})
    m.component("lb-b", mttf="5000h", mttr="1h", tags={"role": "lb"})
    if selected:
        m.service("chain", rs.weighted(tags={"role": "validator"}, weight="stake", more_than="2/3"))
        m.service("rpc", rs.capacity(tags={"role": "rpc"}, weight="rps"), demand=300, down_below="50%")
        m.service("front", rs.all_of(rs.any_of(tags={"role": "lb"}), rs.k_of_n(3, tags={"role": "rpc"})))
    else:
        m.service("chain", rs.weighted({f"v{i + 1}": s for i, s in enumerate(stakes)}, more_than="2/3"))
        m.service("rpc", rs.capacity({"rpc-1": 100, "rpc-2": 100, "rpc-3": 200, "rpc-4": 50}), demand=300, down_below="50%")
        m.service("front", rs.all_of(rs.any_of("lb", "lb-b"), rs.k_of_n(3, "rpc-1", "rpc-2", "rpc-3", "rpc-4")))
    return m


def test_tag_selected_gates_are_the_listed_gates_bitwise():
    a, b = run(stake_model(True)), run(stake_model(False))
    assert a.raw == b.raw
    assert digest_results(a) == digest_results(b)
    assert stake_model(True).exact().availability("chain") == stake_model(False).exact().availability("chain")


def test_a_wide_tag_selected_quorum_matches_the_binomial_closed_form():
    # 40 members, 36 needed: the gate is down about 0.3 % of the time, so a year shows it.
    n, k, mttf, mttr = 40, 36, 400.0, 8.0
    m = rs.Model("wide")
    m.fleet("n-{i:02d}", n, mttf=mttf, mttr=mttr, tags={"role": "node"})
    m.service("quorum", rs.k_of_n(k, tags={"role": "node"}))
    a = mttf / (mttf + mttr)
    exact = sum(math.comb(n, j) * a**j * (1 - a) ** (n - j) for j in range(k, n + 1))
    assert m.structure_availability()["quorum"] == pytest.approx(exact, rel=1e-12)
    res = run(m, reps=400, seed=3)
    x = res.availabilities("quorum")
    se = x.std(ddof=1) / math.sqrt(x.size)
    # All members start up: the start transient (a few MTTR out of a year) is far below one SE.
    assert abs(x.mean() - exact) < 4.5 * se


def test_selector_errors_name_the_tags():
    m = rs.Model()
    m.fleet("v-{i}", 3, mttf="1000h", mttr="1h", tags={"role": "validator", "stake": [1, 2, "x"]})
    with pytest.raises(
        ValueError, match=r"service 'chain': k_of_n\(2, tags=\{'role': 'signer'\}\): the tags \{'role': 'signer'\} select no component"
    ):
        m.service("chain", rs.k_of_n(2, tags={"role": "signer"}))
    with pytest.raises(ValueError, match=r"k=4 is more than the 3 components the tags \{'role': 'validator'\} select"):
        m.service("chain", rs.k_of_n(4, tags={"role": "validator"}))
    with pytest.raises(ValueError, match=r"component 'v-3': tag 'stake' must be a number \(its weight\), got 'x'"):
        m.service("chain", rs.weighted(tags={"role": "validator"}, weight="stake", at_least=2))
    with pytest.raises(ValueError, match=r"component 'v-1' has no tag 'votes'"):
        m.service("chain", rs.weighted(tags={"role": "validator"}, weight="votes", at_least=2))
    with pytest.raises(TypeError, match="not both"):
        rs.k_of_n(2, "v-1", "v-2", tags={"role": "validator"})
    with pytest.raises(TypeError, match="tags= and weight= go together"):
        rs.weighted(tags={"role": "validator"}, more_than="2/3")
    with pytest.raises(ValueError, match="empty tag selector"):
        rs.all_of(tags={})
    with pytest.raises(ValueError, match="can never be up"):
        m.fleet("w-{i}", 2, mttf="1000h", mttr="1h", tags={"role": "w", "stake": 1})
        m.service("w", rs.weighted(tags={"role": "w"}, weight="stake", at_least=3))


def test_selection_follows_the_components_until_compile_time():
    m = rs.Model()
    m.fleet("v-{i}", 3, mttf="1000h", mttr="1h", tags={"role": "validator"})
    m.service("chain", rs.k_of_n(2, tags={"role": "validator"}))
    assert m.services["chain"].requirement.members == ("v-1", "v-2", "v-3")
    m.component("v-extra", mttf="1000h", mttr="1h", tags={"role": "validator"})
    m.component("other", mttf="1000h", mttr="1h")
    assert m.services["chain"].requirement.names() == ["v-1", "v-2", "v-3", "v-extra"]
    assert m.compile().service_names == ["chain"]
    m.remove("v-2")
    assert m.services["chain"].requirement.names() == ["v-1", "v-3", "v-extra"]
    assert "v-{i}" not in m.fleets  # a fleet with an instance missing is written out one by one
    assert "v-1" in m.to_data()["components"]
    for n in ("v-1", "v-3"):
        m.remove(n)
    with pytest.raises(ValueError, match=r"service 'chain': .*k=2 is more than the 1 components"):
        m.compile()


def test_repr_and_describe_stay_short_for_a_large_fleet():
    m = rs.Model()
    m.fleet("v-{i}", 1000, mttf="1000h", mttr="1h", tags={"role": "validator"})
    s = m.service("chain", rs.k_of_n(667, tags={"role": "validator"}))
    assert repr(s) == "Service('chain', k_of_n(667, tags={'role': 'validator'}))"
    assert s.requirement.describe() == "667 of 1000"
    assert len(s.requirement.members) == 1000


# --- model files ---------------------------------------------------------------------------------


FLEET_YAML = """
name: fleet
components:
  validator-{i:03d}: {count: 6, mttf: 1000h, mttr: [1h, 2h, 3h, 4h, 5h, 6h], tags: {role: validator, stake: [5, 5, 5, 1, 1, 1]}}
  rpc-{i}: {count: 3, start: 0, mttf: 500h, mttr: 30m, tags: {role: rpc, rps: 100}}
  lb: {mttf: 8000h, mttr: 15m}
services:
  chain: {requires: {weighted: {more_than: 2/3, tags: {role: validator}, weight: stake}}}
  quorum: {requires: {k_of_n: {k: 4, tags: {role: validator}}}}
  rpc: {requires: {capacity: {tags: {role: rpc}, weight: rps}}, demand: 200}
  front: {requires: [lb, {any_of: {tags: {role: rpc}}}]}
shocks:
  outage: {every: 1y, targets: [validator-001, rpc-2], outage: 1h}
"""


def test_a_fleet_file_reads_and_writes_back_compact():
    m = rs.loads(FLEET_YAML)
    assert len(m.components) == 10 and list(m.fleets) == ["validator-{i:03d}", "rpc-{i}"]
    assert [m.components[f"validator-00{i}"].modes[0].repair.steps[0].duration.mean for i in (1, 6)] == [1.0, 6.0]
    assert m.services["chain"].requirement.weights == (5.0, 5.0, 5.0, 1.0, 1.0, 1.0)
    assert m.services["rpc"].requirement.members == ("rpc-0", "rpc-1", "rpc-2")
    data = m.to_data()
    assert data["components"]["validator-{i:03d}"]["mttr"] == ["1h", "2h", "3h", "4h", "5h", "6h"]
    assert data["components"]["rpc-{i}"]["start"] == 0
    assert data["services"]["quorum"] == {"requires": {"k_of_n": {"k": 4, "tags": {"role": "validator"}}}}
    again = rs.loads(rsio.dumps(m))
    assert again == m and again.to_data() == data
    assert run(again, 40).raw == run(m, 40).raw
    assert rs.loads(rsio.dumps(m, format="json"), format="json") == m
    assert validate(data, SCHEMA) == []  # the JSON Schema accepts the compact forms


def test_the_validators_example_is_ten_lines_for_ten_thousand_validators():
    lines = [x for x in VALIDATORS.read_text().splitlines() if x.strip() and not x.lstrip().startswith("#")]
    assert len(lines) <= 10
    m = rs.load(VALIDATORS)
    assert len(m.components) == 10_000
    req = m.services["chain"].requirement
    assert len(req.members) == 10_000 and req.total_weight == 18_000
    written = rsio.dumps(m)
    assert len(written.splitlines()) <= 25 and rs.loads(written) == m  # block style: a field a line
    # A short run: the failures of each fleet against their expected count. Each validator is a
    # renewal process of exponential up (MTTF) and down (MTTR) times, all starting up; outages of
    # the shock stop ageing but do not count as failures. Over 30 days the expected count per
    # member is close to T / (MTTF + MTTR) (the start-up transient is a few MTTR).
    res = m.simulate("30d", 4, seed=2, threads=2, progress=False)
    small = sum(res.failures(f"validator-{i:05d}") for i in range(1, 9001))
    big = sum(res.failures(f"staker-{i:04d}") for i in range(1, 1001))
    for counts, n, mttf, mttr in ((small, 9000, 2000.0, 4.0), (big, 1000, 4000.0, 2.0)):
        expect = n * 720.0 / (mttf + mttr)
        # Poisson-like counts: sd about sqrt(expect) per replication; shocks remove a little ageing.
        assert abs(counts.mean() - expect) < 5 * math.sqrt(expect / counts.size) + 0.01 * expect


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("components: {'v-{i}': {count: 0, mttf: 1h, mttr: 1h}}", 'components."v-{i}".count', "must be >= 1"),
        ("components: {'v-{i}': {count: 2, mttf: [1h], mttr: 1h}}", 'components."v-{i}".mttf', "has 1 values; one per instance needs 2"),
        ("components: {'v-{i}': {count: 2, mttf: 1h, mttr: 1h, tags: {s: [1, 2, 3]}}}", 'components."v-{i}".tags.s', "has 3 values"),
        ("components: {v: {start: 2, mttf: 1h, mttr: 1h}}", "components.v.start", "needs count"),
        ("components: {v: {count: 2, mttf: 1h, mttr: 1h}}", "components.v", "needs the index field {i}"),
        (
            "components: {'v-{i}': {count: 2, mttf: 1h, mttr: 1h}}\nservices: {s: {requires: {k_of_n: {k: 3, tags: {a: b}}}}}",
            "services.s.requires",
            "select no component",
        ),
        (
            "components: {'v-{i}': {count: 2, mttf: 1h, mttr: 1h, tags: {a: b}}}\nservices: {s: {requires: {k_of_n: {k: 3, tags: {a: b}}}}}",
            "services.s.requires",
            "k=3 is more than the 2 components",
        ),
        (
            "components: {'v-{i}': {count: 2, mttf: 1h, mttr: 1h, tags: {a: b}}}\nservices: {s: {requires: {k_of_n: {k: 1, of: [v-1], tags: {a: b}}}}}",
            "services.s.requires.k_of_n",
            "exactly one of of",
        ),
        (
            "components: {'v-{i}': {count: 2, mttf: 1h, mttr: 1h, tags: {a: b}}}\nservices: {s: {requires: {weighted: {more_than: 2/3, tags: {a: b}}}}}",
            "services.s.requires.weighted",
            "missing field 'weight'",
        ),
        (
            "components: {'v-{i}': {count: 2, mttf: 1h, mttr: 1h}}\nservices: {s: {requires: v-3}}",
            "services.s.requires",
            "unknown component",
        ),
    ],
    ids=[
        "count-0",
        "short-list",
        "long-tag-list",
        "start-alone",
        "no-field",
        "no-match",
        "k-too-big",
        "of-and-tags",
        "no-weight",
        "unknown-instance",
    ],
)
def test_fleet_file_errors_point_at_the_field(text, path, message):
    with pytest.raises(rs.ModelFileError) as e:
        rs.loads(text)
    assert e.value.path == path, str(e.value)
    assert message in str(e.value)


def test_instances_can_be_referenced_by_name_elsewhere_in_a_file():
    m = rs.loads(
        "components: {'v-{i}': {count: 3, mttf: 100h, mttr: 1h}}\nservices: {s: {requires: {k_of_n: {k: 2, of: [v-1, v-2, v-3]}}}}"
    )
    hand = rs.Model("model")
    for i in (1, 2, 3):
        hand.component(f"v-{i}", mttf="100h", mttr="1h")
    hand.service("s", rs.k_of_n(2, "v-1", "v-2", "v-3"))
    assert run(m, 50).raw == run(hand, 50).raw
    assert np.array_equal(run(m, 50).downtime("s"), run(hand, 50).downtime("s"))


# --- large fleets in the views -------------------------------------------------------------------


def thousand() -> rs.Model:
    m = rs.Model("thousand")
    m.fleet("v-{i:04d}", 1000, mttf="2000h", mttr="4h", tags={"role": "validator", "stake": [str(1 + i % 7) for i in range(1000)]})
    m.component("lb", mttf="5000h", mttr="1h")
    m.service("chain", rs.k_of_n(667, tags={"role": "validator"}))
    m.service("api", rs.all_of("lb", "chain"))
    m.shock("region", every="2y", targets={"role": "validator"}, probability=0.1, outage="1h")
    return m


def test_the_model_view_summarises_a_fleet():
    html = thousand()._repr_html_()
    assert len(html) < 20_000  # one entry per fleet, not 1,000 rows
    assert "× 1,000" in html and "v-0001, v-0002, v-0003, …, v-1000 (1,000)" in html
    assert "stake=(per instance)" in html and "1,000 components" in html


def test_the_exact_chain_of_a_fleet_is_refused_at_once_and_the_structure_function_answers():
    m = thousand()
    m.remove("region")
    with pytest.raises(ValueError, match=r"the Markov chain of 1,001 components has at least 2\^1001 states"):
        m.exact()
    a = 2000 / 2004
    chain = sum(math.comb(1000, j) * a**j * (1 - a) ** (1000 - j) for j in range(667, 1001))
    got = m.structure_availability()
    assert got["chain"] == pytest.approx(chain, abs=1e-12) and got["chain"] <= 1.0
    assert got["api"] == pytest.approx(5000 / 5001 * chain, rel=1e-12)


def test_the_dependency_graph_draws_a_fleet_as_one_box():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from recoverysim import plot

    ax = plot.dependency_graph(thousand())
    texts = [t.get_text() for t in ax.texts]
    assert "v-{i:04d} × 1,000" in texts and not any(t == "v-0001" for t in texts)
    assert "1,001 components" in ax.get_title(loc="left") + "".join(t.get_text() for t in ax.figure.texts)
    plt.close(ax.figure)
    big = rs.Model()
    for i in range(500):
        big.component(f"c{i}", mttf="1000h", mttr="1h")
    big.service("s", rs.all_of(*[f"c{i}" for i in range(500)]))
    with pytest.raises(ValueError, match="500 component boxes are too many"):
        plot.dependency_graph(big)


def test_cut_sets_of_a_wide_quorum_are_refused_at_once_with_the_count():
    import time

    from recoverysim.analysis import CutSetLimitError, analyze

    m = thousand()
    m.remove("region")  # members are then plain basic events (with the shock, the enumeration decides)
    t0 = time.perf_counter()
    with pytest.raises(
        CutSetLimitError, match=r"any 334 of 1,000 of them down has at least 1.15e\+275 minimal cut sets.*too large for exact cut sets"
    ):
        analyze(m, simulate=False)
    with pytest.raises(ValueError, match=r"max_order=3\) drops every cut set"):
        analyze(m, simulate=False, max_order=3)
    assert time.perf_counter() - t0 < 10  # decided from the gate, not by enumerating
    # A fleet whose quorum tolerates one member down: the cut sets are the C(12, 2) = 66 pairs.
    small = rs.Model()
    small.fleet("n-{i}", 12, mttf="1000h", mttr="10h", tags={"role": "n"})
    small.service("s", rs.k_of_n(11, tags={"role": "n"}))
    cs = analyze(small, simulate=False).cut_sets("s")
    assert len(cs) == math.comb(12, 2) and set(cs["order"]) == {2}
    # With a shock on every member, each still has its own failure: at least C(1000, 334) cut sets.
    t0 = time.perf_counter()
    with pytest.raises(CutSetLimitError, match=r"at least 1.15e\+275 minimal cut sets"):
        analyze(thousand(), simulate=False)
    assert time.perf_counter() - t0 < 10


def test_fleet_tags_are_written_as_numbers_only_when_they_read_back_the_same():
    m = rs.Model()
    m.fleet("a-{i}", 3, mttf="1h", mttr="1h", tags={"s": [1.5, "2", "x"], "n": "nan", "z": "01"})
    data = m.to_data()["components"]["a-{i}"]["tags"]
    assert data == {"s": [1.5, 2, "x"], "n": "nan", "z": "01"}
    for fmt_ in ("yaml", "json"):
        again = rs.loads(rsio.dumps(m, format=fmt_), format=fmt_)
        assert again == m and [c.tags for c in again.components.values()] == [c.tags for c in m.components.values()]


def test_the_timeline_of_a_fleet_shows_the_components_down_longest():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from recoverysim import plot

    tr = thousand().trace(0, seed=1, horizon="90d")
    down = tr[tr["event"] == "failure"]["entity"].nunique()
    assert down > 40
    ax = plot.timeline(tr, service="chain")
    title = "".join(t.get_text() for t in ax.figure.texts) + ax.get_title(loc="left")
    assert len(ax.get_yticklabels()) == 41  # the service and 40 components
    assert f"the 40 of {down:,} components down longest shown" in title
    plt.close(ax.figure)
