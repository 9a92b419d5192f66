"""Bitwise digests of results on every example model and the benchmark model.

The digests in ``digests.json`` were recorded before the architecture change of issue 11 and must
not move through a refactor: they hash every per-replication number, every outage and data-loss
record, one trace and a streamed run, read through the public API. A change that is *meant* to
change results (a new semantic, a fixed bug) regenerates them on purpose, says so in its commit
message, and explains which numbers moved:

    .venv/bin/python tests/python/test_digest.py --update
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import recoverysim as rs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DIGESTS = HERE / "digests.json"
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))
REPS = 300
SEED = 20261202


def _h(update: hashlib._Hash, x: object) -> None:
    if isinstance(x, pd.DataFrame):
        update.update(repr(list(x.columns)).encode())
        update.update(repr(list(map(str, x.index))).encode())
        for c in x.columns:
            _h(update, x[c].to_numpy())
    elif isinstance(x, pd.Series):
        update.update(repr(list(map(str, x.index))).encode())
        _h(update, x.to_numpy())
    else:
        a = np.asarray(x)
        if a.dtype == object:
            update.update(repr(a.tolist()).encode())
        else:
            update.update(str(a.dtype.kind).encode())
            update.update(np.ascontiguousarray(a, dtype=np.float64 if a.dtype.kind == "f" else np.int64).tobytes())


def digest_results(res: rs.Results) -> str:
    h = hashlib.sha256()
    for s in res.service_names:
        for arr in (
            res.downtime(s),
            res.planned_downtime(s),
            res.planned_outage_counts(s),
            res.outage_counts(s),
            res.max_outage(s),
            res.data_loss_incidents(s),
            res.data_lost(s),
            res.outage_duration_histogram(s)[1],
        ):
            _h(h, arr)
        for target in ("rto", "rpo"):  # breach counts exist only where the service sets the target
            if getattr(res.model.services[s], target, None) is not None:
                _h(h, getattr(res, f"{target}_breaches")(s))
        _h(h, res.downtime_by_cause(s))
        _h(h, res.downtime_by_phase(s))
    for c in res.component_names:
        _h(h, res.component_downtime(c))
        _h(h, res.failures(c))
    _h(h, res.outages())
    _h(h, res.data_losses())
    _h(h, np.asarray([res.events]))
    return h.hexdigest()


def _rounded(x: object) -> np.ndarray:
    """Values to 12 significant digits: what a library's last-bit differences cannot move."""
    return np.asarray([float(f"{v:.12g}") for v in np.asarray(x, dtype=np.float64).ravel()])


def digest_streamed(res: rs.Results) -> str:
    # Point estimates and the aggregates are sums of engine numbers in a fixed order: exact.
    # Interval ends and histogram quantiles go through scipy and numpy's transcendental functions,
    # whose last bits vary with their versions and the CPU: compared to 12 significant digits.
    h = hashlib.sha256()
    agg = res.agg
    for key in sorted(agg.s1):
        _h(h, agg.s1[key])
        _h(h, agg.s2[key])
    for key in sorted(agg.cells):
        _h(h, agg.cells[key][0])
        _h(h, agg.cells[key][1])
    for s in res.service_names:
        for e in (res.availability(s), res.mean_downtime(s)):
            _h(h, np.asarray([float(e)]))
            _h(h, _rounded([e.low, e.high]))
        _h(h, _rounded(res.downtime_quantiles(s)))
    return h.hexdigest()


def digest_trace(df: pd.DataFrame) -> str:
    h = hashlib.sha256()
    _h(h, df.reset_index(drop=True))
    return h.hexdigest()


def reference_model() -> rs.Model:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_reference import reference_model as build
    finally:
        sys.path.pop(0)
    return build()


def model(name: str) -> rs.Model:
    return reference_model() if name == "benchmark" else rs.load(ROOT / "examples" / f"{name}.yaml")


def compute(name: str) -> dict[str, str]:
    m = model(name)
    res = m.simulate("1y", REPS, seed=SEED, threads=2, progress=False)
    out = {"results": digest_results(res), "trace": digest_trace(m.trace(replication=7, seed=SEED, horizon="1y"))}
    streamed = m.simulate("1y", REPS, seed=SEED, threads=2, progress=False, per_replication=False)
    out["streamed"] = digest_streamed(streamed)
    return out


CASES = EXAMPLES + ["benchmark"]


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, str]]:
    return json.loads(DIGESTS.read_text())


def test_every_model_has_a_recorded_digest(recorded):
    assert sorted(recorded) == sorted(CASES)


@pytest.mark.parametrize("name", CASES)
def test_results_are_bitwise_unchanged(name, recorded):
    assert compute(name) == recorded[name]


def test_the_digest_sees_a_one_ulp_change():
    # Guard: the hash must notice the smallest possible change in any number it covers.
    a = np.linspace(0.0, 3.0, 7)
    b = a.copy()
    b[3] = np.nextafter(b[3], np.inf)
    ha, hb = hashlib.sha256(), hashlib.sha256()
    _h(ha, a)
    _h(hb, b)
    assert ha.hexdigest() != hb.hexdigest()


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit(__doc__)
    DIGESTS.write_text(json.dumps({n: compute(n) for n in CASES}, indent=2, sort_keys=True) + "\n")
    print(f"wrote {DIGESTS}")
