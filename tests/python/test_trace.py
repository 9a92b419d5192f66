"""Model.trace: every event of one replication, identical to that replication inside a run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import recoverysim as rs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def outage_hours(tr: pd.DataFrame, service: str, horizon: float) -> tuple[float, int]:
    """Unplanned downtime and outage count of a service, rebuilt from its trace."""
    ev = tr[(tr["entity"] == service) & tr["event"].isin(["service_down", "service_up"])]
    total, count, since, planned = 0.0, 0, None, False
    for _, r in ev.iterrows():
        if r["event"] == "service_down":
            since, planned = r["time_h"], "deploy" in r["detail"] or "maintenance" in r["detail"]
        else:
            if not planned and r["time_h"] > since:
                total += r["time_h"] - since
                count += 1
            since = None
    if since is not None and not planned:
        total += horizon - since
        count += 1
    return total, count


@pytest.fixture(scope="module")
def run() -> tuple[rs.Model, rs.Results]:
    m = rs.load(EXAMPLES / "exchange.yaml")
    return m, m.simulate("1y", 300, seed=21, progress=False)


@pytest.mark.parametrize("which", ["first", "worst", "median"])
def test_trace_reproduces_the_replication(run, which):
    m, res = run
    d = res.downtime("trading")
    i = {"first": 0, "worst": int(d.argmax()), "median": int(np.argsort(d)[len(d) // 2])}[which]
    tr = res.trace(i)
    assert list(tr.columns) == ["time_h", "event", "entity", "detail", "value"]
    assert tr.attrs["horizon_h"] == res.horizon and tr.attrs["replication"] == i and tr.attrs["seed"] == res.seed
    assert "trading" in tr.attrs["services"] and "db-a" in tr.attrs["components"]
    assert tr["time_h"].is_monotonic_increasing and tr["time_h"].iloc[-1] < res.horizon
    for s in ("trading", "database", "gateways"):
        total, count = outage_hours(tr, s, res.horizon)
        assert total == pytest.approx(res.downtime(s)[i], abs=1e-9)
        assert count == res.outage_counts(s)[i]
    for c in ("db-a", "api-1", "lb"):
        n = ((tr["event"] == "failure") & (tr["entity"] == c)).sum()
        assert n == res.failures(c)[i]
    lost = tr.loc[tr["event"] == "data_loss", "value"].to_numpy()
    recorded = res.data_losses()
    assert np.allclose(np.sort(lost), np.sort(recorded.loc[recorded["replication"] == i, "loss_h"].to_numpy()))


def test_trace_is_the_same_through_the_model_and_repeatable(run):
    m, res = run
    a = m.trace(5, seed=res.seed, horizon=res.horizon)
    b = res.trace(5)
    pd.testing.assert_frame_equal(a, b)
    other = m.trace(5, seed=res.seed + 1, horizon=res.horizon)
    assert not a.equals(other)


def test_trace_log_file_through_spdlog(run, tmp_path):
    m, res = run
    path = tmp_path / "trace.log"
    tr = res.trace(3, log_file=str(path))
    lines = path.read_text().splitlines()
    assert lines[0] == f"# recoverysim trace: model 'exchange', seed {res.seed}, replication 3"
    assert len(lines) == len(tr) + 1
    first = tr.iloc[0]
    assert lines[1].split()[2:4] == [first["event"], first["entity"]]


def test_hand_counted_trace():
    m = rs.Model("t")
    m.crew("ops", 1)
    m.component("a", failure=rs.Deterministic(10), repair=[rs.Step("detect", 1), rs.Step("fix", 2, crew="ops")])
    m.service("s", "a")
    tr = m.trace(0, seed=1, horizon=15)
    assert tr[["time_h", "event", "entity", "detail"]].values.tolist() == [
        [10.0, "failure", "a", "failure"],
        [10.0, "service_down", "s", "a/failure"],
        [10.0, "step_start", "a", "detect"],
        [11.0, "step_start", "a", "fix"],
        [13.0, "recovered", "a", ""],
        [13.0, "service_up", "s", ""],
    ]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"replication": -1, "seed": 1}, ValueError, "replication must be >= 0"),
        ({"replication": 0, "seed": 1, "horizon": 0}, ValueError, "horizon must be > 0"),
        ({"replication": 0, "seed": "x"}, TypeError, "seed must be an integer"),
    ],
    ids=["negative-replication", "zero-horizon", "bad-seed"],
)
def test_trace_bad_arguments(kwargs, exc, match):
    m = rs.Model("t")
    m.component("a", mttf=10, mttr=1)
    m.service("s", "a")
    with pytest.raises(exc, match=match):
        m.trace(**kwargs)


def test_trace_to_an_unwritable_log_is_a_clear_error(tmp_path):
    m = rs.Model("t")
    m.component("a", mttf=10, mttr=1)
    m.service("s", "a")
    with pytest.raises(ValueError, match="cannot write the trace log"):
        m.trace(0, seed=1, horizon=100, log_file=str(tmp_path))  # a directory, not a file
