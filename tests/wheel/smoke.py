"""What a user does right after ``pip install recoverysim``: run from a fresh environment with no
build tools, by ``make wheel-test`` (and cibuildwheel's test step on every platform).

Checks that the compiled module needs no library of the build machine (spdlog, fmt) at run time,
that the README's ten-line example runs and gives an availability consistent with the exact
answer, that the example models ship inside the package, and that the wheel carries its licence.
"""

from __future__ import annotations

import ctypes
import importlib.metadata as md
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import recoverysim as rs


def linked_libraries(path: str) -> list[str]:
    """The shared libraries the dynamic loader resolves for ``path`` (Linux only: ``ldd``)."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def readme_example(path: Path) -> str:
    """The code block of the README's "Python in ten lines" section, verbatim."""
    text = path.read_text(encoding="utf-8")
    section = text[text.index("## Python in ten lines") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def main() -> None:
    if os.environ.get("RECOVERYSIM_EXPECT_NO_DEV"):
        # The build-time libraries are hidden (tests/wheel/without_dev_packages.sh): prove it.
        for lib in ("libspdlog.so.1.10", "libfmt.so.9"):
            try:
                ctypes.CDLL(lib)
            except OSError:
                continue
            raise AssertionError(f"{lib} can still be loaded: the run does not test a machine without it")
        assert not Path("/usr/include/spdlog/spdlog.h").exists()
        print("spdlog and fmt libraries and the spdlog, fmt, Eigen and Boost headers are hidden")
    core = rs._core.__file__
    assert "site-packages" in core, f"not testing an installed wheel: {core}"
    if sys.platform.startswith("linux") and shutil.which("ldd"):
        libs = linked_libraries(core)
        missing = [line for line in libs if "not found" in line]
        assert not missing, f"the compiled module needs libraries this machine lacks: {missing}"
        system = [line for line in libs if any(k in line for k in ("libspdlog", "libfmt", "libboost"))]
        assert not system, f"the compiled module loads build-time libraries at run time: {system}"
        print(f"_core links only: {', '.join(line.split()[0] for line in libs)}")

    if len(sys.argv) > 1:  # the README's ten lines, verbatim (10,000 replications)
        code = readme_example(Path(sys.argv[1]))
        print("README example:")
        namespace: dict[str, object] = {}
        exec(compile(code, "README.md", "exec"), namespace)
        res = namespace["res"]
        assert 0.99999 < res.availability("trading").mean < 1.0  # type: ignore[attr-defined]
        assert res.replications == 10_000  # type: ignore[attr-defined]

    # The same model, with a percentage target and fewer replications.
    m = rs.Model("exchange")
    m.component("api-1", mttf="2000h", mttr="30m")
    m.component("api-2", mttf="2000h", mttr="30m")
    for i in (1, 2, 3):
        m.component(f"db-{i}", failure=rs.Weibull(shape=1.3, scale="3000h"), repair=rs.LogNormal.from_mean_std("2h", "1h"))
    m.service("trading", rs.all_of(rs.any_of("api-1", "api-2"), rs.k_of_n(2, "db-1", "db-2", "db-3")), availability="99.95%")
    res = m.simulate(horizon="1y", replications=2_000, seed=7, progress=False)
    a = res.availability("trading")
    print("two APIs, 2-of-3 databases:", a)
    assert 0.99999 < a.mean < 1.0, a
    assert res.summary().shape[0] == 1

    # An exponential model has an exact answer: the simulated interval must contain it.
    single = rs.examples.load("single")
    exact = single.exact().mean_availability(next(iter(single.services)), "1y")
    est = single.simulate(horizon="1y", replications=2_000, seed=1, progress=False).availability(
        next(iter(single.services)), confidence=0.999
    )
    assert est.contains(exact), (est, exact)
    print(f"examples: {', '.join(rs.examples.names())}; single: exact {exact:.6f} within {est}")

    dist = md.distribution("recoverysim")
    assert dist.version == rs.__version__, (dist.version, rs.__version__)
    files = [str(f) for f in dist.files or []]
    assert any(f.endswith("LICENSE") for f in files), "the wheel has no LICENSE"
    assert any("example_models/exchange.yaml" in f for f in files), "the wheel has no example models"
    assert Path(rs.examples.path("exchange")).is_file()
    print(f"recoverysim {rs.__version__}: wheel smoke test passed")


if __name__ == "__main__":
    main()
