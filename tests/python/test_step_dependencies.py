"""Step requirements (issue 14): recovery steps that need other parts of the system up.

Every reference value is an exact answer computed in this file: a small continuous-time Markov
chain written out state by state (generator ``Q``), solved for its time average over the horizon
``[0, T]`` started with everything up:

    mean unavailability over [0, T] = (1/T) * p0 . (integral_0^T exp(Q s) ds) . down,

the integral being the top-right block of ``expm([[Q, I], [0, 0]] * T)`` (Van Loan's identity).
Tolerances are the simulator's own 99.99 % Student-t interval over replications (``exactcheck``:
about 3.9 standard errors). The engine's own Markov solver (``Model.exact``) must give the steady
state of the same chain to 1e-9: it is the twin that the simulator is checked against.

Rule under test (docs/semantics.md, "Step requirements"): a step first needs its requirement up
(else ``dependency_wait``), then its crew; if the requirement fails while the step runs, the step
pauses and resumes with its remaining time (preemptive-resume: with exponential durations the
remaining time is again exponential, so the chain needs no memory of it).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import scipy.linalg
from exactcheck import check, simulate

import recoverysim as rs
import recoverysim.io as rsio
from recoverysim import _core

HORIZON = 8760.0


def time_average(Q: np.ndarray, weights: np.ndarray, T: float = HORIZON) -> float:
    """(1/T) * integral_0^T p(t) . weights dt for the chain Q started in state 0."""
    n = len(Q)
    big = np.zeros((2 * n, 2 * n))
    big[:n, :n] = Q
    big[:n, n:] = np.eye(n)
    integral = scipy.linalg.expm(big * T)[:n, n:]
    return float(integral[0] @ weights) / T


def steady(Q: np.ndarray) -> np.ndarray:
    """Stationary distribution: pi Q = 0, sum pi = 1."""
    n = len(Q)
    a = np.vstack([Q.T, np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1.0
    return np.linalg.lstsq(a, b, rcond=None)[0]


def phase(res: rs.Results, service: str, name: str) -> np.ndarray:
    """Hours per replication the service spent down in phase ``name``."""
    return res.raw.service_phase_downtime[:, res.service_names.index(service), res.phase_names.index(name)]


def generator(n: int, rates: dict[tuple[int, int], float]) -> np.ndarray:
    Q = np.zeros((n, n))
    for (i, j), r in rates.items():
        Q[i, j] += r
        Q[i, i] -= r
    return Q


# --- 1. a restore that can progress only while the backup store is up ----------------------------

LD, MU_D = 1 / 100, 1 / 5  # the database: MTTF 100 h, restore 5 h (exponential)
LS, MU_S = 1 / 50, 1 / 10  # the backup store: MTTF 50 h, repair 10 h (down 1/6 of the time)


def backup_model() -> rs.Model:
    m = rs.Model("restore-needs-store")
    m.component("store", mttf=1 / LS, mttr=1 / MU_S)
    m.component("db", failure=rs.Exponential(1 / LD), repair=rs.Step("restore", rs.Exponential(1 / MU_D), requires="store"))
    m.service("app", "db")
    return m


def backup_chain() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """States (db, store): 0 (up, up), 1 (up, down), 2 (restoring, up), 3 (waiting, down).

    The db fails at LD whatever the store does; its restore runs at MU_D only while the store is
    up (state 2) and is paused while the store is down (state 3: it resumes at MU_S, when the
    store is repaired); the store fails at LS and is repaired at MU_S in every state.
    """
    Q = generator(
        4,
        {
            (0, 1): LS,
            (0, 2): LD,
            (1, 0): MU_S,
            (1, 3): LD,
            (2, 0): MU_D,
            (2, 3): LS,
            (3, 2): MU_S,
        },
    )
    down = np.array([0.0, 0.0, 1.0, 1.0])
    waiting = np.array([0.0, 0.0, 0.0, 1.0])
    return Q, down, waiting


def test_restore_waits_for_the_backup_store_markov_twin() -> None:
    Q, down, _ = backup_chain()
    pi = steady(Q)
    ex = backup_model().exact()
    assert ex.availability("app") == pytest.approx(1 - pi @ down, abs=1e-9)
    # Without the requirement the db would be down LD/(LD+MU_D) = 4.76 %; the paused restores
    # add pi[3]: the answer must differ from the naive one by far more than the tolerance.
    assert 1 - ex.availability("app") > LD / (LD + MU_D) + 0.005


def test_restore_waits_for_the_backup_store_simulated() -> None:
    Q, down, waiting = backup_chain()
    res = simulate(backup_model(), HORIZON, 400, seed=14)
    exact_down = time_average(Q, down) * HORIZON
    check("restore needs the store: downtime of app (h/year)", res.downtime("app"), exact_down)
    # The time-by-phase breakdown: time paused or waiting for the store is dependency_wait.
    check("restore needs the store: dependency_wait (h/year)", phase(res, "app", "dependency_wait"), time_average(Q, waiting) * HORIZON)
    check("restore needs the store: restore (h/year)", phase(res, "app", "restore"), time_average(Q, down - waiting) * HORIZON)


def test_restore_in_a_trace_pauses_and_resumes() -> None:
    """Hand-counted timeline: the store fails at 2 h and is repaired in 4 h (down 2..6 h); the db
    fails at 1 h and needs a 2.5 h restore: it runs 1..2, pauses 2..6 (dependency_wait),
    resumes 6..7.5 with its remaining 1.5 h. Down 1..7.5 = 6.5 h: 4 h dependency_wait and 2.5 h
    restore. (Horizon 7.9 h: the store's next failure, at 8 h, is outside.)"""
    m = rs.Model("timeline")
    m.component("store", failure=rs.Deterministic("2h"), repair="4h")
    m.component("db", failure=rs.Deterministic("1h"), repair=rs.Step("restore", "2.5h", requires="store"))
    m.service("app", "db")
    res = m.simulate(horizon=7.9, replications=1, seed=1, progress=False)
    assert res.downtime("app")[0] == pytest.approx(6.5)
    phases = res.downtime_by_phase("app")
    assert phases["dependency_wait"] == pytest.approx(4.0)
    assert phases["restore"] == pytest.approx(2.5)
    t = m.trace(0, seed=1, horizon=7.9)
    db = t[t["entity"] == "db"]
    assert list(zip(db["time_h"], db["event"])) == [
        (1.0, "failure"),
        (1.0, "step_start"),
        (2.0, "step_paused"),
        (6.0, "dependency_ready"),
        (6.0, "step_resume"),  # the one pause of the engine: a paused step resumes
        (7.5, "recovered"),
    ]


# --- 2. detection that needs the monitor ---------------------------------------------------------

LAM, DETECT, FALLBACK, REPAIR = 1 / 200, 1 / 60, 0.5, 2.0  # means: 1 min detection, 30 min fallback
LM, MU_M = 1 / 100, 1 / 20  # the monitor: MTTF 100 h, MTTR 20 h (down 1/6 of the time)


def monitor_model() -> rs.Model:
    m = rs.Model("detection-needs-monitor")
    m.component("monitor", mttf=1 / LM, mttr=1 / MU_M)
    m.component(
        "db",
        failure=rs.Exponential(1 / LAM),
        repair=[
            rs.Step("detect", rs.Exponential(DETECT), requires="monitor", fallback=rs.Exponential(FALLBACK)),
            rs.Step("repair", rs.Exponential(REPAIR)),
        ],
    )
    m.service("app", "db")
    return m


def monitor_chain() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """States (db, monitor), db in U (up), N (detecting normally), F (detecting on the fallback),
    R (repairing); monitor u / d. Index = 2 * db + monitor.

    The rule: a detection reached while the monitor is up takes the normal time (rate 1/DETECT)
    even if the monitor fails meanwhile; reached while it is down it takes the fallback time
    (rate 1/FALLBACK) even if the monitor returns meanwhile. The monitor flips in every state.
    """
    U, N, F, R = 0, 1, 2, 3

    def s(db: int, mon: int) -> int:
        return 2 * db + mon

    rates: dict[tuple[int, int], float] = {}
    for db in (U, N, F, R):
        rates[(s(db, 0), s(db, 1))] = LM
        rates[(s(db, 1), s(db, 0))] = MU_M
    rates[(s(U, 0), s(N, 0))] = LAM
    rates[(s(U, 1), s(F, 1))] = LAM
    for mon in (0, 1):
        rates[(s(N, mon), s(R, mon))] = 1 / DETECT
        rates[(s(F, mon), s(R, mon))] = 1 / FALLBACK
        rates[(s(R, mon), s(U, mon))] = 1 / REPAIR
    Q = generator(8, rates)
    down = np.array([0, 0, 1, 1, 1, 1, 1, 1], dtype=float)
    detect = np.array([0, 0, 1, 1, 1, 1, 0, 0], dtype=float)
    return Q, down, detect


def test_detection_needs_the_monitor_markov_twin() -> None:
    Q, down, _ = monitor_chain()
    pi = steady(Q)
    ex = monitor_model().exact()
    assert ex.availability("app") == pytest.approx(1 - pi @ down, abs=1e-9)
    # Power: with the monitor always up the db would be down (DETECT + REPAIR) per failure; the
    # fallbacks (monitor down 1/6 of the time, 30 min instead of 1 min) add about 0.08 h each.
    always_up = (DETECT + REPAIR) / (1 / LAM + DETECT + REPAIR)
    assert pi @ down > always_up * 1.03


def test_detection_needs_the_monitor_simulated() -> None:
    Q, down, detect = monitor_chain()
    res = simulate(monitor_model(), HORIZON, 400, seed=15)
    check("detection needs the monitor: downtime of app (h/year)", res.downtime("app"), time_average(Q, down) * HORIZON)
    check("detection needs the monitor: detect (h/year)", phase(res, "app", "detect"), time_average(Q, detect) * HORIZON)
    # A fallback step never waits: no dependency_wait at all.
    assert (phase(res, "app", "dependency_wait") == 0).all()


# --- requirements and crews: the step holds no crew while it waits ----------------------------


def crew_model() -> rs.Model:
    """Two databases share one crew; db-a's restore needs the store. While db-a waits for the
    store, db-b must get the crew (the waiting step holds none)."""
    m = rs.Model("crew")
    m.crew("dba", 1)
    m.component("store", mttf=50, mttr=10)
    m.component("db-a", failure=rs.Exponential(100), repair=rs.Step("restore", rs.Exponential(5), crew="dba", requires="store"))
    m.component("db-b", failure=rs.Exponential(80), repair=rs.Step("restore", rs.Exponential(4), crew="dba"))
    m.service("a", "db-a")
    m.service("b", "db-b")
    return m


def test_waiting_step_holds_no_crew_simulator_matches_markov() -> None:
    m = crew_model()
    ex = m.exact()
    res = simulate(m, 20 * HORIZON, 200, seed=16)
    for s in ("a", "b"):
        # 20-year horizon: the start-up transient (hours) is far below one standard error.
        check(f"crew + store: unavailability of {s}", res.downtime(s) / (20 * HORIZON), 1 - ex.availability(s))


def test_paused_step_releases_its_crew_in_a_trace() -> None:
    """Hand-counted: one crew; db-a's 2.5 h restore (needs the store) starts at 1 h; the store
    is down from 2 h (repair 4 h), so db-a pauses at 2 h and releases the crew to db-b (failed at
    1.5 h, waiting; 2 h repair: 2..4 h). Horizon 5 h: db-a is down 1..5 (1 h restore, 3 h
    dependency_wait), db-b 1.5..4 (0.5 h crew_wait, 2 h repair)."""
    m = rs.Model("timeline-crew")
    m.crew("dba", 1)
    m.component("store", failure=rs.Deterministic("2h"), repair="4h")
    m.component("db-a", failure=rs.Deterministic("1h"), repair=rs.Step("restore", "2.5h", crew="dba", requires="store"))
    m.component("db-b", failure=rs.Deterministic("1.5h"), repair=rs.Step("repair", "2h", crew="dba"))
    m.service("a", "db-a")
    m.service("b", "db-b")
    res = m.simulate(horizon=5.0, replications=1, seed=1, progress=False)
    assert res.downtime("a")[0] == pytest.approx(4.0)
    pa = res.downtime_by_phase("a")
    assert (pa["restore"], pa["dependency_wait"]) == (pytest.approx(1.0), pytest.approx(3.0))
    assert res.downtime("b")[0] == pytest.approx(2.5)
    pb = res.downtime_by_phase("b")
    assert (pb["crew_wait"], pb["repair"]) == (pytest.approx(0.5), pytest.approx(2.0))


# --- the shared rule with crews' calendars and priorities (one pause mechanism) ------------------


def test_requirement_with_a_two_member_crew_on_a_calendar_timeline() -> None:
    """Hand-counted timeline of the shared rule (docs/semantics.md, "Acquisition order"): the
    requirement first, then the crew members all at once; a step paused by its crew's shift end
    and a step paused by its requirement resume with the same remaining time.

    Crew ``ops``: 2 members, on shift mon-fri 09:00-17:00 (t = 0 is Monday 00:00, so 9..17 h and
    33..41 h). The store fails every 10 h of up time and is repaired in 5 h: down 10..15 and
    25..30. The db fails at 8 h; its 4 h restore needs the store and both members of ``ops``.

    - 8..9: store up, crew off shift: ``crew_wait`` (1 h).
    - 9..10: restore runs (1 h done, 3 h left).
    - 10..15: the store is down: the restore pauses, releases both members: ``dependency_wait``.
    - 15..17: the store is back, the crew on shift: the restore resumes (2 h done, 1 h left).
    - 17..25: the shift ends: the same pause (remaining 1 h), waiting for the crew: ``crew_wait``.
    - 25..30: the store fails while the step waits for its crew: it leaves the crew queue and
      waits for the store: ``dependency_wait``.
    - 30..33: the store is back, the crew off shift: ``crew_wait``.
    - 33..34: the restore resumes with its last hour and ends.

    Down 8..34 = 26 h: crew_wait 1 + 8 + 3 = 12, dependency_wait 5 + 5 = 10, restore 1 + 2 + 1 = 4.
    (Horizon 36 h: the db's next failure is at 42 h, the store's at 40 h.)
    """
    m = rs.Model("calendar-and-requirement")
    m.crew("ops", 2, hours=["mon-fri 09:00-17:00"])
    m.component("store", failure=rs.Deterministic("10h"), repair="5h")
    m.component("db", failure=rs.Deterministic("8h"), repair=rs.Step("restore", "4h", crew={"ops": 2}, requires="store"))
    m.service("app", "db")
    res = m.simulate(horizon=36.0, replications=1, seed=1, progress=False)
    assert res.downtime("app")[0] == pytest.approx(26.0)
    ph = res.downtime_by_phase("app")
    assert ph["crew_wait"] == pytest.approx(12.0)
    assert ph["dependency_wait"] == pytest.approx(10.0)
    assert ph["restore"] == pytest.approx(4.0)
    t = m.trace(0, seed=1, horizon=36.0)
    db = t[t["entity"] == "db"]
    assert list(zip(db["time_h"], db["event"])) == [
        (8.0, "failure"),
        (8.0, "crew_wait"),
        (9.0, "step_start"),
        (10.0, "step_paused"),  # requirement down
        (15.0, "dependency_ready"),
        (15.0, "step_resume"),
        (17.0, "step_paused"),  # shift end: the same pause
        (25.0, "dependency_wait"),  # left the crew queue
        (30.0, "dependency_ready"),
        (30.0, "crew_wait"),
        (33.0, "step_resume"),
        (34.0, "recovered"),
    ]


def test_requirement_lost_while_waiting_for_a_spare_timeline() -> None:
    """Hand-counted: a step waiting for a spare whose requirement fails leaves the spare queue
    (requirement first, then the spare). Pool ``hsm``: no spare on the shelf, an emergency order
    takes 3 h (the regular restock, 100 h, never matters here). The store fails 2 h after each
    repair and is repaired in 3 h: down 2..5 (and 7..10, after the horizon). The db fails at 1 h;
    its 1.5 h ``replace`` needs the store and a spare.

    - 1..2: store up, no spare: ``spare_wait``; stock-out 1, an emergency order (arrives at 4).
    - 2..5: the store is down: the step leaves the spare queue: ``dependency_wait``. At 4 the
      emergency spare arrives and, nobody waiting, goes on the shelf.
    - 5..6.5: the store is back: the step takes the spare from the shelf (no new stock-out) and
      ``replace`` runs.

    Down 1..6.5 = 5.5 h: spare_wait 1, dependency_wait 3, replace 1.5. Horizon 6.9 h."""
    m = rs.Model("spare-and-requirement")
    m.spare_pool("hsm", stock=0, lead_time="100h", emergency="3h")
    m.component("store", failure=rs.Deterministic("2h"), repair="3h")
    m.component("db", failure=rs.Deterministic("1h"), repair=rs.Step("replace", "1.5h", spare="hsm", requires="store"))
    m.service("app", "db")
    res = m.simulate(horizon=6.9, replications=1, seed=1, progress=False)
    assert res.downtime("app")[0] == pytest.approx(5.5)
    ph = res.downtime_by_phase("app")
    assert (ph["spare_wait"], ph["dependency_wait"], ph["replace"]) == (pytest.approx(1.0), pytest.approx(3.0), pytest.approx(1.5))
    assert res.spare_stockouts("hsm")[0] == 1
    again = rs.loads(rsio.dumps(m))
    assert again == m
    # The binary spec carries both features' fields: a pickled compiled model gives the same run.
    compiled = again.compile()
    copy = pickle.loads(pickle.dumps(compiled))
    assert pickle.dumps(copy) == pickle.dumps(compiled)
    assert again.to_data()["components"]["db"]["repair"][0] == {"name": "replace", "duration": "1.5h", "spare": "hsm", "requires": "store"}


def priority_model(preemptive: bool = True) -> rs.Model:
    """One on-call engineer (preemptive crew); the db's restore (priority 0) needs the store;
    the api (priority 1) needs only the engineer."""
    m = rs.Model("priority-and-requirement")
    m.crew("ops", 1, preemptive=preemptive)
    m.component("store", failure=rs.Exponential(50), repair=rs.Exponential(10))
    m.component("db", failure=rs.Exponential(40), repair=rs.Step("restore", rs.Exponential(4), crew="ops", requires="store"), priority=0)
    m.component("api", failure=rs.Exponential(30), repair=rs.Step("repair", rs.Exponential(2), crew="ops"), priority=1)
    m.service("d", "db")
    m.service("a", "api")
    return m


def test_requirement_with_a_preemptive_priority_timeline() -> None:
    """Hand-counted: the store fails at 10 h (repair 5 h: down 10..15). The db (priority 0) fails
    at 8 h: its 4 h restore (needs the store) starts at once. The api (priority 1) fails at 9 h
    and preempts the engineer: the restore pauses with 3 h left (crew_wait). At 10 h the store
    fails while the restore waits for the engineer: it leaves the queue (dependency_wait). The
    api's 2 h repair ends at 11 h; nobody waits. At 15 h the store is back: the restore takes the
    idle engineer and resumes with its 3 h: ends at 18 h.

    db down 8..18 = 10 h: restore 1 + 3 = 4, crew_wait 1, dependency_wait 5; api down 9..11
    (repair 2 h). Horizon 19 h (the api's next failure is at 20 h)."""
    m = rs.Model("priority-timeline")
    m.crew("ops", 1, preemptive=True)
    m.component("store", failure=rs.Deterministic("10h"), repair="5h")
    m.component("db", failure=rs.Deterministic("8h"), repair=rs.Step("restore", "4h", crew="ops", requires="store"), priority=0)
    m.component("api", failure=rs.Deterministic("9h"), repair=rs.Step("repair", "2h", crew="ops"), priority=1)
    m.service("d", "db")
    m.service("a", "api")
    res = m.simulate(horizon=19.0, replications=1, seed=1, progress=False)
    assert res.downtime("d")[0] == pytest.approx(10.0)
    pd = res.downtime_by_phase("d")
    assert (pd["restore"], pd["crew_wait"], pd["dependency_wait"]) == (pytest.approx(4.0), pytest.approx(1.0), pytest.approx(5.0))
    assert res.downtime("a")[0] == pytest.approx(2.0)
    assert res.downtime_by_phase("a")["repair"] == pytest.approx(2.0)
    t = m.trace(0, seed=1, horizon=19.0)
    db = t[t["entity"] == "db"]
    assert list(zip(db["time_h"], db["event"])) == [
        (8.0, "failure"),
        (8.0, "step_start"),
        (9.0, "step_paused"),  # preempted by the api
        (10.0, "dependency_wait"),  # left the crew queue
        (15.0, "dependency_ready"),
        (15.0, "step_resume"),
        (18.0, "recovered"),
    ]


def test_requirement_with_preemptive_priority_simulator_matches_markov() -> None:
    """The exact chain follows the same rule (queued steps whose requirement fails leave the
    queue; a resumed exponential step is memoryless) with a preemptive crew of one: the
    simulator's long-run unavailabilities must agree with Model.exact within 3.9 standard errors.
    The api (priority 1) sees the engineer as if alone with the store-less db never blocking it:
    its unavailability is exactly that of a lone MTTF 30 / MTTR 2 component, 2/32 (no other
    step can hold the engineer against it), an independent closed-form check of the chain."""
    m = priority_model()
    ex = m.exact()
    assert ex.availability("a") == pytest.approx(30 / 32, abs=1e-9)
    res = simulate(m, 20 * HORIZON, 200, seed=21)
    for s in ("a", "d"):
        check(f"priority + store: unavailability of {s}", res.downtime(s) / (20 * HORIZON), 1 - ex.availability(s))


# --- model files, pickling -----------------------------------------------------------------------


def test_model_file_round_trip_and_pickle() -> None:
    text = """
components:
  monitor: {mttf: 100h, mttr: 20h}
  store: {mttf: 50h, mttr: 10h}
  db:
    failure: {type: exponential, mean: 200h}
    repair:
      - {name: detect, duration: 1m, requires: monitor, fallback: 30m}
      - {name: restore, duration: {type: exponential, mean: 5h}, requires: {any_of: [store, monitor]}}
services:
  app: {requires: db}
"""
    m = rs.loads(text)
    steps = m.components["db"].modes[0].repair.steps
    assert steps[0].requires == "monitor" and steps[0].fallback.mean == pytest.approx(0.5)
    assert rs.loads(rsio.dumps(m)) == m
    # The compiled model's binary spec carries every new field: a pickled copy (with a restart and
    # per-target shock outages added) gives bitwise the same results.
    m.service("app2", "db", restart=rs.Step("warmup", rs.Exponential("10m")))
    m.shock("region", every="1000h", targets=["store", "monitor"], outage="3h", per_target=True, stagger="5m")
    compiled = m.compile()
    again = pickle.loads(pickle.dumps(compiled))
    assert pickle.dumps(again) == pickle.dumps(compiled)
    run = lambda c: _core.simulate(c, horizon=8760.0, seed=7, replications=50, threads=2, record_replications=50)  # noqa: E731
    assert run(again) == run(compiled)
    assert rs.loads(rsio.dumps(m)).to_data()["components"]["db"]["repair"][1]["requires"] == {"any_of": ["store", "monitor"]}


# --- bad input -----------------------------------------------------------------------------------


def test_step_that_requires_the_component_it_repairs() -> None:
    m = rs.Model("self")
    m.component("db", failure=rs.Exponential(100), repair=rs.Step("restore", "1h", requires="app"))
    m.service("app", "db")
    with pytest.raises(ValueError, match=r"component 'db'.*restore.*requires 'app', which cannot hold while 'db' itself is down"):
        m.compile()


def test_requirement_cycle_through_recovery_steps() -> None:
    m = rs.Model("cycle")
    m.component("a", failure=rs.Exponential(100), repair=rs.Step("restore", "1h", requires="b"))
    m.component("b", failure=rs.Exponential(100), repair=rs.Step("restore", "1h", requires="a"))
    m.service("s", rs.all_of("a", "b"))
    with pytest.raises(ValueError, match=r"requirement cycle through recovery steps.*'a'.*'b'"):
        m.compile()


def test_no_cycle_when_a_fallback_or_a_redundant_requirement_breaks_it() -> None:
    m = rs.Model("ok")
    m.component("a", failure=rs.Exponential(100), repair=rs.Step("restore", "1h", requires="b", fallback="3h"))
    m.component("b", failure=rs.Exponential(100), repair=rs.Step("restore", "1h", requires="a"))
    m.component("c", failure=rs.Exponential(100), repair=rs.Step("restore", "1h", requires=rs.any_of("a", "d")))
    m.component("d", mttf=100, mttr=1)
    m.service("s", rs.all_of("a", "b", "c"))
    m.compile()


def test_bad_step_requirements_in_files_name_the_field() -> None:
    head = "components:\n  store: {mttf: 10h, mttr: 1h}\n  db:\n    failure: {type: exponential, mean: 10h}\n"
    with pytest.raises(rs.ModelFileError, match=r"components\.db\.repair\[0\]\.requires.*unknown component or service 'stor'"):
        rs.loads(head + "    repair: [{name: r, duration: 1h, requires: stor}]\n")
    with pytest.raises(rs.ModelFileError, match=r"components\.db\.repair\[0\]\.fallback.*needs requires"):
        rs.loads(head + "    repair: [{name: r, duration: 1h, fallback: 2h}]\n")
    with pytest.raises(rs.ModelFileError, match=r"components\.db\.repair\[0\]\.requires.*cannot hold while 'db' itself is down"):
        rs.loads(head + "    repair: [{name: r, duration: 1h, requires: db}]\n")
    with pytest.raises(ValueError, match="fallback needs requires"):
        rs.Step("detect", "1m", fallback="30m")


# --- 3. a 3-of-4 chain whose halt ends only after a coordinated restart -------------------------

LV, MU_V, RHO = 1 / 200, 1 / 10, 1 / 2  # validators: MTTF 200 h, MTTR 10 h; restart mean 2 h


def chain_model() -> rs.Model:
    m = rs.Model("chain-restart")
    names = [f"v{i}" for i in range(1, 5)]
    for n in names:
        m.component(n, mttf=1 / LV, mttr=1 / MU_V)
    m.service("chain", rs.k_of_n(3, *names), restart=rs.Step("restart", rs.Exponential(1 / RHO)))
    return m


def chain_chain() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lumped chain: j validators down (each fails at LV, is repaired at MU_V independently) and
    the chain's state. States: S0, S1 (serving, j = 0, 1), R0, R1 (restarting with j down),
    W2, W3, W4 (halted, waiting for the quorum).

    The halt begins when j reaches 2 (S1 -> W2). When j falls back to 1 the restart begins
    (W2 -> R1); it completes at RHO (Rj -> Sj); a validator failing during it so that j = 2
    abandons it (R1 -> W2); j moving 1 <-> 0 during the restart does not affect it.
    """
    S0, S1, R0, R1, W2, W3, W4 = range(7)
    rates = {
        (S0, S1): 4 * LV,
        (S1, S0): MU_V,
        (S1, W2): 3 * LV,
        (W2, R1): 2 * MU_V,
        (W2, W3): 2 * LV,
        (W3, W2): 3 * MU_V,
        (W3, W4): LV,
        (W4, W3): 4 * MU_V,
        (R1, W2): 3 * LV,
        (R1, R0): MU_V,
        (R0, R1): 4 * LV,
        (R1, S1): RHO,
        (R0, S0): RHO,
    }
    Q = generator(7, rates)
    down = np.array([0, 0, 1, 1, 1, 1, 1], dtype=float)
    restarting = np.array([0, 0, 1, 1, 0, 0, 0], dtype=float)
    return Q, down, restarting


def test_chain_restart_markov_twin() -> None:
    Q, down, _ = chain_chain()
    pi = steady(Q)
    ex = chain_model().exact()
    assert ex.availability("chain") == pytest.approx(1 - pi @ down, abs=1e-9)
    # Without the restart the chain would be down P(j >= 2) of the binomial; the restart adds a
    # visible amount (so the check can tell the two apart).
    a = LV / (LV + MU_V)
    no_restart = sum(math.comb(4, j) * a**j * (1 - a) ** (4 - j) for j in (2, 3, 4))
    assert 1 - ex.availability("chain") > 1.2 * no_restart


def test_chain_restart_simulated() -> None:
    Q, down, restarting = chain_chain()
    res = simulate(chain_model(), HORIZON, 400, seed=17)
    check("3-of-4 chain with restart: downtime (h/year)", res.downtime("chain"), time_average(Q, down) * HORIZON)
    check("3-of-4 chain with restart: restart phase (h/year)", phase(res, "chain", "restart"), time_average(Q, restarting) * HORIZON)


def test_chain_restart_timeline() -> None:
    """Hand-counted: v1 fails at 1 h (repair 3 h, back at 4), v2 at 2 h (repair 1 h, back at 3):
    the chain halts at 2 h. At 3 h the quorum is back and the 0.5 h restart begins; v3 fails at
    3.2 h (the quorum is lost again): the restart is abandoned. At 4 h v1 is back: the restart
    starts over, 4..4.5 h. Outage 2..4.5 = 2.5 h: v2's repair 1 h (the blamed incident), restart
    0.2 + 0.5 = 0.7 h, other 0.8 h (waiting for the quorum, 3.2..4 h)."""
    m = rs.Model("chain-timeline")
    m.component("v1", failure=rs.Deterministic("1h"), repair="3h")
    m.component("v2", failure=rs.Deterministic("2h"), repair="1h")
    m.component("v3", failure=rs.Deterministic("3.2h"), repair="10h")
    m.component("v4", failure=rs.Deterministic("1000h"), repair="1h")
    m.service("chain", rs.k_of_n(3, "v1", "v2", "v3", "v4"), restart=rs.Step("restart", "30m"))
    res = m.simulate(horizon=4.9, replications=1, seed=1, progress=False)
    assert res.downtime("chain")[0] == pytest.approx(2.5)
    ph = res.downtime_by_phase("chain")
    assert (ph["repair"], ph["restart"], ph["other"]) == (pytest.approx(1.0), pytest.approx(0.7), pytest.approx(0.8))
    t = m.trace(0, seed=1, horizon=4.9)
    chain = t[t["entity"] == "chain"]
    assert list(zip(chain["time_h"].round(9), chain["event"])) == [
        (2.0, "service_down"),
        (3.0, "restart_step"),
        (3.2, "restart_abandoned"),
        (4.0, "restart_step"),
        (4.5, "restarted"),
        (4.5, "service_up"),
    ]


def test_restart_in_model_files_round_trips() -> None:
    m = chain_model()
    again = rs.loads(rsio.dumps(m))
    assert again == m
    assert again.services["chain"].restart.steps[0].name == "restart"
    with pytest.raises(rs.ModelFileError, match=r"services\.s\.restart\[0\].*name and a duration only"):
        rs.loads(
            "components:\n  a: {mttf: 10h, mttr: 1h}\nservices:\n  s: {requires: a, restart: [{name: r, duration: 1h, crew: x}]}\ncrews: {x: 1}\n"
        )


# --- 4. per-target shock outages -----------------------------------------------------------------


def test_per_target_outages_hand_counted() -> None:
    """A region outage at 10 h holds a, b and c. With per_target each draws its own outage from
    Empirical([1h, 3h]) (a draw per target); with stagger every target is released a drawn
    Deterministic 30 min after the shared 2 h outage (all back at 12.5 h). Hand count for the
    stagger: each target is down 10..12.5 = 2.5 h; the any_of service over them too."""
    m = rs.Model("stagger")
    for n in "abc":
        m.component(n, failure=rs.Deterministic("1000h"), repair="1h")
    m.shock("region", every=rs.Deterministic("10h"), targets=["a", "b", "c"], outage="2h", stagger="30m")
    m.service("any", rs.any_of("a", "b", "c"))
    res = m.simulate(horizon=15.0, replications=1, seed=1, progress=False)
    for n in "abc":
        assert res.component_downtime(n)[0] == pytest.approx(2.5)
    assert res.downtime("any")[0] == pytest.approx(2.5)
    assert res.downtime_by_phase("any")["shock"] == pytest.approx(2.5)

    m = rs.Model("per-target")
    for n in "abc":
        m.component(n, failure=rs.Deterministic("1000h"), repair="1h")
    m.shock("region", every=rs.Deterministic("10h"), targets=["a", "b", "c"], outage=rs.Empirical([1.0, 3.0]), per_target=True)
    m.service("all", rs.all_of("a", "b", "c"))
    m.service("any", rs.any_of("a", "b", "c"))
    res = m.simulate(horizon=15.0, replications=200, seed=2, progress=False)
    down = np.stack([res.component_downtime(n) for n in "abc"], axis=1)
    assert set(np.unique(down)) <= {1.0, 3.0}
    # Every target draws on its own: all 8 patterns occur, and the services follow them exactly.
    assert len({tuple(r) for r in down}) == 8
    np.testing.assert_allclose(res.downtime("all"), down.max(axis=1))
    np.testing.assert_allclose(res.downtime("any"), down.min(axis=1))
    # Each draw is 1 h or 3 h with probability 1/2: P(all three 1 h) = 1/8 (a binomial check,
    # 99.99 % two-sided normal interval on 200 replications).
    share = float(np.mean(down.max(axis=1) == 1.0))
    assert abs(share - 1 / 8) < 3.9 * math.sqrt(1 / 8 * 7 / 8 / 200)
    again = rs.loads(rsio.dumps(m))
    assert again == m and again.shocks["region"].per_target
