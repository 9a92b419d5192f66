"""Results: summary tables, per-replication arrays, outage statistics, report and Estimate."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

import recoverysim as rs
from recoverysim.stats import Estimate, estimate, nonnegative_mean_estimate

REPS = 400
HORIZON = "1y"

SUMMARY_COLUMNS = [
    "availability",
    "availability_low",
    "availability_high",
    "downtime_h",
    "downtime_h_low",
    "downtime_h_high",
    "downtime_h_std",
    "downtime_h_p50",
    "downtime_h_p90",
    "downtime_h_p99",
    "outages",
    "mean_outage_h",
    "sla_target",
    "p_sla_met",
    "rto_h",
    "rto_compliance",
    "p_rto_breach",
    "rpo_h",
    "rpo_compliance",
    "planned_downtime_h",
    "data_loss_incidents",
    "data_lost_h",
]


def build(target: float | None = None) -> rs.Model:
    m = rs.Model("shop")
    m.component("lb", failure=rs.Weibull(1.5, "3000h"), repair=rs.LogNormal.from_mean_std("1h", "30m"))
    m.component("api-1", mttf="800h", mttr="2h")
    m.component("api-2", mttf="800h", mttr="2h")
    for i in (1, 2, 3):
        m.component(f"db-{i}", failure=rs.Weibull(1.2, "1500h"), repair=rs.Gamma.from_mean_std("6h", "3h"))
    m.service("api", rs.any_of("api-1", "api-2"))
    m.service("db", rs.k_of_n(2, "db-1", "db-2", "db-3"))
    m.service("shop", rs.all_of("lb", "api", "db"), availability=target)
    return m


@pytest.fixture(scope="module")
def res() -> rs.Results:
    return build().simulate(HORIZON, REPS, seed=3, threads=2, progress=False)


def det_model() -> rs.Model:
    """One box that fails every 100 h of operation and is repaired in exactly 2 h."""
    m = rs.Model("det")
    m.component("box", failure=rs.Deterministic("100h"), repair=rs.Deterministic("2h"))
    m.service("svc", "box")
    return m


@pytest.fixture(scope="module")
def det() -> rs.Results:
    # Outages start at 100 + 102 k and end at 102 (k + 1); with a 1000 h horizon the last one
    # (k = 8) ends at 918 h and the next would start at 1018 h: 9 outages, none cut.
    return det_model().simulate(1000, 20, seed=1, threads=1, progress=False)


# --- summary --------------------------------------------------------------------------------------


def test_summary_shape_and_columns(res):
    s = res.summary()
    assert isinstance(s, pd.DataFrame)
    assert s.index.name == "service"
    assert list(s.index) == ["api", "db", "shop"]
    assert list(s.columns) == SUMMARY_COLUMNS


@pytest.mark.parametrize("service", ["api", "db", "shop"])
def test_summary_values_match_the_arrays(res, service):
    row = res.summary().loc[service]
    d = res.downtime(service)
    a = res.availabilities(service)
    assert row["availability"] == a.mean()
    assert row["downtime_h"] == d.mean()
    assert row["downtime_h_std"] == pytest.approx(d.std(ddof=1), rel=1e-12)
    assert row["downtime_h_p50"] == np.quantile(d, 0.5)
    assert row["downtime_h_p90"] == np.quantile(d, 0.9)
    assert row["downtime_h_p99"] == np.quantile(d, 0.99)
    assert row["outages"] == res.outage_counts(service).mean()
    assert row["mean_outage_h"] == pytest.approx(d.sum() / res.outage_counts(service).sum(), rel=1e-12)
    est = res.availability(service)
    assert (row["availability_low"], row["availability_high"]) == (est.low, est.high)
    assert row["availability_low"] <= row["availability"] <= row["availability_high"]
    assert row["downtime_h_low"] <= row["downtime_h"] <= row["downtime_h_high"]
    # Availability and downtime are two views of the same numbers.
    assert row["availability"] == pytest.approx(1 - row["downtime_h"] / res.horizon, rel=1e-12)
    assert math.isnan(row["sla_target"]) and math.isnan(row["p_sla_met"])


def test_summary_confidence_level(res):
    s95, s99 = res.summary(), res.summary(confidence=0.99)
    assert (s99["availability"] == s95["availability"]).all()
    # Where at least half of the replications have downtime: Student-t on the log scale, so the
    # log of high / low of the downtime scales like t quantiles with n - 1 degrees of freedom,
    # t ~ z + (z^3 + z) / (4 df) (error O(1/df^2), ~1e-5 here). The others (mostly zeros) use
    # the MOVER interval of stats.nonnegative_mean_estimate. Both are nested and computed by it.
    df = REPS - 1

    def t(z: float) -> float:
        return z + (z**3 + z) / (4 * df)

    t_based = [(res.downtime(s) > 0).mean() >= 0.5 for s in s95.index]
    assert any(t_based) and not all(t_based)
    log_width95 = np.log(s95["downtime_h_high"] / s95["downtime_h_low"]).to_numpy()
    log_width99 = np.log(s99["downtime_h_high"] / s99["downtime_h_low"]).to_numpy()
    assert (log_width99 / log_width95)[t_based] == pytest.approx(t(2.5758293) / t(1.9599640), rel=1e-4)
    for s in s95.index:
        assert s99.loc[s, "availability_low"] < s95.loc[s, "availability_low"] < s95.loc[s, "availability_high"]
        assert s95.loc[s, "availability_high"] < s99.loc[s, "availability_high"]
        for c, sm in ((0.95, s95), (0.99, s99)):
            e = nonnegative_mean_estimate(res.downtime(s), c, upper=res.horizon)
            assert (sm.loc[s, "downtime_h_low"], sm.loc[s, "downtime_h_high"]) == (e.low, e.high)
            assert (sm.loc[s, "availability_low"], sm.loc[s, "availability_high"]) == pytest.approx(
                (1 - e.high / res.horizon, 1 - e.low / res.horizon), rel=1e-12
            )


def test_service_arrays(res):
    assert res.replications == REPS
    assert res.horizon == 8760.0
    d = res.downtime("shop")
    assert d.shape == (REPS,)
    assert np.all((d >= 0) & (d <= res.horizon))
    # A service that needs lb, api and db is down at least as long as db and as lb.
    assert np.all(d >= res.downtime("db") - 1e-9)
    assert np.all(d >= res.component_downtime("lb") - 1e-9)
    assert np.array_equal(res.availabilities("shop"), 1 - d / res.horizon)
    assert np.array_equal(res.downtime_quantiles("shop", [0.1, 0.5]), np.quantile(d, [0.1, 0.5]))


# --- SLA target -----------------------------------------------------------------------------------


def test_p_sla_met_is_the_fraction_of_replications_meeting_the_target(res):
    target = float(np.quantile(res.availabilities("shop"), 0.3))
    with_target = build(target).simulate(HORIZON, REPS, seed=3, threads=4, progress=False)
    # A target is a reporting setting: the simulation is unchanged.
    assert np.array_equal(with_target.downtime("shop"), res.downtime("shop"))
    expected = np.mean(res.availabilities("shop") >= target)
    assert 0.5 < expected < 0.9  # a non-trivial fraction
    row = with_target.summary().loc["shop"]
    assert row["sla_target"] == target
    assert row["p_sla_met"] == expected
    assert with_target.p_sla_met("shop").mean == expected
    assert np.array_equal(with_target.sla_met("shop"), res.availabilities("shop") >= target)
    # Services without a target still have NaN.
    assert math.isnan(with_target.summary().loc["api", "p_sla_met"])


def test_sla_met_without_a_target(res):
    with pytest.raises(ValueError, match="service 'shop' has no availability target; pass target="):
        res.sla_met("shop")
    assert res.p_sla_met("shop", target=0.0).mean == 1.0
    assert res.p_sla_met("shop", target=1.0).mean == np.mean(res.downtime("shop") == 0)


# --- components -------------------------------------------------------------------------------


def test_components_table(res):
    c = res.components()
    assert c.index.name == "component"
    assert list(c.index) == ["lb", "api-1", "api-2", "db-1", "db-2", "db-3"]
    assert list(c.columns) == ["failures", "downtime_h", "planned_downtime_h", "availability"]
    assert (c["planned_downtime_h"] == 0).all()  # no maintenance windows in this model
    for name in c.index:
        # Same numbers, summed in another order: equal to the last bits.
        assert c.loc[name, "failures"] == pytest.approx(res.failures(name).mean(), rel=1e-12)
        assert c.loc[name, "downtime_h"] == pytest.approx(res.component_downtime(name).mean(), rel=1e-12)
        assert c.loc[name, "availability"] == pytest.approx(1 - res.component_downtime(name).mean() / res.horizon, rel=1e-12)


def test_component_failure_rate_matches_renewal_theory(res):
    # api-1: exponential up times (mean 800 h) and repairs (mean 2 h): failures per horizon are
    # close to horizon / (mttf + mttr); Poisson-like spread, so a 5-standard-error band.
    f = res.failures("api-1")
    expected = 8760 / 802
    assert abs(f.mean() - expected) <= 5 * math.sqrt(expected / f.size)


def test_components_of_the_deterministic_model(det):
    c = det.components()
    assert c.loc["box", "failures"] == 9.0
    assert c.loc["box", "downtime_h"] == 18.0
    assert c.loc["box", "availability"] == pytest.approx(0.982, rel=1e-15)
    assert np.array_equal(det.failures("box", "failure"), np.full(20, 9))


# --- to_pandas ----------------------------------------------------------------------------------


def test_to_pandas(res):
    df = res.to_pandas()
    assert df.shape == (REPS * 3, 5)
    assert list(df.columns) == ["replication", "service", "downtime_h", "availability", "outages"]
    assert list(df["service"][:3]) == ["api", "db", "shop"]
    assert sorted(df["replication"].unique()) == list(range(REPS))
    for s in res.service_names:
        part = df[df["service"] == s].sort_values("replication")
        assert len(part) == REPS
        assert np.array_equal(part["downtime_h"].to_numpy(), res.downtime(s))
        assert np.array_equal(part["availability"].to_numpy(), res.availabilities(s))
        assert np.array_equal(part["outages"].to_numpy(), res.outage_counts(s))
    # Spot-check one row by position.
    row = df.iloc[3 * 17 + 2]
    assert (row["replication"], row["service"]) == (17, "shop")
    assert row["downtime_h"] == res.downtime("shop")[17]


# --- unknown names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda r: r.downtime("nope"),
        lambda r: r.availability("nope"),
        lambda r: r.availabilities("nope"),
        lambda r: r.outage_counts("nope"),
        lambda r: r.downtime_quantiles("nope"),
        lambda r: r.outage_duration_quantiles("nope"),
        lambda r: r.p_sla_met("nope", target=0.9),
    ],
    ids=["downtime", "availability", "availabilities", "outage_counts", "downtime_quantiles", "outage_duration_quantiles", "p_sla_met"],
)
def test_unknown_service_is_a_key_error_naming_it(res, call):
    with pytest.raises(KeyError, match="unknown service 'nope'; services: api, db, shop"):
        call(res)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda r: r.component_downtime("nope"), "unknown component 'nope'"),
        (lambda r: r.failures("nope"), "unknown component 'nope'"),
        (lambda r: r.failures("lb", "meteor"), "component 'lb' has no failure mode 'meteor'"),
    ],
    ids=["component_downtime", "failures", "failure-mode"],
)
def test_unknown_component_is_a_key_error_naming_it(res, call, match):
    with pytest.raises(KeyError, match=match):
        call(res)


# --- outage durations ---------------------------------------------------------------------------

BIN_RATIO = 10 ** (1 / 40)  # 40 log-spaced bins per decade
DOC_ACCURACY = 0.029  # "within 2.9% of the exact sample quantile"


def test_deterministic_outages(det):
    assert np.array_equal(det.outage_counts("svc"), np.full(20, 9))
    assert np.array_equal(det.downtime("svc"), np.full(20, 18.0))
    assert det.mean_outage_duration("svc") == 2.0
    counts, edges = det.outage_duration_histogram("svc")
    assert counts.sum() == 9 * 20
    (b,) = np.nonzero(counts)[0]
    assert edges[b] <= 2.0 < edges[b + 1]
    assert edges[b + 1] / edges[b] == pytest.approx(BIN_RATIO, rel=1e-9)


def test_outage_duration_median_within_documented_accuracy(det):
    (q50,) = det.outage_duration_quantiles("svc", [0.5])
    assert abs(q50 / 2.0 - 1) <= DOC_ACCURACY


@pytest.mark.parametrize("q", [0.01, 0.5, 0.9, 0.99])
def test_outage_duration_quantiles_lie_in_the_bin_of_the_true_value(det, q):
    counts, edges = det.outage_duration_histogram("svc")
    (b,) = np.nonzero(counts)[0]
    (value,) = det.outage_duration_quantiles("svc", [q])
    assert edges[b] <= value <= edges[b + 1]


@pytest.mark.parametrize("q", [0.9, 0.99])
def test_outage_duration_tail_quantiles_within_documented_accuracy(det, q):
    (value,) = det.outage_duration_quantiles("svc", [q])
    assert abs(value / 2.0 - 1) <= DOC_ACCURACY


def test_outage_duration_quantiles_shape_and_empty():
    m = rs.Model("quiet")
    m.component("rock", failure=rs.Deterministic("1000y"), repair=rs.Deterministic("1h"))
    m.service("s", "rock")
    r = m.simulate("1y", 5, seed=1, threads=1, progress=False)
    assert r.outage_counts("s").sum() == 0
    assert math.isnan(r.mean_outage_duration("s"))
    q = r.outage_duration_quantiles("s", [0.5, 0.9])
    assert q.shape == (2,) and np.all(np.isnan(q))


def test_outage_cut_by_the_horizon_counts_up_to_the_horizon():
    # Same box over 1001 h: a 10th outage starts at 1018 h, still beyond the horizon -> no change;
    # over 1019 h the 10th outage (1018-1020) is cut after 1 h.
    r = det_model().simulate(1019, 4, seed=1, threads=1, progress=False)
    assert np.array_equal(r.outage_counts("svc"), np.full(4, 10))
    assert np.array_equal(r.downtime("svc"), np.full(4, 19.0))
    assert r.mean_outage_duration("svc") == pytest.approx(1.9, rel=1e-15)
    # Only completed outages enter the histogram.
    counts, _ = r.outage_duration_histogram("svc")
    assert counts.sum() == 9 * 4


# --- report ---------------------------------------------------------------------------------------


def test_report(res):
    text = res.report()
    for s in ("api", "db", "shop"):
        assert re.search(rf"^service {re.escape(s)}$", text, re.M), s
    # The five components with the most downtime, most first.
    top = res.components().sort_values("downtime_h", ascending=False).index[:5]
    listed = re.findall(r"^  (\S+)\s+[\d.]+ failures", text, re.M)
    assert listed == list(top)
    pct = re.findall(r"availability\s+(\d+\.(\d+))%", text)
    assert len(pct) == 3
    # As many decimals as the interval resolves; the printed value is the mean, rounded.
    value, decimals = pct[2]
    assert float(value) == pytest.approx(100 * res.availability("shop").mean, abs=0.5 * 10 ** -len(decimals))
    assert f"{REPS:,} replications" in text
    assert "seed 3" in text


def test_report_with_target():
    m2 = rs.Model("det")
    m2.component("box", failure=rs.Deterministic("100h"), repair=rs.Deterministic("2h"))
    m2.service("svc", "box", availability=0.98)
    text = m2.simulate(1000, 10, seed=1, threads=1, progress=False).report()
    assert "availability      98.20%" in text
    assert "SLA 98%" in text
    assert "met in 100% of 42-day periods" in text


def test_results_repr(res):
    assert repr(res) == "Results(model='shop', replications=400, horizon=1y, services=['api', 'db', 'shop'])"


# --- Estimate -----------------------------------------------------------------------------------


def test_estimate_values_and_repr():
    v = np.array([1.0, 2.0, 3.0, 4.0, 5.0] * 20)
    e = estimate(v)
    assert e.mean == 3.0
    assert e.n == 100
    assert e.std == pytest.approx(v.std(ddof=1), rel=1e-15)
    assert e.stderr == pytest.approx(v.std(ddof=1) / 10, rel=1e-15)
    # t quantile with 99 degrees of freedom: 1.984217
    assert e.half_width == pytest.approx(1.984217 * e.stderr, rel=1e-5)
    assert e.low == pytest.approx(e.mean - e.half_width, rel=1e-15)
    assert float(e) == 3.0
    assert re.fullmatch(r"3 \[2\.\d+, 3\.\d+\] \(95% CI, n=100\)", repr(e)), repr(e)
    assert e.contains(3.0)
    assert e.contains(e.low) and e.contains(e.high)
    assert not e.contains(e.high + 1e-9)
    assert not e.contains(e.low - 1e-9)
    assert repr(estimate(v, 0.9)).endswith("(90% CI, n=100)")


def test_estimate_edge_cases():
    one = estimate(np.array([2.0]))
    assert one.mean == 2.0 and one.n == 1
    assert one.low == -math.inf and one.high == math.inf
    assert one.contains(1e300)
    none = estimate(np.array([]))
    assert none.n == 0 and math.isnan(none.mean)
    assert not none.contains(0.0)
    with pytest.raises(ValueError, match="confidence must be in"):
        estimate(np.array([1.0, 2.0]), 1.0)


def test_availability_estimate_covers_the_analytic_value():
    # One exponential component, up at time 0: failure rate l = 1/1000, repair rate u = 1/10.
    # Expected availability over [0, T]: A + l / (l + u)^2 * (1 - exp(-(l + u) T)) / T with
    # A = u / (l + u) (the start-up term is ~1e-5, a tenth of a standard error here).
    lam, mu, T = 1 / 1000, 1 / 10, 8760.0
    expected = mu / (lam + mu) + lam / (lam + mu) ** 2 * (1 - math.exp(-(lam + mu) * T)) / T
    m = rs.Model("one")
    m.component("c", mttf="1000h", mttr="10h")
    m.service("s", "c")
    r = m.simulate("1y", 2000, seed=11, progress=False)
    a = r.availability("s", confidence=0.999)
    assert a.n == 2000
    assert a.contains(expected), repr(a)


def test_estimate_repr_shows_a_999_confidence_level():
    assert repr(estimate(np.arange(10.0), 0.999)).endswith("(99.9% CI, n=10)")


def test_estimate_repr_resolves_its_interval():
    # Six significant digits would print 0.999999 [0.999998, 0.999999]: useless for five nines.
    e = Estimate(0.9999987, 0.9999984, 0.9999990, 1.0, 10000)
    assert repr(e) == "0.99999870 [0.99999840, 0.99999900] (95% CI, n=10000)"
    assert repr(Estimate(6.4e-8, 6.3e-8, 6.5e-8, 1.0, 5)) == "6.4e-08 [6.3e-08, 6.5e-08] (95% CI, n=5)"
    assert repr(Estimate(0.5, 0.4, 0.6, 1.0, 9)) == "0.5 [0.4, 0.6] (95% CI, n=9)"


# --- the engine's typed results (_core.RunResults) -------------------------------------------------


def test_engine_results_are_typed_read_only_views(res):
    from recoverysim import _core

    raw = res.raw
    assert isinstance(raw, _core.RunResults)
    assert (raw.first_replication, raw.replications, raw.n_services, raw.n_components) == (0, REPS, 3, 6)
    assert raw.n_modes == 6 and raw.horizon == 8760.0
    for name, arr in raw.arrays().items():
        assert arr.shape[0] == REPS and not arr.flags.writeable, name
        assert arr.base is raw, name  # shares the C++ buffer, kept alive by the object
        assert np.array_equal(arr, getattr(raw, name)), name
    assert raw.service_cause_downtime.shape == (REPS, 3, raw.n_causes)
    assert raw.service_phase_downtime.shape == (REPS, 3, raw.n_phases)
    assert raw.outage_histogram.shape[0] == 3 and raw.outage_histogram.dtype == np.uint64
    with pytest.raises(ValueError, match="read-only"):
        raw.service_downtime[0, 0] = 1.0
    rec = raw.outage_records
    assert len(rec) == len(res.outages()) > 0
    assert rec.censored.dtype == np.bool_ and rec.phases.shape == (len(rec), raw.n_phases)
    assert np.array_equal(rec.start, res.outages()["start_h"].to_numpy())


def test_downtime_and_cost_by_cause_are_kept_as_sparse_cells(res):
    # Only the cells that received a value are stored (memory grows with outages, not with
    # services x causes); the dense view they stand for holds exactly those values.
    raw = res.raw
    for name, width in (("service_cause_downtime", raw.n_causes), ("service_phase_downtime", raw.n_phases)):
        c = raw.cells(name)
        assert set(c) == {"replication", "service", "key", "value"}
        assert len(c["value"]) > 0 and (c["value"] != 0).all()
        assert np.all(np.diff(c["replication"].astype(np.int64)) >= 0)  # replication order
        dense = getattr(raw, name)
        assert dense.shape == (REPS, 3, width)
        assert np.count_nonzero(dense) == len(c["value"])
        assert np.array_equal(dense[c["replication"], c["service"], c["key"]], c["value"])
    # Every outage has a root cause: by cause, the downtime of a replication adds up to its
    # unplanned and planned downtime (sums in another order: equal to rounding).
    by_cause = raw.service_cause_downtime.sum(axis=2)
    np.testing.assert_allclose(by_cause, raw.service_downtime + raw.service_planned_downtime, rtol=1e-12, atol=1e-9)
    with pytest.raises(KeyError, match="service_cause_downtime"):
        raw.cells("nope")


def test_streamed_causes_and_phases_equal_the_kept_ones_bitwise():
    m = build()
    kept = m.simulate(HORIZON, 300, seed=11, threads=2, progress=False)
    streamed = m.simulate(HORIZON, 300, seed=11, threads=2, progress=False, per_replication=False)
    for s in kept.service_names:
        pd.testing.assert_frame_equal(kept.downtime_by_cause(s), streamed.downtime_by_cause(s), check_exact=True)
        pd.testing.assert_series_equal(kept.downtime_by_phase(s), streamed.downtime_by_phase(s), check_exact=True)


def test_result_memory_does_not_grow_with_services_times_causes():
    # 400 services over 2,000 components: a dense services x causes matrix per replication would
    # be 6.4 MB (twice, with cost by cause); the sparse cells take what the outages wrote.
    m = rs.Model("wide")
    for g in range(400):
        m.service(f"g{g}", rs.k_of_n(3, *m.fleet(f"c{g}-{{i}}", 5, mttf=1000, mttr=4).names))
    raw = m.simulate(HORIZON, 20, seed=1, threads=1, progress=False).raw
    per_rep = sum(a.nbytes for a in raw.arrays().values()) / 20
    cells = sum(
        v.nbytes for name in ("service_cause_downtime", "service_phase_downtime", "service_cause_cost") for v in raw.cells(name).values()
    )
    assert per_rep < 130_000  # ~25 numbers per service, 4 per component: not 2 x 400 x 2,000 (12.8 MB)
    assert cells < 20 * 400 * 24 * 10  # a few cells per service outage


def test_record_columns_outlive_their_results():
    raw = build().simulate(HORIZON, 30, seed=3, threads=1, progress=False, keep_outages=30).raw
    start, rec = raw.outage_records.start, raw.outage_records
    expected = start.copy()
    del raw
    assert np.array_equal(start, expected) and np.array_equal(rec.start, expected)


def test_engine_results_pickle_and_merge_bitwise():
    import pickle

    from recoverysim import _core

    compiled = build().compile()
    whole = _core.simulate(compiled, horizon=8760.0, seed=5, replications=90, record_replications=50)
    parts = [
        _core.simulate(compiled, horizon=8760.0, seed=5, first_replication=first, replications=n, record_replications=50)
        for first, n in ((0, 20), (20, 1), (21, 69))
    ]
    merged = _core.RunResults.merge([pickle.loads(pickle.dumps(p)) for p in parts])
    assert merged == whole and pickle.loads(pickle.dumps(whole)) == whole
    assert merged != parts[0]
    other = _core.simulate(det_model().compile(), horizon=8760.0, seed=5, replications=2)
    with pytest.raises(ValueError, match="different models"):
        _core.RunResults.merge([whole, other])


def test_empty_results_know_their_shape_without_a_run():
    from recoverysim import _core

    compiled = build().compile()
    empty = _core.RunResults.empty(compiled, horizon=100.0)
    assert empty.replications == 0 and empty.service_cause_downtime.shape == (0, 3, empty.n_causes)
    assert len(empty.outage_records) == 0 and empty.outage_records.phases.shape == (0, empty.n_phases)
    assert not empty.outage_histogram.any()
