"""The engine as a Python user meets it: GIL release, Ctrl-C, progress, logging, memory, stubs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import recoverysim as rs

ROOT = Path(__file__).resolve().parents[2]


def busy_model() -> rs.Model:
    m = rs.Model("busy")
    for i in range(20):
        m.component(f"c{i}", mttf="2h", mttr="10m")
    m.service("s", rs.k_of_n(15, *[f"c{i}" for i in range(20)]))
    return m


def run_script(code: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        **kw,
    )


def test_simulate_releases_the_gil():
    m = busy_model()
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    t0 = time.perf_counter()
    m.simulate(horizon="1y", replications=600, seed=1, threads=1, progress=False)
    elapsed = time.perf_counter() - t0
    stop.set()
    t.join()
    # A thread that sleeps 1 ms per tick gets at least a quarter of its ticks if the GIL is free.
    assert elapsed > 0.2, "model too small to observe the GIL"
    assert ticks > 0.25 * elapsed / 0.001


def test_ctrl_c_stops_a_run_and_leaves_the_interpreter_usable():
    p = run_script(
        """
        import signal, time, recoverysim as rs
        # A parent running in the background may leave SIGINT ignored; a user's shell does not.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        m = rs.Model("long")
        for i in range(20):
            m.component(f"c{i}", mttf="2h", mttr="10m")
        m.service("s", rs.all_of(*[f"c{i}" for i in range(20)]))
        print("start", flush=True)
        try:
            m.simulate(horizon="100y", replications=10**4, seed=1, threads=2, progress=False)
            print("finished?!", flush=True)
        except KeyboardInterrupt:
            print("interrupted", time.perf_counter(), flush=True)
        res = m.simulate(horizon="1y", replications=10, seed=1, progress=False)
        print("usable", res.replications, flush=True)
        """
    )
    assert p.stdout is not None
    try:
        assert p.stdout.readline().strip() == "start"
        time.sleep(1.0)
        sent = time.perf_counter()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        p.kill()  # never leave a runaway simulation behind, whatever happened above
        p.wait()
    lines = out.split()
    assert "interrupted" in lines, (out, err)
    stopped_at = float(lines[lines.index("interrupted") + 1])
    # perf_counter is system-wide monotonic on Linux, so the two processes' clocks compare.
    assert stopped_at - sent < 1.0, f"took {stopped_at - sent:.2f} s to stop"
    assert "usable 10" in out
    assert p.returncode == 0


def test_progress_bar_shows_and_counts_every_replication(capsys):
    m = busy_model()
    m.simulate(horizon="1y", replications=200, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "busy" in err and "200/200" in err


def test_progress_callback_errors_propagate():
    from recoverysim import _core

    compiled = busy_model().compile()

    def boom(done: int) -> None:
        raise RuntimeError("from the progress callback")

    with pytest.raises(RuntimeError, match="from the progress callback"):
        _core.simulate(compiled, horizon=1e5, seed=1, replications=2000, threads=1, progress=boom)


def test_log_level_is_settable_and_logs_reach_stderr(capfd):
    m = busy_model()
    old = rs._core.log_level()
    try:
        rs.set_log_level("debug")
        assert rs._core.log_level() == "debug"
        m.simulate(horizon="1d", replications=3, seed=11, threads=1, progress=False)
        err = capfd.readouterr().err
        assert "[recoverysim] [debug] run 'busy'" in err and "seed 11" in err
        rs.set_log_level("warning")
        m.simulate(horizon="1d", replications=3, seed=11, threads=1, progress=False)
        assert "[debug]" not in capfd.readouterr().err
    finally:
        rs.set_log_level(old)
    with pytest.raises(ValueError, match="unknown log level 'loud'"):
        rs.set_log_level("loud")


def test_memory_does_not_grow_with_simulated_events():
    # 1 replication of 2e3 h versus 2e7 h: ~4e3 versus ~4e7 events. Peak RSS may not grow by
    # more than a few MB (anything stored per event would take hundreds of MB).
    p = run_script(
        """
        import resource, recoverysim as rs
        m = rs.Model("mem")
        m.component("a", mttf="1h", mttr="0.1h")
        m.service("s", "a")
        m.simulate(horizon=2e3, replications=1, seed=1, threads=1, progress=False)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        r = m.simulate(horizon=2e7, replications=1, seed=1, threads=1, progress=False)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(r.events, after - before)
        """
    )
    try:
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()
        p.wait()
    assert p.returncode == 0, err
    events, grown_kb = map(int, out.split())
    assert events > 3e7
    assert grown_kb < 8 * 1024, f"peak memory grew by {grown_kb} kB over {events} events"


def test_type_stub_matches_the_compiled_module():
    allow = Path(__file__).with_name("stubtest_allowlist.txt")
    p = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "recoverysim._core", "--allowlist", str(allow)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": ""},
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Success" in p.stdout


def test_missing_module_hint_is_in_the_package():
    src = (ROOT / "python" / "recoverysim" / "__init__.py").read_text()
    assert "did you build it?" in src


def test_results_arrays_own_their_memory():
    m = busy_model()
    res = m.simulate(horizon="1w", replications=50, seed=3, progress=False)
    dt = res.raw.service_downtime
    assert isinstance(dt, np.ndarray) and dt.shape == (50, 1) and dt.dtype == np.float64
    assert dt.base is res.raw and not dt.flags.writeable  # a read-only view of the C++ buffer, no copy
    del res
    assert np.isfinite(dt).all()


def test_a_run_too_big_for_memory_is_refused_clearly(monkeypatch):
    # Per-replication results of 10^6 replications of this model are about 1 GiB (the money arrays
    # included); pretend 10 MB free.
    m = busy_model()
    real = os.sysconf
    monkeypatch.setattr(os, "sysconf", lambda name: 2560 if name == "SC_AVPHYS_PAGES" else real(name))
    with pytest.raises(MemoryError, match=r"1,000,000 replications of this model need about \d\.\d GiB"):
        m.simulate(horizon="1y", replications=10**6, seed=1, progress=False)
    assert m.simulate(horizon="1d", replications=10, seed=1, progress=False).replications == 10
