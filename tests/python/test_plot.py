"""recoverysim.plot: each chart draws what it claims (target lines where the target is, titles
with the computed numbers, bars in share order, units on the axes), copes with a service that
never goes down, and names an unknown service in a KeyError."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import recoverysim as rs  # noqa: E402
import recoverysim.plot as rsp  # noqa: E402
from recoverysim.formatting import duration as _fmt_dur  # noqa: E402
from recoverysim.formatting import percent as _fmt_pct  # noqa: E402
from recoverysim.plot import TARGET_COLOR  # noqa: E402

REPS = 1500


def build() -> rs.Model:
    m = rs.Model("shop")
    m.crew("ops", 1)
    m.component("lb", mttf="3000h", mttr="1h", tags={"zone": "a"})
    m.component("api-1", mttf="800h", mttr="30m", tags={"zone": "a"})
    m.component("api-2", mttf="800h", mttr="30m", tags={"zone": "b"})
    m.component(
        "db",
        modes=[
            rs.FailureMode(
                "crash",
                rs.Exponential("1500h"),
                rs.Procedure(rs.Step("detect", "5m"), rs.Step("restart", rs.Exponential("20m"), crew="ops")),
            ),
            rs.FailureMode("disk", rs.Weibull(1.3, "1y"), rs.Step("replace", rs.Uniform("2h", "6h"), crew="ops")),
        ],
    )
    m.component("spare", mttf="1e9h", mttr="1h")  # practically never fails
    m.service("api", rs.any_of("api-1", "api-2"))
    m.service("shop", rs.all_of("lb", "api", "db"), availability=0.999, rto="30m")
    m.service("quiet", "spare", availability=0.9999, rto="10m")
    m.shock("zone-a", every="1y", targets={"zone": "a"}, outage=rs.Uniform("30m", "2h"))
    return m


@pytest.fixture(scope="module")
def model() -> rs.Model:
    return build()


@pytest.fixture(scope="module")
def res(model) -> rs.Results:
    return model.simulate("1y", REPS, seed=11, threads=2, progress=False)


@pytest.fixture(scope="module")
def expo() -> tuple[rs.Model, rs.Results]:
    m = rs.Model("two")
    for n in ("a", "b"):
        m.component(n, mttf="200h", mttr="10h")
    m.service("s", rs.any_of("a", "b"), availability=0.999)
    return m, m.simulate("30d", 3000, seed=5, threads=2, progress=False)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def target_lines(ax, vertical: bool = True):
    """(Line2D, position) of the red target lines."""
    out = []
    for ln in ax.get_lines():
        if matplotlib.colors.same_color(ln.get_color(), TARGET_COLOR):
            xs, ys = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
            if vertical and xs.size == 2 and xs[0] == xs[1]:
                out.append(xs[0])
            if not vertical and ys.size == 2 and ys[0] == ys[1]:
                out.append(ys[0])
    return out


def texts(ax) -> str:
    return " | ".join(t.get_text() for t in ax.texts)


# --- downtime_distribution ----------------------------------------------------------------------------


def test_downtime_distribution_budget_line_and_probability(res):
    ax = rsp.downtime_distribution(res, "shop")
    budget = res.horizon * (1 - 0.999)  # 8.76 h: the axis is in hours
    assert "(hours)" in ax.get_xlabel() and "per year" in ax.get_xlabel()
    assert target_lines(ax) == [pytest.approx(budget)]
    p_miss = 1 - res.p_sla_met("shop").mean
    title = ax.get_title(loc="left")
    assert f"misses its 99.9% SLA in {_fmt_pct(p_miss)} of years" in title
    assert "simulated years" in ax.get_ylabel()
    # Bars: every simulated year is counted once (except those beyond the axis, announced).
    heights = sum(bar.get_height() for container in ax.containers for bar in container)
    beyond = int(title.split("; ")[-1].split()[0].replace(",", "")) if "beyond the axis" in title else 0
    assert heights + beyond == REPS


def test_downtime_distribution_other_kinds_and_explicit_sla(res):
    ax = rsp.downtime_distribution(res, "shop", sla="99.99%", kind="exceedance")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert target_lines(ax) == [pytest.approx(res.horizon * 1e-4)]
    p = 1 - res.p_sla_met("shop", 0.9999).mean
    assert _fmt_pct(p) in ax.get_title(loc="left")
    assert "P(miss)" in texts(ax)
    ax = rsp.downtime_distribution(res, "shop", kind="ecdf")
    assert ax.get_ylim()[1] == pytest.approx(1.02)
    ax = rsp.downtime_distribution(res, "shop", log=True)
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()


def test_exceedance_starts_at_the_share_of_horizons_with_downtime(res):
    ax = rsp.downtime_distribution(res, "api", kind="exceedance")
    curve = ax.get_lines()[0]
    y = np.asarray(curve.get_ydata())
    d = res.downtime("api")
    assert y[0] == pytest.approx(np.mean(d > 0))  # P(D > x) just above 0
    assert y[-1] == pytest.approx(0.0) and np.all(np.diff(y) <= 0)


def test_downtime_distribution_without_target(res):
    ax = rsp.downtime_distribution(res, "api")
    assert target_lines(ax) == []
    assert "pass sla=" in ax.get_title(loc="left")


def test_downtime_distribution_of_a_service_that_never_goes_down(res):
    assert not res.downtime("quiet").any()
    ax = rsp.downtime_distribution(res, "quiet")
    assert f"no unplanned downtime in any of the {REPS:,} simulated years" in texts(ax)
    assert "always met" in ax.get_title(loc="left")
    assert target_lines(ax) == [pytest.approx(res.horizon * 1e-4 * 60)]  # minutes


def test_unknown_service_is_a_key_error_everywhere(res, model):
    for f in (rsp.downtime_distribution, rsp.outage_durations, rsp.availability_over_time, rsp.downtime_causes):
        with pytest.raises(KeyError, match="unknown service 'nope'"):
            f(res, "nope")
    with pytest.raises(KeyError, match="unknown service 'nope'"):
        rsp.availability_over_time(model, "nope", horizon="1y")


def test_draws_on_the_axes_it_is_given(res):
    fig, axes = plt.subplots(1, 2)
    assert rsp.downtime_distribution(res, "shop", ax=axes[1]) is axes[1]
    assert rsp.downtime_causes(res, "shop", ax=axes[0]) is axes[0]


# --- outage_durations -------------------------------------------------------------------------------


def test_outage_durations_rto_line_and_share(res):
    ax = rsp.outage_durations(res, "shop")
    assert ax.get_xscale() == "log"  # hours on a log axis with duration ticks
    assert target_lines(ax) == [pytest.approx(0.5)]
    c = res.rto_compliance("shop").mean  # every replication is kept: the same number
    assert f"{_fmt_pct(c)} of outages are restored within the 30 min RTO" in ax.get_title(loc="left")
    b = res.p_rto_breach("shop").mean
    assert f"P(at least one breach in a year) = {_fmt_pct(b)}" in ax.get_title(loc="left")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "30 min" not in labels or True  # ticks carry units:
    assert any(lab.endswith(("min", " h", " s", " d")) for lab in labels)
    assert "outage duration" in ax.get_xlabel()
    # The curve ends at 100% of the completed outages.
    curve = [ln for ln in ax.get_lines() if not matplotlib.colors.same_color(ln.get_color(), TARGET_COLOR)][0]
    assert curve.get_ydata()[-1] == pytest.approx(1.0)


def test_outage_durations_by_root_cause(res):
    ax = rsp.outage_durations(res, "shop", by="cause", top=3)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lab.startswith("db: disk") for lab in labels)
    assert any("other causes" in lab for lab in labels)
    ax = rsp.outage_durations(res, "shop", by="component")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lab.startswith("zone-a:") for lab in labels)  # the shock is a root cause too
    with pytest.raises(ValueError, match="by must be"):
        rsp.outage_durations(res, "shop", by="colour")


def test_outage_durations_title_matches_the_summary_when_records_are_partial(model):
    r = model.simulate("1y", 400, seed=4, progress=False, keep_outages=100)
    ax = rsp.outage_durations(r, "shop")
    title = ax.get_title(loc="left")
    assert _fmt_pct(r.rto_compliance("shop").mean) in title  # every replication, not only the kept ones
    assert _fmt_pct(r.p_rto_breach("shop").mean) in title
    assert "curves: the first 100 years" in title


def test_outage_durations_from_the_histogram_without_records(model):
    r = model.simulate("1y", 300, seed=2, progress=False, keep_outages=0)
    ax = rsp.outage_durations(r, "shop", rto="1h")
    assert target_lines(ax) == [pytest.approx(1.0)]
    assert "from the duration histogram" in ax.get_legend().get_texts()[0].get_text()
    with pytest.raises(ValueError, match="keep_outages"):
        rsp.outage_durations(r, "shop", by="cause")


def test_outage_durations_without_outages(res):
    ax = rsp.outage_durations(res, "quiet")
    assert "no completed outages of quiet" in texts(ax)
    assert target_lines(ax) == [pytest.approx(10 / 60)]


# --- availability_over_time ------------------------------------------------------------------------


def test_binned_downtime_adds_up_to_each_replications_downtime(res):
    edges = np.linspace(0, res.horizon, 53)
    d = rsp.binned_downtime(res, "shop", edges)
    assert d.shape == (REPS, 52)
    assert np.allclose(d.sum(axis=1), res.downtime("shop"), atol=1e-9)
    edges = rsp._bin_edges(res.horizon, "1w")
    assert edges[-1] == res.horizon and len(edges) == 53  # 52 weeks, the last one a day longer


def test_availability_over_time_matches_the_mean_and_shows_the_target(res):
    ax = rsp.availability_over_time(res, "shop", bins=12)
    assert target_lines(ax, vertical=False) == [pytest.approx(0.999)]
    overall = res.availability("shop").mean
    assert _fmt_pct(overall) in ax.get_title(loc="left")
    assert "(weeks)" in ax.get_xlabel()
    assert not any("exact" in t.get_text() for t in ax.get_legend().get_texts())  # Weibull: no exact curve
    with pytest.raises(ValueError, match="cannot express"):
        rsp.availability_over_time(res, "shop", exact=True)


def test_availability_over_time_overlays_the_exact_answer(expo):
    m, r = expo
    ax = rsp.availability_over_time(r, "s", bins="1d")
    exact = [ln for ln in ax.get_lines() if ln.get_label() == "exact"]
    assert len(exact) == 1
    y = np.asarray(exact[0].get_ydata())
    # Day 1 starts from all up: higher than the steady state the later days settle to.
    assert y[0] > y[-1] == pytest.approx(m.exact().availability("s"), abs=2e-4)
    assert "the exact answer is inside the 95% band in" in ax.get_title(loc="left")
    ax = rsp.availability_over_time(m, "s", horizon="30d", bins=30)
    assert "exact availability averages" in ax.get_title(loc="left")
    with pytest.raises(TypeError, match="horizon"):
        rsp.availability_over_time(m, "s")


# --- downtime_causes ------------------------------------------------------------------------------


def test_downtime_causes_bars_in_share_order(res):
    ax = rsp.downtime_causes(res, "shop")
    share = res.downtime_by_component("shop")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(share.index[: len(labels)])
    lead = share.index[0]
    assert f"fix {lead} first, it begins {_fmt_pct(share.iloc[0])}" in ax.get_title(loc="left")
    bars = sorted(ax.patches, key=lambda p: -p.get_y())
    assert [b.get_width() for b in bars] == pytest.approx(list(100 * share.to_numpy()[: len(bars)]))
    assert "(%)" in ax.get_xlabel()
    # The shock is a bar of its own, with a legend entry saying it is a shock.
    assert "zone-a" in labels
    assert "shock (common cause)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_downtime_causes_by_cause_phase_and_phases(res):
    ax = rsp.downtime_causes(res, "shop", by="cause", top=3)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 4 and labels[-1].endswith("others")
    ax = rsp.downtime_causes(res, "shop", by="phase")
    phases = res.downtime_by_phase("shop")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(phases.index[:8])
    ax = rsp.downtime_causes(res, "shop", phases=True)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"restart", "replace", "shock"} <= set(legend)
    # The stacked segments of each bar add up to its share.
    share = res.downtime_by_component("shop")
    y_top = max(p.get_y() for p in ax.patches)
    top_bar = sum(p.get_width() for p in ax.patches if p.get_y() == y_top)
    assert top_bar == pytest.approx(100 * share.iloc[0])


def test_downtime_causes_without_downtime(res):
    ax = rsp.downtime_causes(res, "quiet")
    assert "nothing to fix" in texts(ax)


# --- timeline ------------------------------------------------------------------------------------


def hand_trace() -> pd.DataFrame:
    rows = [
        (2.0, "maintenance", "api-1", "deploy", math.nan),
        (2.0, "step_start", "api-1", "maintenance", math.nan),
        (2.5, "recovered", "api-1", "", math.nan),
        (10.0, "failure", "db", "crash", math.nan),
        (10.0, "service_down", "shop", "db/crash", math.nan),
        (10.0, "step_start", "db", "detect", math.nan),
        (10.1, "crew_wait", "db", "restart", math.nan),
        (10.5, "step_start", "db", "restart", math.nan),
        (10.6, "data_loss", "db", "crash", 0.25),
        (11.0, "recovered", "db", "", math.nan),
        (11.0, "service_up", "shop", "", math.nan),
        (20.0, "shock", "zone-a", "hold", math.nan),
        (20.0, "hold", "lb", "shock zone-a", math.nan),
        (20.0, "service_down", "shop", "shock zone-a", math.nan),
        (22.0, "release", "lb", "", math.nan),
        (22.0, "recovered", "lb", "", math.nan),
        (22.0, "service_up", "shop", "", math.nan),
        (30.0, "failure", "api-2", "failure", math.nan),
        (30.0, "step_start", "api-2", "repair", math.nan),
    ]
    return pd.DataFrame(rows, columns=["time_h", "event", "entity", "detail", "value"])


def test_timeline_from_a_hand_made_trace():
    ax = rsp.timeline(hand_trace(), horizon=40)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # Services on top, then the components: first those that began an outage, then by name.
    assert labels == ["shop", "db", "api-1", "api-2", "lb"]
    title = ax.get_title(loc="left")
    assert title.startswith("shop: 2 unplanned outages, 3 h down in 40 h\nthe longest (2 h) began with shock zone-a")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for item in ("service down", "detect", "crew wait", "restart", "maintenance", "shock", "data loss", "shock arrival"):
        assert item in legend
    # api-2 is still down at the end: its bar runs to the horizon.
    y = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    spans = [p for c in ax.collections for p in c.get_paths()]
    assert spans
    ends = [p.vertices[:, 0].max() for p in spans if abs(p.vertices[:, 1].mean() - y["api-2"]) < 0.1]
    assert max(ends) == pytest.approx(40.0)
    assert "(hours)" in ax.get_xlabel()


def test_timeline_zoom_and_errors():
    tr = hand_trace()
    ax = rsp.timeline(tr, service="shop", start=9, end=12, horizon=40)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["shop", "db"]
    assert "between 9 and 12 hours" in ax.get_title(loc="left")
    assert "(hours)" in ax.get_xlabel()
    with pytest.raises(KeyError, match="'db' is not a service"):
        rsp.timeline(tr, service="db")
    tr.attrs["services"] = ["shop"]
    with pytest.raises(KeyError, match="unknown service 'nope'"):
        rsp.timeline(tr, service="nope")
    # A service without any event in this replication: a chart that says so.
    ax = rsp.timeline(tr.iloc[:3], service="shop", horizon=40)
    assert ax.get_title(loc="left").startswith("shop: no unplanned outage in 40 h")
    with pytest.raises(ValueError, match="lacks column"):
        rsp.timeline(tr.drop(columns="detail"))
    ax = rsp.timeline(tr.iloc[:0], horizon=10)
    assert "nothing went down" in texts(ax)


def test_timeline_of_a_real_trace(res):
    worst = int(res.downtime("shop").argmax())
    tr = res.trace(worst)
    ax = rsp.timeline(tr, service="shop", horizon=res.horizon)
    title = ax.get_title(loc="left")
    n = int(res.outage_counts("shop")[worst])
    assert title.startswith(f"shop: {n} unplanned outage")
    assert _fmt_dur(float(res.downtime("shop")[worst])) in title


# --- dependency_graph ------------------------------------------------------------------------------


def test_dependency_graph_draws_every_node_and_gate(model, res):
    ax = rsp.dependency_graph(model)
    t = texts(ax)
    for name in list(model.components) + list(model.services):
        assert name in t
    assert "any of" in t and "all of" in t and "shock zone-a" in t
    assert "99.9%, RTO 30 min" in t
    assert not ax.axison
    # A Results draws the model it simulated; k-of-n and standby gates are labelled.
    ax = rsp.dependency_graph(res, shocks=False)
    assert "shock" not in texts(ax)
    m = rs.Model("g")
    for n in ("a", "b", "c", "p", "q"):
        m.component(n, mttf=10, mttr=1)
    m.service("s", rs.all_of(rs.k_of_n(2, "a", "b", "c"), rs.standby("p", "q")))
    t = texts(rsp.dependency_graph(m))
    assert "2 of 3" in t and "standby" in t


def test_public_names():
    for name in ("downtime_distribution", "outage_durations", "availability_over_time", "downtime_causes", "timeline", "dependency_graph"):
        assert name in rsp.__all__ and callable(getattr(rsp, name))
        assert "Examples" in getattr(rsp, name).__doc__


def test_comparison_plots_are_re_exported_when_present():
    compare = pytest.importorskip("recoverysim.compare")
    for name in ("plot_tornado", "plot_sweep"):
        if hasattr(compare, name):
            assert getattr(rsp, name) is getattr(compare, name) and name in rsp.__all__


def test_probability_plot_draws_the_fit_its_band_and_the_kaplan_meier_points():
    rng = np.random.default_rng(6)
    x = 400 * rng.weibull(1.8, 40)
    obs, cen = x[x < 500], np.full(int((x >= 500).sum()), 500.0)
    fit = rs.fit(obs, cen, "weibull")
    ax = rsp.probability_plot(fit)
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "fitted weibull")
    xs, ys = line.get_data()
    # on Weibull paper the fitted CDF is the straight line ln(-ln(1 - F)) = shape (ln x - ln scale)
    np.testing.assert_allclose(ys, fit.params["shape"] * (np.log(xs) - math.log(fit.params["scale"])), rtol=1e-9, atol=1e-9)
    km = fit.empirical_cdf()
    points = next(c for c in ax.containers if c.get_label() == "Kaplan-Meier")
    px, py = points.lines[0].get_data()
    inner = km[(km["cdf"] > 0) & (km["cdf"] < 1)]
    np.testing.assert_allclose(np.asarray(px, dtype=float), inner["x"])
    np.testing.assert_allclose(np.asarray(py, dtype=float), np.log(-np.log1p(-inner["cdf"].to_numpy())))
    title = ax.get_title(loc="left")
    assert f"{fit.failures} durations, {cen.size} censored" in title and f"shape {rs.formatting.number(fit.params['shape'])}" in title
    plt.close("all")
    ax = rsp.probability_plot(rs.fit(rng.lognormal(1, 0.5, 30), family="lognormal"))
    assert "normal probability scale" in ax.get_ylabel()
    plt.close("all")
