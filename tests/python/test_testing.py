"""recoverysim.testing: assertions with statistical meaning, and the pytest plugin.

The assertions must pass and fail where they should (models whose exact availability is known
from their Markov chain, ``Model.exact()``), and their error rates over many seeds must match the
stated confidence: the observed rate must lie in the 99.9 % Wilson interval of a binomial
proportion around the nominal rate. Seeds are fixed, so every outcome is deterministic.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import recoverysim as rs
from recoverysim import testing
from recoverysim.stats import normal_quantile
from recoverysim.testing import (
    StatisticalAssertionError,
    assert_availability,
    assert_metric,
    assert_not_worse,
    assert_rpo_compliance,
    assert_rto_compliance,
)

ROOT = Path(__file__).resolve().parents[2]
T = 2  # threads


def pair() -> rs.Model:
    """Two exponential servers in parallel ("s") and one of them alone ("one")."""
    m = rs.Model("pair")
    for n in ("a", "b"):
        m.component(n, mttf="100h", mttr="10h")
    m.service("s", rs.any_of("a", "b"), availability=0.99, rto="12h")
    m.service("one", "a", rto="12h")
    return m


def cheap() -> rs.Model:
    """About 9 failures per 100-hour replication: a mildly skewed availability."""
    m = rs.Model("cheap")
    m.component("a", mttf="10h", mttr="1h")
    m.service("s", "a")
    return m


def wilson(k: int, n: int, confidence: float = 0.999) -> tuple[float, float]:
    z = normal_quantile(0.5 + confidence / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


# --- passing and failing where they should ------------------------------------------------------------


@pytest.mark.parametrize("mode", ["demonstrate", "detect"])
def test_assert_availability_passes_a_model_that_meets_and_fails_one_that_misses(mode):
    m = pair()
    exact = m.exact().mean_availability("s", "1y")  # 0.99175
    ok = assert_availability(m, "s", at_least=exact - 0.001, mode=mode, seed=0, threads=T)
    assert ok.passed and ok and ok.bound >= exact - 0.001 and ok.estimate.low <= exact <= ok.estimate.high
    assert ok.replications == 2000 and ok.stopped == "interim"  # clear: decided on the first look
    with pytest.raises(StatisticalAssertionError) as info:
        assert_availability(m, "s", at_least=exact + 0.001, mode=mode, seed=0, threads=T)
    r = info.value.result
    assert isinstance(info.value, AssertionError) and not r.passed and str(info.value) == r.message
    lines = r.message.splitlines()
    assert lines[0] == "s: availability is below the target 99.2748% at 95% confidence"
    assert lines[1].startswith("  estimate   99.17") and "of downtime per year; the target allows 2.6 days" in lines[1]
    assert lines[2].startswith("  bounds     99.1") and "(one-sided 99.9% lower and upper bounds)" in lines[2]
    assert lines[3].startswith("  target     >= 99.2748%: even the upper bound 99.1") and lines[3].endswith("the target is missed")
    assert (
        lines[4]
        == "  run        'pair', 2,000 replications of 1 year, seed 0; stopped after 2,000 replications: a 99.9% bound was already clear of the threshold"
    )
    assert lines[5].startswith("  meaning    ")
    assert r.bound < exact + 0.001 and r.estimate.high == r.bound  # the upper bound shows the miss


def test_the_target_defaults_to_the_models_own():
    m = pair()  # s: availability=0.99
    assert assert_availability(m, "s", threads=T).threshold == 0.99
    with pytest.raises(ValueError, match="service 'one' has no availability target"):
        assert_availability(m, "one")


def test_inconclusive_verdicts_say_so():
    # Fixed data (a Results object): targets just either side of the estimate, inside the interval.
    res = pair().simulate("1y", 500, seed=3, threads=T, progress=False)
    est = res.availability("s", confidence=0.9)
    above, below = est.mean + 0.25 * est.half_width, est.mean - 0.25 * est.half_width
    for target, side in ((above, "on the wrong side"), (below, "on the right side")):
        with pytest.raises(StatisticalAssertionError) as info:
            assert_availability(res, "s", at_least=target, mode="demonstrate")
        head, *_ = info.value.result.message.splitlines()
        assert head.startswith("s: availability is not shown to be >= ")
        assert (
            f"the interval contains the target; the estimate is {side} but 500 replications cannot demonstrate it"
            in info.value.result.message
        )
        ok = assert_availability(res, "s", at_least=target)  # detect, the default
        assert ok.passed and ok.stopped == "fixed" and ok.replications == 500 and "not shown to miss it" in ok.message


def test_rto_and_rpo_compliance_against_exact_shares():
    m = pair()
    # Exponential repairs of mean 10 h and an RTO of 12 h: a share 1 - exp(-1.2) = 69.88% of
    # outages end within the RTO.
    exact = 1 - math.exp(-1.2)
    ok = assert_rto_compliance(m, "one", at_least=exact - 0.02, threads=T)
    assert ok.estimate.low <= exact <= ok.estimate.high
    with pytest.raises(StatisticalAssertionError, match=r"one: RTO compliance \(RTO 12 h\) is below the target 71\.88%"):
        assert_rto_compliance(m, "one", at_least=exact + 0.02, threads=T)
    with pytest.raises(StatisticalAssertionError, match="is below the target"):
        assert_rto_compliance(m, "one", threads=T)  # the default: 95%
    # Hourly backups and failures ~100 h apart: the writes lost are close to uniform on [0, 1h),
    # so about half the incidents lose at most 30 minutes.
    d = rs.Model("backups")
    d.component("db", mttf="100h", mttr="1h", data_loss=True, backup=rs.Backup(every="1h"))
    d.service("data", "db", rpo="30m")
    assert assert_rpo_compliance(d, "data", at_least=0.45, threads=T).estimate.mean == pytest.approx(0.5, abs=0.02)
    with pytest.raises(StatisticalAssertionError):
        assert_rpo_compliance(d, "data", at_least=0.55, threads=T)


def test_at_most_metrics_and_units():
    m = pair()
    exact_down = (1 - m.exact().mean_availability("one", "1y")) * 8760
    r = assert_metric(m, "one", "downtime_h", at_most=f"{exact_down * 1.05:.3f}h", threads=T)
    assert r.estimate.low <= exact_down <= r.estimate.high and r.bound == r.estimate.high
    with pytest.raises(StatisticalAssertionError, match="one: downtime per horizon is above the target"):
        assert_metric(m, "one", "downtime_h", at_most=exact_down * 0.95, threads=T)
    assert assert_metric(m, "s", "availability", at_least="99%", threads=T).threshold == 0.99


def test_precision_stops_the_run_when_the_interval_is_narrow_enough():
    m = pair()
    exact = m.exact().mean_availability("s", "1y")
    r = assert_availability(m, "s", at_least=exact, mode="detect", precision="5%", threads=T)  # no early decision
    assert r.stopped == "precision" and r.replications < testing.defaults.max_replications
    half = (r.estimate.high - r.estimate.low) / 2 * normal_quantile(0.975) / normal_quantile(0.95)
    assert half <= 0.05 * (1 - r.estimate.mean) * 1.01
    r2 = assert_availability(m, "s", at_least=exact, mode="detect", max_replications=3000, threads=T)
    assert r2.stopped == "max" and r2.replications == 3000 and "ran to max_replications=3,000" in r2.message


def test_argument_errors():
    m = pair()
    with pytest.raises(TypeError, match="exactly one of at_least= and at_most="):
        assert_metric(m, "s", "availability")
    with pytest.raises(ValueError, match="mode must be 'demonstrate' or 'detect'"):
        assert_availability(m, "s", at_least=0.9, mode="prove")
    with pytest.raises(ValueError, match="confidence must be in"):
        assert_availability(m, "s", at_least=0.9, confidence=1.5)
    with pytest.raises(KeyError, match="unknown service 'nope'"):
        assert_availability(m, "nope", at_least=0.9)
    with pytest.raises(ValueError, match="has no rpo target"):
        assert_rpo_compliance(m, "s")
    with pytest.raises(ValueError, match="margin must be >= 0"):
        assert_not_worse(m, m, "s", margin=-0.1)
    with pytest.raises(ValueError, match="precision must be"):
        assert_availability(m, "s", at_least=0.9, precision=0)


# --- the stated confidence is the error rate ---------------------------------------------------------------


def _wrong_outcomes(mode: str, confidence: float, seeds: int, **kwargs) -> tuple[int, float]:
    """Assertions on a model exactly at its target: how often does the rule err?"""
    m = cheap()
    exact = m.exact().mean_availability("s", 100.0)
    wrong, mean_n = 0, 0.0
    for seed in range(seeds):
        try:
            r = assert_availability(m, "s", at_least=exact, mode=mode, confidence=confidence, horizon=100.0, seed=seed, threads=1, **kwargs)
            wrong += mode == "demonstrate"  # a false pass: the target is not exceeded
        except StatisticalAssertionError as e:
            r = e.result
            wrong += mode == "detect"  # a false failure: the target is met
        mean_n += r.replications / seeds
    return wrong, mean_n


@pytest.mark.parametrize(
    ("mode", "confidence"),
    [("detect", 0.95), ("detect", 0.8), ("demonstrate", 0.95)],
    ids=["false-failures-95", "false-failures-80", "false-passes-95"],
)
def test_error_rate_at_the_boundary_matches_the_confidence(mode, confidence):
    # A model whose exact availability equals the target: "detect" fails it (wrongly: it meets
    # the target) 1 - confidence of the time; "demonstrate" passes it (wrongly: it does not
    # exceed the target) 1 - confidence of the time. Fixed length: one look.
    seeds = 2000
    wrong, _ = _wrong_outcomes(mode, confidence, seeds, replications=100)
    lo, hi = wilson(wrong, seeds)
    print(f"{mode} at {confidence:.0%}: {wrong} wrong outcomes in {seeds} ({wrong / seeds:.2%}; nominal {1 - confidence:.0%})")
    assert lo <= 1 - confidence <= hi, (wrong, lo, hi)


def test_adaptive_runs_keep_the_error_rate():
    # With interim looks (stopping only at a 99.9% bound) the false-failure rate stays at the
    # nominal 5% plus at most 0.1% per interim look.
    seeds = 1000
    wrong, mean_n = _wrong_outcomes("detect", 0.95, seeds, min_replications=50, max_replications=800)
    lo, _ = wilson(wrong, seeds)
    print(f"adaptive detect: {wrong} false failures in {seeds} ({wrong / seeds:.2%}), mean length {mean_n:.0f}")
    assert lo <= 0.05 + 0.001 * 5


def test_not_worse_false_failure_rate():
    # The candidate renames the component: the same architecture on unrelated random numbers
    # (no pairing), so the true difference is zero and only noise remains.
    base = cheap()
    cand = rs.Model("renamed")
    cand.component("a2", mttf="10h", mttr="1h")
    cand.service("s", "a2")
    seeds, wrong = 1000, 0
    for seed in range(seeds):
        try:
            assert_not_worse(base, cand, "s", horizon=100.0, seed=seed, replications=100, threads=1)
        except StatisticalAssertionError:
            wrong += 1
    lo, hi = wilson(wrong, seeds)
    print(f"assert_not_worse: {wrong} false failures in {seeds} ({wrong / seeds:.2%}; nominal 5%)")
    assert lo <= 0.05 <= hi


# --- comparisons ----------------------------------------------------------------------------------------


def slower(mttr: str) -> rs.Model:
    m = pair()
    m.components["a"] = rs.Component("a", [rs.FailureMode("failure", rs.Exponential("100h"), rs.Exponential(mttr))])
    return m


def test_assert_not_worse():
    base = pair()
    same = assert_not_worse(base, rs.loads(_yaml(base)), "s", threads=T)  # the same model, through a file
    assert same.estimate.mean == 0.0 and same.estimate.std == 0.0 and same.replications == testing.defaults.min_replications
    assert "identical in every replication" in same.message
    with pytest.raises(StatisticalAssertionError) as info:
        assert_not_worse(base, slower("12h"), "s", threads=T)
    msg = info.value.result.message
    assert msg.startswith("s: availability is worse in the candidate than in the baseline at 95% confidence\n")
    assert "more downtime per year)" in msg and "paired on common random numbers" in msg and "variance reduction" in msg
    r = info.value.result
    exact = slower("12h").exact().mean_availability("s", "1y") - base.exact().mean_availability("s", "1y")
    assert r.estimate.low <= exact <= r.estimate.high and r.variance_reduction > 1
    assert assert_not_worse(slower("12h"), base, "s", threads=T).passed  # an improvement
    # Worse by about 0.15 pp: beyond a margin of 0.05 pp, within one of 0.3 pp.
    assert -0.002 < exact < -0.001
    with pytest.raises(StatisticalAssertionError, match="by more than 0.0500 pp"):
        assert_not_worse(base, slower("12h"), "s", margin=0.0005, threads=T)
    ok = assert_not_worse(base, slower("12h"), "s", margin=0.003, threads=T)
    assert ok.passed and "margin 0.300 pp" in ok.statement
    assert assert_not_worse(base, slower("12h"), "s", margin=0.003, mode="demonstrate", threads=T).passed
    # Other metrics and units.
    with pytest.raises(StatisticalAssertionError, match="s: RTO compliance"):
        assert_not_worse(base, slower("20h"), "s", metric="rto_compliance", threads=T)
    assert assert_not_worse(base, slower("12h"), "s", metric="downtime_h", margin="30h", threads=T).passed
    with pytest.raises(KeyError, match="not in the candidate model"):
        assert_not_worse(base, cheap(), "one")


def _yaml(m: rs.Model) -> str:
    import yaml

    return yaml.safe_dump(m.to_data())


def test_check_results_are_logged_for_the_plugin():
    before = testing._counter
    assert_availability(pair(), "s", at_least=0.9, seed=0, threads=T)
    assert testing._counter == before + 1
    i, r = testing._history[-1]
    assert i == before and r.passed
    assert r.brief().startswith("s availability >= 90.0000% at 95% confidence: estimate 99.1")
    assert repr(r).startswith("CheckResult(passed: s availability >= 90.0000% at 95% confidence, lower bound 99.")


# --- the pytest plugin and the example CI repository ---------------------------------------------------------


def pytest_in(repo: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    unset = ("RECOVERYSIM_BASELINE", "GITHUB_BASE_REF", "PYTEST_ADDOPTS", "CI", "RECOVERYSIM_MISSING_BASELINE")
    env = {k: v for k, v in os.environ.items() if k not in unset} | extra_env
    return subprocess.run(
        # An editable install's import hook makes pytest warn that it cannot rewrite it: harmless.
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning", *args],
        cwd=repo, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=CI", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def ci_repo(tmp_path: Path) -> Path:
    """examples/ci as a git repository whose main branch is also origin/main."""
    assert shutil.which("git"), "git is needed to test the plugin's baseline (make test runs in a clone)"
    repo = tmp_path / "infra"
    shutil.copytree(ROOT / "examples" / "ci", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "architecture")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    return repo


def test_the_example_repository_passes_and_catches_a_change_that_lowers_availability(ci_repo):
    r = pytest_in(ci_repo)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4 passed" in r.stdout and "recoverysim statistical checks" in r.stdout
    assert "PASSED trading availability >= 99.9500% at 95% confidence: estimate 99.98" in r.stdout
    assert "PASSED trading availability not worse in the candidate (margin 0) at 95% confidence: difference 0 pp" in r.stdout
    # A pull request makes the database switchover slower (3 minutes -> 20 minutes).
    model = ci_repo / "architecture.yaml"
    text = model.read_text()
    assert "detection: 2m, switchover: 3m" in text
    model.write_text(text.replace("detection: 2m, switchover: 3m", "detection: 2m, switchover: 20m"))
    r = pytest_in(ci_repo)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "1 failed, 3 passed" in r.stdout
    assert "trading: availability is worse in the candidate than in the baseline at 95% confidence" in r.stdout
    assert "min more downtime per year)" in r.stdout
    assert "FAILED tests/test_reliability.py::test_the_change_does_not_make_trading_worse[availability]" in r.stdout


def test_plugin_options_and_baselines(ci_repo):
    r = pytest_in(ci_repo, "--recoverysim-seed", "123", "--recoverysim-baseline", "no-such-ref", "-k", "worse")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "recoverysim: assertions use seed 123; baselines from no-such-ref" in r.stdout
    assert "2 skipped" in r.stdout and "git revision 'no-such-ref' not found" in r.stdout
    (ci_repo / "architecture.yaml").rename(ci_repo / "renamed.yaml")
    (ci_repo / "tests" / "test_reliability.py").write_text(
        (ci_repo / "tests" / "test_reliability.py").read_text().replace('"architecture.yaml"', '"renamed.yaml"')
    )
    r = pytest_in(ci_repo, "-k", "worse")
    assert "renamed.yaml does not exist at origin/main (a new model has no baseline)" in r.stdout
    r = pytest_in(ci_repo, "--recoverysim-seed", "-3")
    assert r.returncode == 4 and "--recoverysim-seed: expected a whole number >= 0 or 'random'" in r.stderr


def test_a_missing_baseline_revision_fails_in_ci_and_on_request(ci_repo):
    """A CI that cannot read the baseline (shallow clone, wrong ref) must not stay green."""
    args = ("--recoverysim-baseline", "no-such-ref", "-k", "worse")
    for how, env in [
        (("--recoverysim-missing-baseline", "fail"), {}),
        ((), {"CI": "true"}),
        ((), {"RECOVERYSIM_MISSING_BASELINE": "fail"}),
    ]:
        r = pytest_in(ci_repo, *args, *how, **env)
        assert r.returncode == 1, (how, env, r.stdout + r.stderr)
        assert "2 failed" in r.stdout and "git revision 'no-such-ref' not found" in r.stdout
        assert "--recoverysim-missing-baseline=fail" in r.stdout
    # Asked for explicitly, skipping still wins over CI's default.
    r = pytest_in(ci_repo, *args, "--recoverysim-missing-baseline", "skip", CI="true")
    assert r.returncode == 0 and "2 skipped" in r.stdout, r.stdout + r.stderr
    # A model that is new in the pull request has no baseline: a skip even in CI.
    (ci_repo / "architecture.yaml").rename(ci_repo / "renamed.yaml")
    tests = ci_repo / "tests" / "test_reliability.py"
    tests.write_text(tests.read_text().replace('"architecture.yaml"', '"renamed.yaml"'))
    r = pytest_in(ci_repo, "-k", "worse", CI="true")
    assert r.returncode == 0 and "2 skipped" in r.stdout, r.stdout + r.stderr
    r = pytest_in(ci_repo, "-k", "worse", RECOVERYSIM_MISSING_BASELINE="sometimes")
    assert r.returncode == 4 and "expected 'skip' or 'fail', got 'sometimes'" in r.stderr


def test_missing_baseline_policy_defaults(monkeypatch):
    from recoverysim.pytest_plugin import missing_baseline_policy

    monkeypatch.delenv("RECOVERYSIM_MISSING_BASELINE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert missing_baseline_policy() == "skip"
    for value, expected in [("true", "fail"), ("True", "fail"), ("1", "fail"), ("yes", "fail"), ("false", "skip"), ("", "skip")]:
        monkeypatch.setenv("CI", value)
        assert missing_baseline_policy() == expected, value
    monkeypatch.setenv("CI", "true")
    assert missing_baseline_policy("skip") == "skip"
    monkeypatch.setenv("RECOVERYSIM_MISSING_BASELINE", "skip")
    assert missing_baseline_policy() == "skip"


def test_rsim_fixture_in_process():
    from recoverysim.pytest_plugin import RecoverySim, baseline_ref

    assert baseline_ref("x") == "x"
    rsim = RecoverySim(ROOT, "HEAD")
    assert rsim.load("examples/single.yaml").name == "single"
    if shutil.which("git") is not None and (ROOT / ".git").exists():
        b = rsim.baseline("examples/single.yaml")  # as committed at HEAD
        assert isinstance(b, rs.Model) and b.name == "single"
    assert "seed=" in repr(rsim)
