"""What a user does right after ``pip install recoverysim``: run from a fresh environment with no
build tools, by ``make wheel-test`` (and cibuildwheel's test step on every platform).

Checks that the compiled module needs no library of the build machine (spdlog, fmt) at run time,
that the README's ten-line example runs and gives an availability consistent with the exact
answer, that the example models ship inside the package, and that the wheel carries its licence.
"""

from __future__ import annotations

import importlib.metadata as md
import shutil
import subprocess
import sys
from pathlib import Path

import recoverysim as rs


def linked_libraries(path: str) -> list[str]:
    """The shared libraries the dynamic loader resolves for ``path`` (Linux only: ``ldd``)."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def main() -> None:
    core = rs._core.__file__
    assert "site-packages" in core, f"not testing an installed wheel: {core}"
    if sys.platform.startswith("linux") and shutil.which("ldd"):
        libs = linked_libraries(core)
        missing = [line for line in libs if "not found" in line]
        assert not missing, f"the compiled module needs libraries this machine lacks: {missing}"
        system = [line for line in libs if any(k in line for k in ("libspdlog", "libfmt", "libboost"))]
        assert not system, f"the compiled module loads build-time libraries at run time: {system}"
        print(f"_core links only: {', '.join(line.split()[0] for line in libs)}")

    # The README's ten lines, with fewer replications.
    m = rs.Model("exchange")
    m.component("api-1", mttf="2000h", mttr="30m")
    m.component("api-2", mttf="2000h", mttr="30m")
    for i in (1, 2, 3):
        m.component(f"db-{i}", failure=rs.Weibull(shape=1.3, scale="3000h"), repair=rs.LogNormal.from_mean_std("2h", "1h"))
    m.service("trading", rs.all_of(rs.any_of("api-1", "api-2"), rs.k_of_n(2, "db-1", "db-2", "db-3")), availability="99.95%")
    res = m.simulate(horizon="1y", replications=2_000, seed=7, progress=False)
    a = res.availability("trading")
    print("README example:", a)
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
