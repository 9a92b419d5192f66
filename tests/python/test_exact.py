"""Exact solvers: the Markov chain and the structure function against closed forms, and the
simulator against the Markov chain on seeded random small models.

References: Barlow & Proschan, *Statistical Theory of Reliability and Life Testing* (1975);
Trivedi, *Probability and Statistics with Reliability, Queuing and Computer Science Applications*
(2nd ed., 2016), ch. 8-9 (birth-death chains, standby, machine repair); Rausand & Hoyland, *System
Reliability Theory* (2004), ch. 4-8 (structure functions, k-out-of-n, Markov availability).
"""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

import recoverysim as rs


def close(a: float, b: float, rel: float = 1e-10) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-13)


def birth_death(birth: list[float], death: list[float]) -> list[float]:
    """Steady state of a birth-death chain: pi_{j+1} = pi_j * birth_j / death_{j+1}."""
    pi = [1.0]
    for j in range(len(birth)):
        pi.append(pi[-1] * birth[j] / death[j + 1])
    total = sum(pi)
    return [p / total for p in pi]


def single(mttf: float, mttr: float) -> rs.Model:
    m = rs.Model("single")
    m.component("a", mttf=mttf, mttr=mttr)
    m.service("s", "a")
    return m


# --- closed forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(("mttf", "mttr"), [(100.0, 2.0), (1.0, 0.5), (8760.0, 0.25)], ids=["100h/2h", "1h/30m", "1y/15m"])
def test_single_component(mttf: float, mttr: float) -> None:
    lam, mu = 1 / mttf, 1 / mttr
    ex = single(mttf, mttr).exact()
    assert ex.n_states == 2
    assert close(ex.availability("s"), mu / (lam + mu))  # MTTF/(MTTF+MTTR)
    assert close(ex.failure_frequency("s"), lam * mu / (lam + mu))  # pi_up * lambda
    assert close(ex.mean_outage_duration("s"), mttr)
    assert close(ex.mttff("s"), mttf)
    # Transient: A(t) = mu/(l+mu) + l/(l+mu) e^{-(l+mu)t}; mean over [0,T] integrates it.
    times = [0.0, mttr / 2, mttr, 3 * mttf, 50 * mttf]
    a_t = ex.point_availability("s", times)
    for t, a in zip(times, a_t):
        assert close(a, mu / (lam + mu) + lam / (lam + mu) * math.exp(-(lam + mu) * t), 1e-9)
    T = 2 * mttf
    mean = mu / (lam + mu) + lam / ((lam + mu) ** 2 * T) * (1 - math.exp(-(lam + mu) * T))
    assert close(ex.mean_availability("s", T), mean, 1e-9)


def test_series_parallel_and_k_of_n_with_independent_repair() -> None:
    m = rs.Model("structures")
    rates = {"a": (100.0, 5.0), "b": (200.0, 10.0), "c": (50.0, 1.0), "d": (80.0, 4.0)}
    for n, (f, r) in rates.items():
        m.component(n, mttf=f, mttr=r)
    m.service("series", rs.all_of("a", "b", "c"))
    m.service("parallel", rs.any_of("a", "b"))
    m.service("two_of_three", rs.k_of_n(2, "a", "b", "c"))
    m.service("nested", rs.all_of("parallel", rs.any_of("c", "d")))
    ex = m.exact()
    A = {n: f / (f + r) for n, (f, r) in rates.items()}
    assert ex.n_states == 16
    assert close(ex.availability("series"), A["a"] * A["b"] * A["c"])
    assert close(ex.availability("parallel"), 1 - (1 - A["a"]) * (1 - A["b"]))
    p = [A["a"], A["b"], A["c"]]
    two = sum(
        math.prod(p[i] if up else 1 - p[i] for i, up in enumerate(bits)) for bits in itertools.product([0, 1], repeat=3) if sum(bits) >= 2
    )
    assert close(ex.availability("two_of_three"), two)
    assert close(ex.availability("nested"), (1 - (1 - A["a"]) * (1 - A["b"])) * (1 - (1 - A["c"]) * (1 - A["d"])))
    # Series: the first failure of any member ends the up time: MTTFF = 1 / sum(lambda).
    assert close(ex.mttff("series"), 1 / sum(1 / rates[n][0] for n in "abc"))
    # Structure function gives the same for independent components.
    sf = m.structure_availability()
    for s in ("series", "parallel", "two_of_three", "nested"):
        assert close(sf[s], ex.availability(s))


def test_parallel_pair_mttff() -> None:
    # 1-of-2 identical, independent repair: MTTFF = (3 lambda + mu) / (2 lambda^2) (Trivedi 8.4).
    lam, mu = 1 / 100.0, 1 / 5.0
    m = rs.Model("pair")
    for n in "ab":
        m.component(n, mttf=1 / lam, mttr=1 / mu)
    m.service("s", rs.any_of("a", "b"))
    assert close(m.exact().mttff("s"), (3 * lam + mu) / (2 * lam**2))


def test_shared_crew_chains() -> None:
    # Machine repair (finite-source queue): 2 machines, up 1 h, repair 0.5 h, one repairer:
    # pi = (0.4, 0.4, 0.2), each machine up 60% of the time.
    m = rs.Model("machine-repair")
    m.crew("r", 1)
    for n in "ab":
        m.component(n, failure=rs.Exponential(1.0), repair=rs.Step("repair", rs.Exponential(0.5), crew="r"))
    m.service("one", "a")
    m.service("both", rs.all_of("a", "b"))
    m.service("either", rs.any_of("a", "b"))
    ex = m.exact()
    pi = birth_death([2.0, 1.0], [0, 2.0, 2.0])
    assert close(pi[0], 0.4) and close(ex.availability("one"), 0.6)
    assert close(ex.availability("both"), pi[0])
    assert close(ex.availability("either"), 1 - pi[2])
    # Cold standby, instant perfect switchover, one crew: 0 -> 1 at lambda (only the active can
    # fail), 1 -> 2 at lambda, repairs at mu: A = pi0 + pi1.
    lam, mu = 1 / 50.0, 1 / 4.0
    cs = rs.Model("cold")
    cs.crew("r", 1)
    for n in "pq":
        cs.component(n, failure=rs.Exponential(1 / lam), repair=rs.Step("repair", rs.Exponential(1 / mu), crew="r"))
    cs.service("s", rs.standby("p", "q"))
    pi = birth_death([lam, lam], [0, mu, mu])
    assert close(cs.exact().availability("s"), pi[0] + pi[1])


def test_standby_without_repair_mttff() -> None:
    # Cold spare, switch success p, no repair: R(t) = e^{-lt}(1 + p l t), so MTTFF = (1 + p)/l.
    for p in (1.0, 0.7):
        m = rs.Model("spare")
        for n in "pq":
            m.component(n, failure=rs.Exponential(10.0), repair=rs.Exponential(1e12))
        m.service("s", rs.standby("p", "q", success=p))
        assert close(m.exact().mttff("s"), (1 + p) * 10.0, 1e-6)


def test_hot_standby_is_parallel_and_warm_spare_ages_slower() -> None:
    def model(dormancy: float) -> rs.Model:
        m = rs.Model("hot")
        for n in "pq":
            m.component(n, mttf=100.0, mttr=5.0)
        m.service("s", rs.standby("p", "q", dormancy=dormancy))
        m.service("par", rs.any_of("p", "q"))
        return m

    hot = model(1.0).exact()
    assert close(hot.availability("s"), hot.availability("par"))
    warm, cold = model(0.5).exact(), model(0.0).exact()
    assert cold.availability("s") > warm.availability("s") > hot.availability("s")


def test_load_sharing_birth_death() -> None:
    # 2-of-3 with load sharing f: in state j the failure rate is (3 - j) l (1 + f j).
    lam, mu, f = 1 / 100.0, 1 / 10.0, 1.0
    m = rs.Model("ls")
    for n in "abc":
        m.component(n, mttf=1 / lam, mttr=1 / mu)
    m.service("s", rs.k_of_n(2, "a", "b", "c", load_sharing=f))
    pi = birth_death([3 * lam, 2 * lam * (1 + f), lam * (1 + 2 * f)], [0, mu, 2 * mu, 3 * mu])
    assert close(m.exact().availability("s"), pi[0] + pi[1])


def test_retries_and_multi_step_procedures() -> None:
    # Retried until success with probability p: the repair is a geometric sum of exponentials,
    # exponential with mean MTTR/p. Two exponential steps: MTTR = sum of means (alternating renewal).
    m = rs.Model("steps")
    m.component("r", failure=rs.Exponential(100.0), repair=rs.Step("fix", rs.Exponential(4.0), success=0.4))
    m.component("t", failure=rs.Exponential(100.0), repair=[rs.Step("detect", rs.Exponential(1.0)), rs.Step("fix", rs.Exponential(3.0))])
    m.service("retry", "r")
    m.service("two_steps", "t")
    ex = m.exact()
    assert close(ex.availability("retry"), 100 / (100 + 4 / 0.4))
    assert close(ex.availability("two_steps"), 100 / (100 + 1 + 3))


def test_no_ageing_while_the_system_is_down() -> None:
    # Series of two with age_when_down=False: while one is repaired the other cannot fail, so
    # the system alternates up (rate l1 + l2) and one repair: A = 1 / (1 + l1/m1 + l2/m2).
    m = rs.Model("series", age_when_down=False)
    m.component("a", mttf=100.0, mttr=5.0)
    m.component("b", mttf=50.0, mttr=2.0)
    m.service("s", rs.all_of("a", "b"))
    assert close(m.exact().availability("s"), 1 / (1 + 5 / 100 + 2 / 50))


# --- structure function -------------------------------------------------------------------------


def test_classic_structure_function_checks() -> None:
    t = rs.Model("two-train")
    for n in ("V1", "P1", "V2", "P2"):
        t.component(n, mttf=1, mttr=1)
    t.service("s", rs.all_of(rs.any_of("V1", "P1"), rs.any_of("V2", "P2")))
    assert close(t.structure_availability({"V1": 0.5, "P1": 0.7, "V2": 0.5, "P2": 0.7})["s"], 0.7225)
    k = rs.Model("2oo3")
    for n in "abc":
        k.component(n, mttf=1, mttr=1)
    k.service("s", rs.k_of_n(2, "a", "b", "c"))
    # Failure probabilities 0.1, 0.2, 0.3: P(fewer than 2 up) = 0.098.
    assert close(1 - k.structure_availability({"a": 0.9, "b": 0.8, "c": 0.7})["s"], 0.098)


def brute_force(model: rs.Model, avail: dict[str, float], service: str) -> float:
    """Enumerate every component state (independent components)."""
    names = list(model.components)
    compiled = model.compile()
    gates = compiled.gates
    nc = len(names)
    root = compiled.service_names.index(service)

    def up(node: int, state: dict[int, bool]) -> bool:
        if node < nc:
            return state[node]
        g = gates[node - nc]
        return sum(up(ch, state) for ch in g["children"]) >= g["k"]

    total = 0.0
    for bits in itertools.product([False, True], repeat=nc):
        p = math.prod(avail[n] if b else 1 - avail[n] for n, b in zip(names, bits))
        if up(nc + root, dict(enumerate(bits))):
            total += p
    return total


@pytest.mark.parametrize("seed", range(6), ids=lambda s: f"random-dag-{s}")
def test_structure_function_with_shared_components_matches_enumeration(seed: int) -> None:
    rng = random.Random(seed)
    m = rs.Model("shared")
    names = [f"c{i}" for i in range(7)]
    for n in names:
        m.component(n, mttf=1, mttr=1)
    avail = {n: rng.uniform(0.5, 0.99) for n in names}

    def group(depth: int) -> rs.Requirement:
        members: list = []
        for _ in range(rng.randint(2, 3)):
            if depth < 2 and rng.random() < 0.4:
                members.append(group(depth + 1))
            else:
                members.append(rng.choice(names))
        members = list(dict.fromkeys(members))  # a member once per group
        if len(members) == 1:
            members.append(rng.choice([n for n in names if n not in members]))
        kind = rng.choice(["all", "any", "k"])
        if kind == "all":
            return rs.all_of(*members)
        if kind == "any":
            return rs.any_of(*members)
        return rs.k_of_n(rng.randint(1, len(members)), *members)

    m.service("s", rs.all_of(group(0), group(0)))
    assert close(m.structure_availability(avail)["s"], brute_force(m, avail, "s"), 1e-12)


def test_component_availability_from_mttf_and_mttr() -> None:
    m = rs.Model("c")
    m.component("w", failure=rs.Weibull(2, 100.0), repair=rs.Deterministic(5.0))
    m.component(
        "two",
        modes=[
            rs.FailureMode("x", rs.Exponential(100.0), rs.Exponential(2.0)),
            rs.FailureMode("y", rs.Exponential(400.0), rs.Exponential(8.0)),
        ],
    )
    m.service("s", rs.all_of("w", "two"))
    a = rs.component_availability(m)
    mttf_w = 100 * math.gamma(1.5)
    assert close(a["w"], mttf_w / (mttf_w + 5))
    assert close(a["two"], 1 / (1 + 2 / 100 + 8 / 400))
    assert close(m.structure_availability()["s"], a["w"] * a["two"])


def test_structure_function_refuses_dependent_components() -> None:
    m = rs.Model("dep")
    m.crew("r", 1)
    m.component("a", failure=rs.Exponential(10.0), repair=rs.Step("fix", 1.0, crew="r"))
    m.component("b", mttf=10, mttr=1)
    m.service("s", rs.any_of("a", "b"))
    with pytest.raises(ValueError, match="component 'a', failure mode 'failure': step 'fix' uses a crew"):
        m.structure_availability()
    assert close(m.structure_availability({"a": 0.9})["s"], 1 - 0.1 * (1 / 11))
    sb = rs.Model("sb")
    for n in "pq":
        sb.component(n, mttf=10, mttr=1)
    sb.service("s", rs.standby("p", "q"))
    with pytest.raises(ValueError, match="standby group's members are not independent"):
        sb.structure_availability()
    with pytest.raises(KeyError, match="unknown component"):
        m.structure_availability({"zz": 0.5})


# --- what the chain cannot express ------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda m: m.component("w", failure=rs.Weibull(2, 100.0), repair=rs.Exponential(1.0)),
            "component 'w', failure mode 'failure': time to failure is Weibull",
        ),
        (
            lambda m: (
                m.component("w", mttf=10, mttr=1)
                and None
                or m.components.pop("w")
                and m.component("w", failure=rs.Exponential(10.0), repair=rs.LogNormal(0, 1))
            ),
            "step 1: duration is LogNormal",
        ),
        (
            lambda m: m.component("w", failure=rs.Exponential(10.0), repair=rs.Step("i", rs.Exponential(1.0), every=24)),
            "periodic inspections are not Markovian",
        ),
        (lambda m: m.shock("region", every="1y", targets=["a"], outage="2h"), "shock 'region'"),
        (lambda m: m.maintenance("deploy", targets=["a"], every="1w", duration="30m"), "maintenance windows"),
        (lambda m: m.service("sb", rs.standby("a", "b", switchover="2m")), "only instant switchover"),
    ],
    ids=["weibull-failure", "lognormal-repair", "inspection", "shock", "maintenance", "switchover-time"],
)
def test_models_outside_the_chain_are_refused_clearly(build, match) -> None:
    m = rs.Model("x")
    m.component("a", mttf=10, mttr=1)
    m.component("b", mttf=10, mttr=1)
    m.service("s", rs.any_of("a", "b"))
    build(m)
    with pytest.raises(ValueError, match=match):
        m.exact()


def test_state_space_limit_is_an_error_not_a_hang() -> None:
    m = rs.Model("big")
    for i in range(12):
        m.component(f"c{i}", mttf=10, mttr=1)
    m.service("s", rs.all_of(*[f"c{i}" for i in range(12)]))
    with pytest.raises(ValueError, match="more than 1000 states"):
        m.exact(max_states=1000)
    assert m.exact().n_states == 2**12


# --- the simulator against the chain ------------------------------------------------------------

N_RANDOM = 24


def random_model(seed: int) -> rs.Model:
    """A small exponential model: 2-5 components, random rates, nested gates, sometimes a shared
    crew, a standby group (instant switchover, random dormancy and success) or load sharing."""
    rng = random.Random(seed)
    m = rs.Model(f"random-{seed}")
    n = rng.randint(2, 5)
    names = [f"c{i}" for i in range(n)]
    crew = rng.random() < 0.4
    if crew:
        m.crew("oncall", size=rng.randint(1, 2))
    for name in names:
        mttf = rng.uniform(20, 200)
        mttr = rng.uniform(1, 20)
        steps = [
            rs.Step(
                "repair", rs.Exponential(mttr), crew="oncall" if crew and rng.random() < 0.7 else None, success=rng.choice([1.0, 1.0, 0.8])
            )
        ]
        if rng.random() < 0.3:
            steps.insert(0, rs.Step("detect", rs.Exponential(rng.uniform(0.1, 2))))
        m.component(name, failure=rs.Exponential(mttf), repair=steps)
    kind = rng.random()
    if kind < 0.25 and n >= 2:
        m.service("s", rs.standby(names[0], names[1], success=rng.choice([1.0, 0.9]), dormancy=rng.choice([0.0, 0.5, 1.0])))
        rest = names[2:]
        if rest:
            m.service("t", rs.all_of("s", rng.choice([rs.any_of(*rest), rest[0]]) if len(rest) > 1 else rest[0]))
    elif kind < 0.45 and n >= 3:
        m.service("s", rs.k_of_n(rng.randint(1, n - 1), *names, load_sharing=rng.choice([0.0, 0.5, 1.5])))
    else:
        k = rng.randint(1, n)
        m.service("s", rs.k_of_n(k, *names))
        m.service("t", rs.all_of(rs.any_of(*names[: max(1, n // 2)]), names[-1]) if n > 2 else rs.all_of(*names))
    return m


def test_random_models_are_varied() -> None:
    models = [random_model(s) for s in range(N_RANDOM)]
    assert sum(bool(m.crews) for m in models) >= 5
    assert sum(any("standby" in repr(s.requirement) for s in m.services.values()) for m in models) >= 3
    assert sum(any("load_sharing" in repr(s.requirement) for s in m.services.values()) for m in models) >= 2


@pytest.mark.parametrize("seed", range(N_RANDOM), ids=lambda s: f"random-model-{s}")
def test_simulator_agrees_with_the_markov_chain(seed: int) -> None:
    # The simulated mean availability over [0, T] from all up must lie in its confidence
    # interval around the exact transient mean. Family-wise 99% over every check of this test:
    # each service gets a Bonferroni level 1 - 0.01 / (number of checks).
    m = random_model(seed)
    horizon = 2000.0
    ex = m.exact()
    res = m.simulate(horizon=horizon, replications=1500, seed=1000 + seed, threads=2, progress=False)
    n_checks = 2 * N_RANDOM
    for s in m.services:
        exact = ex.mean_availability(s, horizon)
        est = res.availability(s, confidence=1 - 0.01 / n_checks)
        z = (est.mean - exact) / est.stderr if est.stderr > 0 else 0.0
        print(f"EXACT-VS-SIM {m.name} {s}: exact {exact:.6f} sim {est.mean:.6f} z={z:+.2f} states={ex.n_states}")
        assert est.contains(exact), f"{m.name} {s}: exact {exact} outside {est}"


def test_summary_shows_exact_beside_simulated() -> None:
    m = random_model(3)
    res = m.simulate(horizon=1000.0, replications=500, seed=5, progress=False)
    df = res.summary(exact=True)
    assert {"exact_availability", "exact_in_ci", "exact_steady_availability"} <= set(df.columns)
    for s in df.index:
        assert df.loc[s, "exact_availability"] == pytest.approx(m.exact().mean_availability(s, 1000.0), rel=1e-12)
    weibull = rs.Model("w")
    weibull.component("a", failure=rs.Weibull(2, 10.0), repair=rs.Exponential(1.0))
    weibull.service("s", "a")
    with pytest.raises(ValueError, match="Weibull"):
        weibull.simulate(100.0, 10, seed=1, progress=False).summary(exact=True)
    assert np.isfinite(res.summary()["availability"]).all()
