"""Rolling maintenance (``rolling=n``) and the warning when a window alone breaks a service.

Hand-counted timelines: four validators that never fail (MTTF 10^9 h) behind a 3-of-4 quorum,
one window every 720 h lasting exactly 1 h, over 7200 h: windows open at 0, 720, ..., 6480 (10
windows).

- all four at once: the quorum is down 1 h per window: 10 h planned, 10 planned outages;
- rolling=1 (batches 1 h apart): one validator at a time, the quorum never goes down, and each
  validator still has 10 h of planned downtime;
- rolling=2: two at a time, the quorum is down for both batches: 2 h per window, 20 h.
"""

from __future__ import annotations

import numpy as np
import pytest

import recoverysim as rs


def validators(**window: object) -> rs.Model:
    m = rs.Model("v")
    for v in ("v1", "v2", "v3", "v4"):
        m.component(v, mttf=1e9, mttr=1, tags={"role": "validator"})
    m.service("chain", rs.k_of_n(3, "v1", "v2", "v3", "v4"))
    m.maintenance("patch", targets={"role": "validator"}, every=720, duration=1, **window)  # type: ignore[arg-type]
    return m


@pytest.mark.parametrize(
    ("window", "planned", "warned"),
    [({}, 10.0, True), ({"rolling": 1}, 0.0, False), ({"rolling": 2}, 20.0, True)],
    ids=["all-at-once", "rolling-1", "rolling-2"],
)
def test_hand_counted_timeline(window: dict[str, object], planned: float, warned: bool) -> None:
    m = validators(**window)
    res = m.simulate(horizon=7200, replications=3, seed=1)
    assert np.allclose(res.planned_downtime("chain"), planned)
    assert np.all(res.downtime("chain") == 0)
    for v in ("v1", "v2", "v3", "v4"):
        assert np.allclose(res.raw.component_planned_downtime[:, res.component_names.index(v)], 10.0)
    assert bool(m.maintenance_warnings()) is warned
    if not window:
        assert res.planned_outage_counts("chain").tolist() == [10, 10, 10]


def test_warning_text() -> None:
    (w,) = validators().maintenance_warnings()
    assert w == (
        "maintenance 'patch' alone takes service 'chain' down (v1, v2, v3, v4 down together): "
        "12 h of planned downtime per year; rolling=1 takes them one at a time"
    )


def test_round_trip_and_errors() -> None:
    m = validators(rolling=1)
    again = rs.loads(rs.io.dumps(m))
    assert again.maintenances["patch"].rolling == 1 and again.maintenances["patch"].spacing == 1.0
    with pytest.raises(ValueError, match="random duration needs spacing"):
        rs.Model().maintenance("x", targets="a", every=100, duration=rs.Exponential(mean=1), rolling=1)
    with pytest.raises(ValueError, match="do not fit in every"):
        validators(rolling=1, spacing=200).simulate(horizon=10, replications=1, seed=1)
    text = "components:\n  a: {mttf: 10h, mttr: 1h}\nmaintenance:\n  w: {targets: a, every: 10h, duration: {type: exponential, mean: 1h}, rolling: 1}\n"
    with pytest.raises(rs.ModelFileError, match=r"maintenance\.w\.spacing"):
        rs.loads(text)
    text = "components:\n  a: {mttf: 10h, mttr: 1h}\nmaintenance:\n  w: {targets: a, every: 10h, duration: 1h, rolling: 0}\n"
    with pytest.raises(rs.ModelFileError, match=r"maintenance\.w\.rolling"):
        rs.loads(text)


def test_cli_validate_prints_the_warning(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from recoverysim import cli

    p = Path(str(tmp_path)) / "m.yaml"
    validators().save(p)
    assert cli.main(["validate", str(p)]) == 0
    out = capsys.readouterr().out
    assert "warning: maintenance 'patch' alone takes service 'chain' down" in out


@pytest.mark.parametrize(("window", "warned"), [({}, True), ({"rolling": 1}, False)], ids=["all-at-once", "rolling-1"])
def test_the_run_report_and_html_carry_the_warning(window: dict[str, object], warned: bool) -> None:
    """What ``recoverysim run`` prints and the notebook view show the same warning as ``validate``."""
    m = validators(**window)
    res = m.simulate(horizon=7200, replications=2, seed=1, progress=False)
    text, html = res.report(), res._repr_html_()
    assert ("warning: maintenance 'patch' alone takes service 'chain' down" in text) is warned
    assert ("maintenance &#x27;patch&#x27; alone takes service" in html or "maintenance 'patch' alone takes service" in html) is warned
