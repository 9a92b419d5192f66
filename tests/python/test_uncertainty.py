"""Uncertain distributions and two-level runs: the law-of-total-variance split against known
answers, reproducibility with one seed, executors, model files."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import recoverysim as rs
from recoverysim import uncertainty, writer
from recoverysim.stats import two_level_estimate

# --- the estimator, on data with a known split ------------------------------------------------------------


def test_two_level_estimate_recovers_known_variance_components():
    """Y_ij = mu_i + e_ij with mu_i ~ N(0, b) and e_ij ~ N(0, w): E[Var(Y | theta)] = w and
    Var(E[Y | theta]) = b. With N rows of n: sd(W) = w sqrt(2 / (N (n - 1))) and
    sd(B) ~ sqrt(2 / (N - 1)) (b + w / n)."""
    rng = np.random.default_rng(1)
    n_out, n_in, b, w = 400, 50, 4.0, 9.0
    v = rng.normal(0, math.sqrt(b), (n_out, 1)) + rng.normal(0, math.sqrt(w), (n_out, n_in))
    e = two_level_estimate(v)
    assert e.stochastic_variance == pytest.approx(w, abs=4 * w * math.sqrt(2 / (n_out * (n_in - 1))))
    assert e.parameter_variance == pytest.approx(b, abs=4 * math.sqrt(2 / (n_out - 1)) * (b + w / n_in))
    assert e.parameter_share == pytest.approx(b / (b + w), abs=0.06)
    # the interval with parameter uncertainty: quantiles of N(0, b), +-1.96 sqrt(b) = +-3.92; a
    # sample 2.5% quantile of N draws has sd sqrt(p (1 - p) / N) / density = 0.27 here
    sd_q = math.sqrt(0.025 * 0.975 / n_out) / (math.exp(-(1.96**2) / 2) / math.sqrt(2 * math.pi * b))
    assert e.low == pytest.approx(-1.96 * 2, abs=4 * sd_q) and e.high == pytest.approx(1.96 * 2, abs=4 * sd_q)
    assert e.monte_carlo_variance == pytest.approx((b + w / n_in) / n_out, rel=0.3)
    assert e.data_share == pytest.approx(b / (b + (b + w / n_in) / n_out), abs=0.01)


def test_without_parameter_variance_the_split_says_so():
    rng = np.random.default_rng(2)
    e = two_level_estimate(rng.normal(5, 1, (200, 40)))
    assert e.parameter_variance < 0.01 and e.stochastic_share > 0.99
    assert e.high - e.low < 0.2  # shrunk: inner noise is not parameter uncertainty


def test_two_level_estimate_rejects_too_little_data():
    with pytest.raises(ValueError, match="at least 2 parameter draws"):
        two_level_estimate(np.ones((1, 5)))


# --- uncertain distributions -------------------------------------------------------------------------------


def test_uncertain_ranges_and_draws():
    rng = np.random.default_rng(3)
    u = rs.Uncertain(rs.Weibull(1.3, "1000h"), ranges={"scale": ("500h", "1500h")})
    scales = np.array([u.draw(rng).params["scale"] for _ in range(4000)])
    assert scales.min() >= 500 and scales.max() <= 1500
    # uniform on [500, 1500]: mean 1000, sd 1000 / sqrt(12); the sample mean's sd is 4.6
    assert scales.mean() == pytest.approx(1000, abs=4 * 1000 / math.sqrt(12 * 4000))
    assert all(u.draw(rng).params["shape"] == 1.3 for _ in range(10))
    d = rs.Uncertain(rs.Exponential("1h"), draws=[{"mean": "2h"}, {"mean": 3}])
    picks = [d.draw(rng).mean for _ in range(4000)]
    assert set(picks) == {2.0, 3.0} and picks.count(2.0) == pytest.approx(2000, abs=4 * math.sqrt(1000))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({}, TypeError, "exactly one of covariance, draws or ranges"),
        ({"covariance": [[1.0]]}, ValueError, r"finite 2x2 matrix \(of ln shape, ln scale\)"),
        ({"covariance": [[1.0, 2.0], [2.0, 1.0]]}, ValueError, "positive definite"),
        ({"covariance": [[1.0, 0.1], [0.2, 1.0]]}, ValueError, "symmetric"),
        ({"ranges": {"shap": (1, 2)}}, ValueError, "weibull has no parameter 'shap'"),
        ({"ranges": {"shape": (2, 1)}}, ValueError, "low must be <= high"),
        ({"ranges": {"shape": (-1, 2)}}, ValueError, "shape"),
        ({"draws": [{"shape": 1.0}]}, ValueError, r"draws\[0\]: needs exactly the parameters shape, scale"),
        ({"draws": []}, ValueError, "at least one parameter set"),
    ],
    ids=["none", "wrong-size", "not-pd", "asymmetric", "unknown-param", "reversed", "invalid-end", "missing-param", "no-draws"],
)
def test_bad_uncertain_distributions_are_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        rs.Uncertain(rs.Weibull(1.3, "1000h"), **kwargs)


def test_uncertain_of_a_nonparametric_distribution_is_refused():
    with pytest.raises(TypeError, match="cannot be uncertain"):
        rs.Uncertain(rs.Empirical([1, 2]), ranges={"values": (1, 2)})


def test_uncertain_in_an_ordinary_run_is_its_point_estimate():
    def model(failure):
        m = rs.Model("x")
        m.component("a", failure=failure, repair="2h")
        m.service("s", "a")
        return m

    u = rs.Uncertain(rs.Exponential("300h"), ranges={"mean": ("100h", "900h")})
    a = model(u).simulate("1y", 200, seed=4, progress=False)
    b = model(rs.Exponential("300h")).simulate("1y", 200, seed=4, progress=False)
    np.testing.assert_array_equal(a.downtime("s"), b.downtime("s"))


def test_uncertain_model_files_round_trip_and_match_the_schema():
    from test_io import SCHEMA, validate

    m = rs.Model("u")
    m.component("a", failure=rs.Uncertain(rs.Weibull(1.3, "3000h"), covariance=[[0.01, 0.002], [0.002, 0.02]]), repair="1h")
    m.component(
        "b", failure=rs.Uncertain(rs.LogNormal(6.0, 0.5), draws=[{"mu": 6.1, "sigma": 0.4}, {"mu": 5.9, "sigma": 0.6}]), repair="1h"
    )
    m.component("c", failure=rs.Exponential("1000h"), repair=rs.Uncertain(rs.Exponential("2h"), ranges={"mean": ("1h", "4h")}))
    m.service("s", rs.all_of("a", "b", "c"))
    text = writer.dumps(m)
    assert "type: uncertain" in text and "of: {type: lognormal, mu: 6, sigma: 0.5}" in text
    assert rs.loads(text) == m
    assert validate(m.to_data(), SCHEMA) == []


@pytest.mark.parametrize(
    "failure, path, message",
    [
        ("{type: uncertain, of: {type: weibull, shape: 1, scale: 1h}, covariance: [[1, 0]]}", "components.a.failure.covariance", "2x2"),
        (
            "{type: uncertain, of: {type: weibull, shape: 1, scale: 1h}, draws: [{shape: 1}]}",
            "components.a.failure.draws[0]",
            "missing field 'scale'",
        ),
        (
            "{type: uncertain, of: {type: weibull, shape: 1, scale: 1h}, ranges: {scal: [1h, 3h]}}",
            "components.a.failure.ranges.scal",
            "did you mean 'scale'",
        ),
        (
            "{type: uncertain, of: {type: weibull, shape: 1, scale: 1h}, ranges: {scale: [1h]}}",
            "components.a.failure.ranges.scale",
            r"\[low, high\]",
        ),
        (
            "{type: uncertain, of: {type: empirical, values: [1h]}, ranges: {values: [1h, 2h]}}",
            "components.a.failure.of",
            "cannot be uncertain",
        ),
        ("{type: uncertain, of: {type: weibull, shape: 1, scale: 1h}}", "components.a.failure", "missing field 'covariance'"),
    ],
    ids=["matrix", "draw", "range-name", "range-pair", "empirical", "no-source"],
)
def test_bad_uncertain_fields_in_files_give_their_path(failure, path, message):
    with pytest.raises(rs.ModelFileError) as e:
        rs.loads(f"components: {{a: {{failure: {failure}, repair: 1h}}}}")
    assert e.value.path == path and re_search(message, e.value.reason)


def re_search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None


# --- two-level runs -----------------------------------------------------------------------------------------

H = 1000.0


def poisson_model(draws=({"mean": "50h"}, {"mean": "200h"})) -> rs.Model:
    """One component failing with an exponential time to failure whose mean is one of two values
    (equal probability), repaired in 1e-6 h: the outages per horizon are Poisson(H / mean) to
    within 1e-8, so E[Y | mean] = Var(Y | mean) = H / mean."""
    m = rs.Model("poisson")
    m.component("a", failure=rs.Uncertain(rs.Exponential("100h"), draws=list(draws)), repair=1e-6)
    m.service("s", "a")
    return m


def test_two_level_split_matches_the_law_of_total_variance():
    n_out, n_in = 400, 100
    u = rs.simulate_uncertain(poisson_model(), H, outer=n_out, replications=n_in, seed=11, progress=False, nominal=False)
    means = u.parameters["mean"].to_numpy()
    assert set(means) == {50.0, 200.0}
    lam = H / means  # E[Y | theta_i] = Var(Y | theta_i): 20 or 5
    e = u.outages_per_replication("s")
    # Given the drawn parameters, E[W] = mean(lam_i) and E[B] = var(lam_i, ddof=1) (unbiased).
    # sd(W) = sqrt(mean(2 lam^2 / (n - 1) + lam / n) / N) ~ 0.11; sd(B) ~ 2 sqrt(B mean(lam) / n / N) ~ 0.27
    assert e.stochastic_variance == pytest.approx(lam.mean(), abs=0.5)
    assert e.parameter_variance == pytest.approx(lam.var(ddof=1), abs=1.2)
    assert e.mean == pytest.approx(lam.mean(), abs=4 * math.sqrt((lam.var() + lam.mean() / n_in) / n_out))
    # the 95% interval with parameter uncertainty spans the two conditional means, 5 and 20: its
    # ends are quantiles of the draws' means, which carry each draw's own Monte Carlo noise
    # (sd sqrt(lam / n): 0.22 and 0.45), e.g. the low end near the 5% quantile of the lower cluster
    assert 5 - 3 * math.sqrt(5 / n_in) < e.low < 5 and 20 < e.high < 20 + 3 * math.sqrt(20 / n_in)
    # Each draw's replications estimate its own Poisson mean (a t interval per draw, 99.9%)
    per = u.by_draw(u.results.outage_counts("s")).mean(axis=1)
    z = np.abs(per - lam) / np.sqrt(lam / n_in)
    assert (z < 3.29).mean() > 0.99


def test_uniform_expert_range_gives_the_quantiles_of_the_parameter():
    """mean ~ U(50, 200): E[Y | mean] = H / mean, so the interval with parameter uncertainty is
    [H / q(0.975), H / q(0.025)] with q(p) = 50 + 150 p: [5.13, 18.6]. The sample 2.5% quantile of
    N = 400 draws sits at rank 10 +- 3.1: p within +-0.025 (3 sd) of its target."""
    m = rs.Model("range")
    m.component("a", failure=rs.Uncertain(rs.Exponential("100h"), ranges={"mean": ("50h", "200h")}), repair=1e-6)
    m.service("s", "a")
    e = rs.simulate_uncertain(m, H, outer=400, replications=200, seed=12, progress=False, nominal=False).outages_per_replication("s")
    p_high = ((H / e.low) - 50) / 150  # the parameter quantile the low end corresponds to
    p_low = ((H / e.high) - 50) / 150
    assert p_high == pytest.approx(0.975, abs=0.025) and p_low == pytest.approx(0.025, abs=0.025)
    # E[H / mean] = H ln(200 / 50) / 150
    assert e.mean == pytest.approx(H * math.log(4) / 150, rel=0.03)


def test_two_level_runs_are_reproducible_with_one_seed_and_on_executors():
    m = poisson_model()
    a = rs.simulate_uncertain(m, H, outer=12, replications=30, seed=5, progress=False)
    b = rs.simulate_uncertain(m, H, outer=12, replications=30, seed=5, progress=False, threads=1)
    with ThreadPoolExecutor(2) as ex:
        c = rs.simulate_uncertain(m, H, outer=12, replications=30, seed=5, progress=False, executor=ex, chunk_size=7)
    for other in (b, c):
        np.testing.assert_array_equal(a.results.downtime("s"), other.results.downtime("s"))
        np.testing.assert_array_equal(a.nominal.downtime("s"), other.nominal.downtime("s"))
        pd.testing.assert_frame_equal(a.parameters, other.parameters)
    d = rs.simulate_uncertain(m, H, outer=12, replications=30, seed=6, progress=False)
    assert not np.array_equal(a.results.downtime("s"), d.results.downtime("s"))
    # the nominal run is the ordinary run of the model (point estimates) with the same seed
    np.testing.assert_array_equal(a.nominal.downtime("s"), m.simulate(H, 12 * 30, seed=5, progress=False).downtime("s"))
    # each draw's replications are an ordinary run of the drawn model with the draw's own seed
    drawn, _ = uncertainty.draw_model(m, 5, 3)
    own = drawn.simulate(H, 30, seed=uncertainty.inner_seed(5, 3), progress=False)
    np.testing.assert_array_equal(a.by_draw(a.results.downtime("s"))[3], own.downtime("s"))


def test_parameter_streams_are_keyed_by_name():
    """Adding an uncertain distribution elsewhere leaves the others' draws unchanged."""
    m = poisson_model(draws=[{"mean": f"{10 * k}h"} for k in range(1, 40)])
    a = rs.simulate_uncertain(m, H, outer=10, replications=2, seed=7, progress=False, nominal=False)
    m.component("b", failure=rs.Uncertain(rs.Exponential("100h"), ranges={"mean": ("50h", "150h")}), repair="1h")
    b = rs.simulate_uncertain(m, H, outer=10, replications=2, seed=7, progress=False, nominal=False)
    pa = a.parameters.xs("components.a.failure", level="path")
    pb = b.parameters.xs("components.a.failure", level="path")
    pd.testing.assert_frame_equal(pa[["mean"]], pb[["mean"]])


def test_two_level_runs_on_dask_are_identical():
    distributed = pytest.importorskip("dask.distributed")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    m = poisson_model()
    local = rs.simulate_uncertain(m, H, outer=6, replications=20, seed=8, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        remote = rs.simulate_uncertain(m, H, outer=6, replications=20, seed=8, progress=False, executor=client, chunk_size=9)
    np.testing.assert_array_equal(local.results.downtime("s"), remote.results.downtime("s"))


def test_two_level_run_needs_an_uncertain_distribution():
    m = rs.Model("plain")
    m.component("a", mttf="100h", mttr="1h")
    m.service("s", "a")
    with pytest.raises(ValueError, match="no uncertain distribution"):
        rs.simulate_uncertain(m, H, outer=4, replications=4, seed=1)


# --- from a short incident history to an honest interval ------------------------------------------------------


def _history(years: float, seed: int, mttf: float = 500.0, mttr: float = 5.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t, rows = 0.0, []
    while True:
        s = t + rng.exponential(mttf)
        e = s + rng.exponential(mttr)
        if e >= years * 8760:
            return pd.DataFrame(rows)
        rows.append({"component": "api", "start": s, "end": e})
        t = e


def test_the_interval_widens_honestly_when_the_history_is_short():
    """A component with MTTF 500 h and MTTR 5 h (availability 500/505): one year of history gives
    about 17 incidents (the seeds give 17 and 182), ten years about 170. The interval with parameter uncertainty of the
    one-year model is wider by about sqrt(10); both contain the true availability; the interval
    without parameter uncertainty (Monte Carlo only) is much narrower than either."""
    truth = 500 / 505
    widths = {}
    for years in (1, 10):
        fits = rs.fit_incidents(_history(years, seed={1: 100, 10: 110}[years]), window=(0, years * 8760), families=["exponential"])
        model = fits.model()
        u = rs.simulate_uncertain(model, "1y", outer=200, replications=40, seed=3, progress=False)
        e = u.availability("system")
        assert e.contains(truth), (years, e)
        assert e.without.high - e.without.low < 0.3 * (e.high - e.low)
        assert e.data_share > 0.9
        widths[years] = e.high - e.low
    assert 2 < widths[1] / widths[10] < 5
    assert "with parameter uncertainty" in repr(u) and "more incident data" in u.report()
