"""Running a model: checks the run's arguments, then runs locally on the engine's thread pool,
in chunks on an executor, or streamed through fixed-size aggregates, and wraps what comes back
in :class:`~recoverysim.results.Results`. :meth:`Model.simulate` and :meth:`Model.trace`
forward here.
"""

from __future__ import annotations

import math
import os
import time
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _distributed, _engine, _streaming
from . import formatting as fmt
from ._progress import Progress
from .results import Results, StreamedResults
from .units import Duration, hours
from .validation import MAX_EVENTS_PER_REPLICATION, MAX_REPLICATIONS, MAX_THREADS, MAX_TRACE_EVENTS, check_count, check_flag

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["simulate", "trace", "check_events", "DEFAULT_KEEP", "STREAMING_ABOVE"]

# Outage and data-loss records are kept for the first DEFAULT_KEEP replications by default.
DEFAULT_KEEP = 10_000
# Above this many replications a run streams unless per_replication=True is asked for.
STREAMING_ABOVE = 1_000_000


def _horizon(horizon: Duration) -> float:
    h = hours(horizon, name="horizon")
    if h <= 0:
        raise ValueError(f"horizon must be > 0, got {horizon!r}")
    return h


def _seed(seed: int | None) -> int:
    if seed is None:
        seed = int.from_bytes(os.urandom(8), "little") >> 1
    seed = check_count(seed, "seed", minimum=0)
    if seed >= 2**64:
        raise ValueError(f"seed must be < 2**64, got {seed}")
    return seed


def simulate(
    model: Model,
    horizon: Duration = "1y",
    replications: int = 1000,
    seed: int | None = None,
    *,
    threads: int | None = None,
    progress: bool | None = None,
    keep_outages: int | None = None,
    executor: Any = None,
    chunk_size: int | None = None,
    per_replication: bool | None = None,
    confirm_long_run: bool = False,
) -> Results:
    """Run ``replications`` replications of ``model``; see :meth:`Model.simulate`."""
    h = _horizon(horizon)
    replications = check_count(replications, "replications", minimum=1, maximum=MAX_REPLICATIONS)
    seed = _seed(seed)
    threads = 0 if threads is None else check_count(threads, "threads (None or 0 = all cores)", minimum=0, maximum=MAX_THREADS)
    keep = DEFAULT_KEEP if keep_outages is None else check_count(keep_outages, "keep_outages", minimum=0, maximum=2**64 - 1)
    if progress is not None:
        progress = check_flag(progress, "progress")
    confirm_long_run = check_flag(confirm_long_run, "confirm_long_run")
    if chunk_size is not None:
        chunk_size = check_count(chunk_size, "chunk_size", minimum=1, maximum=MAX_REPLICATIONS)
    per_replication = replications <= STREAMING_ABOVE if per_replication is None else check_flag(per_replication, "per_replication")
    compiled = model.compile()
    if not confirm_long_run:
        check_events(compiled, h)
    used_threads = threads or _engine.default_threads()
    t0 = time.perf_counter()
    if not per_replication:
        with Progress(replications, enabled=progress, desc=model.name) as bar:
            agg = _streaming.run_streaming(
                compiled,
                horizon=h,
                seed=seed,
                replications=replications,
                threads=threads,
                keep=keep,
                sla_targets=[model.services[n].availability for n in compiled.service_names],
                progress=bar.update,
                executor=executor,
            )
        return StreamedResults(
            model, compiled, agg, horizon=h, seed=seed, elapsed=time.perf_counter() - t0, threads=used_threads, kept=min(keep, replications)
        )
    _engine.check_memory(compiled, replications)
    with Progress(replications, enabled=progress, desc=model.name) as bar:
        if executor is not None:
            raw = _distributed.run_on_executor(
                executor,
                compiled,
                horizon=h,
                seed=seed,
                replications=replications,
                threads=threads or 1,
                keep=keep,
                chunk_size=chunk_size,
                progress=bar.update,
            )
        else:
            raw = _engine.simulate(
                compiled, horizon=h, seed=seed, replications=replications, threads=threads, keep=keep, progress=bar.update
            )
    return Results(
        model, compiled, raw, horizon=h, seed=seed, elapsed=time.perf_counter() - t0, threads=used_threads, kept=min(keep, replications)
    )


def check_events(compiled: Any, horizon: float) -> None:
    """Refuse a run whose replications would need astronomically many events (or never end),
    naming the entity whose durations cause it."""
    events, entity, reason = _engine.estimate_events(compiled, horizon)
    if events <= MAX_EVENTS_PER_REPLICATION:
        return
    how = "would never end" if math.isinf(events) else f"would need about {events:.2g} events"
    raise ValueError(
        f"one replication of {fmt.duration(horizon)} {how}: {entity}: {reason}. "
        "Check its durations (a mean of 1e-300 h, or a Gamma shape of 1e-10 whose samples are almost all 0, are typos), "
        "or pass confirm_long_run=True to run it anyway (Ctrl-C stops it)"
    )


def trace(
    model: Model,
    replication: int = 0,
    *,
    seed: int,
    horizon: Duration = "1y",
    log_file: str | os.PathLike[str] | None = None,
    max_events: int = MAX_TRACE_EVENTS,
) -> pd.DataFrame:
    """Every event of one replication as a DataFrame; see :meth:`Model.trace`."""
    h = _horizon(horizon)
    replication = check_count(replication, "replication", minimum=0, maximum=2**64 - 1)
    seed = check_count(seed, "seed", minimum=0, maximum=2**64 - 1)
    max_events = check_count(max_events, "max_events", minimum=1, maximum=2**63)
    if log_file is not None and not isinstance(log_file, (str, os.PathLike)):
        raise TypeError(f"log_file must be a path, got {type(log_file).__name__}")
    compiled = model.compile()
    raw = _engine.trace(compiled, horizon=h, seed=seed, replication=replication, log_file=log_file, max_events=max_events)
    df = pd.DataFrame(raw)
    df.attrs = {
        "model": model.name,
        "seed": seed,
        "replication": replication,
        "horizon_h": h,
        "services": list(compiled.service_names),
        "components": list(compiled.component_names),
        "shocks": list(compiled.shock_names),
        "maintenance": list(model.maintenances),
    }
    return df
