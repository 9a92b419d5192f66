"""What a user installs: metadata, licence, version, extras, example models, and a compiled
module that needs no build-time library at run time.

The wheel itself (build, auditwheel repair, install into a fresh venv, README example) is tested
by ``make wheel-test`` (tests/wheel/smoke.py): it takes minutes, so ``make test`` runs the cheap
checks here instead.
"""

from __future__ import annotations

import importlib.metadata as md
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import tomllib
from scikit_build_core.build import build_sdist

import recoverysim as rs

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_compiled_module_loads_no_spdlog_or_fmt_library():
    """spdlog and fmt are compiled in (header-only): ldd lists neither, nor any Boost library."""
    assert shutil.which("ldd"), "ldd is part of libc-bin on every Debian machine"
    out = subprocess.run(["ldd", rs._core.__file__], capture_output=True, text=True, check=True).stdout
    assert "not found" not in out, out
    for lib in ("libspdlog", "libfmt", "libboost"):
        assert lib not in out, out
    # The engine still logs through spdlog (header-only): the level can be set and read back.
    rs.set_log_level("error")
    rs.set_log_level("warning")


def test_version_is_written_once():
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["scikit-build"]["metadata"]["version"]["input"] == "python/recoverysim/_version.py"
    assert md.version("recoverysim") == rs.__version__
    assert "version" not in PYPROJECT["project"]


def test_metadata_a_package_index_shows():
    p = PYPROJECT["project"]
    assert p["license"] == "Apache-2.0" and p["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]
    assert p["authors"] and set(p["urls"]) >= {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    classifiers = set(p["classifiers"])
    for c in ("Programming Language :: Python :: 3.10", "Programming Language :: C++", "Typing :: Typed", "Framework :: Pytest"):
        assert c in classifiers
    meta = md.metadata("recoverysim")
    assert meta["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in (meta.get_all("License-File") or [])
    assert f"## [{rs.__version__}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_extras():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert any(r.startswith("matplotlib") for r in extras["plot"])
    assert any(r.startswith("ipywidgets") for r in extras["notebook"])
    assert {"sphinx", "numpydoc"} <= {r.split(">")[0].split("=")[0] for r in extras["docs"]}


def test_cibuildwheel_builds_for_three_platforms_and_tests_each_wheel():
    cbw = PYPROJECT["tool"]["cibuildwheel"]
    assert {"linux", "macos", "windows"} <= set(cbw)
    assert "tests/wheel/smoke.py" in cbw["test-command"]
    assert "auditwheel repair" in cbw["linux"]["repair-wheel-command"]
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    for word in ("cibuildwheel", "--sdist", "pypi-publish", "tags"):
        assert word in workflow


# --- optional packages name their extra -------------------------------------------------------------


def _run_without(module: str, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where importing ``module`` fails as if it were not installed."""
    blocker = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r} or name.startswith({module!r} + '.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    return subprocess.run([sys.executable, "-c", blocker + code], capture_output=True, text=True, timeout=120)


def test_plots_without_matplotlib_name_the_plot_extra():
    r = _run_without("matplotlib", "import recoverysim as rs\nimport recoverysim.plot\n")
    assert r.returncode == 1
    last = r.stderr.strip().splitlines()[-1]
    assert last == ("ModuleNotFoundError: recoverysim.plot needs matplotlib, which is not installed: pip install 'recoverysim[plot]'"), (
        r.stderr
    )
    # The rest of the package does not need matplotlib.
    r = _run_without(
        "matplotlib",
        "import recoverysim as rs\nm = rs.examples.load('single')\nprint(m.simulate('1y', 10, seed=1, progress=False).replications)",
    )
    assert r.returncode == 0 and r.stdout.strip() == "10", r.stderr


def test_progress_bars_without_ipywidgets_use_text_not_a_warning():
    code = (
        "import warnings; warnings.simplefilter('error')\n"
        "from recoverysim._progress import Progress\n"
        "with Progress(10, enabled=True, desc='x') as p:\n"
        "    p.update(10)\n"
        "import sys; print('tqdm.notebook' in sys.modules)\n"
    )
    r = _run_without("ipywidgets", code)
    assert r.returncode == 0 and r.stdout.strip() == "False", r.stderr


def test_require_reraises_a_broken_package_as_is():
    from recoverysim._optional import available, require

    assert available("numpy") and not available("no_such_package_here")
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'recoverysim\[plot\]'"):
        require("no_such_package_here", extra="plot", purpose="x")
    assert require("json", extra="plot", purpose="x") is sys.modules["json"]


# --- example models ship in the package --------------------------------------------------------------


def test_every_example_model_is_shipped_and_loads():
    names = rs.examples.names()
    assert names == sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))
    for name in names:
        m = rs.examples.load(name)
        assert m.name == name
        assert rs.examples.path(name).read_text(encoding="utf-8") == (ROOT / "examples" / f"{name}.yaml").read_text(encoding="utf-8")


def test_an_unknown_example_lists_the_known_ones():
    with pytest.raises(KeyError, match="no example model 'exchnage'; examples: backup-store, backups, chain-restart, correlated, exchange"):
        rs.examples.load("exchnage")
    with pytest.raises(KeyError):
        rs.examples.path("../examples/exchange")


def test_cmake_installs_the_example_models_into_the_wheel():
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    assert "examples/*.yaml" in text and "DESTINATION recoverysim/example_models" in text


def test_the_sdist_is_the_source_tree_with_licence_and_changelog(tmp_path, monkeypatch):
    """Built here in seconds (the wheel is make wheel-test's job): it carries what a source build
    needs and the licence, never the local venv or build directories."""
    monkeypatch.chdir(ROOT)
    name = build_sdist(str(tmp_path))
    with tarfile.open(tmp_path / name) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    for needed in (
        "LICENSE",
        "CHANGELOG.md",
        "pyproject.toml",
        "CMakeLists.txt",
        "examples/exchange.yaml",
        "python/recoverysim/_version.py",
        "core/src/simulator.cpp",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith((".venv/", "build/", "dist/", "docs/_generated/"))]
