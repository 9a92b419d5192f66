"""Reproducibility: same model and seed give bitwise identical results on any thread count, and
random numbers are keyed by component name (common random numbers across model variants)."""

from __future__ import annotations

import numpy as np
import pytest

import recoverysim as rs

REPS = 1000
HORIZON = "1y"


def build(*, db1_repair: rs.Distribution | None = None, extra: bool = False, reverse: bool = False) -> rs.Model:
    """lb -> (api-1 | api-2) -> 2-of-3 db, with Weibull failures and LogNormal repairs."""
    specs: list[tuple[str, rs.Distribution, rs.Distribution]] = [("lb", rs.Weibull(1.5, "4000h"), rs.LogNormal.from_mean_std("1h", "30m"))]
    specs += [(f"api-{i}", rs.Weibull(0.8, "1500h"), rs.LogNormal.from_mean_std("30m", "20m")) for i in (1, 2)]
    specs += [(f"db-{i}", rs.Weibull(1.2, "2000h"), rs.LogNormal.from_mean_std("4h", "2h")) for i in (1, 2, 3)]
    if reverse:
        specs.reverse()
    m = rs.Model("repro")
    for name, failure, repair in specs:
        if name == "db-1" and db1_repair is not None:
            repair = db1_repair
        m.component(name, failure=failure, repair=repair)
    if extra:
        m.component("cache", mttf="500h", mttr="10m")
    m.service("api", rs.any_of("api-1", "api-2"))
    m.service("db", rs.k_of_n(2, "db-1", "db-2", "db-3"))
    m.service("app", rs.all_of("lb", "api", "db"))
    if extra:
        m.service("cached-app", rs.all_of("app", "cache"))
    return m


def sim(m: rs.Model, seed: int | None = 42, threads: int = 1, reps: int = REPS) -> rs.Results:
    return m.simulate(HORIZON, reps, seed=seed, threads=threads, progress=False)


def assert_identical(a: rs.Results, b: rs.Results) -> None:
    arrays = b.raw.arrays()
    assert a.raw.arrays().keys() == arrays.keys()
    for key, arr in a.raw.arrays().items():
        assert arr.dtype == arrays[key].dtype, key
        assert np.array_equal(arr, arrays[key]), key
    assert a.raw == b.raw  # the histogram and the records too, bitwise


@pytest.fixture(scope="module")
def base() -> rs.Results:
    return sim(build(), threads=1)


def test_the_model_is_not_trivial(base):
    # Guard: the comparisons below are meaningful only if things actually fail.
    assert base.raw.arrays().keys() >= {"service_downtime", "service_outages", "component_downtime", "mode_failures", "events"}
    for c in base.component_names:
        assert base.failures(c).sum() > 100, c
    assert np.count_nonzero(base.downtime("app")) > REPS // 2
    assert np.count_nonzero(base.downtime("db")) > 10


@pytest.mark.parametrize("threads", [2, 4, 7], ids=lambda t: f"threads={t}")
def test_thread_count_does_not_change_results(base, threads):
    res = sim(build(), threads=threads)
    assert res.threads == threads
    assert_identical(base, res)


def test_default_thread_count_gives_the_same_results(base):
    assert_identical(base, build().simulate(HORIZON, REPS, seed=42, progress=False))


def test_same_seed_twice_is_identical(base):
    assert_identical(base, sim(build(), threads=1))


def test_different_seeds_differ(base):
    other = sim(build(), seed=43)
    for key in ("service_downtime", "component_downtime", "mode_failures", "events"):
        assert not np.array_equal(getattr(base.raw, key), getattr(other.raw, key)), key
    # ... yet they estimate the same thing: downtimes agree within 5 standard errors.
    a, b = base.downtime("app"), other.downtime("app")
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert abs(a.mean() - b.mean()) <= 5 * se


def test_replication_i_depends_only_on_seed_and_i(base):
    fewer = sim(build(), reps=REPS // 3, threads=3)
    for key in ("service_downtime", "service_outages", "component_downtime", "mode_failures", "events"):
        assert np.array_equal(getattr(fewer.raw, key), getattr(base.raw, key)[: REPS // 3]), key


def test_changing_one_repair_keeps_the_other_components_draws(base):
    variant = sim(build(db1_repair=rs.Deterministic("8h")), threads=4)
    for c in base.component_names:
        if c == "db-1":
            continue
        assert np.array_equal(base.failures(c), variant.failures(c)), c
        assert np.array_equal(base.component_downtime(c), variant.component_downtime(c)), c
    # The changed component really changed, and so did the service that depends on it.
    assert not np.array_equal(base.component_downtime("db-1"), variant.component_downtime("db-1"))
    assert not np.array_equal(base.downtime("db"), variant.downtime("db"))
    # Services that do not use db-1 are untouched.
    assert np.array_equal(base.downtime("api"), variant.downtime("api"))
    assert np.array_equal(base.outage_counts("api"), variant.outage_counts("api"))


def test_adding_an_unrelated_component_changes_nothing_else(base):
    variant = sim(build(extra=True), threads=2)
    assert variant.component_names == base.component_names + ["cache"]
    assert variant.failures("cache").sum() > 0
    for c in base.component_names:
        assert np.array_equal(base.failures(c), variant.failures(c)), c
        assert np.array_equal(base.component_downtime(c), variant.component_downtime(c)), c
    for s in base.service_names:
        assert np.array_equal(base.downtime(s), variant.downtime(s)), s
        assert np.array_equal(base.outage_counts(s), variant.outage_counts(s)), s


def test_declaration_order_does_not_matter(base):
    variant = sim(build(reverse=True), threads=7)
    assert variant.component_names != base.component_names
    for c in base.component_names:
        assert np.array_equal(base.failures(c), variant.failures(c)), c
        assert np.array_equal(base.component_downtime(c), variant.component_downtime(c)), c
    for s in base.service_names:
        assert np.array_equal(base.downtime(s), variant.downtime(s)), s


def test_seed_none_is_recorded_and_reproducible():
    m = build()
    first = sim(m, seed=None, reps=200)
    assert isinstance(first.seed, int)
    assert 0 <= first.seed < 2**64
    again = sim(m, seed=first.seed, reps=200, threads=3)
    assert again.seed == first.seed
    assert_identical(first, again)
    # A fresh seed each time (two 63-bit draws collide with probability ~1e-19).
    second = sim(m, seed=None, reps=200)
    assert second.seed != first.seed
    assert not np.array_equal(first.raw.mode_failures, second.raw.mode_failures)


def test_seed_is_recorded_in_results_and_report(base):
    assert base.seed == 42
    assert "seed 42" in base.report()


_FINGERPRINT = r"""
import hashlib, pickle, numpy as np, recoverysim as rs, sys
m = rs.load(sys.argv[1])
r = m.simulate("1y", 3000, seed=3, progress=False)
h = hashlib.sha256()
h.update(pickle.dumps(r.raw))  # every number of the results, bitwise
for d in (rs.Weibull(1.3, 3000), rs.Gamma(0.7, 2), rs.LogNormal(0.3, 1.1), rs.Normal(1, 2), rs.Exponential(5)):
    h.update(d.sample(100_000, seed=1).tobytes())
print(h.hexdigest())
"""


def test_results_do_not_depend_on_the_cpus_math_library():
    # glibc picks FMA or non-FMA versions of log/exp/pow from the CPU; with them the same seed
    # gave different bits on different machines. The engine uses its own functions: forcing the
    # non-FMA code paths must not change a single bit.
    import os
    import subprocess
    import sys
    from pathlib import Path

    model = Path(__file__).resolve().parents[2] / "examples" / "exchange.yaml"
    run = lambda env: subprocess.run(  # noqa: E731
        [sys.executable, "-c", _FINGERPRINT, str(model)], capture_output=True, text=True, env=env, timeout=120
    )
    native = run(dict(os.environ))
    masked = run({**os.environ, "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX2_Usable,-FMA_Usable"})
    assert native.returncode == 0 and masked.returncode == 0, native.stderr + masked.stderr
    assert native.stdout == masked.stdout
