"""Fuzzing model files and API calls (hypothesis), each case run in a worker subprocess so that
a crash (the process dies) or a hang (no answer in 30 s) is caught like any other failure.

Every case must end in a clear error naming a field, or in a model that validates, simulates a
few replications and round-trips to an equal model (see fuzzing.py). ``make test`` runs a few
hundred cases; ``make fuzz`` runs RECOVERYSIM_FUZZ_EXAMPLES of each (README: the long-run
figures).
"""

from __future__ import annotations

import collections
import os
import time
from collections.abc import Iterator
from typing import Any

import fuzzing
import pytest
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("RECOVERYSIM_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("RECOVERYSIM_FUZZ_RANDOM") is None,  # make test: the same cases every time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

COLLECT = os.environ.get("RECOVERYSIM_FUZZ_COLLECT")  # a file: record failures and go on
STARTED = time.perf_counter()
OUTCOMES: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


@pytest.fixture(scope="module")
def worker() -> Iterator[fuzzing.Worker]:
    w = fuzzing.Worker(timeout=float(os.environ.get("RECOVERYSIM_FUZZ_TIMEOUT", "30")))
    t0 = time.perf_counter()
    yield w
    w.close()
    for kind, counts in OUTCOMES.items():
        print(f"\nfuzz {kind}: {fuzzing.summarize(dict(counts), time.perf_counter() - t0)}")


def _check(worker: fuzzing.Worker, kind: str, case: Any) -> None:
    outcome, detail = worker.run(case)
    OUTCOMES[kind][outcome] += 1
    if COLLECT and sum(OUTCOMES[kind].values()) % 500 == 0:  # a long run's figures so far
        with open(COLLECT + ".counts", "w", encoding="utf-8") as f:
            f.writelines(f"{k}: {fuzzing.summarize(dict(c), time.perf_counter() - STARTED)}\n" for k, c in OUTCOMES.items())
    if COLLECT and outcome not in ("ok", "clean"):  # a long run counts failures instead of stopping at the first
        with open(COLLECT, "a", encoding="utf-8") as f:
            f.write(f"{kind}\t{outcome}\t{detail!r}\t{case!r}\n")
        return
    assert outcome in ("ok", "clean"), f"{outcome}: {detail}\ncase: {case!r}"


@FUZZ
@given(case=fuzzing.file_cases())
def test_model_files_load_cleanly_or_fail_with_a_path(worker: fuzzing.Worker, case: Any) -> None:
    _check(worker, "files", case)


@FUZZ
@given(case=fuzzing.api_cases())
def test_api_calls_build_cleanly_or_fail_naming_the_field(worker: fuzzing.Worker, case: Any) -> None:
    _check(worker, "api", case)


def test_the_worker_reports_a_crash_and_a_hang() -> None:
    """The harness itself: a case that kills the worker is a crash, one that never answers is a
    hang, and the next case runs in a fresh worker."""
    w = fuzzing.Worker(timeout=120.0)
    try:
        assert w.run(("file", "yaml", "components: {a: {mttf: 1000h, mttr: 1h}}"))[0] == "ok"
        assert w.run(("selftest", "abort"))[0] == "crash"
        assert w.run(("selftest", "sleep"), timeout=3.0)[0] == "hang"
        assert w.run(("file", "yaml", "components: {a: {mttf: 1000h, mttr: 1h}}"))[0] == "ok"
    finally:
        w.close()


@pytest.mark.parametrize(
    ("replications", "outcome"),
    [(2**31, "ok"), (10**13, "clean")],
    ids=["a valid huge count runs a few replications", "a count above the bound is a clean error"],
)
def test_the_harness_bounds_the_work_of_a_case(replications: int, outcome: str) -> None:
    """A valid replication count far beyond the fuzz budget (the one "hang" of a 100,000-case run
    was ``replications=2**31``, a legitimately long run) is validated and then run as a few
    replications; a count above ``MAX_REPLICATIONS`` is the run's own clear error."""
    w = fuzzing.Worker(timeout=120.0)
    calls = [("component", ("a",), {"mttf": "3d", "mttr": "1h"})]
    try:
        got, detail = w.run(("api", ({}, calls), ({"replications": replications, "threads": 3, "seed": 1}, [])))
        assert got == outcome, detail
        if outcome == "clean":
            assert "replications" in detail
    finally:
        w.close()
