"""Running replications in chunks on an executor (a Dask client, a process pool...).

A chunk is a block of consecutive replication indices; replication i depends only on (seed, i),
so running the blocks anywhere and concatenating them in order gives exactly the arrays of a
local run. The compiled model travels pickled (the engine writes its spec in a compact binary form
and the worker compiles it again), and so do the results.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import _core, _engine

__all__ = ["run_chunk", "merge", "run_on_executor", "run_jobs_on_executor"]


def run_chunk(
    compiled: _core.CompiledModel, horizon: float, seed: int, first: int, count: int, threads: int, keep: int
) -> _core.RunResults:
    """Run replications [first, first + count) of a compiled model (executed on a worker)."""
    return _engine.simulate(compiled, horizon=horizon, seed=seed, first_replication=first, replications=count, threads=threads, keep=keep)


def merge(parts: Sequence[_core.RunResults]) -> _core.RunResults:
    """Concatenate chunk results in replication order; histograms add (integer counts)."""
    return _core.RunResults.merge(list(parts))


def chunks(replications: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """(first, count) of each chunk, made as they are needed (10**12 replications are 10**8 chunks)."""
    return ((first, min(chunk_size, replications - first)) for first in range(0, replications, chunk_size))


def run_on_executor(
    executor: Any,
    compiled: _core.CompiledModel,
    *,
    horizon: float,
    seed: int,
    replications: int,
    threads: int,
    keep: int,
    chunk_size: int | None,
    progress: Callable[[int], None],
) -> _core.RunResults:
    """Submit the chunks, report progress as they finish, cancel the rest on Ctrl-C."""
    (out,) = run_jobs_on_executor(
        executor, [(compiled, seed, replications)], horizon=horizon, threads=threads, keep=keep, chunk_size=chunk_size, progress=progress
    )
    return out


def run_jobs_on_executor(
    executor: Any,
    jobs: Sequence[tuple[_core.CompiledModel, int, int]],
    *,
    horizon: float,
    threads: int,
    keep: int,
    chunk_size: int | None,
    progress: Callable[[int], None],
) -> list[_core.RunResults]:
    """Several runs ``(compiled model, seed, replications)`` at once (e.g. the parameter draws of
    a two-level run): every chunk of every job is submitted, and each job's chunks merge in
    replication order, so each result is identical to a local run of that job."""
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(
            f"executor must have a submit() method (a concurrent.futures.Executor or a dask.distributed.Client), "
            f"got {type(executor).__name__}"
        )
    if chunk_size is None:
        total = sum(n for _, _, n in jobs)
        chunk_size = max(1, min(50_000, math.ceil(total / 64)))
    blocks = [(j, first, count) for j, (_, _, n) in enumerate(jobs) for first, count in chunks(n, chunk_size)]
    futures = [executor.submit(run_chunk, jobs[j][0], horizon, jobs[j][1], first, count, threads, keep) for j, first, count in blocks]
    done: set[int] = set()
    finished = 0
    try:
        while len(done) < len(futures):
            for i, f in enumerate(futures):
                if i not in done and f.done():
                    done.add(i)
                    finished += blocks[i][2]
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
    return [merge([p for (j, _, _), p in zip(blocks, parts) if j == job]) for job in range(len(jobs))]
