"""The estimators of recoverysim.stats: ranges, known answers (scipy's own intervals), coverage on
synthetic data with known means, and Estimate as a number. Coverage on the simulator against
exact answers is in test_coverage.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

import recoverysim as rs
from recoverysim import stats
from recoverysim.stats import (
    Estimate,
    nonnegative_mean_estimate,
    nonnegative_mean_from_sums,
    proportion_estimate,
    proportion_interval,
    ratio_estimate,
)

# --- proportions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(1, 10), (7, 20), (50, 100), (2990, 3000), (3, 3000)])
def test_wilson_inside_matches_scipy(k, n):
    lo, hi = proportion_interval(k, n, 0.95)
    ref = sps.binomtest(k, n).proportion_ci(0.95, method="wilson")
    assert (lo, hi) == pytest.approx((ref.low, ref.high), rel=1e-12)


@pytest.mark.parametrize("n", [1, 10, 3000])
def test_all_or_nothing_is_clopper_pearson_never_zero_width(n):
    lo, hi = proportion_interval(n, n, 0.95)
    ref = sps.binomtest(n, n).proportion_ci(0.95, method="exact")
    assert (lo, hi) == pytest.approx((ref.low, ref.high), rel=1e-12) and hi == 1.0 and lo < 1.0
    lo, hi = proportion_interval(0, n, 0.95)
    ref = sps.binomtest(0, n).proportion_ci(0.95, method="exact")
    assert (lo, hi) == pytest.approx((ref.low, ref.high), rel=1e-12) and lo == 0.0 and hi > 0.0


def test_3000_of_3000_reads_at_least_99_88_percent():
    e = proportion_estimate(3000, 3000, what="met the SLA")
    assert e.mean == 1 and e.high == 1 and f"{e.low:.2%}" == "99.88%"
    assert e.low == pytest.approx(0.025 ** (1 / 3000), rel=1e-12)  # the exact one-sided 97.5 % bound
    assert "3,000 of 3,000" in e.note


def _coverage(draw, truth, estimator, runs=2000, seed=1):
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(runs):
        e = estimator(draw(rng))
        hits += e.low <= truth <= e.high
    return hits / runs


# With 2000 runs the binomial standard deviation of a 95 % coverage is 0.49 %; 93..97 % is +-4 SD.
@pytest.mark.parametrize(("p", "n"), [(0.5, 40), (0.93, 200), (0.02, 500), (0.999, 3000)])
def test_proportion_coverage(p, n):
    c = _coverage(lambda rng: rng.binomial(n, p), p, lambda k: proportion_estimate(k, n))
    assert 0.93 <= c <= 0.985, c  # Clopper-Pearson at the ends is conservative where k = n is likely


# --- pooled ratios -------------------------------------------------------------------------------------


def test_ratio_uses_the_delta_method_when_valid():
    rng = np.random.default_rng(3)
    den = rng.poisson(20, 500).astype(float)
    num = rng.binomial(den.astype(int), 0.6).astype(float)
    e = ratio_estimate(num, den)
    r = num.sum() / den.sum()
    sd = math.sqrt(((num - r * den) ** 2).sum() / 499) / den.mean()
    h = stats.t_quantile(0.975, 499) * sd / math.sqrt(500)
    assert (e.mean, e.low, e.high) == pytest.approx((r, r - h, r + h), rel=1e-12) and e.note == ""


def test_ratio_near_the_bounds_stays_in_0_1():
    den = np.zeros(3000)
    den[:7] = 1
    num = den.copy()
    num[0] = 0  # 6 of 7 outages met the target
    e = ratio_estimate(num, den, what="outages")
    assert 0 <= e.low < e.mean < e.high <= 1 and "only 7 outages" in e.note
    all_met = ratio_estimate(den, den)
    assert all_met.mean == 1 and all_met.high == 1 and all_met.low < 1


@pytest.mark.parametrize(
    ("rate", "p", "n", "band"),
    # About 3 outages per run: the Wilson interval on so few is conservative (any interval on a
    # count of 3 is either conservative or short of 95 % for some p); the others are near nominal.
    [(0.01, 0.6, 300, (0.93, 1.0)), (0.3, 0.9, 100, (0.93, 0.985)), (3.0, 0.97, 50, (0.93, 0.985))],
)
def test_ratio_coverage(rate, p, n, band):
    def draw(rng):
        den = rng.poisson(rate, n).astype(float)
        return rng.binomial(den.astype(int), p).astype(float), den

    def est(x):
        num, den = x
        return ratio_estimate(num, den) if den.sum() > 0 else Estimate(math.nan, 0.0, 1.0, math.nan, n)

    c = _coverage(draw, p, est)
    assert band[0] <= c <= band[1], c


# --- means of non-negative quantities ----------------------------------------------------------------------


def _zero_inflated(p, n):
    return lambda rng: np.where(rng.random(n) < p, rng.exponential(2.0, n), 0.0)


@pytest.mark.parametrize(("p", "n"), [(0.003, 3000), (0.01, 300), (0.05, 200), (0.3, 100), (0.8, 50)])
def test_nonnegative_mean_coverage(p, n):
    # Mostly zeros and exponential when not: the downtime of a highly available service.
    c = _coverage(_zero_inflated(p, n), 2.0 * p, lambda y: nonnegative_mean_estimate(y, upper=100.0))
    assert 0.93 <= c <= 0.97, c


def test_nonnegative_mean_stays_in_range_and_says_why():
    y = np.zeros(10_000)
    y[[5, 50, 500]] = [1.0, 2.0, 0.5]
    e = nonnegative_mean_estimate(y, upper=8760.0, what="had an outage")
    assert 0 < e.low < e.mean < e.high < 8760
    assert e.note.startswith("only 3 of 10,000 replications had an outage") and "rare_events" in e.note
    none = nonnegative_mean_estimate(np.zeros(3000), upper=8760.0, what="had an outage")
    p_hi = sps.beta.ppf(0.975, 1, 3000)
    assert (none.mean, none.low) == (0.0, 0.0) and none.high == pytest.approx(p_hi * 8760, rel=1e-12)
    assert none.note.startswith("no replication of 3,000 had an outage")
    # A value that is always the horizon (down the whole time): never above it.
    full = nonnegative_mean_estimate(np.r_[np.full(3, 10.0), np.full(2, 9.0)], upper=10.0)
    assert full.high <= 10.0 and full.low >= 0


def test_from_sums_matches_values():
    rng = np.random.default_rng(5)
    for p in (0.01, 0.2, 0.9):
        y = _zero_inflated(p, 700)(rng)
        a = nonnegative_mean_estimate(y, upper=50.0)
        b = nonnegative_mean_from_sums(y.size, int((y > 0).sum()), float(y.sum()), float((y * y).sum()), upper=50.0)
        assert (a.mean, a.low, a.high, a.std) == pytest.approx((b.mean, b.low, b.high, b.std), rel=1e-9)


# --- Estimate behaves like its mean ----------------------------------------------------------------------


def test_estimate_is_a_number():
    e = Estimate(0.99999981, 0.9999993, 0.99999996, 1e-6, 3000)
    assert e > 0.99 and e >= 0.99999981 and e < 1 and e <= 1 and not e > 1
    assert e == 0.99999981 and e != 0.5 and 0.99 < e
    assert e * 100 == pytest.approx(99.999981) and isinstance(e * 100, float)
    assert 1 - e == pytest.approx(1.9e-7) and isinstance(e + 1, float) and isinstance(2 / e, float)
    assert -e == -0.99999981 and abs(-e) == 0.99999981 and e**2 == pytest.approx(0.99999962)
    assert round(e, 4) == 1.0 and round(Estimate(2.6, 2, 3, 1, 9)) == 3
    assert f"{e:.5%}" == "99.99998%" and f"{e:.3e}" == "1.000e+00" and f"{e}" == repr(e)
    assert float(np.float64(2.0) * e) == pytest.approx(1.99999962) and isinstance(np.float64(2.0) * e, float)
    # Hashing agrees with equality (equality is the mean's, with numbers and estimates alike).
    other = Estimate(0.99999981, 0.5, 1.0, 0.1, 10)
    assert e == other and hash(e) == hash(other) == hash(0.99999981)
    assert {0.99999981: "x"}[e] == "x" and len({e, other}) == 1
    assert sorted([Estimate(2, 1, 3, 1, 5), Estimate(1, 0, 2, 1, 5)])[0].mean == 1
    assert (e.low, e.high, e.confidence) == (0.9999993, 0.99999996, 0.95)
    with pytest.raises(TypeError):
        _ = e < "a"


def test_the_issue_example():
    m = rs.Model("x")
    m.component("a", mttf="2000h", mttr="1h")
    m.component("b", mttf="2000h", mttr="1h")
    m.service("s", rs.any_of("a", "b"), availability=0.999)
    r = m.simulate(horizon="1y", replications=3000, seed=3, progress=False)
    a, p, d = r.availability("s"), r.p_sla_met("s"), r.mean_downtime("s")
    assert 0 <= a.low < a.mean < a.high <= 1
    assert p.mean == 1 and p.high == 1 and p.low == pytest.approx(0.025 ** (1 / 3000))
    assert 0 < d.low < d.mean < d.high <= r.horizon and "replications had any downtime" in d.note
    assert r.availability("s") > 0.99
    report = r.report()
    assert "-" not in report.split("downtime ")[1].split("\n")[0]  # no negative downtime
    assert "note: only" in report
    html = r._repr_html_()
    assert "100.0000000%" not in html and "had any downtime" in html
    s = m.simulate(horizon="1y", replications=3000, seed=3, progress=False, per_replication=False)
    for q in ("availability", "mean_downtime", "p_sla_met", "outages_per_replication"):
        x, y = getattr(r, q)("s"), getattr(s, q)("s")
        assert (x.mean, x.low, x.high) == pytest.approx((y.mean, y.low, y.high), rel=1e-9), q
        assert x.note == y.note


def test_a_ratio_that_is_not_a_share_keeps_the_delta_method():
    # Hours lost per incident: numerators exceed denominators, so no [0, 1] clipping.
    rng = np.random.default_rng(9)
    den = rng.poisson(2, 400).astype(float)
    num = den * 50 + rng.normal(0, 5, 400) * (den > 0)
    e = ratio_estimate(num, den)
    r = num.sum() / den.sum()
    sd = math.sqrt(((num - r * den) ** 2).sum() / 399) / den.mean()
    h = stats.t_quantile(0.975, 399) * sd / math.sqrt(400)
    assert (e.mean, e.low, e.high) == pytest.approx((r, r - h, r + h), rel=1e-12) and e.mean > 1
