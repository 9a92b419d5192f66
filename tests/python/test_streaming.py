"""per_replication=False: runs of any size in bounded memory, with the same estimates."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import recoverysim as rs
from recoverysim import _streaming

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
N = 2 * _streaming.BLOCK + 1234  # three blocks, the last one partial


@pytest.fixture(scope="module")
def model() -> rs.Model:
    m = rs.load(EXAMPLES / "exchange.yaml")
    return m


@pytest.fixture(scope="module")
def pair(model):
    full = model.simulate("30d", N, seed=3, progress=False)
    streamed = model.simulate("30d", N, seed=3, progress=False, per_replication=False)
    return full, streamed


def test_every_estimate_matches_the_per_replication_run(pair):
    full, streamed = pair
    assert isinstance(streamed, rs.results.StreamedResults) and streamed.replications == N
    a, b = full.summary(), streamed.summary()
    assert list(a.columns) == list(b.columns) and list(a.index) == list(b.index)
    exact_cols = [c for c in a.columns if not c.startswith("downtime_h_p") and c != "cost_p99"]
    np.testing.assert_allclose(b[exact_cols].to_numpy(float), a[exact_cols].to_numpy(float), rtol=1e-10, atol=1e-13)
    # Cost quantiles of a streamed run come from a log histogram: within 2.9 % (docs/semantics.md).
    np.testing.assert_allclose(b["cost_p99"].to_numpy(float), a["cost_p99"].to_numpy(float), rtol=0.03)
    for s in full.service_names:
        for method in ("availability", "mean_downtime", "outages_per_replication", "expected_data_lost"):
            x, y = getattr(full, method)(s), getattr(streamed, method)(s)
            assert y.mean == pytest.approx(x.mean, rel=1e-10, abs=1e-15)
            assert y.half_width == pytest.approx(x.half_width, rel=1e-6, abs=1e-15)
        x, y = full.availability(s, include_planned=True), streamed.availability(s, include_planned=True)
        assert y.mean == pytest.approx(x.mean, rel=1e-12) and y.high == pytest.approx(x.high, rel=1e-9)
        if full.targets[s]["rto"] is not None:
            for method in ("rto_compliance", "p_rto_breach"):
                x, y = getattr(full, method)(s), getattr(streamed, method)(s)
                assert (y.mean, y.half_width) == pytest.approx((x.mean, x.half_width), rel=1e-8)
        if full.targets[s]["rpo"] is not None:
            x, y = full.rpo_compliance(s), streamed.rpo_compliance(s)
            assert (y.mean, y.half_width) == pytest.approx((x.mean, x.half_width), rel=1e-8)
        pd_a, pd_b = full.downtime_by_cause(s), streamed.downtime_by_cause(s)
        assert list(pd_a.index) == list(pd_b.index)
        np.testing.assert_allclose(pd_b["downtime_h"], pd_a["downtime_h"], rtol=1e-10)
    np.testing.assert_allclose(streamed.components().to_numpy(float), full.components().to_numpy(float), rtol=1e-10)
    assert streamed.events == full.events
    assert streamed.outages("trading").equals(full.outages("trading"))
    assert streamed.data_losses().equals(full.data_losses())


def test_quantiles_come_from_the_histogram_within_its_accuracy(pair):
    full, streamed = pair
    for s in full.service_names:
        exact = full.downtime_quantiles(s, [0.5, 0.9, 0.99])
        approx = streamed.downtime_quantiles(s, [0.5, 0.9, 0.99])
        for e, a in zip(exact, approx):
            # A bin is 10^(1/40) wide: its geometric midpoint is within 2.9% of any value in it.
            assert a == e == 0 or abs(a / e - 1) <= 0.03 or (e < 1e-6 and a == 0)


def test_streamed_runs_do_not_depend_on_threads_or_executor(model, pair):
    _, streamed = pair
    one = model.simulate("30d", N, seed=3, progress=False, per_replication=False, threads=1)
    with ThreadPoolExecutor(2) as ex:
        dist = model.simulate("30d", N, seed=3, progress=False, per_replication=False, executor=ex)
    for other in (one, dist):
        for k in streamed.agg.s1:
            assert np.array_equal(streamed.agg.s1[k], other.agg.s1[k]), k
            assert np.array_equal(streamed.agg.s2[k], other.agg.s2[k]), k
        assert np.array_equal(streamed.agg.downtime_hist, other.agg.downtime_hist)
        assert streamed.summary().equals(other.summary())


def test_per_replication_arrays_are_refused_clearly(pair):
    _, streamed = pair
    for call in (lambda r: r.downtime("trading"), lambda r: r.failures("db-a"), lambda r: r.to_pandas()):
        with pytest.raises(ValueError, match="per-replication values are not kept"):
            call(streamed)
    assert "trading" in streamed.report()


def test_the_default_switches_to_streaming_above_a_million(model, monkeypatch):
    seen = {}

    class Streamed(Exception):
        pass

    def fake(compiled, *, replications, **kwargs):
        seen["n"] = replications
        raise Streamed

    monkeypatch.setattr(_streaming, "run_streaming", fake)
    with pytest.raises(Streamed):
        model.simulate("1d", 1_000_001, seed=1, progress=False)
    assert seen["n"] == 1_000_001


def test_memory_does_not_grow_with_replications():
    # 20x more replications in streaming mode: peak memory grows by less than the size of one
    # block's per-replication arrays (per-replication mode would grow by ~140 MB here).
    code = textwrap.dedent(
        """
        import resource, recoverysim as rs
        m = rs.Model("mem")
        for i in range(3):
            m.component(f"c{i}", mttf="500h", mttr="2h")
        m.service("s", rs.k_of_n(2, "c0", "c1", "c2"))
        m.simulate("30d", 100_000, seed=1, progress=False, per_replication=False, keep_outages=0)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        r = m.simulate("30d", 2_000_000, seed=1, progress=False, per_replication=False, keep_outages=0)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(r.replications, after - before)
        """
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    n, grown_kb = map(int, p.stdout.split())
    assert n == 2_000_000
    assert grown_kb < 20 * 1024, f"peak memory grew by {grown_kb} kB"


def test_streamed_results_render_and_plot_what_they_can(pair):
    import matplotlib

    matplotlib.use("Agg")
    from recoverysim import plot

    _, streamed = pair
    html = streamed._repr_html_()
    assert "trading" in html and "<table" in html
    assert "fix" in plot.downtime_causes(streamed, "trading").get_title(loc="left")
    assert plot.outage_durations(streamed, "trading").get_title(loc="left")  # from the kept records
    with pytest.raises(ValueError, match="per-replication values are not kept"):
        plot.downtime_distribution(streamed, "trading")


def test_a_large_model_streams_in_smaller_blocks_with_the_same_estimates(monkeypatch):
    # Blocks shrink (by a rule of the model alone) until one block's per-replication results fit
    # in BLOCK_BYTES; the estimates are those of the per-replication run, causes bitwise.
    m = rs.Model("wide")
    for g in range(60):
        m.service(f"g{g}", rs.k_of_n(3, *m.fleet(f"c{g}-{{i}}", 5, mttf=500, mttr=8).names))
    compiled = m.compile()
    monkeypatch.setattr(_streaming, "BLOCK_BYTES", 4 * 2**20)
    size = _streaming.block_size(compiled)
    assert 64 <= size < _streaming.BLOCK and size & (size - 1) == 0
    assert rs._engine.result_bytes(compiled, size) <= _streaming.BLOCK_BYTES
    n = 3 * size + 17
    full = m.simulate("1y", n, seed=4, threads=2, progress=False)
    streamed = m.simulate("1y", n, seed=4, threads=2, progress=False, per_replication=False)
    for s in ("g0", "g31", "g59"):
        np.testing.assert_allclose(float(streamed.availability(s)), float(full.availability(s)), rtol=1e-13)
        assert streamed.downtime_by_cause(s).equals(full.downtime_by_cause(s))
