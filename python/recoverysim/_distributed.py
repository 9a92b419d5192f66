"""Running replications in chunks on an executor (a Dask client, a process pool...).

A chunk is a block of consecutive replication indices; replication i depends only on (seed, i),
so running the blocks anywhere and concatenating them in order gives exactly the arrays of a
local run. The model travels as plain data (``Model.to_data()``), never as a compiled object.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _engine

__all__ = ["run_chunk", "merge", "run_on_executor"]


def run_chunk(model_data: dict[str, Any], horizon: float, seed: int, first: int, count: int, threads: int, keep: int) -> dict[str, Any]:
    """Run replications [first, first + count) of a model given as data (executed on a worker)."""
    from .io import from_data

    model = from_data(model_data)
    return _engine.simulate(
        model.compile(), horizon=horizon, seed=seed, first_replication=first, replications=count, threads=threads, keep=keep
    )


def merge(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Concatenate chunk results in replication order; histograms add (integer counts)."""
    out: dict[str, Any] = {}
    for key, value in parts[0].items():
        if isinstance(value, dict):
            out[key] = {col: np.concatenate([p[key][col] for p in parts]) for col in value}
        elif key == "outage_histogram":
            out[key] = np.sum([p[key] for p in parts], axis=0, dtype=np.uint64)
        else:
            out[key] = np.concatenate([p[key] for p in parts])
    return out


def chunks(replications: int, chunk_size: int) -> list[tuple[int, int]]:
    return [(first, min(chunk_size, replications - first)) for first in range(0, replications, chunk_size)]


def run_on_executor(
    executor: Any,
    model_data: dict[str, Any],
    *,
    horizon: float,
    seed: int,
    replications: int,
    threads: int,
    keep: int,
    chunk_size: int | None,
    progress: Callable[[int], None],
) -> dict[str, Any]:
    """Submit the chunks, report progress as they finish, cancel the rest on Ctrl-C."""
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(
            f"executor must have a submit() method (a concurrent.futures.Executor or a dask.distributed.Client), "
            f"got {type(executor).__name__}"
        )
    if chunk_size is None:
        chunk_size = max(1, min(50_000, math.ceil(replications / 64)))
    blocks = chunks(replications, chunk_size)
    futures = [executor.submit(run_chunk, model_data, horizon, seed, first, count, threads, keep) for first, count in blocks]
    done: set[int] = set()
    finished = 0
    try:
        while len(done) < len(futures):
            for i, f in enumerate(futures):
                if i not in done and f.done():
                    done.add(i)
                    finished += blocks[i][1]
                    if f.exception() is not None:  # surface a worker's error at once
                        f.result()
            progress(finished)
            if len(done) < len(futures):
                time.sleep(0.05)
        parts = [f.result() for f in futures]
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    return merge(parts)
