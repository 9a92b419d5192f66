"""Recovery schedules counted by hand.

Every model here is deterministic (``rs.Deterministic`` times to failure, step durations,
detection and switchover; success probabilities of exactly 0 or 1), so one replication is the
whole story and every number can be checked with a pencil. Each test writes its timeline as a
comment. ``NEVER`` is a time to failure far beyond every horizon used here.

Conventions used in the hand counts: a component fails when its age reaches its time to failure;
age grows at rate 1 while active, ``dormancy`` while a spare (0 for a cold spare), 0 while down;
after its procedure it is as good as new (age 0, same deterministic time to failure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import recoverysim as rs

D = rs.Deterministic
NEVER = D(1e9)


def sim(m: rs.Model, horizon: float, **kw) -> rs.Results:
    kw.setdefault("threads", 1)
    return m.simulate(horizon=horizon, replications=1, seed=1, progress=False, **kw)


def phases(o: pd.DataFrame, row: int) -> dict[str, float]:
    """Non-zero phase hours of outage record ``row``."""
    cols = [c for c in o.columns if c.startswith("phase_")]
    return {c[len("phase_") : -2]: float(o.loc[row, c]) for c in cols if o.loc[row, c] != 0}


def by_phase(res: rs.Results, s: str) -> dict[str, float]:
    return {k: float(v) for k, v in res.downtime_by_phase(s).items()}


# ---------------------------------------------------------------------------------------------
# Procedures: steps, crews, retries, escalation, inspections


def test_multi_step_procedure_phases_per_outage_and_in_total():
    # db: fails at age 10; detect 0.5, diagnose 1, repair 2.5 (4 h down).
    #   up 0-10, down 10-14 (detect 10-10.5, diagnose 10.5-11.5, repair 11.5-14)
    #   renewed at 14 -> fails at 24, down 24-28; next failure at 38 > horizon 30.
    m = rs.Model("steps")
    m.component("db", failure=D(10), repair=[rs.Step("detect", 0.5), rs.Step("diagnose", 1), rs.Step("repair", 2.5)])
    m.service("app", "db")
    res = sim(m, 30)

    o = res.outages("app")
    assert o["start_h"].tolist() == [10.0, 24.0]
    assert o["duration_h"].tolist() == [4.0, 4.0]
    assert o["censored"].tolist() == [False, False]
    assert o["component"].tolist() == ["db", "db"]
    assert o["mode"].tolist() == ["failure", "failure"]
    for i in range(2):
        assert phases(o, i) == {"detect": 0.5, "diagnose": 1.0, "repair": 2.5}
    # Totals: 2 x (0.5, 1, 2.5), sorted largest first.
    assert by_phase(res, "app") == {"repair": 5.0, "diagnose": 2.0, "detect": 1.0}
    assert list(res.downtime_by_phase("app").index) == ["repair", "diagnose", "detect"]
    assert res.downtime("app").tolist() == [8.0]
    assert res.component_downtime("db").tolist() == [8.0]
    assert res.failures("db").tolist() == [2]
    assert res.outage_counts("app").tolist() == [2]


def test_multi_step_outage_cut_by_the_horizon_counts_only_the_part_inside():
    # Same db, horizon 26: the second outage 24-26 is censored after detect 0.5 (24-24.5),
    # diagnose 1 (24.5-25.5) and 0.5 h of repair (25.5-26).
    m = rs.Model("steps")
    m.component("db", failure=D(10), repair=[rs.Step("detect", 0.5), rs.Step("diagnose", 1), rs.Step("repair", 2.5)])
    m.service("app", "db")
    res = sim(m, 26)
    o = res.outages("app")
    assert o["duration_h"].tolist() == [4.0, 2.0]
    assert o["censored"].tolist() == [False, True]
    assert phases(o, 1) == {"detect": 0.5, "diagnose": 1.0, "repair": 0.5}
    assert by_phase(res, "app") == {"repair": 3.0, "diagnose": 2.0, "detect": 1.0}
    assert res.downtime("app").tolist() == [6.0]


def test_two_components_contend_for_one_crew_member():
    # One on-call engineer; each repair holds them 3 h.
    #   a fails 10 -> repair 10-13.
    #   b fails 11 -> waits for the engineer 11-13 (crew_wait 2) -> repair 13-16.
    #   next failures: a at 23, b at 26, both after the horizon 20.
    # Series service "both": down 10-16, blamed on a (its failure took it down): a's repair 3 h
    # (10-13), then 3 h "other" (13-16, b still down after a recovered).
    m = rs.Model("crew")
    m.crew("oncall", 1)
    for name, ttf in (("a", 10), ("b", 11)):
        m.component(name, failure=D(ttf), repair=rs.Step("repair", 3, crew="oncall"))
    m.service("sa", "a")
    m.service("sb", "b")
    m.service("both", rs.all_of("a", "b"))
    res = sim(m, 20)

    oa, ob, both = res.outages("sa"), res.outages("sb"), res.outages("both")
    assert (oa["start_h"].tolist(), oa["duration_h"].tolist()) == ([10.0], [3.0])
    assert phases(oa, 0) == {"repair": 3.0}
    assert (ob["start_h"].tolist(), ob["duration_h"].tolist()) == ([11.0], [5.0])
    assert phases(ob, 0) == {"crew_wait": 2.0, "repair": 3.0}
    assert by_phase(res, "sb") == {"repair": 3.0, "crew_wait": 2.0}
    assert (both["start_h"].tolist(), both["duration_h"].tolist()) == ([10.0], [6.0])
    assert both["component"].tolist() == ["a"]
    assert phases(both, 0) == {"repair": 3.0, "other": 3.0}
    cause = res.downtime_by_cause("both")
    assert cause["downtime_h"].to_dict() == {("a", "failure"): 6.0}


def test_three_components_contend_for_two_crew_members():
    # Two engineers, repairs of 4 h.
    #   a fails 10   -> engineer 1, 10-14
    #   b fails 10.5 -> engineer 2, 10.5-14.5
    #   c fails 11   -> waits 11-14 (crew_wait 3) -> engineer 1 freed by a, 14-18
    #   next failures: a 24, b 24.5, c 28 > horizon 20.
    m = rs.Model("crew2")
    m.crew("oncall", 2)
    for name, ttf in (("a", 10), ("b", 10.5), ("c", 11)):
        m.component(name, failure=D(ttf), repair=rs.Step("repair", 4, crew="oncall"))
        m.service(f"s{name}", name)
    res = sim(m, 20)
    for name, start, dur, ph in (
        ("a", 10.0, 4.0, {"repair": 4.0}),
        ("b", 10.5, 4.0, {"repair": 4.0}),
        ("c", 11.0, 7.0, {"crew_wait": 3.0, "repair": 4.0}),
    ):
        o = res.outages(f"s{name}")
        assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([start], [dur]), name
        assert phases(o, 0) == ph, name
    assert res.component_downtime("c").tolist() == [7.0]


def test_crew_queue_is_first_in_first_out():
    # One engineer, repairs of 3 h; three failures queue up.
    #   a fails 10 -> repair 10-13
    #   b fails 11 -> waits 11-13 (2 h) -> repair 13-16
    #   c fails 12 -> waits 12-16 (4 h) -> repair 16-19   (LIFO would give c 1 h and b 5 h)
    #   next failures: a 23 > horizon 22.
    m = rs.Model("fifo")
    m.crew("oncall", 1)
    for name, ttf in (("a", 10), ("b", 11), ("c", 12)):
        m.component(name, failure=D(ttf), repair=rs.Step("repair", 3, crew="oncall"))
        m.service(f"s{name}", name)
    res = sim(m, 22)
    assert phases(res.outages("sb"), 0) == {"crew_wait": 2.0, "repair": 3.0}
    assert phases(res.outages("sc"), 0) == {"crew_wait": 4.0, "repair": 3.0}
    assert res.outages("sc")["duration_h"].tolist() == [7.0]


def test_failed_attempts_escalate_to_a_named_procedure_after_max_attempts():
    # restart: 0.5 h, never works (success 0), 2 attempts, then the "rebuild" procedure (3 h).
    #   fails 10: restart 10-10.5 (fails), restart 10.5-11 (fails), rebuild 11-14.
    #   renewed 14 -> fails 24 > horizon 20.
    m = rs.Model("escalate")
    m.procedure("rebuild", rs.Step("rebuild", 3))
    m.component("db", failure=D(10), repair=rs.Step("restart", 0.5, success=0.0, max_attempts=2, escalate="rebuild"))
    m.service("app", "db")
    res = sim(m, 20)
    o = res.outages("app")
    assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([10.0], [4.0])
    assert phases(o, 0) == {"restart": 1.0, "rebuild": 3.0}
    assert res.failures("db").tolist() == [1]


def test_a_retry_goes_back_to_the_crew_queue_behind_earlier_arrivals():
    # One engineer. a's restart (1 h, crew) never works; after 2 attempts a escalates to
    # "rebuild" (2 h, crew). b's repair takes 1 h with the crew.
    #   10   a fails, restart 10-11 (fails)
    #   10.5 b fails, waits (crew busy)
    #   11   a releases the engineer -> b repairs 11-12; a queues again (crew_wait 11-12)
    #   12   b done -> a restarts 12-13 (fails: attempt 2) -> escalates: rebuild 13-15
    #   a: down 10-15 = restart 2 + crew_wait 1 + rebuild 2; b: down 10.5-12 = wait 0.5 + 1.
    #   next failures: b 22.5, a 25 > horizon 20.
    m = rs.Model("retry-crew")
    m.crew("oncall", 1)
    m.procedure("rebuild", rs.Step("rebuild", 2, crew="oncall"))
    m.component("a", failure=D(10), repair=rs.Step("restart", 1, crew="oncall", success=0.0, max_attempts=2, escalate="rebuild"))
    m.component("b", failure=D(10.5), repair=rs.Step("repair", 1, crew="oncall"))
    m.service("sa", "a")
    m.service("sb", "b")
    res = sim(m, 20)
    oa, ob = res.outages("sa"), res.outages("sb")
    assert (oa["start_h"].tolist(), oa["duration_h"].tolist()) == ([10.0], [5.0])
    assert phases(oa, 0) == {"restart": 2.0, "crew_wait": 1.0, "rebuild": 2.0}
    assert (ob["start_h"].tolist(), ob["duration_h"].tolist()) == ([10.5], [1.5])
    assert phases(ob, 0) == {"crew_wait": 0.5, "repair": 1.0}


def test_inspection_step_waits_for_the_next_inspection_instant():
    # Hidden failure found by inspections at 1 + 4k (1, 5, 9, 13, ..., 29, 33).
    #   fails 10 -> waits for 13 (3 h) -> detect 13-13.5 -> repair 13.5-15.5
    #   renewed 15.5 -> fails 25.5 -> waits for 29 (3.5 h) -> 29-29.5 -> 29.5-31.5
    #   renewed 31.5 -> fails 41.5 > horizon 35.
    m = rs.Model("inspect")
    m.component("db", failure=D(10), repair=[rs.Step("detect", 0.5, every=4, offset=1), rs.Step("repair", 2)])
    m.service("app", "db")
    res = sim(m, 35)
    o = res.outages("app")
    assert o["start_h"].tolist() == [10.0, 25.5]
    assert o["duration_h"].tolist() == [5.5, 6.0]
    assert phases(o, 0) == {"inspection_wait": 3.0, "detect": 0.5, "repair": 2.0}
    assert phases(o, 1) == {"inspection_wait": 3.5, "detect": 0.5, "repair": 2.0}
    assert by_phase(res, "app") == {"inspection_wait": 6.5, "repair": 4.0, "detect": 1.0}


def test_failure_exactly_at_an_inspection_instant_does_not_wait():
    # Inspections at 1 + 4k. Fails at 9 = 1 + 2*4: no wait, detect 9-9.5, repair 9.5-11.5.
    #   renewed 11.5 -> fails 20.5 -> waits for 21 (0.5 h) -> 21-21.5 -> 21.5-23.5; horizon 25.
    m = rs.Model("inspect-on-time")
    m.component("db", failure=D(9), repair=[rs.Step("detect", 0.5, every=4, offset=1), rs.Step("repair", 2)])
    m.service("app", "db")
    res = sim(m, 25)
    o = res.outages("app")
    assert o["start_h"].tolist() == [9.0, 20.5]
    assert o["duration_h"].tolist() == [2.5, 3.0]
    assert phases(o, 0) == {"detect": 0.5, "repair": 2.0}
    assert phases(o, 1) == {"inspection_wait": 0.5, "detect": 0.5, "repair": 2.0}


def test_phases_of_a_component_already_waiting_for_the_crew_when_the_outage_starts():
    # 2 of {a, b, c} needed; one engineer, repairs of 4 h; c never fails.
    #   a fails 10 -> repair 10-14 (service still up: b, c)
    #   b fails 11 -> service down (blamed on b), b waits for the engineer 11-14
    #   a recovers 14 -> service up (a, c). Outage 11-14 = b's crew_wait 3 h.
    #   b repairs 14-18; next failures a 24, b 28 > horizon 20.
    m = rs.Model("queue-at-start")
    m.crew("oncall", 1)
    m.component("a", failure=D(10), repair=rs.Step("repair", 4, crew="oncall"))
    m.component("b", failure=D(11), repair=rs.Step("repair", 4, crew="oncall"))
    m.component("c", failure=NEVER, repair=1)
    m.service("quorum", rs.k_of_n(2, "a", "b", "c"))
    res = sim(m, 20)
    o = res.outages("quorum")
    assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([11.0], [3.0])
    assert o["component"].tolist() == ["b"]
    assert phases(o, 0) == {"crew_wait": 3.0}


# ---------------------------------------------------------------------------------------------
# Standby groups


def test_standby_outage_is_detection_plus_switchover():
    # a active; fails 10; detect 10-10.5; switchover to b 10.5-10.75; b serves from 10.75.
    # a repaired 10-15, then a cold spare (never ages, never fails again). b never fails.
    m = rs.Model("standby")
    m.component("a", failure=D(10), repair=5)
    m.component("b", failure=NEVER, repair=5)
    m.service("db", rs.standby("a", "b", detection=0.5, switchover=0.25))
    res = sim(m, 30)
    o = res.outages("db")
    assert o["start_h"].tolist() == [10.0]
    assert o["duration_h"].tolist() == [0.75]
    assert o["component"].tolist() == ["a"]
    assert phases(o, 0) == {"detect": 0.5, "switchover": 0.25}
    assert by_phase(res, "db") == {"detect": 0.5, "switchover": 0.25}
    assert res.failures("a").tolist() == [1]  # a cold spare from 15 on: its TTF of 10 never fires
    assert res.component_downtime("a").tolist() == [5.0]


def test_standby_nested_in_a_series_explains_the_rest_as_other():
    # all_of(standby(a, b), c). a fails 10 -> group down: detect 10-10.5, switchover 10.5-10.75.
    # c fails 10.25 -> down until 12.25. Outage 10-12.25 (2.25 h), blamed on the standby group:
    # detect 0.5 + switchover 0.25, then 1.5 h other (group back, c still down).
    m = rs.Model("nested")
    m.component("a", failure=D(10), repair=5)
    m.component("b", failure=NEVER, repair=5)
    m.component("c", failure=D(10.25), repair=2)
    m.service("app", rs.all_of(rs.standby("a", "b", detection=0.5, switchover=0.25), "c"))
    res = sim(m, 20)
    o = res.outages("app")
    assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([10.0], [2.25])
    assert o["component"].tolist() == ["a"]
    assert phases(o, 0) == {"detect": 0.5, "switchover": 0.25, "other": 1.5}


def test_standby_with_the_spare_down_waits_for_the_first_member_to_recover():
    # Hot standby (dormancy 1): both members age at rate 1. detection 1, switchover 0.
    #   b (spare) fails 6 -> repair 4 -> up 10 (group unaffected: a is active)
    #   a fails 8 -> detect 8-9 -> no spare up -> no_spare 9-10 -> b recovers 10 and serves
    #     outage 1: 8-10 = detect 1 + no_spare 1, caused by a
    #   b renewed at 10 -> fails 16 -> detect 16-17 -> a still down (repair 10: 8-18) -> no_spare
    #   a recovers 18 and serves: outage 2: 16-18 = detect 1 + no_spare 1, caused by b.
    #   a renewed 18 -> fails 26 > horizon 19; b down 16-20 (censored).
    m = rs.Model("spare-down")
    m.component("a", failure=D(8), repair=10)
    m.component("b", failure=D(6), repair=4)
    m.service("db", rs.standby("a", "b", detection=1, dormancy=1.0))
    res = sim(m, 19)
    o = res.outages("db")
    assert o["start_h"].tolist() == [8.0, 16.0]
    assert o["duration_h"].tolist() == [2.0, 2.0]
    assert o["component"].tolist() == ["a", "b"]
    assert o["censored"].tolist() == [False, False]
    for i in range(2):
        assert phases(o, i) == {"detect": 1.0, "no_spare": 1.0}
    assert res.failures("a").tolist() == [1]
    assert res.failures("b").tolist() == [2]
    assert res.component_downtime("a").tolist() == [10.0]
    assert res.component_downtime("b").tolist() == [7.0]  # 6-10 and 16-19 (horizon)


def test_failed_switchover_keeps_the_group_down_until_a_member_recovers():
    # Switchover never succeeds. a fails 10: detect 10-11, switchover 11-12 fails, no_spare
    # 12-15 until a (repair 5) recovers at 15 and serves again: outage 10-15.
    # a renewed 15 -> fails 25: detect 25-26, switchover 26-27 would end at the horizon 27,
    # where nothing is processed: censored outage 25-27 (detect 1 + switchover 1).
    m = rs.Model("failed-switchover")
    m.component("a", failure=D(10), repair=5)
    m.component("b", failure=NEVER, repair=5)
    m.service("db", rs.standby("a", "b", detection=1, switchover=1, success=0.0))
    res = sim(m, 27)
    o = res.outages("db")
    assert o["start_h"].tolist() == [10.0, 25.0]
    assert o["duration_h"].tolist() == [5.0, 2.0]
    assert o["censored"].tolist() == [False, True]
    assert o["component"].tolist() == ["a", "a"]
    assert phases(o, 0) == {"detect": 1.0, "switchover": 1.0, "no_spare": 3.0}
    assert phases(o, 1) == {"detect": 1.0, "switchover": 1.0}
    assert res.failures("a").tolist() == [2]


def test_spare_failing_during_detection_leaves_no_spare_until_it_recovers():
    # Hot standby, detection 2, switchover 1.
    #   a fails 10 -> detect 10-12; b (the only spare) fails at 11 (age 11), repair 2 -> up 13
    #   at 12 no member is up -> no_spare 12-13 -> b recovers at 13 and serves at once.
    #   Outage 10-13 = detect 2 + no_spare 1. Next failures: b 24, a (back at 15) 25 > 20.
    m = rs.Model("spare-dies-in-detection")
    m.component("a", failure=D(10), repair=5)
    m.component("b", failure=D(11), repair=2)
    m.service("db", rs.standby("a", "b", detection=2, switchover=1, dormancy=1.0))
    res = sim(m, 20)
    o = res.outages("db")
    assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([10.0], [3.0])
    assert phases(o, 0) == {"detect": 2.0, "no_spare": 1.0}


def test_active_member_recovering_during_switchover_resumes_and_cancels_it():
    # Cold standby, detection 1, switchover 1. a fails 10, detect 10-11, switchover to b from 11;
    # a is repaired at 11.5 (1.5 h) and resumes: outage 10-11.5 = detect 1 + switchover 0.5.
    # The cancelled switchover must not complete at 12: a stays active and fails again at 21.5
    # (had b taken over, a would be a cold spare and b never fails: no second outage).
    m = rs.Model("active-back-in-switchover")
    m.component("a", failure=D(10), repair=1.5)
    m.component("b", failure=NEVER, repair=1)
    m.service("db", rs.standby("a", "b", detection=1, switchover=1))
    res = sim(m, 25)
    o = res.outages("db")
    assert o["start_h"].tolist() == [10.0, 21.5]
    assert o["duration_h"].tolist() == [1.5, 1.5]
    assert phases(o, 0) == {"detect": 1.0, "switchover": 0.5}
    assert res.failures("a").tolist() == [2]


def test_target_failing_during_switchover_moves_on_to_the_next_spare():
    # Hot standby a, b, c; detection 1, switchover 1.
    #   a fails 10 -> detect 10-11 -> switchover to b from 11
    #   b fails at 11.5 (age 11.5) during the switchover -> switchover to c at once, 11.5-12.5
    #   Outage 10-12.5 = detect 1 + switchover 1.5 (0.5 wasted on b). Horizon 14.
    m = rs.Model("target-dies")
    m.component("a", failure=D(10), repair=5)
    m.component("b", failure=D(11.5), repair=5)
    m.component("c", failure=NEVER, repair=5)
    m.service("db", rs.standby("a", "b", "c", detection=1, switchover=1, dormancy=1.0))
    res = sim(m, 14)
    o = res.outages("db")
    assert (o["start_h"].tolist(), o["duration_h"].tolist()) == ([10.0], [2.5])
    assert o["component"].tolist() == ["a"]
    assert phases(o, 0) == {"detect": 1.0, "switchover": 1.5}


def test_warm_spare_ages_at_the_dormancy_rate_until_it_takes_over():
    # dormancy 0.5, detection 1, switchover 1; b's time to failure is 10 h of age.
    #   a fails 4 -> detect 4-5 -> switchover 5-6 -> b active at 6 with age 6 * 0.5 = 3
    #   b fails when its age reaches 10: 6 + (10 - 3) / 1 = 13
    #   (cold would give 16, hot 10, dormancy-until-failure-of-a 12, spare-forever 20)
    #   a is still in repair (100 h): detect 13-14, no_spare 14-20 (horizon): censored.
    m = rs.Model("warm")
    m.component("a", failure=D(4), repair=100)
    m.component("b", failure=D(10), repair=100)
    m.service("db", rs.standby("a", "b", detection=1, switchover=1, dormancy=0.5))
    res = sim(m, 20)
    o = res.outages("db")
    assert o["start_h"].tolist() == [4.0, 13.0]
    assert o["duration_h"].tolist() == [2.0, 7.0]
    assert o["censored"].tolist() == [False, True]
    assert o["component"].tolist() == ["a", "b"]
    assert phases(o, 0) == {"detect": 1.0, "switchover": 1.0}
    assert phases(o, 1) == {"detect": 1.0, "no_spare": 6.0}
    assert res.component_downtime("b").tolist() == [7.0]


def test_cold_spare_never_fails_while_it_waits():
    # b's time to failure is 1 h of age, but as a cold spare (dormancy 0) it does not age.
    #   a fails 10 -> detect 10-10.5 -> b active at 10.5 (age 0) -> b fails 11.5
    #   detect 11.5-12 -> a down (repair 5: 10-15) -> no_spare 12-15 -> a serves from 15.
    #   a renewed 15 -> fails 25 > horizon 20; b down 11.5-21.5.
    m = rs.Model("cold")
    m.component("a", failure=D(10), repair=5)
    m.component("b", failure=D(1), repair=10)
    m.service("db", rs.standby("a", "b", detection=0.5))
    res = sim(m, 20)
    o = res.outages("db")
    assert o["start_h"].tolist() == [10.0, 11.5]
    assert o["duration_h"].tolist() == [0.5, 3.5]
    assert o["component"].tolist() == ["a", "b"]
    assert phases(o, 1) == {"detect": 0.5, "no_spare": 3.0}
    assert res.failures("b").tolist() == [1]


def test_standby_is_non_revertive():
    # Cold standby, detection 0.5, switchover 0.
    #   a fails 10 -> b serves from 10.5; a repaired at 12 and becomes the (cold) spare
    #   b fails at 10.5 + 20 = 30.5 -> a serves from 31 -> a fails at 41 -> b (repaired at
    #   32.5) serves from 41.5. A revertive group would have a back at 12 and failing at 22.
    m = rs.Model("non-revertive")
    m.component("a", failure=D(10), repair=2)
    m.component("b", failure=D(20), repair=2)
    m.service("db", rs.standby("a", "b", detection=0.5))
    res = sim(m, 45)
    o = res.outages("db")
    assert o["start_h"].tolist() == [10.0, 30.5, 41.0]
    assert o["duration_h"].tolist() == [0.5, 0.5, 0.5]
    assert o["component"].tolist() == ["a", "b", "a"]
    assert res.failures("a").tolist() == [2]
    assert res.failures("b").tolist() == [1]


# ---------------------------------------------------------------------------------------------
# Root causes, RTO


def test_downtime_by_cause_in_a_series_system():
    # all_of(a, b). a (disk): fails every 10 h of age, 2 h repair -> down 10-12, 22-24 (4 h).
    # b (psu): fails at 25, 3 h repair -> down 25-28 (3 h). Horizon 30; no overlap.
    m = rs.Model("causes")
    m.component("a", modes=[rs.FailureMode("disk", D(10), 2)])
    m.component("b", modes=[rs.FailureMode("psu", D(25), 3)])
    m.service("s", rs.all_of("a", "b"))
    res = sim(m, 30)
    by = res.downtime_by_cause("s")
    assert list(by.index) == [("a", "disk"), ("b", "psu")]
    assert by["downtime_h"].tolist() == [4.0, 3.0]
    assert by["share"].tolist() == pytest.approx([4 / 7, 3 / 7])
    assert res.downtime_by_component("s").to_dict() == pytest.approx({"a": 4 / 7, "b": 3 / 7})
    o = res.outages("s")
    assert o["start_h"].tolist() == [10.0, 22.0, 25.0]
    assert o["component"].tolist() == ["a", "a", "b"]
    assert o["mode"].tolist() == ["disk", "disk", "psu"]
    assert res.downtime("s").tolist() == [7.0]


def test_rto_breaches_include_an_open_outage_and_compliance_leaves_out_short_open_ones():
    # RTO 2.5 h, horizon 24.
    #   a: 1 h repairs, down 10-11 and 21-22 (met, met)
    #   b: 3 h repair, down 14-17 (breach)
    #   c: fails 23, 10 h repair: open at the horizon after 1 h -> censored, outcome unknown:
    #      neither met nor breached
    #   d (alone in s2): fails 18, 10 h repair: open for 6 h > RTO at the horizon -> breach
    # s1: met 2, breaches 1 -> compliance 2/3. s2: met 0, breaches 1 -> compliance 0.
    m = rs.Model("rto")
    m.component("a", failure=D(10), repair=1)
    m.component("b", failure=D(14), repair=3)
    m.component("c", failure=D(23), repair=10)
    m.component("d", failure=D(18), repair=10)
    m.service("s1", rs.all_of("a", "b", "c"), rto=2.5)
    m.service("s2", "d", rto=2.5)
    res = sim(m, 24)

    o1 = res.outages("s1")
    assert o1["start_h"].tolist() == [10.0, 14.0, 21.0, 23.0]
    assert o1["duration_h"].tolist() == [1.0, 3.0, 1.0, 1.0]
    assert o1["censored"].tolist() == [False, False, False, True]
    assert o1["rto_breach"].tolist() == [False, True, False, False]
    assert res.rto_breaches("s1").tolist() == [1]
    assert res.raw.service_rto_met[:, 0].tolist() == [2]
    assert res.rto_compliance("s1").mean == pytest.approx(2 / 3)
    assert res.p_rto_breach("s1").mean == 1.0
    assert res.max_outage("s1").tolist() == [3.0]

    o2 = res.outages("s2")
    assert (o2["start_h"].tolist(), o2["duration_h"].tolist()) == ([18.0], [6.0])
    assert o2["censored"].tolist() == [True]
    assert o2["rto_breach"].tolist() == [True]
    assert res.rto_breaches("s2").tolist() == [1]
    assert res.rto_compliance("s2").mean == 0.0


def test_outage_record_columns():
    # a fails at 10, 1 h repair; RTO 2 h: one outage 10-11, met. Horizon 15 (next failure 21).
    m = rs.Model("cols")
    m.component("a", failure=D(10), repair=1)
    m.service("s", "a", rto=2)
    res = sim(m, 15)
    o = res.outages("s")
    expected = ["replication", "service", "start_h", "duration_h", "censored", "component", "mode", "rto_breach", "phase_repair_h"]
    cols = list(o.columns)
    assert [c for c in cols if c in expected] == expected  # all there, in this order
    assert len(cols) == len(set(cols))
    assert o.loc[0, expected].tolist() == [0, "s", 10.0, 1.0, False, "a", "failure", False, 1.0]
    assert o["censored"].dtype == bool and o["rto_breach"].dtype == bool
    assert res.outages().equals(o)  # one service: the unfiltered table is the same


def test_instant_failover_is_not_an_outage():
    # detection = switchover = 0 (the defaults): a fails at 10 and b serves from 10 on. The
    # service is never unavailable, so there is no outage (not a 0 h one: it would count in the
    # outages, the mean outage length and the RTO compliance).
    m = rs.Model("instant")
    m.component("a", failure=D(10), repair=5)
    m.component("b", failure=NEVER, repair=5)
    m.service("db", rs.standby("a", "b"), rto=1)
    res = sim(m, 20)
    assert res.failures("a").tolist() == [1]
    assert res.outage_counts("db").tolist() == [0]
    assert len(res.outages("db")) == 0
    assert res.downtime("db").tolist() == [0.0]
    assert np.isnan(res.rto_compliance("db").mean)


# ---------------------------------------------------------------------------------------------
# Data loss


def data_model(*, backup: rs.Backup | None, data_loss=True, replication: rs.Replication | None = None) -> rs.Model:
    # db: loses data at age 4.25, 1 h repair -> failures at 4.25, 9.5, 14.75 (horizon 15).
    m = rs.Model("data")
    m.component("db", failure=D(4.25), repair=1, data_loss=data_loss, backup=backup, replication=replication)
    m.service("app", "db", rpo=1)
    return m


EVERY_2H = dict(every=2, duration=0.5)  # backups start at 0, 2, 4, ... and complete 0.5 h later


def test_data_loss_goes_back_to_the_latest_completed_backup():
    #   fails 4.25: backup of 4 still running (until 4.5) -> does not count; backup of 2
    #               completed at 2.5 -> recovery point 2, loss 2.25
    #   repaired 5.25; fails 9.5: backups 6 and 8 ran while up; 8 completed at 8.5 -> loss 1.5
    #   repaired 10.5; fails 14.75: backup 14 completed at 14.5 -> loss 0.75
    res = sim(data_model(backup=rs.Backup(**EVERY_2H)), 15)
    dl = res.data_losses()
    assert dl["component"].tolist() == ["db"] * 3
    assert dl["mode"].tolist() == ["failure"] * 3
    assert dl["time_h"].tolist() == [4.25, 9.5, 14.75]
    assert dl["loss_h"].tolist() == [2.25, 1.5, 0.75]
    assert res.data_loss_incidents("app").tolist() == [3]
    assert res.data_lost("app").tolist() == [4.5]
    # RPO 1 h: 2.25 and 1.5 breach it, 0.75 meets it.
    assert res.rpo_breaches("app").tolist() == [2]
    assert res.rpo_compliance("app").mean == pytest.approx(1 / 3)


def test_backup_offset_moves_the_recovery_points():
    # Backups at 1, 3, 5, ... (offset 1).
    #   fails 4.25: backup 3 completed at 3.5 -> loss 1.25; repaired 5.25 (backup 5 skipped)
    #   fails 9.5: backup 9 completes at 9.5, exactly at the failure -> counts -> loss 0.5
    #   repaired 10.5; fails 14.75: backup 13 completed at 13.5 -> loss 1.75
    res = sim(data_model(backup=rs.Backup(every=2, duration=0.5, offset=1)), 15)
    assert res.data_losses()["loss_h"].tolist() == [1.25, 0.5, 1.75]


@pytest.mark.parametrize(("window", "loss"), [(1.0, 4.0), (1.25, 8.25)], ids=["back-at-backup-start", "down-at-backup-start"])
def test_backup_due_when_the_component_comes_back(window, loss):
    # Backups at 0, 4, 8 (0.5 h). A maintenance window takes db down at 3 (no data lost; the
    # recovery point so far is the baseline 0) and renews it: db then fails, losing data, 4 h of
    # age after the window.
    #   window 1 h: back up at 4, exactly when backup 4 starts -> it runs (db is up then) and
    #     completes at 4.5; db fails at 8 while backup 8 is still running -> loss 8 - 4 = 4
    #   window 1.25 h: db is down when backup 4 is due -> skipped; fails at 8.25 with backup 8
    #     still running -> back to the baseline: loss 8.25
    m = rs.Model("backup-at-up-since")
    m.component("db", failure=D(4), repair=1, data_loss=True, backup=rs.Backup(every=4, duration=0.5))
    m.service("app", "db")
    m.maintenance("patch", targets="db", every=100, offset=3, duration=window)
    res = sim(m, 10)
    assert res.planned_downtime("app").tolist() == [window]
    dl = res.data_losses()
    assert dl["time_h"].tolist() == [3 + window + 4]
    assert dl["loss_h"].tolist() == [loss]


def test_without_a_successful_backup_the_loss_runs_from_the_baseline():
    # Every backup fails (success 0): the recovery point is the baseline, 0 at the start and then
    # the end of the previous data-loss incident's recovery.
    #   fails 4.25: loss 4.25 - 0 = 4.25; repaired 5.25
    #   fails 9.5:  loss 9.5 - 5.25 = 4.25 (not 9.5 - 4.25 or 9.5); repaired 10.5
    #   fails 14.75: loss 14.75 - 10.5 = 4.25
    res = sim(data_model(backup=rs.Backup(every=2, duration=0.5, success=0.0)), 15)
    assert res.data_losses()["loss_h"].tolist() == [4.25, 4.25, 4.25]
    # No backups at all: the same.
    res = sim(data_model(backup=None), 15)
    assert res.data_losses()["loss_h"].tolist() == [4.25, 4.25, 4.25]


def test_replication_lag_bounds_the_loss_and_backup_mode_ignores_the_replica():
    # Replica 0.125 h behind: loss = min(backup window, 0.125).
    res = sim(data_model(backup=rs.Backup(**EVERY_2H), replication=rs.Replication(D(0.125))), 15)
    assert res.data_losses()["loss_h"].tolist() == [0.125, 0.125, 0.125]
    # Lag 2 h: min(2.25, 2), min(1.5, 2), min(0.75, 2).
    res = sim(data_model(backup=rs.Backup(**EVERY_2H), replication=rs.Replication(D(2))), 15)
    assert res.data_losses()["loss_h"].tolist() == [2.0, 1.5, 0.75]
    # Lag 3 h and no successful backups: min(4.25, 3) each time.
    res = sim(data_model(backup=rs.Backup(every=2, duration=0.5, success=0.0), replication=rs.Replication(D(3))), 15)
    assert res.data_losses()["loss_h"].tolist() == [3.0, 3.0, 3.0]
    # data_loss="backup": the replica is lost too -> the backup windows 2.25, 1.5, 0.75.
    res = sim(data_model(backup=rs.Backup(**EVERY_2H), replication=rs.Replication(D(0.125)), data_loss="backup"), 15)
    assert res.data_losses()["loss_h"].tolist() == [2.25, 1.5, 0.75]


def test_failures_without_data_loss_lose_nothing():
    res = sim(data_model(backup=rs.Backup(**EVERY_2H), data_loss=False), 15)
    assert len(res.data_losses()) == 0
    assert res.data_loss_incidents("app").tolist() == [0]
    assert np.isnan(res.rpo_compliance("app").mean)


def test_data_loss_incidents_count_for_every_service_above_the_component():
    # Losses 2.25, 1.5, 0.75 (see above) count for "app" (db alone) and "report"
    # (any_of(db, cache): never down, but its data lives on db), not for "cache-only".
    m = rs.Model("shared")
    m.component("db", failure=D(4.25), repair=1, data_loss=True, backup=rs.Backup(**EVERY_2H))
    m.component("cache", failure=NEVER, repair=1)
    m.service("app", "db", rpo=1)
    m.service("report", rs.any_of("db", "cache"), rpo=2)
    m.service("cache-only", "cache")
    res = sim(m, 15)
    for s in ("app", "report"):
        assert res.data_loss_incidents(s).tolist() == [3], s
        assert res.data_lost(s).tolist() == [4.5], s
    assert res.data_loss_incidents("cache-only").tolist() == [0]
    assert res.rpo_breaches("app").tolist() == [2]  # 2.25, 1.5 > 1
    assert res.rpo_breaches("report").tolist() == [1]  # 2.25 > 2
    assert res.rpo_compliance("report").mean == pytest.approx(2 / 3)
    assert res.downtime("report").tolist() == [0.0]
    assert len(res.data_losses()) == 3  # one record per incident, not per service


# ---------------------------------------------------------------------------------------------
# Threads


def mixed_model() -> rs.Model:
    E = rs.Exponential
    m = rs.Model("mixed")
    m.crew("oncall", 1)
    m.procedure("rebuild", rs.Step("rebuild", E(3), crew="oncall"))
    for i, n in enumerate("abcde"):
        m.component(
            n,
            modes=[
                rs.FailureMode(
                    "f",
                    E(20 + 5 * i),
                    [
                        rs.Step("detect", E(0.5), every=2 if i % 2 else None),
                        rs.Step("repair", D(2), crew="oncall" if i < 3 else None, success=0.5, max_attempts=2, escalate="rebuild"),
                    ],
                    data_loss=True if i == 4 else False,
                    cascades=[rs.Cascade("d", probability=0.5, delay=E(0.2))] if i == 0 else (),
                )
            ],
            backup=rs.Backup(every=2, duration=0.5, success=0.7) if i == 4 else None,
            replication=rs.Replication(E(1)) if i == 4 else None,
        )
    m.service("db", rs.standby("a", "b", "c", detection=E(0.3), switchover=E(0.3), success=0.7, dormancy=0.5))
    m.service("app", rs.all_of("db", rs.any_of("d", "e")), rto=1.5, rpo=0.5)
    m.service("quorum", rs.k_of_n(2, "a", "d", "e"))
    m.shock("dc", every=E(60), targets=["d", "e"], outage=E(2))
    m.maintenance("patch", targets="c", every=50, duration=D(1))
    return m


def test_results_do_not_depend_on_the_number_of_threads():
    m = mixed_model()
    r1 = m.simulate(horizon=300, replications=64, seed=11, threads=1, progress=False)
    r2 = m.simulate(horizon=300, replications=64, seed=11, threads=2, progress=False)
    for k, arr in r1.raw.arrays().items():
        np.testing.assert_array_equal(arr, getattr(r2.raw, k), err_msg=k)
    assert r1.raw == r2.raw
    for s in r1.service_names:
        pd.testing.assert_frame_equal(r1.outages(s), r2.outages(s))
    pd.testing.assert_frame_equal(r1.outages(), r2.outages())
    pd.testing.assert_frame_equal(r1.data_losses(), r2.data_losses())
    assert len(r1.outages("db")) > 0 and len(r1.data_losses()) > 0


# ---------------------------------------------------------------------------------------------
# Suspected bugs (strict xfail: each passes once the bug is fixed)


def test_a_step_named_start_keeps_a_single_start_column():
    # stop 1 h, start 2 h: one outage 10-13. Horizon 20 (next failure at 23).
    m = rs.Model("names")
    m.component("app", failure=D(10), repair=[rs.Step("stop", 1), rs.Step("start", 2)])
    m.service("s", "app")
    o = sim(m, 20).outages("s")
    assert list(o.columns).count("start_h") == 1
    assert o["phase_start_h"].tolist() == [2.0]
    assert o["start_h"].tolist() == [10.0]
    assert o["duration_h"].tolist() == [3.0]


def test_backups_due_while_a_shock_holds_the_component_down_are_skipped():
    # db: data-losing failure at age 6, 1 h repair; backups at 0, 2, 4, ... taking 0.5 h.
    # A shock every 5 h holds db down for 3.5 h: 5-8.5 (the next one, at 10, is after the horizon).
    #   backup 4 completes at 4.5 while db is up: recovery point 4
    #   held 5-8.5 (age frozen at 5): backups 6 and 8 are due while db is down -> skipped
    #   released 8.5, age 5 -> fails at 9.5 (age 6): loses 9.5 - 4 = 5.5 h
    #   (the engine takes backup 8, "run" while db was held down, and reports 1.5 h)
    m = rs.Model("hold-backup")
    m.component("db", failure=D(6), repair=1, data_loss=True, backup=rs.Backup(every=2, duration=0.5))
    m.service("app", "db")
    m.shock("region", every=D(5), targets="db", outage=D(3.5))
    res = sim(m, 9.75)
    o = res.outages("app")
    assert o["start_h"].tolist() == [5.0, 9.5]
    assert o["shock"].tolist()[0] == "region"
    dl = res.data_losses()
    assert dl["time_h"].tolist() == [9.5]
    assert dl["loss_h"].tolist() == [5.5]
