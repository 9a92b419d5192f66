"""The ``recoverysim`` command: run, validate, graph; outputs and exit codes."""

from __future__ import annotations

import io
import json
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import recoverysim as rs
from recoverysim import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SUMMARY_COLUMNS = {
    "availability", "availability_low", "availability_high", "downtime_h", "downtime_h_p99", "outages",
    "mean_outage_h", "sla_target", "p_sla_met", "rto_h", "rto_compliance", "rpo_h", "rpo_compliance",
}  # fmt: skip
FAST = ["-n", "200", "--horizon", "1y", "--seed", "3", "--threads", "2"]

MISSES = """\
name: misses
components:
  server: {mttf: 100h, mttr: 10h}
services:
  web: {requires: server, availability: 99.99%, rto: 1h}
"""
BAD = """\
components:
  db-1: {mttf: 1000h, mttr: 1h}
services:
  trading: {requires: [db-1, db-4]}
"""


def recoverysim(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "recoverysim", *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture
def bad_model(tmp_path: Path) -> Path:
    p = tmp_path / "bad.yaml"
    p.write_text(BAD)
    return p


@pytest.fixture
def missing_target(tmp_path: Path) -> Path:
    p = tmp_path / "misses.yaml"
    p.write_text(MISSES)
    return p


# --- as a subprocess, the way scripts call it -----------------------------------------------------


def test_run_prints_the_report_and_writes_json_and_csv(tmp_path):
    out_json, out_csv = tmp_path / "s.json", tmp_path / "s.csv"
    r = recoverysim("run", "examples/exchange.yaml", *FAST, "--json", str(out_json), "--csv", str(out_csv))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("recoverysim: model 'exchange', 200 replications of 1 year (seed 3)")
    for service in ("trading", "withdrawals", "database", "blockchain"):
        assert f"service {service}\n" in r.stdout
    doc = json.loads(out_json.read_text())
    assert (doc["model"], doc["replications"], doc["seed"], doc["horizon_h"]) == ("exchange", 200, 3, 8760.0)
    services = {row["service"]: row for row in doc["services"]}
    assert set(services) == set(rs.load(EXAMPLES / "exchange.yaml").services)
    assert SUMMARY_COLUMNS <= set(services["trading"])
    assert services["trading"]["sla_target"] == 0.9995 and services["gateways"]["sla_target"] is None  # NaN -> null
    table = pd.read_csv(out_csv, index_col="service")
    assert SUMMARY_COLUMNS <= set(table.columns)
    assert list(table.index) == [row["service"] for row in doc["services"]]
    assert table.loc["trading", "availability"] == pytest.approx(services["trading"]["availability"], rel=1e-12)


def test_validate_ok():
    r = recoverysim("validate", "examples/exchange.yaml")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == (
        "OK examples/exchange.yaml: model 'exchange', 17 components, 7 services, 1 crew, 1 procedure, 2 shocks, 3 maintenance windows, 7 targets\n"
    )


def test_invalid_model_exits_3_with_one_line(bad_model):
    r = recoverysim("run", str(bad_model), "-n", "10")
    assert r.returncode == 3
    assert r.stdout == ""
    assert r.stderr == (
        f"recoverysim: error: {bad_model}: services.trading.requires[1]: unknown component or service 'db-4' (did you mean 'db-1'?)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required"),
        (["run"], "the following arguments are required: model"),
        (["run", "examples/single.yaml", "-n", "0"], "argument -n/--replications: must be >= 1, got 0"),
        (["run", "examples/single.yaml", "--horizon", "soon"], "argument --horizon: horizon: cannot read 'soon' as a duration"),
        (["simulate", "examples/single.yaml"], "argument command: invalid choice: 'simulate'"),
    ],
    ids=["no-command", "no-file", "zero-replications", "bad-horizon", "unknown-command"],
)
def test_usage_errors_exit_2(args, message):
    r = recoverysim(*args)
    assert r.returncode == 2
    assert r.stderr.startswith("recoverysim: error: ") and message in r.stderr
    assert r.stderr.count("\n") == 1


def test_check_exits_4_when_a_target_is_missed(missing_target):
    r = recoverysim("run", str(missing_target), *FAST, "--check")
    assert r.returncode == 4
    assert "targets\n" in r.stdout and "MISSED" in r.stdout
    assert r.stderr.startswith("recoverysim: error: 2 target(s) missed: web availability >= 99.99%: mean ")
    assert r.stderr.count("\n") == 1


def test_graph_is_dot(tmp_path):
    r = recoverysim("graph", "examples/exchange.yaml")
    assert r.returncode == 0, r.stderr
    check_dot(r.stdout, rs.load(EXAMPLES / "exchange.yaml"))
    if shutil.which("dot"):
        svg = subprocess.run(["dot", "-Tsvg"], input=r.stdout, capture_output=True, text=True, timeout=30)
        assert svg.returncode == 0 and "<svg" in svg.stdout, svg.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_exits_130():
    # A long run (1000-year replications). The child restores Python's SIGINT handler itself:
    # a process started in the background by a non-interactive shell inherits SIGINT ignored.
    args = ["recoverysim", "run", "examples/exchange.yaml", "-n", "20000", "--horizon", "1000y", "--seed", "1"]
    code = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        f"sys.argv = {args!r}; runpy.run_module('recoverysim', run_name='__main__', alter_sys=True)"
    )
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert p.stderr is not None
        p.stderr.read(1)  # the progress bar appears once the run has taken a second
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 130
    assert err.decode().strip().endswith("recoverysim: error: interrupted")


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "recoverysim"
    assert script.exists(), f"the console script is missing from {script.parent}: reinstall the package"
    r = subprocess.run([str(script), "validate", "examples/single.yaml"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("OK ")


# --- in process ---------------------------------------------------------------------------------


def check_dot(text: str, model: rs.Model) -> None:
    """Parse the DOT we write: a digraph of node and edge statements, every entity present."""
    lines = text.strip().splitlines()
    assert lines[0] == f"digraph {json.dumps(model.name)} {{" and lines[-1] == "}"
    quoted = r'"(?:[^"\\]|\\.)*"'
    node = re.compile(rf"^  ({quoted}) \[label={quoted}(, [a-z]+=(?:{quoted}|[a-z]+))*\];$")
    attr = rf"[a-z]+=(?:{quoted}|[a-z]+)"
    edge = re.compile(rf"^  ({quoted}) -> ({quoted})( \[{attr}(, {attr})*\])?;$")
    nodes, edges = set(), []
    for line in lines[1:-1]:
        if line.startswith("  //") or re.match(r"^  (rankdir|node|edge)\b.*;$", line):
            continue
        if m := node.match(line):
            nodes.add(m.group(1))
        elif m := edge.match(line):
            edges.append((m.group(1), m.group(2)))
        else:
            raise AssertionError(f"not a DOT statement: {line!r}")
    for c in model.components:
        assert json.dumps(f"component:{c}") in nodes
    for s in model.services:
        assert json.dumps(f"service:{s}") in nodes
    assert all(a in nodes and b in nodes for a, b in edges)


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_main_run_in_process(tmp_path, capsys):
    code, out, err = run_main(["run", str(EXAMPLES / "single.yaml"), *FAST, "--json", "-", "--quiet"], capsys)
    assert (code, err) == (0, "")
    doc = json.loads(out)  # --quiet: no report; "-": the JSON on standard output
    assert doc["services"][0]["service"] == "web"
    code, out, err = run_main(["run", str(EXAMPLES / "single.yaml"), *FAST, "--check"], capsys)
    assert (
        code == 0
        and "service web" in out
        and re.search(r"web +availability >= 99\.95% +mean 99\.9\d+% \(one-sided 95% bounds 99\.9\d+% \.\. 99\.9\d+%\) +met", out)
    )


def test_report_goes_to_stderr_when_the_summary_goes_to_stdout(capsys):
    code, out, err = run_main(["run", str(EXAMPLES / "single.yaml"), *FAST, "--csv", "-"], capsys)
    assert code == 0
    assert out.startswith("service,availability,") and out.count("\n") == 2
    assert err.startswith("recoverysim: model 'single'")


def test_main_same_seed_same_summary(capsys):
    outs = [run_main(["run", str(EXAMPLES / "backups.yaml"), *FAST, "--csv", "-", "-q"], capsys)[1] for _ in range(2)]
    assert outs[0] == outs[1] and outs[0].startswith("service,availability,")


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["validate", "{bad}"], 3, "recoverysim: error: {bad}: services.trading.requires[1]: unknown component or service 'db-4'"),
        (["validate", "{missing}"], 3, "recoverysim: error: {missing}: no such file"),
        (["graph", "{bad}"], 3, "recoverysim: error: {bad}: services.trading.requires[1]"),
        (["run", "{misses}", "--check", "-q", *FAST], 4, "recoverysim: error: 2 target(s) missed: web availability"),
        (["run", "{single}", "-q", *FAST, "--json", "{nowhere}"], 1, "recoverysim: error: cannot write {nowhere}: no such directory"),
        (["run", "{single}", "-q", *FAST, "--json", "{tmp}"], 1, "recoverysim: error: cannot write {tmp}: Is a directory"),
        (
            ["run", "{single}", "--json", "-", "--csv", "-"],
            2,
            "recoverysim: error: only one of --json and --csv can write to standard output ('-')",
        ),
        (
            ["run", "{single}", "--seed", "-1"],
            2,
            "recoverysim: error: argument --seed: must be >= 0, got -1 (see 'recoverysim run --help')",
        ),
        (["run", "{single}", "--compliance", "2"], 2, "recoverysim: error: argument --compliance: must be in (0, 1], got '2'"),
    ],
    ids=[
        "invalid-model",
        "missing-file",
        "graph-invalid-model",
        "target-missed",
        "no-such-directory",
        "unwritable-output",
        "two-on-stdout",
        "bad-seed",
        "bad-compliance",
    ],
)
def test_main_exit_codes(args, code, stderr, tmp_path, capsys, bad_model, missing_target):
    paths = {
        "bad": str(bad_model),
        "missing": str(tmp_path / "nope.yaml"),
        "misses": str(missing_target),
        "single": str(EXAMPLES / "single.yaml"),
        "nowhere": str(tmp_path / "no" / "dir" / "s.json"),
        "tmp": str(tmp_path),
    }
    args = [a.format(**paths) for a in args]
    got, _, err = run_main(args, capsys)
    assert got == code
    assert err.startswith(stderr.format(**paths)), err
    assert err.count("\n") == 1


def test_main_help_and_version(capsys):
    code, out, _ = run_main(["--help"], capsys)
    assert code == 0 and "run" in out and "Exit codes" in out
    code, out, _ = run_main(["--version"], capsys)
    assert code == 0 and out.strip() == f"recoverysim {rs.__version__}"
    code, out, _ = run_main(["run", "--help"], capsys)
    assert code == 0 and "--check" in out and "--compliance" in out


def test_main_interrupted_exits_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(rs.Model, "simulate", interrupted)
    code, out, err = run_main(["run", str(EXAMPLES / "single.yaml")], capsys)
    assert (code, out, err) == (130, "", "recoverysim: error: interrupted\n")


def test_main_graph_labels_standby_groups_and_gates(capsys):
    code, out, err = run_main(["graph", str(EXAMPLES / "exchange.yaml")], capsys)
    assert (code, err) == (0, "")
    check_dot(out, rs.load(EXAMPLES / "exchange.yaml"))
    assert '"matching\\nstandby, hot\\ndetect 30 s, switchover 1 min\\nRTO 15 min"' in out
    assert '"database\\nstandby, warm (0.5)\\ndetect 5 min, switchover 2 min, success 95%\\nRTO 30 min, RPO 1 h"' in out
    assert '[label="2 of 3", shape=diamond]' in out
    assert '"service:matching" -> "component:match-a" [label="primary"];' in out
    assert '"service:withdrawals" -> "service:trading";' in out
    assert '"component:node-eu-1" [label="node-eu-1\\nregion=eu-1\\nrole=chain-node", shape=ellipse];' in out
    assert '"shock:region-eu-1" [label="region-eu-1\\nevery 2 years, outage 4.5 h", shape=octagon, color="#b22222"];' in out
    assert '"shock:region-eu-1" -> "component:node-eu-2" [style=dotted' in out


def test_graph_draws_cascades(capsys):
    code, out, _ = run_main(["graph", str(EXAMPLES / "correlated.yaml")], capsys)
    assert code == 0
    check_dot(out, rs.load(EXAMPLES / "correlated.yaml"))
    assert '"component:db-a" -> "component:db-b" [label="cascade p=0.2, after 2 min", style=dotted' in out
    assert '[label="workers\\n3 of 4, load sharing 0.5", shape=box' in out


def test_graph_to_a_file(tmp_path, capsys):
    target = tmp_path / "g.dot"
    assert run_main(["graph", str(EXAMPLES / "single.yaml"), "-o", str(target)], capsys)[:2] == (0, "")
    check_dot(target.read_text(), rs.load(EXAMPLES / "single.yaml"))


def test_graph_quotes_odd_names():
    m = rs.loads('name: odd "one"\ncomponents:\n  "a \\"b\\"": {mttf: 1h, mttr: 1m}\nservices:\n  s: {requires: "a \\"b\\""}\n')
    text = cli.graph(m)
    check_dot(text, m)
    assert '"component:a \\"b\\""' in text


def test_check_targets_definitions():
    m = rs.loads(MISSES)
    res = m.simulate("1y", 200, seed=1, progress=False)
    checks = {c.kind: c for c in cli.check_targets(res, compliance=0.5)}
    # The rule of recoverysim.testing (detect mode): missed only when even the one-sided 95 %
    # upper bound (the upper end of the two-sided 90 % interval) misses the target.
    assert checks["availability"].met is bool(res.availability("web", 0.90).high >= 0.9999) is False
    assert checks["rto"].met is bool(res.rto_compliance("web", 0.90).high >= 0.5)
    for c in checks.values():
        assert "one-sided 95% bounds" in c.measured
    # A target with nothing to measure is met.
    m2 = rs.loads("components: {db: {mttf: 1000h, mttr: 1h}}\nservices: {s: {requires: db, rpo: 1h}}\n")
    (rpo,) = cli.check_targets(m2.simulate("1y", 20, seed=1, progress=False))
    assert (rpo.kind, rpo.met, rpo.measured) == ("rpo", True, "no data-loss incidents to measure")


def test_main_writes_nothing_on_stdout_when_quiet(capsys, tmp_path):
    code, out, err = run_main(["run", str(EXAMPLES / "quorum.yaml"), *FAST, "-q", "--csv", str(tmp_path / "q.csv")], capsys)
    assert (code, out, err) == (0, "", "")
    assert pd.read_csv(tmp_path / "q.csv").shape[0] == 1


def test_broken_pipe_is_quiet(monkeypatch, capsys):
    class Closed(io.StringIO):
        def write(self, s: str) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    assert cli.main(["graph", str(EXAMPLES / "single.yaml")]) == 0


# --- compare ------------------------------------------------------------------------------------------

BETTER = (
    MISSES.replace("name: misses", "name: better")
    .replace("  server: {mttf: 100h, mttr: 10h}\n", "  server: {mttf: 100h, mttr: 10h}\n  spare: {mttf: 100h, mttr: 10h}\n")
    .replace("requires: server", "requires: {any_of: [server, spare]}")
)


@pytest.fixture
def better(tmp_path: Path) -> Path:
    p = tmp_path / "better.yaml"
    p.write_text(BETTER)
    return p


def test_compare_reports_paired_differences_and_checks_for_worse(missing_target, better):
    r = recoverysim("compare", str(missing_target), str(better), *FAST, "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(
        f"baseline  {missing_target}\ncandidate {better}\nrecoverysim compare: baseline 'misses' vs candidate 'better', 200 replications of 1 year on common random numbers"
    )
    assert re.search(
        r"  availability +90\.\d+% -> 99\.\d+% +\+8\.\d+ pp \[\+8\.\d+ pp, \+8\.\d+ pp\] +better  variance reduction", r.stdout
    )
    assert "RTO compliance (RTO 1 h)" in r.stdout and "no metric is significantly worse in the candidate" in r.stdout
    r = recoverysim("compare", str(better), str(missing_target), *FAST, "--check", "--metric", "availability", "-q")
    assert (r.returncode, r.stdout) == (4, "")
    assert r.stderr.startswith("recoverysim: error: the candidate is worse (95% confidence): web availability -8.")
    assert r.stderr.count("\n") == 1


def test_compare_a_file_with_itself_is_identical(capsys):
    single = str(EXAMPLES / "backups.yaml")
    code, out, err = run_main(["compare", single, single, *FAST, "--json", "-", "--check"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert (doc["replications"], doc["seed"], doc["common_random_numbers"]) == (200, 3, True)
    assert doc["differences"] and all(d["difference"] in (0.0, None) for d in doc["differences"])
    assert {d["verdict"] for d in doc["differences"]} <= {"identical", "n/a"}
    assert "identical" in err  # the report goes to standard error when the JSON is on standard output
    code, out, _ = run_main(
        ["compare", single, single, *FAST, "--csv", "-", "-q", "--metric", "availability", "--metric", "outages"], capsys
    )
    table = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(table["metric"].unique()) == ["availability", "outages"] and "variance_reduction" in table.columns


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["compare", "{single}", "{single}", "--service", "nope"], 2, "recoverysim: error: service 'nope' is not in either model"),
        (["compare", "{single}", "{quorum}"], 2, "recoverysim: error: the two models have no service in common"),
        (
            ["compare", "{single}", "{single}", "--confidence", "1"],
            2,
            "recoverysim: error: argument --confidence: must be in (0, 1), got '1'",
        ),
        (["compare", "{single}", "{single}", "--metric", "uptime"], 2, "recoverysim: error: argument --metric: invalid choice: 'uptime'"),
        (["compare", "{single}", "{bad}"], 3, "recoverysim: error: {bad}: services.trading.requires[1]"),
        (["compare", "{single}"], 2, "recoverysim: error: the following arguments are required: candidate"),
    ],
    ids=["unknown-service", "nothing-in-common", "bad-confidence", "unknown-metric", "invalid-model", "one-file"],
)
def test_compare_exit_codes(args, code, stderr, capsys, bad_model):
    paths = {"single": str(EXAMPLES / "single.yaml"), "bad": str(bad_model), "quorum": str(EXAMPLES / "quorum.yaml")}
    got, _, err = run_main([a.format(**paths) for a in args], capsys)
    assert got == code
    assert err.startswith(stderr.format(**paths)), err
    assert err.count("\n") == 1


def test_compare_help(capsys):
    code, out, _ = run_main(["compare", "--help"], capsys)
    text = " ".join(out.split())
    assert code == 0 and "common random numbers" in text and "--check" in text and "rto_compliance" in text


# --- fit -------------------------------------------------------------------------------------------------


def test_fit_reports_writes_a_model_with_uncertain_parameters_and_runs_it(tmp_path, capsys):
    out_file = tmp_path / "fitted.yaml"
    args = ["fit", str(EXAMPLES / "incidents.csv"), "--window", "2025-01-01", "2026-01-01", "-o", str(out_file)]
    code, out, err = run_main([*args, "--run", "--outer", "20", "-n", "20", "--seed", "4"], capsys)
    assert (code, err) == (0, "")
    # examples/incidents.csv: api-gateway had 10 crashes, matching-engine 5, postgres 2 disk failures
    assert "api-gateway / crash: 10 failures and 5 censored uptimes over 1 year observed" in out
    assert "postgres / disk: 2 failures" in out and "few failures" in out
    assert re.search(r"system: availability [\d.]+%, [\d.]+ – [\d.]+% with parameter uncertainty", out)
    assert "at the point estimates" in out
    m = rs.load(out_file)
    assert set(m.components) == {"api-gateway", "matching-engine", "postgres"}
    assert all(isinstance(md.failure, rs.Uncertain) for c in m.components.values() for md in c.modes)
    code, out, err = run_main([*args[:5], "--point", "-o", "-"], capsys)
    assert code == 0 and "type: uncertain" not in out and rs.loads(out).components["postgres"].modes[0].failure.kind == "exponential"
    assert "postgres / disk" in err  # the report goes to standard error when the model goes to standard output


@pytest.mark.parametrize(
    ("extra", "window", "code", "stderr"),
    [
        ([], ["2025-01-01", "2025-06-01"], 3, "incident of 'api-gateway' outside its observation window"),
        (["--families", "weibul"], ["2025-01-01", "2026-01-01"], 2, "unknown family 'weibul' in --families"),
        (["--families", "weibull"], ["2025-01-01", "2026-01-01"], 3, "component 'postgres' / mode 'disk' (lines 15, 22)"),
        (["--start-column", "began"], ["2025-01-01", "2026-01-01"], 3, "no column 'began'"),
    ],
    ids=["window", "family", "too-few", "column"],
)
def test_fit_errors_are_one_line(extra, window, code, stderr, capsys):
    got, _, err = run_main(["fit", str(EXAMPLES / "incidents.csv"), "--window", *window, *extra], capsys)
    assert got == code and stderr in err and err.count("\n") == 1, err
