"""pytest plugin: check an architecture kept in model files in a repository's CI.

Installed with recoverysim (entry point ``pytest11``), it adds:

- the fixture ``rsim``: ``rsim.load("architecture.yaml")`` reads a model file (paths relative
  to pytest's root directory), ``rsim.baseline("architecture.yaml")`` reads the same file as it
  is at the baseline git revision (the branch a pull request targets), to compare with
  :func:`recoverysim.testing.assert_not_worse`;
- options ``--recoverysim-seed`` (the seed of every assertion; ``random`` draws one, shown in the
  header, to check that a verdict does not hang on one seed), ``--recoverysim-threads`` and
  ``--recoverysim-baseline REF`` (default: ``$RECOVERYSIM_BASELINE``, else
  ``origin/$GITHUB_BASE_REF`` in a GitHub pull request, else ``origin/main``) and
  ``--recoverysim-missing-baseline {skip,fail}``: what ``rsim.baseline`` does when the baseline
  revision cannot be read (unknown revision, e.g. a shallow clone; no git repository; no git).
  The default is ``fail`` in CI (``$CI`` set to ``true``, ``1`` or ``yes``, as GitHub Actions,
  GitLab CI and most others do), so a misconfigured CI goes red instead of silently skipping the
  comparison, and ``skip`` elsewhere; ``$RECOVERYSIM_MISSING_BASELINE`` sets it too. A model file
  that does not exist at the baseline revision (a new model) is always a skip;
- a summary of every statistical check at the end of the run (estimate, bound, replications),
  so the numbers are in the CI log even when everything passes.

.. code-block:: python

    from recoverysim.testing import assert_availability, assert_not_worse

    def test_trading_meets_its_sla(rsim):
        assert_availability(rsim.load("architecture.yaml"), "trading", at_least=0.9995)

    def test_change_does_not_hurt_trading(rsim):
        assert_not_worse(rsim.baseline("architecture.yaml"), rsim.load("architecture.yaml"), "trading")

The plugin imports recoverysim only when a test uses it, so other projects' test runs are not
slowed down.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from . import testing
from .io import load, loads
from .model import Model

__all__ = ["RecoverySim", "baseline_ref", "missing_baseline_policy"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("recoverysim", "recoverysim statistical checks")
    group.addoption(
        "--recoverysim-seed",
        default=None,
        metavar="SEED",
        help="seed of the recoverysim.testing assertions (default: 0, fixed); 'random' draws a fresh one, shown in the header",
    )
    group.addoption(
        "--recoverysim-threads", default=None, type=int, metavar="T", help="worker threads of the simulations (default: all cores)"
    )
    group.addoption(
        "--recoverysim-baseline",
        default=None,
        metavar="REF",
        help="git revision rsim.baseline() reads model files from (default: $RECOVERYSIM_BASELINE, "
        "else origin/$GITHUB_BASE_REF in a GitHub pull request, else origin/main)",
    )
    group.addoption(
        "--recoverysim-missing-baseline",
        default=None,
        choices=("skip", "fail"),
        help="when rsim.baseline() cannot read the baseline revision (unknown revision, no git repository): "
        "skip the test or fail it (default: $RECOVERYSIM_MISSING_BASELINE, else 'fail' when $CI is true, else 'skip')",
    )


def missing_baseline_policy(option: str | None = None) -> str:
    """What ``rsim.baseline`` does when the baseline revision cannot be read: ``"skip"`` or ``"fail"``.

    Parameters
    ----------
    option : str, optional
        The value of ``--recoverysim-missing-baseline``, which wins when given.

    Returns
    -------
    str
        The option; else ``$RECOVERYSIM_MISSING_BASELINE``; else ``"fail"`` when ``$CI`` is
        ``true``, ``1`` or ``yes`` (any case), as CI services set it; else ``"skip"``.

    Examples
    --------
    >>> missing_baseline_policy("fail")
    'fail'
    """
    if option:
        return option
    env = os.environ.get("RECOVERYSIM_MISSING_BASELINE", "").strip().lower()
    if env:
        if env not in ("skip", "fail"):
            raise pytest.UsageError(f"$RECOVERYSIM_MISSING_BASELINE: expected 'skip' or 'fail', got {env!r}")
        return env
    return "fail" if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes") else "skip"


def baseline_ref(option: str | None = None) -> str:
    """The git revision baselines are read from: the option, ``$RECOVERYSIM_BASELINE``,
    ``origin/$GITHUB_BASE_REF`` (set by GitHub Actions for pull requests) or ``origin/main``."""
    if option:
        return option
    if os.environ.get("RECOVERYSIM_BASELINE"):
        return os.environ["RECOVERYSIM_BASELINE"]
    if os.environ.get("GITHUB_BASE_REF"):
        return f"origin/{os.environ['GITHUB_BASE_REF']}"
    return "origin/main"


def pytest_configure(config: pytest.Config) -> None:
    missing_baseline_policy(config.getoption("--recoverysim-missing-baseline", None))  # a bad $RECOVERYSIM_MISSING_BASELINE stops the run
    seed = config.getoption("--recoverysim-seed", None)
    threads = config.getoption("--recoverysim-threads", None)
    if seed is not None or threads is not None:
        t = testing
        saved = (t.defaults.seed, t.defaults.threads)
        config.stash[_saved_key] = saved
        if seed is not None:
            if seed == "random":
                value = int.from_bytes(os.urandom(4), "little")
            else:
                try:
                    value = int(seed)
                    if value < 0:
                        raise ValueError
                except ValueError:
                    raise pytest.UsageError(f"--recoverysim-seed: expected a whole number >= 0 or 'random', got {seed!r}") from None
            t.defaults.seed = value
        if threads is not None:
            if threads < 0:
                raise pytest.UsageError(f"--recoverysim-threads: must be >= 0, got {threads}")
            t.defaults.threads = threads or None
    mod = sys.modules.get("recoverysim.testing")
    config.stash[_start_key] = (mod._counter, mod._failures) if mod is not None else (0, 0)


def pytest_unconfigure(config: pytest.Config) -> None:
    saved = config.stash.get(_saved_key, None)
    if saved is not None:
        t = testing
        t.defaults.seed, t.defaults.threads = saved


_saved_key = pytest.StashKey[tuple]()
_start_key = pytest.StashKey[tuple]()


def pytest_report_header(config: pytest.Config) -> list[str]:
    if config.getoption("--recoverysim-seed", None) is None and config.getoption("--recoverysim-baseline", None) is None:
        return []
    t = testing
    return [
        f"recoverysim: assertions use seed {t.defaults.seed}; baselines from {baseline_ref(config.getoption('--recoverysim-baseline', None))}"
    ]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    mod = sys.modules.get("recoverysim.testing")
    if mod is None:
        return
    start, start_failures = config.stash.get(_start_key, (0, 0))
    checks = [r for i, r in mod._history if i >= start]
    if not checks:
        return
    tr = terminalreporter
    total = mod._counter - start
    failed = mod._failures - start_failures
    tr.section("recoverysim statistical checks")
    if total > _LIST_AT_MOST and config.option.verbose <= 0:
        tr.write_line(
            f"{total:,} statistical checks ran; {failed:,} of them raised StatisticalAssertionError "
            "(tests may expect that: pytest's result line says which tests failed); -v lists them"
        )
        return
    if total > len(checks):
        tr.write_line(f"(the last {len(checks)} of {total} checks)")
    for r in checks:
        tr.write_line(f"{'PASSED' if r.passed else 'FAILED'} {r.brief()}")


_LIST_AT_MOST = 30


class RecoverySim:
    """The ``rsim`` fixture: read model files of the repository, and their baselines."""

    def __init__(self, root: Path, baseline: str, missing_baseline: str = "skip") -> None:
        if missing_baseline not in ("skip", "fail"):
            raise ValueError(f"missing_baseline must be 'skip' or 'fail', got {missing_baseline!r}")
        self.root = root
        self.baseline_ref = baseline
        self.missing_baseline = missing_baseline

    def _unreadable(self, message: str) -> None:
        if self.missing_baseline == "fail":
            pytest.fail(f"{message} [--recoverysim-missing-baseline=fail; 'skip' would skip the comparison]", pytrace=False)
        pytest.skip(message)

    @property
    def seed(self) -> int:
        """The seed the assertions use (``--recoverysim-seed``)."""
        return int(testing.defaults.seed)

    def path(self, path: str | os.PathLike[str]) -> Path:
        p = Path(path)
        return p if p.is_absolute() else self.root / p

    def load(self, path: str | os.PathLike[str]) -> Model:
        """The model in ``path`` (relative to pytest's root directory), as it is now."""
        return load(self.path(path))

    def baseline(self, path: str | os.PathLike[str], ref: str | None = None) -> Model:
        """The model in ``path`` as it is at the baseline revision ``ref`` (default: the
        plugin's ``--recoverysim-baseline``). Skips the test when the file did not exist there
        (a new model has nothing to compare with). When the revision cannot be read (unknown, e.g.
        a shallow clone: fetch it, ``actions/checkout`` with ``fetch-depth: 0``; no git
        repository; no git), skips or fails as ``--recoverysim-missing-baseline`` says (``fail``
        in CI by default)."""
        ref = ref or self.baseline_ref
        p = self.path(path).resolve()
        cwd = p.parent if p.parent.is_dir() else self.root

        def git(*args: str) -> subprocess.CompletedProcess[str]:
            try:
                return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
            except FileNotFoundError:
                self._unreadable("recoverysim baseline: git is not installed")
                raise  # pragma: no cover

        top = git("rev-parse", "--show-toplevel")
        if top.returncode != 0:
            self._unreadable(f"recoverysim baseline: {cwd} is not in a git repository")
        root = Path(top.stdout.strip()).resolve()
        try:
            rel = p.relative_to(root).as_posix()
        except ValueError:
            self._unreadable(f"recoverysim baseline: {p} is outside the git repository {root}")
        if git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
            self._unreadable(
                f"recoverysim baseline: git revision {ref!r} not found (fetch it, e.g. 'git fetch origin main', "
                "or check out with full history: actions/checkout fetch-depth: 0; or pass --recoverysim-baseline)"
            )
        shown = git("show", f"{ref}:{rel}")
        if shown.returncode != 0:
            pytest.skip(f"recoverysim baseline: {rel} does not exist at {ref} (a new model has no baseline)")
        try:
            return loads(shown.stdout, format="json" if p.suffix.lower() == ".json" else "yaml", name=p.stem or "model")
        except ValueError as e:
            if hasattr(e, "file"):
                e.file = f"{rel} at {ref}"
            raise

    def __repr__(self) -> str:
        return f"RecoverySim(root={str(self.root)!r}, baseline={self.baseline_ref!r}, missing_baseline={self.missing_baseline!r}, seed={self.seed})"


@pytest.fixture(scope="session")
def rsim(pytestconfig: pytest.Config) -> RecoverySim:
    """Read model files (``rsim.load``) and their baselines from git (``rsim.baseline``)."""
    return RecoverySim(
        Path(pytestconfig.rootpath),
        baseline_ref(pytestconfig.getoption("--recoverysim-baseline", None)),
        missing_baseline_policy(pytestconfig.getoption("--recoverysim-missing-baseline", None)),
    )
