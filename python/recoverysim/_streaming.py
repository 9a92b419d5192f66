"""Runs too large to keep per-replication results: stream them through fixed-size aggregates.

Replication i depends only on (seed, i), so a run is cut into blocks of ``BLOCK`` consecutive
replications aligned on the global index (fewer for a model whose per-replication results would
make a block larger than ``BLOCK_BYTES``: the block size is a function of the model alone, so the
aggregates stay the same on every machine). Each block is simulated (locally or as one chunk on an
executor) and reduced at once into sums, sums of squares, cross sums, indicator counts and fixed
histograms; blocks are added in block order. Memory is one block plus fixed-size aggregates,
whatever the number of replications, and the aggregates are identical for any number of threads
and any executor (a block's values do not depend on either, and the order of every sum is fixed).

Quantiles of the downtime per horizon come from a fixed log-spaced histogram (40 bins per decade
from 1e-6 h, plus a bin for zero): a quantile read from it is within 2.9 % of the exact sample
quantile (the geometric midpoint of its bin), or exactly 0.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import _core, _engine
from ._distributed import chunks, run_chunk
from .stats import Estimate, proportion_interval, ratio_estimate_from_sd, t_quantile

__all__ = ["BLOCK", "Aggregate", "run_streaming", "DOWNTIME_EDGES", "COST_EDGES", "COST_KEYS"]

BLOCK = 65_536
BLOCK_BYTES = 256 * 2**20  # per-replication results of one block, at most (large models)
IN_FLIGHT_BYTES = 2**30  # blocks submitted to an executor and not yet reduced, at most...
IN_FLIGHT = 64  # ...and at most this many
# Downtime per horizon: [0, 0] then log bins from 1e-6 h to 1e7 h, 40 per decade.
DOWNTIME_EDGES = np.concatenate(([0.0], 10.0 ** np.linspace(-6, 7, 13 * 40 + 1)))

# Cost per horizon (money): [0, 0] then log bins from 1e-3 to 1e13, 40 per decade (quantiles within
# 2.9 %, as for the downtime).
COST_EDGES = np.concatenate(([0.0], 10.0 ** np.linspace(-3, 13, 16 * 40 + 1)))
# The engine's money arrays [rep, service]; a replication's cost is their sum.
COST_KEYS = (
    "service_cost_downtime",
    "service_cost_outages",
    "service_cost_beyond_rto",
    "service_cost_planned",
    "service_cost_data",
    "service_cost_sla",
)

# Pairs whose cross sums the estimators need: (a, b) -> sum of a*b per entity.
_CROSS = (
    ("service_downtime", "service_planned_downtime"),
    ("service_rto_met", "service_rto_breaches"),
    ("service_loss_incidents", "service_rpo_breaches"),
)
# Per entity: replications with a value > 0 (proportions, and the intervals of means of
# quantities that are zero in most replications: recoverysim.stats.nonnegative_mean_from_sums).
_POSITIVE = ("service_rto_breaches", "service_rpo_breaches", "service_downtime", "service_outages", "service_data_lost")


CELL_TABLES = ("service_cause_downtime", "service_phase_downtime", "service_cause_cost")


def cell_width(raw: _core.RunResults, key: str) -> int:
    """Number of keys (causes or phases) of a sparse engine table."""
    return int(raw.n_phases if key == "service_phase_downtime" else raw.n_causes)


def cell_sums(services: np.ndarray, keys: np.ndarray, values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum the entries of a sparse table by cell: (sorted cell codes ``service * width + key``, sums).

    Each cell's entries are added in the order given (replication order): bitwise the column sum
    of the dense (replications, services, keys) array the table stands for.
    """
    codes = services.astype(np.int64) * width + keys.astype(np.int64)
    cells, inverse = np.unique(codes, return_inverse=True)
    sums = np.zeros(cells.size)
    np.add.at(sums, inverse, values)
    return cells, sums


def cell_means(cells: np.ndarray, sums: np.ndarray, n: int, width: int, rows: list[int], total: bool = False) -> np.ndarray:
    """Means over ``n`` replications of the service ``rows`` of a summed sparse table.

    Shape ``(len(rows), width)``, or ``(width,)`` summed over the rows (in row order) if ``total``.
    """
    service, key = np.divmod(cells, width)
    pos = {r: j for j, r in enumerate(rows)}
    keep = np.isin(service, rows)
    service, key, means = service[keep], key[keep], sums[keep] / max(n, 1)
    if total:
        out = np.zeros(width)
        order = np.lexsort((np.array([pos[int(s)] for s in service], dtype=np.int64), key))
        np.add.at(out, key[order], means[order])
        return out
    out = np.zeros((len(rows), width))
    if service.size:
        out[[pos[int(s)] for s in service], key] = means
    return out


class Aggregate:
    """Sums over replications of every per-replication array of the engine."""

    def __init__(self, horizon: float, sla_targets: list[float | None]) -> None:
        self.horizon = horizon
        self.sla_targets = sla_targets
        self.n = 0
        self.s1: dict[str, np.ndarray] = {}
        self.s2: dict[str, np.ndarray] = {}
        self.cross: dict[tuple[str, str], np.ndarray] = {}
        self.positive: dict[str, np.ndarray] = {}
        self.sla_met = np.zeros(len(sla_targets), dtype=np.int64)
        # Sparse tables (downtime and cost by cause, downtime by phase): sorted cell codes and sums.
        self.cells: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.downtime_hist: np.ndarray | None = None
        self.kept: _core.RunResults | None = None  # outage histogram and records of the blocks so far
        # Cost per replication of each service and (last column) of all services together: sums,
        # sums of squares, non-zero counts, histograms over COST_EDGES.
        self.cost_s1: np.ndarray | None = None
        self.cost_s2: np.ndarray | None = None
        self.cost_positive: np.ndarray | None = None
        self.cost_hist: np.ndarray | None = None

    def add(self, raw: _core.RunResults) -> None:
        """Fold one block (what the engine returns) into the aggregates."""
        part = raw.records_only()
        self.kept = part if self.kept is None else _core.RunResults.merge([self.kept, part])
        for key, value in raw.arrays().items():
            x = value.astype(np.float64)
            s1, s2 = x.sum(axis=0), (x * x).sum(axis=0)
            if key in self.s1:
                self.s1[key] += s1
                self.s2[key] += s2
            else:
                self.s1[key], self.s2[key] = s1, s2
        for a, b in _CROSS:
            c = (getattr(raw, a).astype(np.float64) * getattr(raw, b).astype(np.float64)).sum(axis=0)
            self.cross[(a, b)] = c if (a, b) not in self.cross else self.cross[(a, b)] + c
        for k in _POSITIVE:
            p = (getattr(raw, k) > 0).sum(axis=0).astype(np.int64)
            self.positive[k] = p if k not in self.positive else self.positive[k] + p
        p = ((raw.service_downtime + raw.service_planned_downtime) > 0).sum(axis=0).astype(np.int64)
        k = "service_downtime+planned"
        self.positive[k] = p if k not in self.positive else self.positive[k] + p
        d = raw.service_downtime
        for s, target in enumerate(self.sla_targets):
            if target is not None:
                self.sla_met[s] += int((1.0 - d[:, s] / self.horizon >= target).sum())
        # Bin 0 is [0, 1e-6 h): the zeros (and anything shorter than 3.6 ms).
        h = np.zeros((d.shape[1], len(DOWNTIME_EDGES) - 1), dtype=np.int64)
        for s in range(d.shape[1]):
            h[s] = np.histogram(np.minimum(d[:, s], DOWNTIME_EDGES[-1] * 0.999), bins=DOWNTIME_EDGES)[0]
        self.downtime_hist = h if self.downtime_hist is None else self.downtime_hist + h
        self._add_costs(raw)
        self._add_cells(raw)
        self.n += d.shape[0]

    def _add_cells(self, raw: _core.RunResults) -> None:
        for key in CELL_TABLES:
            c = raw.cells(key)
            cells, sums = cell_sums(c["service"], c["key"], c["value"], cell_width(raw, key))
            if key in self.cells:
                old_cells, old_sums = self.cells[key]
                union = np.union1d(old_cells, cells)
                merged = np.zeros(union.size)
                merged[np.searchsorted(union, old_cells)] = old_sums
                merged[np.searchsorted(union, cells)] += sums
                cells, sums = union, merged
            self.cells[key] = (cells, sums)

    def _add_costs(self, raw: _core.RunResults) -> None:
        per = sum(getattr(raw, k).astype(np.float64) for k in COST_KEYS)
        c = np.concatenate((per, per.sum(axis=1, keepdims=True)), axis=1)
        s1, s2, pos = c.sum(axis=0), (c * c).sum(axis=0), (c > 0).sum(axis=0).astype(np.int64)
        h = np.zeros((c.shape[1], len(COST_EDGES) - 1), dtype=np.int64)
        for j in range(c.shape[1]):
            h[j] = np.histogram(np.minimum(c[:, j], COST_EDGES[-1] * 0.999), bins=COST_EDGES)[0]
        if self.cost_s1 is None:
            self.cost_s1, self.cost_s2, self.cost_positive, self.cost_hist = s1, s2, pos, h
        else:
            self.cost_s1 += s1
            self.cost_s2 += s2
            self.cost_positive += pos  # type: ignore[operator]
            self.cost_hist += h  # type: ignore[operator]


def block_size(compiled: Any) -> int:
    """Replications per block: ``BLOCK``, halved until a block's results fit in ``BLOCK_BYTES``."""
    size = BLOCK
    while size > 64 and _engine.result_bytes(compiled, size) > BLOCK_BYTES:
        size //= 2
    return size


def blocks(replications: int, size: int = BLOCK) -> Iterator[tuple[int, int]]:
    return chunks(replications, size)


def run_streaming(
    compiled: Any,
    *,
    horizon: float,
    seed: int,
    replications: int,
    threads: int,
    keep: int,
    sla_targets: list[float | None],
    progress: Callable[[int], None],
    executor: Any = None,
) -> Aggregate:
    """Simulate block after block (or on an executor, reducing in block order) into an Aggregate."""
    agg = Aggregate(horizon, sla_targets)
    size = block_size(compiled)
    todo = blocks(replications, size)
    in_flight = max(2, min(IN_FLIGHT, IN_FLIGHT_BYTES // max(_engine.result_bytes(compiled, size), 1)))
    if executor is None:
        done = 0
        for first, count in todo:
            base = done

            def tick(n: int, base: int = base) -> None:
                progress(base + n)

            raw = _engine.simulate(
                compiled, horizon=horizon, seed=seed, first_replication=first, replications=count, threads=threads, keep=keep, progress=tick
            )
            agg.add(raw)
            done += count
            progress(done)
        return agg
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must have a submit() method, got {type(executor).__name__}")
    # A bounded window of blocks in flight, reduced in block order: memory does not grow with
    # the number of replications.
    window: collections.deque[tuple[int, int, Any]] = collections.deque()
    try:
        for first, count in todo:
            window.append((first, count, executor.submit(run_chunk, compiled, horizon, seed, first, count, threads or 1, keep)))
            if len(window) >= in_flight:
                f_first, f_count, f = window.popleft()
                agg.add(f.result())
                progress(f_first + f_count)
        while window:
            f_first, f_count, f = window.popleft()
            agg.add(f.result())
            progress(f_first + f_count)
    except BaseException:
        for _, _, f in window:
            f.cancel()
        raise
    return agg


def estimate_from_sums(n: int, s1: float, s2: float, confidence: float, scale: float = 1.0, shift: float = 0.0) -> Any:
    """The Student-t estimate of shift + scale * mean from the sum and sum of squares."""
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0, confidence)
    mean = s1 / n
    var = max(s2 - s1 * s1 / n, 0.0) / (n - 1) if n > 1 else math.nan
    sd = math.sqrt(var) * abs(scale) if n > 1 else math.nan
    m = shift + scale * mean
    if n == 1:
        return Estimate(m, -math.inf, math.inf, sd, 1, confidence)
    h = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return Estimate(m, m - h, m + h, sd, n, confidence)


def ratio_from_sums(n: int, num: float, den: float, num2: float, den2: float, numden: float, confidence: float, what: str = "") -> Any:
    """sum(num)/sum(den) with the interval of stats.ratio_estimate, from sums."""
    if n == 0 or den <= 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, n, confidence)
    r = num / den
    if n == 1:
        lo, hi = proportion_interval(num, den, confidence)
        return Estimate(r, lo, hi, math.nan, 1, confidence)
    resid2 = max(num2 - 2 * r * numden + r * r * den2, 0.0)
    sd = math.sqrt(resid2 / (n - 1)) / (den / n)
    return ratio_estimate_from_sd(r, sd, n, den, confidence, what)
