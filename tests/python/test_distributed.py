"""simulate(executor=...): chunks of replications on other threads, processes or a Dask cluster
merge into exactly the arrays of a local run."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import recoverysim as rs
from recoverysim import _distributed

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def model() -> rs.Model:
    return rs.load(EXAMPLES / "exchange.yaml")


@pytest.fixture(scope="module")
def local(model: rs.Model) -> rs.Results:
    return model.simulate("1y", 1200, seed=4, progress=False, keep_outages=700)


def assert_identical(a: rs.Results, b: rs.Results) -> None:
    arrays = b.raw.arrays()
    assert a.raw.arrays().keys() == arrays.keys()
    for k, arr in a.raw.arrays().items():
        assert arr.dtype == arrays[k].dtype, k
        assert np.array_equal(arr, arrays[k]), k
    assert a.raw == b.raw  # the histogram and the records too, bitwise


@pytest.mark.parametrize("chunk_size", [1, 7, 250, 5000], ids=lambda c: f"chunks-of-{c}")
def test_thread_pool_chunks_give_the_local_results(model, local, chunk_size):
    n = 1200 if chunk_size > 1 else 60
    ref = local if n == 1200 else model.simulate("1y", n, seed=4, progress=False, keep_outages=700)
    with ThreadPoolExecutor(2) as ex:
        res = model.simulate("1y", n, seed=4, progress=False, keep_outages=700, executor=ex, chunk_size=chunk_size)
    assert_identical(ref, res)
    assert res.summary().equals(ref.summary())


def test_process_pool_gives_the_local_results(model, local):
    with ProcessPoolExecutor(2) as ex:
        res = model.simulate("1y", 1200, seed=4, progress=False, keep_outages=700, executor=ex, chunk_size=300)
    assert_identical(local, res)


def test_dask_local_cluster_gives_the_local_results(model, local):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            res = model.simulate("1y", 1200, seed=4, progress=False, keep_outages=700, executor=client, chunk_size=200)
    assert_identical(local, res)
    assert res.outages("trading").equals(local.outages("trading"))


class NeverDone:
    def __init__(self) -> None:
        self.cancelled = False

    def done(self) -> bool:
        return False

    def cancel(self) -> bool:
        self.cancelled = True
        return True


class HangingExecutor:
    def __init__(self) -> None:
        self.futures: list[NeverDone] = []

    def submit(self, fn, *args):
        f = NeverDone()
        self.futures.append(f)
        return f


def test_ctrl_c_cancels_every_pending_chunk(model):
    ex = HangingExecutor()
    calls = 0

    def progress(done: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _distributed.run_on_executor(
            ex, model.compile(), horizon=8760.0, seed=1, replications=100, threads=1, keep=0, chunk_size=10, progress=progress
        )
    assert len(ex.futures) == 10 and all(f.cancelled for f in ex.futures)


def test_a_worker_error_reaches_the_caller(model):
    def boom(*args):
        raise RuntimeError("worker exploded")

    class Failing:
        def submit(self, fn, *args):
            with ThreadPoolExecutor(1) as ex:
                return ex.submit(boom)

    with pytest.raises(RuntimeError, match="worker exploded"):
        model.simulate("1y", 10, seed=1, progress=False, executor=Failing())


def test_not_an_executor_is_a_type_error(model):
    with pytest.raises(TypeError, match="executor must have a submit"):
        model.simulate("1y", 10, seed=1, progress=False, executor=object())
    with pytest.raises(ValueError, match="chunk_size must be >= 1"):
        model.simulate("1y", 10, seed=1, progress=False, executor=ThreadPoolExecutor(1), chunk_size=0)


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_a_pickled_compiled_model_gives_bitwise_the_same_results(name):
    import pickle

    from recoverysim import _core

    compiled = rs.load(EXAMPLES / f"{name}.yaml").compile()
    again = pickle.loads(pickle.dumps(compiled))
    assert pickle.dumps(again) == pickle.dumps(compiled)
    run = lambda c: _core.simulate(c, horizon=8760.0, seed=7, replications=200, threads=2, record_replications=200)  # noqa: E731
    assert run(again) == run(compiled)


def test_workers_get_the_compiled_model_not_model_files():
    import inspect

    source = inspect.getsource(_distributed)
    assert "from .io" not in source and "from_data" not in source
