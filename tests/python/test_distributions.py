"""Duration distributions: moments, sampling, CDF, units, repr, serialisation, validation.

Every expected value is computed here from the textbook formula, never read back from the
package. Statistical checks use bounds derived from the sample size:

- sample means must lie within 5 standard errors (std / sqrt(n)) of the exact mean;
- empirical CDFs must lie within the Dvoretzky-Kiefer-Wolfowitz band
  sup |F_n - F| <= sqrt(ln(2 / alpha) / (2 n)) with alpha = 1e-6.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import recoverysim as rs
from recoverysim.distributions import from_dict

N_MEAN = 20_000  # draws for the sample-mean check
N_CDF = 20_000  # draws for the empirical-CDF check
DKW_ALPHA = 1e-6


def phi(x: float) -> float:
    """Standard normal density."""
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def Phi(x: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# --- textbook moments -------------------------------------------------------------------------


def weibull_moments(k: float, lam: float) -> tuple[float, float]:
    g1 = math.gamma(1 + 1 / k)
    g2 = math.gamma(1 + 2 / k)
    return lam * g1, lam * math.sqrt(g2 - g1 * g1)


def lognormal_moments(mu: float, s: float) -> tuple[float, float]:
    mean = math.exp(mu + s * s / 2)
    var = (math.exp(s * s) - 1) * math.exp(2 * mu + s * s)
    return mean, math.sqrt(var)


def gamma_moments(a: float, theta: float) -> tuple[float, float]:
    return a * theta, math.sqrt(a) * theta


def truncated_normal_moments(mu: float, s: float) -> tuple[float, float]:
    # Normal(mu, s) conditioned on X >= 0: with alpha = -mu/s and
    # lambda = phi(alpha) / (1 - Phi(alpha)) = phi(mu/s) / Phi(mu/s),
    # mean = mu + s*lambda and var = s^2 (1 + alpha*lambda - lambda^2).
    alpha = -mu / s
    lam = phi(mu / s) / Phi(mu / s)
    return mu + s * lam, s * math.sqrt(1 + alpha * lam - lam * lam)


def uniform_moments(a: float, b: float) -> tuple[float, float]:
    return (a + b) / 2, (b - a) / math.sqrt(12)


def triangular_moments(a: float, c: float, b: float) -> tuple[float, float]:
    var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
    return (a + b + c) / 3, math.sqrt(var)


def population_moments(values: list[float]) -> tuple[float, float]:
    m = sum(values) / len(values)
    return m, math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


# (id, distribution, exact mean, exact std)
MOMENT_CASES = [
    ("exponential-mean", rs.Exponential(3.0), 3.0, 3.0),
    ("exponential-rate", rs.Exponential(rate=0.25), 4.0, 4.0),
    ("weibull-wearout", rs.Weibull(2.0, 100.0), *weibull_moments(2.0, 100.0)),
    ("weibull-infant", rs.Weibull(0.7, 10.0), *weibull_moments(0.7, 10.0)),
    ("weibull-shape1-is-exponential", rs.Weibull(1.0, 5.0), 5.0, 5.0),
    ("lognormal", rs.LogNormal(1.0, 0.5), *lognormal_moments(1.0, 0.5)),
    ("lognormal-from-mean-std", rs.LogNormal.from_mean_std(2.0, 1.0), 2.0, 1.0),
    ("gamma", rs.Gamma(2.5, 3.0), *gamma_moments(2.5, 3.0)),
    ("gamma-shape-below-1", rs.Gamma(0.5, 2.0), *gamma_moments(0.5, 2.0)),
    ("gamma-from-mean-std", rs.Gamma.from_mean_std(4.0, 2.0), 4.0, 2.0),
    ("normal-far-from-0", rs.Normal(10.0, 2.0), *truncated_normal_moments(10.0, 2.0)),
    ("normal-truncated", rs.Normal(1.0, 2.0), *truncated_normal_moments(1.0, 2.0)),
    ("normal-mu-0", rs.Normal(0.0, 1.0), *truncated_normal_moments(0.0, 1.0)),
    ("uniform", rs.Uniform(1.0, 3.0), *uniform_moments(1.0, 3.0)),
    ("triangular", rs.Triangular(1.0, 2.0, 6.0), *triangular_moments(1.0, 2.0, 6.0)),
    ("triangular-mode-at-low", rs.Triangular(0.0, 0.0, 3.0), *triangular_moments(0.0, 0.0, 3.0)),
    ("deterministic", rs.Deterministic(2.5), 2.5, 0.0),
    ("empirical", rs.Empirical([1.0, 2.0, 3.0, 0.5]), *population_moments([1.0, 2.0, 3.0, 0.5])),
]
MOMENT_IDS = [c[0] for c in MOMENT_CASES]


@pytest.mark.parametrize(("label", "dist", "mean", "std"), MOMENT_CASES, ids=MOMENT_IDS)
def test_mean_and_std_match_textbook_formulas(label, dist, mean, std):
    assert dist.mean == pytest.approx(mean, rel=1e-12, abs=1e-12)
    assert dist.std == pytest.approx(std, rel=1e-9, abs=1e-12)
    assert dist.variance == pytest.approx(std * std, rel=1e-9, abs=1e-12)


def test_truncated_normal_mean_uses_phi_over_Phi():
    # The brief's form of the truncated mean: mu + sigma * phi(mu/sigma) / Phi(mu/sigma).
    mu, s = 0.5, 1.5
    expected = mu + s * phi(mu / s) / Phi(mu / s)
    assert rs.Normal(mu, s).mean == pytest.approx(expected, rel=1e-12)
    assert rs.Normal(mu, s).mean > mu  # truncation at 0 moves the mean up


def test_from_mean_std_parameters():
    ln = rs.LogNormal.from_mean_std("2h", "1h")
    s2 = math.log(1 + (1 / 2) ** 2)
    assert ln.params["sigma"] == pytest.approx(math.sqrt(s2), rel=1e-14)
    assert ln.params["mu"] == pytest.approx(math.log(2) - s2 / 2, rel=1e-14)
    g = rs.Gamma.from_mean_std("6h", "3h")
    assert g.params == pytest.approx({"shape": 4.0, "scale": 1.5}, rel=1e-14)


def test_exponential_rate_is_inverse_mean():
    assert rs.Exponential(rate=0.5) == rs.Exponential(2.0)
    assert rs.Exponential("30m").rate == 2.0


# --- sampling -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "dist", "mean", "std"), MOMENT_CASES, ids=MOMENT_IDS)
def test_sample_mean_within_5_standard_errors(label, dist, mean, std):
    x = dist.sample(N_MEAN, seed=11)
    assert isinstance(x, np.ndarray)
    assert x.shape == (N_MEAN,)
    assert x.dtype == np.float64
    assert np.all(x >= 0), "durations are never negative"
    assert np.all(np.isfinite(x))
    if std == 0:
        assert np.all(x == mean)
    else:
        se = std / math.sqrt(N_MEAN)
        assert abs(x.mean() - mean) <= 5 * se


@pytest.mark.parametrize(("label", "dist", "mean", "std"), MOMENT_CASES, ids=MOMENT_IDS)
def test_same_seed_same_draws_different_seed_different_draws(label, dist, mean, std):
    a = dist.sample(1000, seed=123)
    b = dist.sample(1000, seed=123)
    assert np.array_equal(a, b)
    if std > 0:
        assert not np.array_equal(a, dist.sample(1000, seed=124))


def test_sample_prefix_is_stable():
    # n draws are the first n of a longer stream with the same seed.
    d = rs.Weibull(1.3, 50.0)
    assert np.array_equal(d.sample(10, seed=9), d.sample(1000, seed=9)[:10])


def test_sample_zero_draws_and_large_seed():
    d = rs.Exponential(1.0)
    assert d.sample(0).shape == (0,)
    big = d.sample(5, seed=2**64 - 1)
    assert big.shape == (5,) and np.all(big > 0)
    assert np.array_equal(big, d.sample(5, seed=np.uint64(2**64 - 1)))


@pytest.mark.parametrize(
    ("n", "exc", "msg"),
    [
        (-1, ValueError, "n must be >= 0"),
        (1.5, TypeError, "n must be an integer"),
        (True, TypeError, "n must be an integer"),
        ("3", TypeError, "n must be an integer"),
    ],
    ids=["negative", "float", "bool", "str"],
)
def test_sample_bad_n(n, exc, msg):
    with pytest.raises(exc, match=msg):
        rs.Exponential(1.0).sample(n)


@pytest.mark.parametrize(
    ("seed", "exc"),
    [(-1, ValueError), (2**64, ValueError), (1.5, TypeError), (None, TypeError), (True, TypeError)],
    ids=["negative", "2**64", "float", "None", "bool"],
)
def test_sample_bad_seed(seed, exc):
    with pytest.raises(exc, match="seed"):
        rs.Exponential(1.0).sample(3, seed=seed)


# --- CDF ----------------------------------------------------------------------------------------


def dkw_bound(n: int) -> float:
    return math.sqrt(math.log(2 / DKW_ALPHA) / (2 * n))


CDF_CASES = MOMENT_CASES


@pytest.mark.parametrize(("label", "dist", "mean", "std"), CDF_CASES, ids=MOMENT_IDS)
def test_cdf_matches_empirical_cdf_of_a_large_sample(label, dist, mean, std):
    x = np.sort(dist.sample(N_CDF, seed=2024))
    # Right-continuous ECDF at the sample points and on a grid spanning the sample.
    grid = np.concatenate([x, np.linspace(0, x[-1] * 1.1 + 1, 500)])
    ecdf = np.searchsorted(x, grid, side="right") / N_CDF
    f = dist.cdf(grid)
    assert np.max(np.abs(ecdf - f)) <= dkw_bound(N_CDF)


@pytest.mark.parametrize(("label", "dist", "mean", "std"), CDF_CASES, ids=MOMENT_IDS)
def test_cdf_is_a_cdf(label, dist, mean, std):
    xs = np.linspace(-1, 10 * (mean + std) + 1, 2001)
    f = dist.cdf(xs)
    assert np.all(np.diff(f) >= 0)
    assert f[0] == 0.0  # nothing below 0
    assert np.all((f >= 0) & (f <= 1))
    assert dist.cdf(1e9) == pytest.approx(1.0, abs=1e-12)


E = math.e
KNOWN_POINTS = [
    ("exponential-at-mean", rs.Exponential(2.0), 2.0, 1 - 1 / E),
    ("exponential-rate-at-mean", rs.Exponential(rate=4.0), 0.25, 1 - 1 / E),
    ("exponential-at-2-means", rs.Exponential(2.0), 4.0, 1 - E**-2),
    ("weibull-at-scale", rs.Weibull(2.0, 100.0), 100.0, 1 - 1 / E),
    ("weibull-at-scale-infant", rs.Weibull(0.5, 7.0), 7.0, 1 - 1 / E),
    ("weibull-at-half-scale", rs.Weibull(2.0, 100.0), 50.0, 1 - math.exp(-0.25)),
    ("lognormal-at-exp-mu", rs.LogNormal(1.0, 0.5), math.exp(1.0), 0.5),
    ("lognormal-1-sigma", rs.LogNormal(1.0, 0.5), math.exp(1.5), Phi(1.0)),
    # Gamma(2, theta): F(x) = 1 - exp(-x/theta) (1 + x/theta)
    ("gamma-shape-2", rs.Gamma(2.0, 3.0), 3.0, 1 - math.exp(-1) * 2),
    ("gamma-shape-1-is-exponential", rs.Gamma(1.0, 2.0), 2.0, 1 - 1 / E),
    ("normal-at-mu", rs.Normal(10.0, 2.0), 10.0, (0.5 - Phi(-5)) / (1 - Phi(-5))),
    ("normal-truncated-at-mu", rs.Normal(1.0, 2.0), 1.0, (0.5 - Phi(-0.5)) / (1 - Phi(-0.5))),
    ("normal-at-0", rs.Normal(1.0, 2.0), 0.0, 0.0),
    ("uniform-midpoint", rs.Uniform(1.0, 3.0), 2.0, 0.5),
    ("uniform-quarter", rs.Uniform(1.0, 3.0), 1.5, 0.25),
    ("uniform-below", rs.Uniform(1.0, 3.0), 0.5, 0.0),
    ("uniform-above", rs.Uniform(1.0, 3.0), 3.5, 1.0),
    ("triangular-at-mode", rs.Triangular(1.0, 2.0, 6.0), 2.0, (2.0 - 1.0) / (6.0 - 1.0)),
    # above the mode: 1 - (b - x)^2 / ((b - a)(b - c))
    ("triangular-above-mode", rs.Triangular(1.0, 2.0, 6.0), 4.0, 1 - 4.0 / (5.0 * 4.0)),
    ("deterministic-below", rs.Deterministic(2.0), 1.999, 0.0),
    ("deterministic-at", rs.Deterministic(2.0), 2.0, 1.0),
    ("empirical-between", rs.Empirical([1.0, 2.0, 3.0]), 1.5, 1 / 3),
    ("empirical-at-value", rs.Empirical([1.0, 2.0, 3.0]), 2.0, 2 / 3),
    ("empirical-below", rs.Empirical([1.0, 2.0, 3.0]), 0.5, 0.0),
]


@pytest.mark.parametrize(("label", "dist", "x", "p"), KNOWN_POINTS, ids=[c[0] for c in KNOWN_POINTS])
def test_cdf_at_known_points(label, dist, x, p):
    assert dist.cdf(x) == pytest.approx(p, rel=1e-9, abs=1e-12)


def test_cdf_types_and_shapes():
    d = rs.Exponential(2.0)
    assert isinstance(d.cdf(1.0), float)
    assert isinstance(d.cdf(np.float64(1.0)), float)
    assert d.cdf("2h") == d.cdf(2.0)
    assert d.cdf("120m") == d.cdf(2.0)
    out = d.cdf([1.0, 2.0, 4.0])
    assert isinstance(out, np.ndarray)
    assert out.shape == (3,)
    assert np.allclose(out, 1 - np.exp(-np.array([1.0, 2.0, 4.0]) / 2.0), rtol=1e-12)
    grid = np.array([[1.0, 2.0], [3.0, 4.0]])
    out2 = d.cdf(grid)
    assert out2.shape == (2, 2)
    assert np.allclose(out2, 1 - np.exp(-grid / 2.0), rtol=1e-12)


# --- units in parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("with_units", "in_hours"),
    [
        (lambda: rs.Exponential("30m"), lambda: rs.Exponential(0.5)),
        (lambda: rs.Weibull(2, "2d"), lambda: rs.Weibull(2, 48.0)),
        (lambda: rs.Gamma(2, "90m"), lambda: rs.Gamma(2, 1.5)),
        (lambda: rs.Normal("1d", "6h"), lambda: rs.Normal(24.0, 6.0)),
        (lambda: rs.Uniform("30m", "90m"), lambda: rs.Uniform(0.5, 1.5)),
        (lambda: rs.Triangular("30m", "1h", "1w"), lambda: rs.Triangular(0.5, 1.0, 168.0)),
        (lambda: rs.Deterministic("5400s"), lambda: rs.Deterministic(1.5)),
        (lambda: rs.Empirical(["30m", "1h", 2]), lambda: rs.Empirical([0.5, 1.0, 2.0])),
        (lambda: rs.LogNormal.from_mean_std("120m", "60m"), lambda: rs.LogNormal.from_mean_std(2.0, 1.0)),
        (lambda: rs.Gamma.from_mean_std("1d", "12h"), lambda: rs.Gamma.from_mean_std(24.0, 12.0)),
    ],
    ids=[
        "exponential",
        "weibull",
        "gamma",
        "normal",
        "uniform",
        "triangular",
        "deterministic",
        "empirical",
        "lognormal-from-mean-std",
        "gamma-from-mean-std",
    ],
)
def test_units_in_parameters(with_units, in_hours):
    assert with_units() == in_hours()
    assert with_units().mean == in_hours().mean


def test_exponential_with_units_mean():
    assert rs.Exponential("30m").mean == 0.5
    assert rs.Exponential("1y").mean == 8760.0
    assert rs.Weibull(1, "1w").params == {"shape": 1.0, "scale": 168.0}


# --- repr, dict, pickle, equality ----------------------------------------------------------------

ROUND_TRIP = [
    ("exponential", rs.Exponential(2000.0)),
    ("exponential-rate", rs.Exponential(rate=0.5)),
    ("weibull", rs.Weibull(1.3, 3000.0)),
    ("lognormal", rs.LogNormal(0.5, 0.25)),
    ("gamma", rs.Gamma(2.0, 1.5)),
    ("normal", rs.Normal(4.0, 1.0)),
    ("uniform", rs.Uniform(0.5, 2.0)),
    ("triangular", rs.Triangular(1.0, 2.0, 8.0)),
    ("deterministic", rs.Deterministic(0.25)),
    ("empirical", rs.Empirical([0.5, 1.0, 4.0])),
]
RT_IDS = [c[0] for c in ROUND_TRIP]


@pytest.mark.parametrize(("label", "dist"), ROUND_TRIP, ids=RT_IDS)
def test_repr_is_readable_and_round_trips_through_eval(label, dist):
    r = repr(dist)
    assert r.startswith(type(dist).__name__ + "(")
    assert "object at 0x" not in r
    back = eval(r, vars(rs))  # noqa: S307 - the documented contract of repr
    assert back == dist
    assert type(back) is type(dist)


def test_repr_examples():
    assert repr(rs.Weibull(2, "100h")) == "Weibull(shape=2.0, scale='100h')"
    assert repr(rs.Exponential("30m")) == "Exponential(mean='0.5h')"
    assert repr(rs.Deterministic("5m")) == "Deterministic(value='5m')"
    assert repr(rs.Triangular(1, 2, 4)) == "Triangular(low='1h', mode='2h', high='4h')"
    assert repr(rs.Empirical([1, 2])) == "Empirical(values=[1.0, 2.0])"


@pytest.mark.parametrize(
    "dist",
    [rs.LogNormal.from_mean_std(2.0, 1.0), rs.Exponential(1 / 3), rs.Deterministic("5m")],
    ids=["lognormal-from-mean-std", "exponential-one-third", "deterministic-5m"],
)
def test_repr_round_trips_for_non_round_parameters(dist):
    assert eval(repr(dist), vars(rs)) == dist  # noqa: S307


def test_repr_round_trips_for_long_empirical():
    d = rs.Empirical([1, 2, 3, 4, 5, 6, 7])
    assert eval(repr(d), vars(rs)) == d  # noqa: S307


def test_repr_of_a_huge_empirical_is_short_and_not_evaluable():
    d = rs.Empirical(range(1000))
    assert repr(d) == "Empirical(<1000 observations, mean 499.5h>)"
    with pytest.raises(SyntaxError):
        eval(repr(d), vars(rs))  # noqa: S307


ALL_KINDS = ROUND_TRIP + [
    ("lognormal-from-mean-std", rs.LogNormal.from_mean_std(2.0, 1.0)),
    ("empirical-long", rs.Empirical([float(i) for i in range(12)])),
]


@pytest.mark.parametrize(("label", "dist"), ALL_KINDS, ids=[c[0] for c in ALL_KINDS])
def test_to_dict_from_dict_round_trip(label, dist):
    d = dist.to_dict()
    assert d["type"] == dist.kind
    assert {k: v for k, v in d.items() if k != "type"} == dist.params
    back = from_dict(d)
    assert back == dist
    assert back.mean == dist.mean
    assert np.array_equal(back.sample(50, seed=1), dist.sample(50, seed=1))


@pytest.mark.parametrize(("label", "dist"), ALL_KINDS, ids=[c[0] for c in ALL_KINDS])
def test_pickle_round_trip(label, dist):
    back = pickle.loads(pickle.dumps(dist))
    assert back == dist
    assert type(back) is type(dist)
    assert np.array_equal(back.sample(50, seed=3), dist.sample(50, seed=3))


def test_from_dict_accepts_units_and_mean_std():
    assert from_dict({"type": "weibull", "shape": 1.3, "scale": "3000h"}) == rs.Weibull(1.3, 3000.0)
    assert from_dict({"type": "LogNormal", "mean": "2h", "std": "1h"}) == rs.LogNormal.from_mean_std(2, 1)
    assert from_dict({"type": "gamma", "mean": 4, "std": 2}) == rs.Gamma.from_mean_std(4, 2)
    assert from_dict({"type": "exponential", "rate": 2}) == rs.Exponential(0.5)


@pytest.mark.parametrize(
    ("data", "exc", "match"),
    [
        ({"shape": 2, "scale": 1}, ValueError, "missing 'type'"),
        ({"type": "cauchy"}, ValueError, "unknown type 'cauchy'"),
        ({"type": "weibull", "shap": 2, "scale": 1}, TypeError, "Weibull"),
        ({"type": "weibull", "shape": 0, "scale": 1}, ValueError, "shape"),
        ([("type", "exponential")], TypeError, "mapping"),
    ],
    ids=["missing-type", "unknown-type", "misspelt-parameter", "bad-value", "not-a-mapping"],
)
def test_from_dict_errors(data, exc, match):
    with pytest.raises(exc, match=match):
        from_dict(data)


def test_equality_and_hash():
    a, b = rs.Weibull(2, "100h"), rs.Weibull(2.0, 100)
    assert a == b and hash(a) == hash(b)
    assert rs.Exponential(1) == rs.Exponential("60m") and hash(rs.Exponential(1)) == hash(rs.Exponential("60m"))
    assert rs.Weibull(2, 100) != rs.Weibull(2, 101)
    assert rs.Exponential(1) != rs.Deterministic(1)  # same mean, different kind
    assert rs.Exponential(1) != rs.Gamma(1, 1)  # same law, different kind
    assert rs.Uniform(1, 2) != "Uniform(low='1h', high='2h')"
    assert len({rs.Exponential(1), rs.Exponential("60m"), rs.Exponential(2)}) == 2
    assert rs.Empirical([1, 2]) == rs.Empirical([1.0, "2h"])
    assert hash(rs.Empirical([1, 2])) == hash(rs.Empirical([1.0, "2h"]))


def test_immutable():
    d = rs.Exponential(1)
    with pytest.raises(AttributeError, match="immutable"):
        d.foo = 1  # type: ignore[attr-defined]
    p = d.params
    p["mean"] = 99
    assert d.mean == 1.0  # params returns a copy


# --- bad parameters ----------------------------------------------------------------------------

NAN = float("nan")
BAD_VALUES = [
    ("exponential-mean-0", lambda: rs.Exponential(0), "mean"),
    ("exponential-mean-negative", lambda: rs.Exponential("-5m"), "mean"),
    ("exponential-rate-0", lambda: rs.Exponential(rate=0), "rate"),
    ("exponential-rate-nan", lambda: rs.Exponential(rate=NAN), "rate"),
    ("weibull-shape-0", lambda: rs.Weibull(0, 1), "shape"),
    ("weibull-shape-negative", lambda: rs.Weibull(-1, 1), "shape"),
    ("weibull-scale-0", lambda: rs.Weibull(1, 0), "scale"),
    ("weibull-shape-nan", lambda: rs.Weibull(NAN, 1), "shape"),
    ("lognormal-sigma-0", lambda: rs.LogNormal(0, 0), "sigma"),
    ("lognormal-sigma-negative", lambda: rs.LogNormal(0, -1), "sigma"),
    ("lognormal-mu-nan", lambda: rs.LogNormal(NAN, 1), "mu"),
    ("lognormal-mu-inf", lambda: rs.LogNormal(float("inf"), 1), "mu"),
    ("lognormal-from-mean-std-mean-0", lambda: rs.LogNormal.from_mean_std(0, 1), "mean"),
    ("lognormal-from-mean-std-std-0", lambda: rs.LogNormal.from_mean_std(1, 0), "std"),
    ("gamma-shape-0", lambda: rs.Gamma(0, 1), "shape"),
    ("gamma-scale-negative", lambda: rs.Gamma(1, -1), "scale"),
    ("gamma-from-mean-std-negative", lambda: rs.Gamma.from_mean_std(-1, 1), "mean"),
    ("normal-sigma-0", lambda: rs.Normal(1, 0), "sigma"),
    ("normal-sigma-nan", lambda: rs.Normal(1, NAN), "sigma"),
    ("normal-all-mass-below-0", lambda: rs.Normal(-100, 1), "below 0"),
    ("uniform-high-equals-low", lambda: rs.Uniform(3, 3), "high"),
    ("uniform-high-below-low", lambda: rs.Uniform(3, 1), "high"),
    ("uniform-negative-low", lambda: rs.Uniform(-1, 3), "low"),
    ("triangular-mode-above", lambda: rs.Triangular(1, 5, 4), "mode"),
    ("triangular-mode-below", lambda: rs.Triangular(1, 0.5, 4), "mode"),
    ("triangular-high-equals-low", lambda: rs.Triangular(4, 4, 4), "high"),
    ("triangular-nan-mode", lambda: rs.Triangular(1, NAN, 4), "mode"),
    ("deterministic-negative", lambda: rs.Deterministic(-1), "value"),
    ("deterministic-nan", lambda: rs.Deterministic(NAN), "value"),
    ("empirical-empty", lambda: rs.Empirical([]), "at least one"),
    ("empirical-negative", lambda: rs.Empirical([1, -2]), r"values\[1\]"),
    ("empirical-nan", lambda: rs.Empirical([1, NAN]), r"values\[1\]"),
]


@pytest.mark.parametrize(("label", "make", "param"), BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_bad_parameter_values_raise_value_error_naming_the_parameter(label, make, param):
    with pytest.raises(ValueError, match=param):
        make()


BAD_TYPES = [
    ("exponential-list", lambda: rs.Exponential([1]), "mean"),
    ("exponential-none-and-no-rate", lambda: rs.Exponential(), "mean or rate"),
    ("exponential-both", lambda: rs.Exponential(1, rate=1), "mean or rate"),
    ("exponential-rate-str", lambda: rs.Exponential(rate="2"), "rate"),
    ("weibull-shape-str", lambda: rs.Weibull("2", 1), "shape"),
    ("weibull-scale-none", lambda: rs.Weibull(2, None), "scale"),
    ("weibull-shape-bool", lambda: rs.Weibull(True, 1), "shape"),
    ("lognormal-mu-str", lambda: rs.LogNormal("1", 1), "mu"),
    ("gamma-shape-none", lambda: rs.Gamma(None, 1), "shape"),
    ("normal-mu-list", lambda: rs.Normal([1], 1), "mu"),
    ("uniform-low-bool", lambda: rs.Uniform(True, 3), "low"),
    ("triangular-mode-none", lambda: rs.Triangular(1, None, 3), "mode"),
    ("deterministic-none", lambda: rs.Deterministic(None), "value"),
    ("empirical-str", lambda: rs.Empirical("123"), "list"),
    ("empirical-none", lambda: rs.Empirical(None), "list"),
    ("empirical-element-none", lambda: rs.Empirical([1, None]), r"values\[1\]"),
]


@pytest.mark.parametrize(("label", "make", "param"), BAD_TYPES, ids=[c[0] for c in BAD_TYPES])
def test_wrong_types_raise_type_error_naming_the_parameter(label, make, param):
    with pytest.raises(TypeError, match=param):
        make()
