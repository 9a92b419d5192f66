"""Crews of issue 14: several members at once, priorities (non-preemptive and preemptive-resume),
calendars (working hours), and spare pools. Each statistical case is checked against a Markov
chain written out and solved in the test (and, where it can express the model, the engine's own
exact solver); deterministic cases against hand-counted timelines.

Tolerances: |sim - exact| < 4 standard errors of the mean over replications (each replication a
long, independent horizon), so a correct engine fails about once in 16,000 runs.
"""

from __future__ import annotations

import numpy as np
import pytest

import recoverysim as rs

HORIZON = 20_000.0  # hours per replication: hundreds of failure/repair cycles
REPS = 40


def _steady_state(q: np.ndarray) -> np.ndarray:
    """pi Q = 0, sum(pi) = 1 for a generator Q (rows sum to 0)."""
    n = q.shape[0]
    a = np.vstack([q.T, np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    return pi


def _generator(rates: dict[tuple[int, int], float], n: int) -> np.ndarray:
    q = np.zeros((n, n))
    for (i, j), r in rates.items():
        q[i, j] += r
        q[i, i] -= r
    return q


def _availability(res: rs.Results, service: str) -> tuple[float, float]:
    a = 1.0 - res.downtime(service) / res.horizon
    return float(a.mean()), float(a.std(ddof=1) / np.sqrt(len(a)))


def _two_on_one_crew(preemptive: bool) -> rs.Model:
    m = rs.Model("priority")
    m.crew("ops", 1, preemptive=preemptive)
    m.component("critical", modes=[rs.FailureMode("f", rs.Exponential(100), rs.Step("repair", rs.Exponential(5), crew="ops"), priority=2)])
    m.component("low", modes=[rs.FailureMode("f", rs.Exponential(100), rs.Step("repair", rs.Exponential(5), crew="ops"))])
    m.service("c", "critical")
    m.service("l", "low")
    return m


def _priority_chain(preemptive: bool) -> tuple[float, float]:
    """Availability of (critical, low): both MTTF 100 h (lambda = 0.01/h), MTTR 5 h (mu = 0.2/h),
    one repairer, critical first.

    States: 0 both up; 1 critical being repaired; 2 low being repaired; 3 both down, critical
    being repaired (low waits); 4 both down, low being repaired, critical waits (only without
    preemption: a critical failure while low is repaired waits for the repairer).

    Preemptive-resume: from 2 a critical failure preempts the low repair -> 3 (exponential repair
    times are memoryless, so resuming equals restarting in distribution). The critical component
    then never waits: it alternates up (mean 100 h) and repaired (mean 5 h), so its availability
    is exactly 100/105 whatever the low one does.
    """
    lam, mu = 0.01, 0.2
    rates = {(0, 1): lam, (0, 2): lam, (1, 0): mu, (1, 3): lam, (3, 2): mu, (2, 0): mu}
    if preemptive:
        rates[(2, 3)] = lam
    else:
        rates[(2, 4)] = lam
        rates[(4, 1)] = mu  # low done: the repairer goes to the waiting critical one
    pi = _steady_state(_generator(rates, 4 if preemptive else 5))
    crit = pi[0] + pi[2]
    low = pi[0] + pi[1]
    return crit, low


@pytest.mark.parametrize("preemptive", [True, False], ids=["preemptive", "non-preemptive"])
def test_priority_between_two_components_matches_the_markov_chain(preemptive: bool) -> None:
    crit_exact, low_exact = _priority_chain(preemptive)
    if preemptive:
        assert crit_exact == pytest.approx(100 / 105, rel=1e-12)
    m = _two_on_one_crew(preemptive)
    res = m.simulate(horizon=HORIZON, replications=REPS, seed=14, progress=False)
    for service, exact in (("c", crit_exact), ("l", low_exact)):
        sim, se = _availability(res, service)
        assert abs(sim - exact) < 4 * se, (service, sim, exact, se)
    # The engine's own chain (priorities and preemption in the state space) agrees exactly.
    ex = m.exact()
    assert ex.availability("c") == pytest.approx(crit_exact, rel=1e-9)
    assert ex.availability("l") == pytest.approx(low_exact, rel=1e-9)


def test_priority_inherited_from_the_service_above() -> None:
    """Without its own priority, a component takes the highest priority of the services above it:
    the same chain as a priority on the mode."""
    m = rs.Model("inherit")
    m.crew("ops", 1, preemptive=True)
    m.component("critical", modes=[rs.FailureMode("f", rs.Exponential(100), rs.Step("repair", rs.Exponential(5), crew="ops"))])
    m.component("low", modes=[rs.FailureMode("f", rs.Exponential(100), rs.Step("repair", rs.Exponential(5), crew="ops"))])
    m.service("c", "critical", priority=1)
    m.service("l", "low")
    m.service("both", rs.all_of("c", "l"), priority=0)  # lower: does not lower the critical one
    crit_exact, low_exact = _priority_chain(True)
    ex = m.exact()
    assert ex.availability("c") == pytest.approx(crit_exact, rel=1e-9)
    assert ex.availability("l") == pytest.approx(low_exact, rel=1e-9)


def _timeline(m: rs.Model, horizon: float) -> list[tuple[float, str, str, str]]:
    df = m.trace(horizon=horizon, seed=1)
    return [(round(float(r.time_h), 9), r.event, r.entity, r.detail) for r in df.itertuples()]


def test_several_members_are_taken_together_and_nobody_overtakes() -> None:
    """Hand-counted timeline. Custodians: 5. 'a' fails at 10 and needs 3 for 4 h (10..14);
    'b' fails at 11 and needs 3: only 2 are free, it waits; 'c' fails at 12 and needs 1: one is
    free, but b waits ahead of it on the same crew, so c waits too (no overtaking). At 14 a's
    three come back: b takes 3 (14..18) and c takes 1 (14..16).
    """
    m = rs.Model("ceremony")
    m.crew("custodians", 5)
    for name, at, need, dur in (("a", 10, 3, 4), ("b", 11, 3, 4), ("c", 12, 1, 2)):
        m.component(name, failure=rs.Deterministic(at), repair=rs.Step("ceremony", dur, crew={"custodians": need}))
        m.service(f"s-{name}", name)
    res = m.simulate(horizon=15.5, replications=1, seed=1, progress=False)
    # downtime within 15.5 h: a 10..14 = 4; b 11..15.5 = 4.5; c 12..15.5 = 3.5 (c ends at 16)
    assert res.downtime("s-a")[0] == pytest.approx(4.0)
    assert res.downtime("s-b")[0] == pytest.approx(4.5)
    assert res.downtime("s-c")[0] == pytest.approx(3.5)
    # Horizon 20: before the next failures (a at 14 + 10 = 24, c at 28, b at 29).
    res = m.simulate(horizon=20, replications=1, seed=1, progress=False)
    for s, expected in (("s-a", 4.0), ("s-b", 7.0), ("s-c", 4.0)):
        assert res.downtime(s)[0] == pytest.approx(expected)
    # b waited 11..14, c waited 12..14: crew_wait
    assert res.downtime_by_phase("s-b")["crew_wait"] == pytest.approx(3.0)
    assert res.downtime_by_phase("s-c")["crew_wait"] == pytest.approx(2.0)
    starts = [(t, e) for t, ev, e, _ in _timeline(m, 20) if ev == "step_start"]
    assert starts == [(10.0, "a"), (14.0, "b"), (14.0, "c")]


def test_members_from_several_crews_are_held_together() -> None:
    """'a' needs a dba and a vendor for 2 h from 1; 'b' needs the vendor for 1 h from 2 (waits
    until 3, 3..4); 'c' needs the dba from 1.5: the dba is held by a until 3, then c runs 3..4.
    Horizon 3.9: before a's next failure (at 3 + 1 = 4)."""
    m = rs.Model("two-crews")
    m.crew("dba", 1)
    m.crew("vendor", 1)
    m.component("a", failure=rs.Deterministic(1), repair=rs.Step("fix", 2, crew={"dba": 1, "vendor": 1}))
    m.component("b", failure=rs.Deterministic(2), repair=rs.Step("fix", 1, crew="vendor"))
    m.component("c", failure=rs.Deterministic(1.5), repair=rs.Step("fix", 1, crew={"dba": 1}))
    for n in "abc":
        m.service(f"s-{n}", n)
    res = m.simulate(horizon=3.9, replications=1, seed=1, progress=False)
    assert [res.downtime(f"s-{n}")[0] for n in "abc"] == pytest.approx([2.0, 1.9, 2.4])
    starts = [(t, e) for t, ev, e, _ in _timeline(m, 3.9) if ev == "step_start"]
    assert starts == [(1.0, "a"), (3.0, "b"), (3.0, "c")]


def test_a_preempted_step_resumes_with_its_remaining_time() -> None:
    """Hand-counted: low fails at 1 (repair 5 h: 1..4 done 3 h), critical fails at 4 (repair 3 h)
    and preempts: 4..7; low resumes at 7 with 2 h left and ends at 9. Horizon 9.5 (next failures:
    low at 10, critical at 11)."""
    m = rs.Model("resume")
    m.crew("ops", 1, preemptive=True)
    m.component("low", failure=rs.Deterministic(1), repair=rs.Step("repair", 5, crew="ops"))
    m.component("critical", modes=[rs.FailureMode("f", rs.Deterministic(4), rs.Step("repair", 3, crew="ops"), priority=1)])
    m.service("l", "low")
    m.service("c", "critical")
    res = m.simulate(horizon=9.5, replications=1, seed=1, progress=False)
    assert res.downtime("c")[0] == pytest.approx(3.0)
    assert res.downtime("l")[0] == pytest.approx(8.0)
    assert res.downtime_by_phase("l")["crew_wait"] == pytest.approx(3.0)
    assert res.downtime_by_phase("l")["repair"] == pytest.approx(5.0)
    events = [(t, ev) for t, ev, e, _ in _timeline(m, 9.5) if e == "low" and ev.startswith("step")]
    assert events == [(1.0, "step_start"), (4.0, "step_paused"), (7.0, "step_resume")]
    # Without preemption the critical one waits 4..6 for the low repair to end, then 6..9; low
    # fails again at 7 and waits for the crew until 9: low is down 1..6 and 7..9.5.
    m.crews["ops"] = rs.Crew("ops", 1)
    res = m.simulate(horizon=9.5, replications=1, seed=1, progress=False)
    assert res.downtime("c")[0] == pytest.approx(5.0)
    assert res.downtime("l")[0] == pytest.approx(7.5)


def _one(name: str, crew: rs.Crew, at: float, step: float) -> rs.Model:
    m = rs.Model(name)
    m.crews[crew.name] = crew
    m.component("hsm", failure=rs.Deterministic(at), repair=rs.Step("ceremony", step, crew={crew.name: 3 if crew.size >= 3 else 1}))
    m.service("keys", "hsm")
    return m


def test_calendar_business_hours_hand_counted() -> None:
    """Custodians work mon-fri 09:00-17:00 (t = 0 is Monday 00:00); a ceremony needs 3 of 5.

    - Failure on Monday 14:00 (t = 14), 6 h ceremony: 14..17 (3 h), pause at 17:00, resume
      Tuesday 09:00 (t = 33), end at 36. Outage 22 h: crew_wait 16 h, ceremony 6 h.
    - Failure on Friday 16:00 (t = 112), 2 h: 112..113, the weekend, resume Monday 09:00 of the
      next week (t = 177), end 178. Outage 66 h, of which 64 h crew_wait.
    - With t = 0 on Saturday 00:00 (origin), a failure at t = 14 (Saturday 14:00) waits for
      Monday 09:00 (t = 57): 57..63, outage 49 h, crew_wait 43 h.
    Horizons end before the next failure.
    """
    hours = ["mon-fri 09:00-17:00"]
    res = _one("monday", rs.Crew("custodians", 5, hours=hours), 14, 6).simulate(horizon=40, replications=1, seed=1, progress=False)
    assert res.downtime("keys")[0] == pytest.approx(22.0)
    assert res.downtime_by_phase("keys")["crew_wait"] == pytest.approx(16.0)
    assert res.downtime_by_phase("keys")["ceremony"] == pytest.approx(6.0)
    res = _one("friday", rs.Crew("custodians", 5, hours=hours), 112, 2).simulate(horizon=179, replications=1, seed=1, progress=False)
    assert res.downtime("keys")[0] == pytest.approx(66.0)
    assert res.downtime_by_phase("keys")["crew_wait"] == pytest.approx(64.0)
    crew = rs.Crew("custodians", 5, hours=hours, origin="sat 00:00")
    res = _one("weekend", crew, 14, 6).simulate(horizon=70, replications=1, seed=1, progress=False)
    assert res.downtime("keys")[0] == pytest.approx(49.0)
    assert res.downtime_by_phase("keys")["crew_wait"] == pytest.approx(43.0)


def test_follow_the_sun_shifts_join_across_midnight_and_the_week() -> None:
    """Two shifts that cover the whole week ('mon-sun 00:00-12:00', 'mon-sun 12:00-24:00') are no
    calendar at all: a 30 h repair from t = 5 ends at 35 with no crew_wait. A night shift over
    the week's end, 'sun 20:00-04:00', works 164..168 and 0..4 (Monday): a 6 h repair from
    t = 2 runs 2..4, waits, runs 164..168 and ends at 168 (outage 166 h)."""
    sun = rs.Crew("sre", 1, hours=["mon-sun 00:00-12:00", "mon-sun 12:00-24:00"])
    res = _one("sun", sun, 5, 30).simulate(horizon=39, replications=1, seed=1, progress=False)
    assert res.downtime("keys")[0] == pytest.approx(30.0)
    assert "crew_wait" not in res.downtime_by_phase("keys")
    night = rs.Crew("sre", 1, hours=["sun 20:00-04:00"])
    res = _one("night", night, 2, 6).simulate(horizon=169, replications=1, seed=1, progress=False)
    assert res.downtime("keys")[0] == pytest.approx(166.0)
    assert res.downtime_by_phase("keys")["crew_wait"] == pytest.approx(160.0)


def _quorum_with_spares(stock: int) -> rs.Model:
    m = rs.Model("spares")
    m.spare_pool("hsm", stock, rs.Exponential(50))
    for i in range(3):
        m.component(f"n{i}", failure=rs.Exponential(100), repair=rs.Step("replace", rs.Exponential(2), spare="hsm"))
    m.service("quorum", rs.k_of_n(2, "n0", "n1", "n2"))
    return m


def test_two_of_three_repaired_from_a_pool_of_one_matches_the_markov_chain() -> None:
    """2-of-3, each member fails at lambda = 1/100 h; a repair takes one spare (pool of one) and
    then an exponential 2 h (mu = 1/2 per repair, no crew: repairs run in parallel); each spare
    taken is reordered with exponential lead time (r = 1/50 h).

    State (d, w, s): members down d, of which w wait for a spare; spares in stock s; and the
    outstanding orders o = 1 - s (the inventory position is the stock level 1). Since a spare is
    taken as soon as one is both in stock and wanted, s > 0 implies w = 0. States:
    (d, w, s, o): a member failing with s = 1 takes the spare at once (s -> 0, o -> 1, repairing);
    with s = 0 it waits (w + 1). A repair ends at rate mu * (d - w); an order arrives at rate r:
    it goes to a waiter (w - 1, which then repairs and reorders: o stays 1) or to stock.
    Availability = P(d <= 1).
    """
    lam, mu, r = 0.01, 0.5, 0.02
    states = [(d, w, s) for d in range(4) for w in range(d + 1) for s in (0, 1) if not (s and w)]
    index = {x: i for i, x in enumerate(states)}
    rates: dict[tuple[int, int], float] = {}

    def add(a: tuple[int, int, int], b: tuple[int, int, int], rate: float) -> None:
        if rate > 0:
            rates[(index[a], index[b])] = rates.get((index[a], index[b]), 0.0) + rate

    for d, w, s in states:
        up = 3 - d
        if up:  # a failure
            add((d, w, s), (d + 1, w, 0) if s else (d + 1, w + 1, 0), up * lam)
        if d - w:  # a repair ends
            add((d, w, s), (d - 1, w, s), (d - w) * mu)
        if s == 0:  # the outstanding order arrives
            add((d, w, s), (d, w - 1, 0) if w else (d, w, 1), r)
    pi = _steady_state(_generator(rates, len(states)))
    exact = sum(p for (d, _, _), p in zip(states, pi) if d <= 1)
    # The engine's exact solver (pool stock and FIFO spare queue in its state) gives the same
    # chain: availability, and outages per hour = flux from d = 1 into d = 2 (2 lambda per state).
    ex = _quorum_with_spares(1).exact()
    assert ex.availability("quorum") == pytest.approx(exact, rel=1e-9, abs=1e-12)
    freq = sum(p * 2 * lam for (d, _, _), p in zip(states, pi) if d == 1)
    assert ex.failure_frequency("quorum") == pytest.approx(freq, rel=1e-9)
    res = _quorum_with_spares(1).simulate(horizon=HORIZON, replications=8 * REPS, seed=7, progress=False)
    sim, se = _availability(res, "quorum")
    assert abs(sim - exact) < 4 * se, (sim, exact, se)
    # Time out of stock: P(s = 0) of the chain, per hour of horizon.
    out_exact = sum(p for (_, _, s), p in zip(states, pi) if s == 0)
    out = res.spare_out_of_stock("hsm") / res.horizon
    assert abs(out.mean() - out_exact) < 4 * out.std(ddof=1) / np.sqrt(len(out))
    # spare_wait is reported as a phase of the outages.
    assert res.downtime_by_phase("quorum")["spare_wait"] > 0


def _two_on_a_pool_of_two() -> rs.Model:
    m = rs.Model("pool2")
    m.spare_pool("disk", 2, rs.Exponential(30))
    m.component("a", failure=rs.Exponential(40), repair=rs.Step("swap", rs.Exponential(3), spare="disk"))
    m.component("b", failure=rs.Exponential(60), repair=rs.Step("swap", rs.Exponential(5), spare="disk"))
    m.service("both", rs.k_of_n(2, "a", "b"))
    m.service("either", rs.k_of_n(1, "a", "b"))
    return m


def test_two_components_sharing_a_pool_of_two_match_the_exact_solver() -> None:
    """a (MTTF 40 h, swap 3 h) and b (MTTF 60 h, swap 5 h) share a pool of two spares, restock
    30 h each (independent orders). A component can fail again before the order for its last
    spare arrives, so both can wait, and the FIFO order of the waiters matters.

    State (x_a, x_b, s, queue): x = 0 up, 1 swapping (spare in hand), 2 waiting for a spare;
    s spares on the shelf, 2 - s orders outstanding (every spare taken is reordered at once);
    queue = the waiters in order of arrival. A failure of i takes a spare if s > 0 (x_i = 1,
    s - 1) else joins the queue (x_i = 2). A swap ends at rate mu_i (x_i = 0). Each outstanding
    order arrives at rate r: to the first waiter (which swaps and reorders: s stays 0) or to the
    shelf (s + 1). The chain is built by exploring from (0, 0, 2, ()).
    """
    lam = (1 / 40, 1 / 60)
    mu = (1 / 3, 1 / 5)
    r = 1 / 30

    def moves(x: tuple[int, int, int, tuple[int, ...]]) -> list[tuple[tuple[int, int, int, tuple[int, ...]], float]]:
        comp, stock, queue = list(x[:2]), x[2], x[3]
        out = []
        for i in range(2):
            y = comp.copy()
            if comp[i] == 0:
                y[i] = 1 if stock else 2
                out.append(((y[0], y[1], stock - 1 if stock else 0, queue if stock else queue + (i,)), lam[i]))
            elif comp[i] == 1:
                y[i] = 0
                out.append(((y[0], y[1], stock, queue), mu[i]))
        if stock < 2:
            if queue:
                y = comp.copy()
                y[queue[0]] = 1
                out.append(((y[0], y[1], 0, queue[1:]), (2 - stock) * r))
            else:
                out.append(((comp[0], comp[1], stock + 1, queue), (2 - stock) * r))
        return out

    start = (0, 0, 2, ())
    index = {start: 0}
    todo = [start]
    rates: dict[tuple[int, int], float] = {}
    while todo:
        x = todo.pop()
        for y, rate in moves(x):
            if y not in index:
                index[y] = len(index)
                todo.append(y)
            rates[(index[x], index[y])] = rates.get((index[x], index[y]), 0.0) + rate
    states = sorted(index, key=index.__getitem__)
    assert any(len(x[3]) == 2 for x in states)  # both waiting, in either order
    pi = _steady_state(_generator(rates, len(states)))
    both = sum(p for x, p in zip(states, pi) if x[0] == 0 and x[1] == 0)
    either = sum(p for x, p in zip(states, pi) if x[0] == 0 or x[1] == 0)
    ex = _two_on_a_pool_of_two().exact()
    assert ex.availability("both") == pytest.approx(both, rel=1e-9)
    assert ex.availability("either") == pytest.approx(either, rel=1e-9)
    res = _two_on_a_pool_of_two().simulate(horizon=HORIZON, replications=REPS, seed=11, progress=False)
    for name, exact in (("both", both), ("either", either)):
        sim, se = _availability(res, name)
        assert abs(sim - exact) < 4 * se, (name, sim, exact, se)


def test_spare_pool_refusals_of_the_exact_solver() -> None:
    """What the chain does not express is refused, naming the pool or the step."""
    m = _two_on_a_pool_of_two()
    m.spares["disk"] = rs.SparePool("disk", 2, rs.Exponential(30), emergency=rs.Exponential(2))
    with pytest.raises(ValueError, match="spare pool 'disk': emergency orders"):
        m.exact()
    m.spares["disk"] = rs.SparePool("disk", 2, rs.Gamma.from_mean_std(30, 10))
    with pytest.raises(ValueError, match="spare pool 'disk': lead time is Gamma, not exponential"):
        m.exact()
    m = _two_on_a_pool_of_two()
    m.components["a"] = rs.Component(
        "a", [rs.FailureMode("f", rs.Exponential(40), rs.Step("swap", rs.Exponential(3), spare="disk", requires="b"))]
    )
    with pytest.raises(ValueError, match="component 'a'.*step 1: a step that takes a spare and has a requirement"):
        m.exact()


def test_spare_stockouts_and_emergency_orders_hand_counted() -> None:
    """Pool of one, lead time 100 h, emergency 10 h; replacements take 1 h.

    a fails at 60 and takes the spare (its reorder arrives at 160), up at 61 (next failure 121).
    b fails at 61: the pool is empty, it waits (stock-out 1) and orders an emergency spare, which
    arrives at 71: b takes it (not reordered), up at 72 (next failure 133). a fails at 121:
    stock-out 2, emergency spare at 131, up at 132. b fails at 133: stock-out 3, spare at 143.
    The regular order arrives at 160: stock 1 again, never more. Out of stock 60..160 = 100 h.
    """
    m = rs.Model("emergency")
    m.spare_pool("hsm", 1, 100, emergency=10)
    m.component("a", failure=rs.Deterministic(60), repair=rs.Step("replace", 1, spare="hsm"))
    m.component("b", failure=rs.Deterministic(61), repair=rs.Step("replace", 1, spare="hsm"))
    m.service("sa", "a")
    m.service("sb", "b")
    res = m.simulate(horizon=100, replications=1, seed=1, progress=False)
    assert res.downtime("sa")[0] == pytest.approx(1.0)
    assert res.downtime("sb")[0] == pytest.approx(11.0)
    assert res.downtime_by_phase("sb")["spare_wait"] == pytest.approx(10.0)
    assert res.spare_stockouts("hsm")[0] == 1
    assert res.spare_out_of_stock("hsm")[0] == pytest.approx(40.0)
    res = m.simulate(horizon=180, replications=1, seed=1, progress=False)
    assert res.downtime("sa")[0] == pytest.approx(1.0 + 11.0)
    assert res.downtime("sb")[0] == pytest.approx(11.0 + 11.0)
    assert res.spare_stockouts("hsm")[0] == 3
    assert res.spare_out_of_stock("hsm")[0] == pytest.approx(100.0)
    restocks = [t for t, ev, e, _ in _timeline(m, 180) if ev in ("spare_restock", "spare_emergency")]
    assert restocks == [71.0, 131.0, 143.0, 160.0]


def test_bad_input_is_an_error_naming_the_entity() -> None:
    m = rs.Model("bad")
    m.crew("custodians", 5)
    m.component("hsm", failure=rs.Exponential(100), repair=rs.Step("ceremony", 2, crew={"custodians": 6}))
    m.service("s", "hsm")
    with pytest.raises(ValueError, match=r"component 'hsm'.*needs 6 members of crew 'custodians', which has only 5"):
        m.compile()
    with pytest.raises(ValueError, match=r"crew 'x': hours is an empty calendar"):
        rs.Model().crew("x", 1, hours=[])
    with pytest.raises(ValueError, match=r"crew 'x': malformed shift 'mon-fri 9-17'"):
        rs.Model().crew("x", 1, hours=["mon-fri 9-17"])
    with pytest.raises(ValueError, match=r"crew 'x': unknown day 'mun'"):
        rs.Model().crew("x", 1, hours=["mun 09:00-17:00"])
    m2 = rs.Model("bad2")
    m2.component("hsm", failure=rs.Exponential(100), repair=rs.Step("replace", 2, spare="nope"))
    m2.service("s", "hsm")
    with pytest.raises(ValueError, match=r"component 'hsm'.*unknown spare pool 'nope'"):
        m2.compile()
    with pytest.raises(ValueError, match=r"priority must be in"):
        rs.FailureMode("f", rs.Exponential(1), 1, priority=10**7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("crews: {c: {size: 2, hours: []}}", "crews.c.hours: .*empty"),
        ("crews: {c: {size: 2, hours: ['mon-fri 25:00-26:00']}}", "crews.c.hours: .*bad time of day"),
        ("crews: {c: {size: 2, colour: red}}", "crews.c.colour: unknown field"),
        ("spares: {hsm: {stock: -1, lead_time: 1d}}", "spares.hsm.stock"),
        ("spares: {hsm: {stock: 1}}", "spares.hsm: missing field 'lead_time'"),
    ],
    ids=["empty-calendar", "bad-time", "unknown-field", "negative-stock", "no-lead-time"],
)
def test_bad_model_files_name_the_field(text: str, message: str) -> None:
    body = text + "\ncomponents: {x: {mttf: 1d, mttr: 1h}}\n"
    with pytest.raises(rs.io.ModelFileError, match=message):
        rs.io.loads(body)


def test_more_members_than_the_crew_has_in_a_model_file() -> None:
    text = "crews: {custodians: 5}\ncomponents:\n  hsm:\n    failure: {type: exponential, mean: 1y}\n    repair: [{name: ceremony, duration: 2h, crew: {custodians: 6}}]\n"
    with pytest.raises(rs.io.ModelFileError, match=r"components.hsm.repair\[0\]: needs 6 members of crew 'custodians', which has only 5"):
        rs.io.loads(text).compile()


def test_round_trip_and_pickling_keep_every_field() -> None:
    m = rs.examples.load("key_ceremony")
    text = rs.io.dumps(m)
    again = rs.io.loads(text)
    assert rs.io.dumps(again) == text
    import pickle

    c = m.compile()
    assert pickle.loads(pickle.dumps(c)).spare_names == c.spare_names
    a = m.simulate("1y", 50, seed=3, progress=False)
    b = again.simulate("1y", 50, seed=3, progress=False)
    assert np.array_equal(a.downtime("key-service"), b.downtime("key-service"))


@pytest.mark.parametrize("name", ["key_ceremony", "hsm_spares"])
def test_identical_for_any_thread_count(name: str) -> None:
    m = rs.examples.load(name)
    runs = [m.simulate("1y", 60, seed=11, threads=t, progress=False) for t in (1, 2, 4, 7)]
    for r in runs[1:]:
        for s in r.service_names:
            assert np.array_equal(r.downtime(s), runs[0].downtime(s))
            assert np.array_equal(r.raw.service_phase_downtime, runs[0].raw.service_phase_downtime)
        assert np.array_equal(r.raw.spare_stockouts, runs[0].raw.spare_stockouts)


def test_exact_solver_refuses_what_its_chain_cannot_express() -> None:
    m = rs.Model("ceremony")
    m.crew("custodians", 5)
    m.component("hsm", mttf="1000h", mttr="1h")
    m.component("x", failure=rs.Exponential(100), repair=rs.Step("ceremony", rs.Exponential(2), crew={"custodians": 3}))
    m.service("s", rs.all_of("hsm", "x"))
    with pytest.raises(ValueError, match="several crew members at once"):
        m.exact()
    m.crews["custodians"] = rs.Crew("custodians", 5, hours=["mon-fri 09:00-17:00"])
    m.components["x"] = rs.Component(
        "x", [rs.FailureMode("f", rs.Exponential(100), rs.Step("ceremony", rs.Exponential(2), crew="custodians"))]
    )
    with pytest.raises(ValueError, match="working hours"):
        m.exact()
    m.crews["custodians"] = rs.Crew("custodians", 2, preemptive=True)
    with pytest.raises(ValueError, match="preemptive crew 'custodians' of more than one member"):
        m.exact()
