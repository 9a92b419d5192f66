"""Corruption that replicates (``data_loss="backup"``) defeats failover (docs/semantics.md).

When the active member of a standby group fails with a replicating corruption, the spares hold
the same corruption: none takes over, and the group is down until the active member's own
procedure (its restore from backup) ends. The schedules below are deterministic and counted by
hand (conventions of test_recovery_schedules.py: ``D`` is a fixed duration, ``NEVER`` a time to
failure beyond every horizon, default dormancy 0: a cold spare never ages). The last tests check
the exponential case against a Markov chain written out by hand and a closed form.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import recoverysim as rs

D = rs.Deterministic
NEVER = D(1e9)


def sim(m: rs.Model, horizon: float) -> rs.Results:
    return m.simulate(horizon=horizon, replications=1, seed=1, threads=1, progress=False)


def phases(res: rs.Results, s: str, row: int) -> dict[str, float]:
    o = res.outages(s)
    cols = [c for c in o.columns if c.startswith("phase_")]
    return {c[len("phase_") : -2]: float(o.loc[row, c]) for c in cols if o.loc[row, c] != 0}


def restore_procedure() -> list[rs.Step]:
    return [rs.Step("detect", 0.5), rs.Step("restore", 3.0)]


def pair(data_loss: bool | str) -> rs.Model:
    # a: one failure mode at age 10, procedure detect 0.5 + restore 3 (3.5 h down).
    # b: never fails. Group detection 0.5, switchover 0.25.
    m = rs.Model("pair")
    m.component("a", modes=[rs.FailureMode("corruption", D(10), restore_procedure(), data_loss=data_loss)])
    m.component("b", failure=NEVER, repair=1)
    m.service("db", rs.standby("a", "b", detection=0.5, switchover=0.25), rto=1.0)
    return m


def test_replicated_corruption_outage_is_detection_plus_restore() -> None:
    # a corrupted at 10 (the corruption replicates to b). Group: detect 10-10.5; at 10.5 b is
    # unusable, so no switchover: the group waits (no_spare phase) until a's procedure ends at
    # 10 + 0.5 + 3 = 13.5, and a serves again. Outage 10-13.5 = detection 0.5 + restore 3.
    # a renewed at 13.5 (active, ages at rate 1): corrupted again at 23.5, back at 27.
    # Horizon 30: two outages of 3.5 h; b never serves; RTO 1 h missed twice.
    res = sim(pair("backup"), 30)
    o = res.outages("db")
    assert o["start_h"].tolist() == [10.0, 23.5]
    assert o["duration_h"].tolist() == [3.5, 3.5]
    assert o["component"].tolist() == ["a", "a"]
    assert o["mode"].tolist() == ["corruption", "corruption"]
    for i in range(2):
        assert phases(res, "db", i) == {"detect": 0.5, "no_spare": 3.0}
    assert res.downtime("db").tolist() == [7.0]
    assert res.rto_compliance("db").mean == 0.0
    tr = res.trace(0)
    unusable = tr[tr["event"] == "spares_unusable"]
    assert unusable["time_h"].tolist() == [10.5, 24.0]
    assert unusable["entity"].tolist() == ["db", "db"]  # the group is named after its service
    assert "corruption of a (corruption) replicated to the spares" in unusable["detail"].iloc[0]
    assert not (tr["event"] == "switchover").any()
    active = tr[tr["event"] == "active"]
    assert active["time_h"].tolist() == [13.5, 27.0]
    assert active["detail"].tolist() == ["a", "a"]


@pytest.mark.parametrize("data_loss", [False, True])
def test_corruption_that_does_not_replicate_keeps_failover(data_loss: bool) -> None:
    # Same schedule, the mode does not replicate: a fails 10, detect 10-10.5, switchover to b
    # 10.5-10.75, b serves from 10.75 (never fails). a is repaired at 13.5 and becomes a cold
    # spare (never ages): one outage of detection + switchover = 0.75 h.
    res = sim(pair(data_loss), 30)
    o = res.outages("db")
    assert o["start_h"].tolist() == [10.0]
    assert o["duration_h"].tolist() == [0.75]
    assert phases(res, "db", 0) == {"detect": 0.5, "switchover": 0.25}
    assert res.rto_compliance("db").mean == 1.0
    assert not (res.trace(0)["event"] == "spares_unusable").any()


def test_spares_down_or_failing_during_the_restore_do_not_serve() -> None:
    # Hot standby(a, b, c) (dormancy 1: spares age at rate 1), detection 0.5, switchover 0.25.
    #   b fails at 5 (age 5), repair 6: down 5-11 (already failed when the corruption comes).
    #   a corrupted at 10, procedure 3.5: down 10-13.5; group: detect 10-10.5, then unusable.
    #   b repaired at 11: inside the restore, it does not serve (the old rule: it would at once).
    #   c fails at 11 (age 11), repair 1: down 11-12 (fails during the restore), back at 12: idem.
    #   a back at 13.5 and serves: one outage 10-13.5.
    #   Next failures: b at 11 + 5 = 16, c at 12 + 11 = 23, a at 23.5: all after the horizon 15.
    m = rs.Model("three")
    m.component("a", modes=[rs.FailureMode("corruption", D(10), restore_procedure(), data_loss="backup")])
    m.component("b", failure=D(5), repair=6)
    m.component("c", failure=D(11), repair=1)
    m.service("db", rs.standby("a", "b", "c", detection=0.5, switchover=0.25, dormancy=1.0))
    res = sim(m, 15)
    o = res.outages("db")
    assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([10.0], [3.5])
    assert phases(res, "db", 0) == {"detect": 0.5, "no_spare": 3.0}
    assert [res.failures(c).tolist() for c in "abc"] == [[1], [1], [1]]
    assert [res.component_downtime(c).tolist() for c in "abc"] == [[3.5], [6.0], [1.0]]
    tr = res.trace(0)
    assert tr.loc[tr["event"] == "active", "detail"].tolist() == ["a"]
    assert tr.loc[tr["event"] == "active", "time_h"].tolist() == [13.5]


def test_a_corrupted_spare_does_not_poison_the_active_member() -> None:
    # Replication runs from the active member to the spares, not back.
    # Hot standby(a, b), detection 0.5.
    #   b (spare) corrupted at 5 (age 5), procedure 3.5: down 5-8.5.
    #   a crashes at 6, repair 5: down 6-11. Group: detect 6-6.5, no spare up: no_spare.
    #   b is back at 8.5 and serves at once (its own corruption is restored; a's crash does not
    #   replicate). Outage 6-8.5 = detect 0.5 + no_spare 2. b fails again at 8.5 + 5 > horizon 12.
    m = rs.Model("spare-corrupted")
    m.component("a", failure=D(6), repair=5)
    m.component("b", modes=[rs.FailureMode("corruption", D(5), restore_procedure(), data_loss="backup")])
    m.service("db", rs.standby("a", "b", detection=0.5, dormancy=1.0))
    res = sim(m, 12)
    o = res.outages("db")
    assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([6.0], [2.5])
    assert phases(res, "db", 0) == {"detect": 0.5, "no_spare": 2.0}
    assert not (res.trace(0)["event"] == "spares_unusable").any()


def test_any_of_members_are_independent_copies() -> None:
    # any_of does not replicate: a's corruption (down 10-13.5) leaves b serving, no outage.
    m = rs.Model("parallel")
    m.component("a", modes=[rs.FailureMode("corruption", D(10), restore_procedure(), data_loss="backup")])
    m.component("b", failure=NEVER, repair=1)
    m.service("s", rs.any_of("a", "b"))
    res = sim(m, 20)
    assert res.downtime("s").tolist() == [0.0]
    assert res.component_downtime("a").tolist() == [3.5]


# ---------------------------------------------------------------------------------------------
# Exponential case: Markov chain by hand, the exact solver and the simulator

L1, M1 = 1 / 200.0, 1 / 2.0  # crash: rate, repair rate (does not replicate)
L2, M2 = 1 / 400.0, 1 / 8.0  # corruption: rate, restore rate (replicates)


def crash_and_corruption() -> rs.Model:
    m = rs.Model("cold-db")
    for n in ("p", "q"):
        m.component(
            n,
            modes=[
                rs.FailureMode("crash", rs.Exponential(1 / L1), rs.Step("restart", rs.Exponential(1 / M1))),
                rs.FailureMode("corruption", rs.Exponential(1 / L2), rs.Step("restore", rs.Exponential(1 / M2)), data_loss="backup"),
            ],
        )
    m.service("db", rs.standby("p", "q"), rto=4.0)  # cold spare, instant and certain switchover
    return m


STATES = ["S0", "S1", "C", "D2", "D3"]
# Cold spare (never fails while waiting), instant perfect switchover, independent repairs.
#   S0: active up, spare up          -- crash L1 -> S1, corruption L2 -> C
#   S1: active up, other crashed     -- other repaired M1 -> S0, crash L1 -> D2,
#                                       corruption L2 -> D3
#   C : active corrupted, spare up but unusable (down) -- restore M2 -> S0
#   D2: both crashed (down)          -- either repaired (2 M1) -> S1 (it serves at once)
#   D3: active corrupted, other crashed (down) -- other repaired M1 -> C (still unusable),
#                                       restore M2 -> S1 (active serves, other still down)
# A corrupted active member is never replaced, so "other crashed" is the only S1.
RATES = {
    ("S0", "S1"): L1, ("S0", "C"): L2,
    ("S1", "S0"): M1, ("S1", "D2"): L1, ("S1", "D3"): L2,
    ("C", "S0"): M2,
    ("D2", "S1"): 2 * M1,
    ("D3", "C"): M1, ("D3", "S1"): M2,
}  # fmt: skip


def stationary() -> dict[str, float]:
    """Solves pi Q = 0, sum pi = 1 for the chain above."""
    n = len(STATES)
    q = np.zeros((n, n))
    for (a, b), r in RATES.items():
        q[STATES.index(a), STATES.index(b)] += r
        q[STATES.index(a), STATES.index(a)] -= r
    pi = np.linalg.lstsq(np.vstack([q.T, np.ones(n)]), np.r_[np.zeros(n), 1.0], rcond=None)[0]
    return dict(zip(STATES, (float(x) for x in pi), strict=True))


def test_exact_solver_matches_the_hand_chain() -> None:
    pi = stationary()
    a = pi["S0"] + pi["S1"]
    assert math.isclose(crash_and_corruption().exact().availability("db"), a, rel_tol=1e-9)
    # The corruption alone keeps the group down about L2 / (L2 + M2) = 2 % of the time; with the
    # old rule (failover after a corruption) it would be about 100 times less.
    assert 0.975 < a < 0.985


def test_simulated_availability_and_rto_compliance_match_the_exact_answers() -> None:
    # Steady state from t = 0 is not the mean over [0, T]: compare with the transient mean.
    m = crash_and_corruption()
    horizon = 5000.0
    exact = m.exact().mean_availability("db", horizon)
    res = m.simulate(horizon=horizon, replications=800, seed=11, progress=False)
    est = res.availability("db", confidence=0.999)
    assert est.contains(exact), f"exact {exact} outside {est}"
    # RTO compliance: an outage is a corruption in S0 (length Exp(M2): within 4 h with
    # probability 1 - e^{-4 M2}), or a corruption / crash in S1 (down states D2, D3, whose
    # lengths differ). Outages from S0 dominate; bound the share from S1 by exact flows:
    # rate of outages from S0 = pi0 L2, from S1 = pi1 (L1 + L2).
    # D2: exits at 2 M1 -> within 4 h w.p. 1 - e^{-8 M1}.
    # D3: down until the first of (restore M2 -> S1 up) or (M1 -> C, still down, then Exp(M2)):
    #     the length is Exp(M2) whichever comes first (memoryless restore, C exits at M2 too).
    pi = stationary()
    r0, r_d2, r_d3 = pi["S0"] * L2, pi["S1"] * L1, pi["S1"] * L2
    p_ok = (r0 * (1 - math.exp(-4 * M2)) + r_d2 * (1 - math.exp(-8 * M1)) + r_d3 * (1 - math.exp(-4 * M2))) / (r0 + r_d2 + r_d3)
    rto = res.rto_compliance("db", confidence=0.999)
    # The pooled ratio converges to the steady-state share (the start in S0 shifts it by far
    # less than the interval's width: pi0 is 0.97 and S1 is left at rate M1 = 0.5 per hour).
    assert rto.contains(p_ok), f"closed form {p_ok} outside {rto}"
