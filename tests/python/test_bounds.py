"""Bounded resources: every value that asks too much of the machine (threads, replications, file
size, aliases, nesting, trace length, events per replication) gets a clear error, and the inputs
that used to spin, abort or exhaust memory finish promptly (issue 13's reproducers)."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import recoverysim as rs
from recoverysim import _core, _engine, cli, validation

SINGLE = "components: {a: {mttf: 1000h, mttr: 10h}}\nservices: {s: {requires: a}}\n"


def test_the_engine_and_python_agree_on_the_thread_cap() -> None:
    assert _core.max_threads() == validation.MAX_THREADS


# --- the backup walk ------------------------------------------------------------------------------


def test_backups_every_nanosecond_finish_and_lose_exactly_the_backup_duration() -> None:
    """``backup: {every: 1e-9s, duration: 5m}`` used to walk back one period at a time (for ever
    once t/every > 2^53). In closed form the latest backup that can have finished starts in
    (t - 5m - every, t - 5m], so each incident loses between 5 minutes and 5 minutes + 1 ns (plus
    the rounding of t near 8760 h, below 1e-11 h)."""
    m = rs.loads(
        "components: {db: {mttf: 1000h, mttr: 1h, data_loss: true, backup: {every: 1e-9s, duration: 5m}}}\nservices: {s: {requires: db}}\n"
    )
    res = m.simulate(horizon="1y", replications=20, seed=3, threads=1)
    loss = res.data_losses()["loss_h"].to_numpy()
    assert len(loss) > 50
    every = 1e-9 / 3600
    assert np.all(loss >= 5 / 60 - 1e-11)
    assert np.all(loss <= 5 / 60 + every + 1e-11)


def test_the_closed_form_walk_keeps_the_recovery_points_of_stochastic_backups() -> None:
    """Backups that may fail or run long: the skip only passes over backups that cannot have
    finished, so the result is the same for any thread count (and the digests did not change)."""
    m = rs.loads(
        "components: {db: {failure: {type: exponential, mean: 300h}, repair: 1h, data_loss: true,"
        " backup: {every: 10m, duration: {type: uniform, low: 8m, high: 30m}, success: 0.7}}}\n"
        "services: {s: {requires: db}}\n"
    )
    a = m.simulate(horizon="1y", replications=200, seed=5, threads=1)
    b = m.simulate(horizon="1y", replications=200, seed=5, threads=3)
    np.testing.assert_array_equal(a.data_losses()["loss_h"].to_numpy(), b.data_losses()["loss_h"].to_numpy())


# --- the expected-event estimate -------------------------------------------------------------------


def test_the_event_estimate_of_one_component_is_its_renewal_count() -> None:
    """One exponential component: failures in [0, t] number t / (MTTF + MTTR) in the long run,
    each one event plus one for its repair step: 2 t / (MTTF + MTTR). The simulated count agrees
    within its interval plus the start-up transient (starting up adds at most one failure)."""
    m = rs.loads(SINGLE)
    t = 8760.0
    events, entity, _ = _engine.estimate_events(m.compile(), t)
    assert events == pytest.approx(2 * t / 1010, rel=1e-12)
    assert entity == "component 'a'"
    res = m.simulate(horizon=t, replications=2000, seed=1)
    per_rep = res.events / res.replications
    # Variance of the count of an alternating renewal process: about t * (s1^2 + s2^2) / m^3
    # with means m1, m2, variances s1^2, s2^2, cycle mean m = m1 + m2; two events per cycle.
    sd = 2 * math.sqrt(t * (1000**2 + 10**2) / 1010**3)
    assert abs(per_rep - events) < 4 * sd / math.sqrt(2000) + 2


@pytest.mark.parametrize(
    "text, entity",
    [
        ("components: {a: {mttf: 1e-300h, mttr: 1e-300h}}\nservices: {s: {requires: a}}", "component 'a'"),
        (
            "components: {a: {mttf: 1000h, mttr: 1h}}\nshocks: {ddos: {every: {type: gamma, shape: 1.0e-10, scale: 1h}, targets: a}}",
            "shock 'ddos'",
        ),
        ("components: {a: {mttf: 0.001s, mttr: 0.001s}}\nservices: {s: {requires: a}}", "component 'a'"),
    ],
    ids=["mttf-1e-300", "gamma-shape-1e-10", "billions-of-events"],
)
def test_runs_that_would_never_end_are_refused_naming_the_entity(text: str, entity: str) -> None:
    m = rs.loads(text)
    with pytest.raises(ValueError, match=f"{entity}.*confirm_long_run=True"):
        m.simulate(horizon="1y", replications=1, seed=1)


def test_confirm_long_run_runs_what_the_estimate_refuses() -> None:
    m = rs.loads("components: {a: {mttf: 0.001s, mttr: 0.001s}}\nservices: {s: {requires: a}}")
    with pytest.raises(ValueError, match="would need about"):
        m.simulate(horizon="3000h", replications=1, seed=1)
    res = m.simulate(horizon="2h", replications=1, seed=1, confirm_long_run=True)
    assert res.availability("s").mean == pytest.approx(0.5, abs=0.05)


# --- threads, replications, traces ------------------------------------------------------------------


def test_threads_and_replications_are_capped() -> None:
    m = rs.loads(SINGLE)
    with pytest.raises(ValueError, match="threads .* must be <= 1,024"):
        m.simulate(replications=10, threads=1025, seed=1)
    with pytest.raises(ValueError, match="replications must be <= "):
        m.simulate(replications=10**13, seed=1)
    with pytest.raises(TypeError, match="per_replication must be True or False"):
        m.simulate(replications=10, seed=1, per_replication="no")


def test_a_thread_that_cannot_start_does_not_abort_the_process(tmp_path) -> None:
    """Under a memory limit, 600 threads cannot all start: the run used to end in SIGABRT
    ("terminate called without an active exception"). Now the threads that started do the work,
    and the results are those of any other thread count."""
    script = textwrap.dedent(
        f"""
        import resource, recoverysim as rs
        m = rs.loads({SINGLE!r})
        ref = m.simulate(horizon="30d", replications=600, seed=9, threads=1).downtime("s")
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
        res = m.simulate(horizon="30d", replications=600, seed=9, threads=600)
        print("same" if (res.downtime("s") == ref).all() else "different")
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "same"


def test_a_trace_longer_than_max_events_is_refused() -> None:
    m = rs.loads(SINGLE)
    full = m.trace(seed=1, horizon="10y")
    with pytest.raises(ValueError, match=f"more than {len(full) - 1} events .* shorter horizon"):
        m.trace(seed=1, horizon="10y", max_events=len(full) - 1)
    assert len(m.trace(seed=1, horizon="10y", max_events=len(full))) == len(full)


def test_ctrl_c_stops_a_long_trace_promptly() -> None:
    script = textwrap.dedent(
        """
        import os, signal, threading, time, recoverysim as rs
        m = rs.loads("components: {a: {mttf: 10h, mttr: 1h}}\\nservices: {s: {requires: a}}")
        threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        t = time.perf_counter()
        try:
            m.trace(seed=1, horizon="1000000y", max_events=10**9)
        except KeyboardInterrupt:
            print(f"interrupted {time.perf_counter() - t:.2f}")
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.stdout.startswith("interrupted"), out.stderr[-2000:]
    assert float(out.stdout.split()[1]) < 5


# A log that cannot be opened (its folder would be a plain file; spdlog creates missing folders),
# and (on Linux) one that opens but whose writes fail.
_UNWRITABLE = ["a-plain-file/trace.log"] + (["/dev/full"] if sys.platform.startswith("linux") else [])


@pytest.mark.parametrize("where", _UNWRITABLE)
def test_a_failed_trace_log_write_is_an_error(where: str, tmp_path) -> None:
    (tmp_path / "a-plain-file").write_text("not a folder")
    path = where if where.startswith("/") else str(tmp_path / where)
    with pytest.raises(ValueError, match="cannot write the trace log"):
        rs.loads(SINGLE).trace(seed=1, horizon="100y", log_file=path)


# --- model files ----------------------------------------------------------------------------------


def test_an_endless_file_is_refused_after_its_limit(monkeypatch) -> None:
    monkeypatch.setattr(rs.io, "MAX_FILE_BYTES", 1000)
    with pytest.raises(rs.ModelFileError, match="larger than"):
        rs.load("/dev/zero")


def test_a_yaml_alias_bomb_is_refused_quickly() -> None:
    """Nine levels of nine aliases stand for 9^9 = 387 million names in 454 bytes."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]")
    text = "\n".join(lines) + "\ncomponents: {x: {mttf: 1h, mttr: 1h}}\nservices: {s: {requires: *i}}\n"
    with pytest.raises(rs.ModelFileError, match="more than 2,000,000 values"):
        rs.loads(text)


@pytest.mark.parametrize("depth", [150, 1000, 5000])
def test_deep_nesting_is_a_clear_error(depth: int) -> None:
    text = "components: {a: {mttf: 1h, mttr: 1h}}\nservices: {s: {requires: " + "[" * depth + "a" + "]" * depth + "}}"
    with pytest.raises(rs.ModelFileError, match="nest"):
        rs.loads(text)
    with pytest.raises(rs.ModelFileError, match="nested"):
        rs.loads('{"components": {"a": {"mttf": 1}}, "x": ' + "[" * depth + "]" * depth + "}", format="json")


def test_deep_requirements_in_python_are_a_clear_error() -> None:
    r = rs.all_of("a")
    for _ in range(validation.MAX_NESTING - 1):
        r = rs.all_of(r)
    with pytest.raises(ValueError, match="nested 65 levels deep"):
        rs.all_of(r)
    shared = rs.any_of("a", "b")
    with pytest.raises(ValueError, match="nodes"):
        for _ in range(40):
            shared = rs.all_of(shared, shared)


@pytest.mark.parametrize(
    "text, path",
    [
        ("components: {a: {mttf: !!float abc, mttr: 1h}}", "line 1, column 24: malformed YAML: cannot read 'abc' as float"),
        ("components: {a: {mttf: !!timestamp x, mttr: 1h}}", "line 1, column 24: malformed YAML: cannot read 'x' as timestamp"),
        ("components: {a: {mttf: " + "9" * 400 + ", mttr: 1h}}", "components.a.mttf"),
        ("components: {a: {failure: {type: lognormal, mean: 1e-300h, std: 1h}, repair: 1h}}", "components.a.failure"),
        ("crews: {c: " + "9" * 30 + "}\ncomponents: {a: {mttf: 1h, mttr: 1h}}", "crews.c"),
        ("components: {a: {mttf: 1h, mttr: 1h, backup: {every: 1h, success: -1" + "0" * 400 + "}}}", "components.a.backup.success"),
        # Its sampler squares the width: 1e300 h overflowed to a failure at -inf, then looped there.
        ("components: {a: {failure: {type: triangular, low: 30s, mode: 5e5, high: 1e300h}, repair: 1h}}", "components.a.failure.high"),
    ],
    ids=["float-abc", "timestamp-x", "400-digits", "lognormal-overflow", "crew-2^99", "probability-400-digits", "triangular-1e300"],
)
def test_unreadable_values_name_their_place(text: str, path: str) -> None:
    with pytest.raises(rs.ModelFileError) as e:
        rs.loads(text)
    assert str(e.value).startswith(path)


def test_a_lone_surrogate_is_not_a_name() -> None:
    with pytest.raises(rs.ModelFileError, match="^name: .*lone surrogate"):
        rs.loads('{"name": "\\udc80", "components": {"a": {"mttf": 1, "mttr": 1}}}', format="json")
    with pytest.raises(rs.ModelFileError, match="^line 2, column 4: not valid text"):
        rs.loads("components:\n  a\udc80: {mttf: 1h, mttr: 1h}")


def test_every_loadable_extreme_saves_and_reloads_to_an_equal_model() -> None:
    m = rs.loads("components: {a: {mttf: 1000h, mttr: 1h}}\nservices: {s: {requires: a, rto: 1.7976931348623157e308}}")
    for fmt in ("yaml", "json"):
        assert rs.loads(rs.io.dumps(m, format=fmt), format=fmt, name=m.name) == m


# --- values where they enter (API) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "build, exc, match",
    [
        (lambda m: m.crew("ops", 2**31), ValueError, "crew 'ops': size must be <= 2,147,483,647"),
        (lambda m: rs.Step("fix", "1h", max_attempts=2**31, escalate="p"), ValueError, "max_attempts must be <= 2,147,483,647"),
        (lambda m: rs.Step("fix", "1h", crew=1), TypeError, "step 'fix' crew name must be a string"),
        (lambda m: m.shock("x", every="1h", targets="a", mode=1), TypeError, "shock 'x' mode name must be a string"),
        (lambda m: rs.Model(age_when_down="no"), TypeError, "age_when_down must be True or False"),
        (lambda m: m.component("a", mttf="1h", mttr="1h", tags="eu"), TypeError, "tags must be a mapping"),
        (lambda m: m.component("\udc80", mttf="1h", mttr="1h"), ValueError, "lone surrogate"),
        (lambda m: m.service("s", "\udc80"), ValueError, "service 's'.*lone surrogate"),
        (lambda m: m.service("s", "a", availability=10**400), ValueError, "a 401-digit integer"),
        (lambda m: rs.Gamma(-(10**400), 1), ValueError, "Gamma shape: must be finite, got a 401-digit integer"),
        (lambda m: rs.LogNormal.from_mean_std("1e-300h", "1h"), ValueError, "ratio of std to mean is too large"),
    ],
    ids=[
        "crew-2^31",
        "attempts-2^31",
        "step-crew-1",
        "shock-mode-1",
        "age-when-down-no",
        "tags-eu",
        "surrogate",
        "service-surrogate",
        "availability-400-digits",
        "gamma-400-digits",
        "lognormal",
    ],
)
def test_bad_values_fail_where_they_enter(build, exc, match) -> None:
    with pytest.raises(exc, match=match):
        build(rs.Model())


def test_results_check_quantile_levels_and_summaries_need_no_service() -> None:
    m = rs.Model()
    m.component("a", mttf="100h", mttr="1h")
    res = m.simulate(horizon="30d", replications=5, seed=1)
    assert res.summary().empty  # a model without services: an empty table, not a KeyError
    m.service("s", "a")
    res = m.simulate(horizon="30d", replications=5, seed=1)
    with pytest.raises(ValueError, match="quantile levels from 0 to 1"):
        res.outage_duration_quantiles("s", -1)
    with pytest.raises(ValueError, match="quantile levels from 0 to 1"):
        res.downtime_quantiles("s", [0.5, 2])
    with pytest.raises(TypeError, match="quantile levels from 0 to 1"):
        res.outage_duration_quantiles("s", 10**400)


# --- the command line ----------------------------------------------------------------------------


def test_the_cli_refuses_to_overwrite_its_input(tmp_path, capsys) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(SINGLE)
    assert cli.main(["run", str(model), "-n", "5", "--seed", "1", "-q", "--json", str(model)]) == cli.EXIT_USAGE
    assert "refusing to overwrite it" in capsys.readouterr().err
    assert model.read_text() == SINGLE


def test_the_cli_does_not_write_through_a_symlink(tmp_path, capsys) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(SINGLE)
    target = tmp_path / "precious.txt"
    target.write_text("keep")
    (tmp_path / "out.json").symlink_to(target)
    assert cli.main(["run", str(model), "-n", "5", "--seed", "1", "-q", "--json", str(tmp_path / "out.json")]) == cli.EXIT_ERROR
    assert "symbolic link" in capsys.readouterr().err
    assert target.read_text() == "keep"


@pytest.mark.parametrize(
    "args, message",
    [
        (["-n", "99999999999999999999999"], "argument -n/--replications: must be at most 1,000,000,000,000"),
        (["--threads", "99999999999"], "argument --threads: must be at most 1,024"),
    ],
    ids=["replications", "threads"],
)
def test_the_cli_caps_its_counts(tmp_path, capsys, args, message) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(SINGLE)
    assert cli.main(["run", str(model), *args]) == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_the_cli_reports_a_refused_run(tmp_path, capsys) -> None:
    model = tmp_path / "m.yaml"
    model.write_text("components: {a: {mttf: 1e-300h, mttr: 1e-300h}}\nservices: {s: {requires: a}}\n")
    assert cli.main(["run", str(model), "-n", "1", "-q"]) == cli.EXIT_ERROR
    assert "would never end: component 'a'" in capsys.readouterr().err
