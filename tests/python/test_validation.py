"""Bad models and bad arguments give a ValueError/TypeError that names the culprit, never a crash."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import recoverysim as rs


def two_dbs() -> rs.Model:
    m = rs.Model("v")
    m.component("db-1", mttf="1000h", mttr="1h")
    m.component("db-2", mttf="1000h", mttr="1h")
    return m


def run(m: rs.Model) -> rs.Results:
    return m.simulate("30d", 5, seed=1, threads=1, progress=False)


def repair_with(*steps: rs.Step) -> rs.Model:
    m = rs.Model("p")
    m.component("c", failure=rs.Exponential("100h"), repair=list(steps))
    m.service("s", "c")
    return m


# --- requirements and services ------------------------------------------------------------------


@pytest.mark.parametrize("check", ["validate", "simulate"])
def test_unknown_component_in_service_is_named(check):
    m = two_dbs()
    m.service("orders", rs.all_of("db-1", rs.any_of("db-2", "db-4")))  # forward refs allowed here
    with pytest.raises(ValueError) as info:
        m.validate() if check == "validate" else run(m)
    msg = str(info.value)
    assert "'db-4'" in msg
    assert "service 'orders'" in msg
    assert "unknown component or service" in msg


def test_unknown_name_as_whole_requirement():
    m = two_dbs()
    m.service("orders", "db-9")
    with pytest.raises(ValueError, match="service 'orders'.*unknown component or service 'db-9'"):
        m.validate()


@pytest.mark.parametrize(
    ("services", "cycle"),
    [
        ([("x", rs.all_of("db-1", "y")), ("y", rs.any_of("db-2", "x"))], "x -> y -> x"),
        ([("x", rs.all_of("db-1", "x"))], "x -> x"),
        ([("a", "b"), ("b", "c"), ("c", "a")], "a -> b -> c -> a"),
        ([("ok", "db-1"), ("p", rs.k_of_n(1, "ok", "q")), ("q", rs.all_of("p", "db-2"))], "p -> q -> p"),
    ],
    ids=["two-services", "self", "three-services", "cycle-beside-a-good-service"],
)
def test_cycle_between_services_is_spelled_out(services, cycle):
    m = two_dbs()
    for name, req in services:
        m.service(name, req)
    with pytest.raises(ValueError, match="cycle") as info:
        m.validate()
    assert cycle in str(info.value)


def test_services_may_reference_services_defined_later():
    m = two_dbs()
    m.service("front", rs.all_of("back", "db-1"))
    m.service("back", "db-2")
    res = run(m)
    assert res.service_names == ["front", "back"]


@pytest.mark.parametrize(
    ("make", "exc", "match"),
    [
        (lambda: rs.k_of_n(0, "a", "b"), ValueError, r"1 <= k <= n, got k=0 with n=2"),
        (lambda: rs.k_of_n(3, "a", "b"), ValueError, r"1 <= k <= n, got k=3 with n=2"),
        (lambda: rs.k_of_n(-1, "a"), ValueError, r"got k=-1 with n=1"),
        (lambda: rs.k_of_n(1), ValueError, r"got k=1 with n=0"),
        (lambda: rs.k_of_n("2", "a", "b"), TypeError, "k must be an integer"),
        (lambda: rs.k_of_n(1.0, "a", "b"), TypeError, "k must be an integer"),
        (lambda: rs.k_of_n(True, "a", "b"), TypeError, "k must be an integer"),
        (lambda: rs.all_of("a", 3), TypeError, r"all_of\(\.\.\.\): member 1"),
        (lambda: rs.any_of(None), TypeError, r"any_of\(\.\.\.\): member 0"),
    ],
    ids=["k-0", "k-above-n", "k-negative", "no-members", "k-str", "k-float", "k-bool", "member-int", "member-none"],
)
def test_requirement_construction_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_model_file_data_as_a_requirement_points_to_the_file_reader():
    # Requirement dicts are the model-file format, parsed in one place (recoverysim.io).
    m = two_dbs()
    with pytest.raises(TypeError, match=r"service 'quorum': a requirement in Python is a name or rs.all_of.*rs.loads"):
        m.service("quorum", {"k_of_n": {"k": 3, "of": ["db-1", "db-2"]}})


def test_k_of_n_out_of_range_built_directly_is_caught_by_the_engine():
    # Bypass the k_of_n() check: the engine checks again and names the service.
    m = two_dbs()
    m.service("quorum", rs.Requirement("k_of_n", ["db-1", "db-2"], 3))
    with pytest.raises(ValueError, match=r"service 'quorum'.*k_of_n needs 1 <= k <= n, got k=3 with n=2"):
        m.validate()


@pytest.mark.parametrize(
    ("req", "match"),
    [
        (rs.all_of(), r"service 's': all_of\(\.\.\.\) has no members"),
        (rs.any_of(), r"service 's': any_of\(\.\.\.\) has no members"),
        (rs.all_of("db-1", rs.any_of()), r"service 's' > all_of\(\.\.\.\)\[1\]: any_of\(\.\.\.\) has no members"),
    ],
    ids=["all_of", "any_of", "nested-any_of"],
)
def test_empty_groups(req, match):
    m = two_dbs()
    m.service("s", req)
    with pytest.raises(ValueError, match=match):
        m.validate()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda m: m.component("db-1", mttf=1, mttr=1), "component 'db-1' is already defined"),
        (lambda m: (m.service("s", "db-1"), m.service("s", "db-2")), "service 's' is already defined"),
        (lambda m: m.service("db-1", "db-2"), "service 'db-1': a component has that name"),
        (lambda m: (m.service("s", "db-1"), m.component("s", mttf=1, mttr=1)), "component 's': a service has that name"),
        (lambda m: (m.crew("ops"), m.crew("ops")), "crew 'ops' is already defined"),
        (lambda m: (m.procedure("p", rs.Step("a", 1)), m.procedure("p", rs.Step("b", 1))), "procedure 'p' is already defined"),
    ],
    ids=["component", "service", "service-named-like-component", "component-named-like-service", "crew", "procedure"],
)
def test_duplicate_names(make, match):
    m = two_dbs()
    with pytest.raises(ValueError, match=match):
        make(m)


def test_failed_add_leaves_the_model_unchanged():
    m = two_dbs()
    m.service("s", "db-1")
    with pytest.raises(ValueError):
        m.component("s", mttf=1, mttr=1)
    with pytest.raises(ValueError):
        m.service("db-1", "db-2")
    with pytest.raises(ValueError):
        m.component("db-3", mttf="1000h", mttr=-1)
    assert list(m.components) == ["db-1", "db-2"]
    assert list(m.services) == ["s"]
    assert run(m).component_names == ["db-1", "db-2"]


@pytest.mark.parametrize(
    ("req", "match"),
    [
        (rs.any_of("db-1", "db-1"), r"service 's' > any_of\(\.\.\.\)\[1\]: 'db-1' appears twice in the same group"),
        (rs.k_of_n(1, "db-2", "db-1", "db-2"), r"k_of_n\(1, \.\.\.\)\[2\]: 'db-2' appears twice"),
        (rs.all_of("db-1", rs.any_of("t", "db-2", "t")), r"any_of\(\.\.\.\)\[2\]: 't' appears twice"),
    ],
    ids=["any_of", "k_of_n", "nested-service-ref"],
)
def test_group_with_the_same_member_twice(req, match):
    m = two_dbs()
    m.service("t", "db-2")
    m.service("s", req)
    with pytest.raises(ValueError, match=match):
        m.validate()


# --- components ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(mttf="1000h"), "mttf= and mttr= go together"),
        (dict(mttr="1h"), "mttf= and mttr= go together"),
        (dict(failure=rs.Exponential(1000)), "failure= and repair= go together"),
        (dict(repair=rs.Exponential(1)), "failure= and repair= go together"),
        (
            dict(mttf="1000h", mttr="1h", failure=rs.Exponential(1000), repair=rs.Exponential(1)),
            r"exactly one of.*got mttf/mttr, failure/repair",
        ),
        (dict(mttf="1000h", failure=rs.Exponential(1000)), r"exactly one of.*got mttf/mttr, failure/repair"),
        (dict(mttf="1000h", mttr="1h", modes=[]), r"exactly one of.*got mttf/mttr, modes"),
        ({}, r"exactly one of.*got none"),
    ],
    ids=[
        "mttf-without-mttr",
        "mttr-without-mttf",
        "failure-without-repair",
        "repair-without-failure",
        "mttf-and-failure",
        "mttf-and-failure-half",
        "mttf-and-modes",
        "nothing",
    ],
)
def test_how_it_fails_must_be_said_exactly_once(kwargs, match):
    with pytest.raises(TypeError, match=match) as info:
        rs.Model().component("web", **kwargs)
    assert "component 'web'" in str(info.value)


@pytest.mark.parametrize("mttr", [-1, "-5m", 0], ids=["negative", "negative-str", "zero"])
def test_bad_mttr_is_a_value_error(mttr):
    with pytest.raises(ValueError, match="must be > 0"):
        rs.Model().component("web", mttf="1000h", mttr=mttr)


def test_bad_mttr_message_names_component_and_field():
    with pytest.raises(ValueError, match="component 'web'.*mttr"):
        rs.Model().component("web", mttf="1000h", mttr=-1)


@pytest.mark.parametrize("failure", [1000, "1000h", 2.5], ids=["int", "str", "float"])
def test_failure_as_a_bare_number_is_a_type_error_with_a_hint(failure):
    with pytest.raises(TypeError) as info:
        rs.Model().component("web", failure=failure, repair=rs.Exponential(1))
    msg = str(info.value)
    assert "expected a distribution" in msg
    assert "mttf=" in msg and "rs.Deterministic" in msg  # the hint


def test_repair_as_a_bare_duration_is_a_fixed_repair_time():
    c = rs.Model().component("web", failure=rs.Exponential(1000), repair="2h")
    assert c.modes[0].repair.steps[0].duration == rs.Deterministic(2)


@pytest.mark.parametrize(
    ("make", "exc", "match"),
    [
        (lambda m: m.component("c", modes=[]), ValueError, "component 'c': needs at least one failure mode"),
        (lambda m: m.component("c", modes=[1]), TypeError, r"component 'c': modes\[0\] must be rs.FailureMode"),
        (lambda m: m.component(3, mttf=1, mttr=1), TypeError, "component name must be a string"),
        (lambda m: m.component("  ", mttf=1, mttr=1), ValueError, "component name must not be empty"),
        (lambda m: m.crew("ops", 0), ValueError, "crew 'ops': size must be >= 1, got 0"),
        (lambda m: m.service("s", 5), TypeError, "service 's': expected a component or service name or a requirement"),
        (lambda m: m.service("s", ["a", "b"]), TypeError, "service 's': expected a component or service name or a requirement"),
        (lambda m: m.service("s", "a", availability=1.5), ValueError, "service 's' availability target"),
    ],
    ids=[
        "no-modes",
        "mode-not-a-failuremode",
        "name-int",
        "name-blank",
        "crew-size-0",
        "requirement-int",
        "requirement-list",
        "availability-target",
    ],
)
def test_other_building_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make(rs.Model())


def test_duplicate_failure_mode_and_zero_time_to_failure():
    m = rs.Model()
    m.component("c", modes=[rs.FailureMode("f", rs.Exponential(1), 1), rs.FailureMode("f", rs.Exponential(2), 1)])
    with pytest.raises(ValueError, match="component 'c': duplicate failure mode 'f'"):
        m.validate()
    m = rs.Model()
    m.component("c", failure=rs.Deterministic(0), repair=1)
    with pytest.raises(ValueError, match="component 'c', failure mode 'failure': time to failure must have a positive mean"):
        m.validate()


def test_model_without_components():
    with pytest.raises(ValueError, match="model 'empty' has no components"):
        rs.Model("empty").validate()


# --- simulate arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(horizon=0), ValueError, "horizon must be > 0"),
        (dict(horizon=-1), ValueError, "horizon must be > 0"),
        (dict(horizon="-5h"), ValueError, "horizon must be > 0"),
        (dict(horizon="abc"), ValueError, "horizon: cannot read 'abc'"),
        (dict(horizon=None), TypeError, "horizon"),
        (dict(replications=0), ValueError, "replications must be >= 1, got 0"),
        (dict(replications=-1), ValueError, "replications must be >= 1, got -1"),
        (dict(replications=1.5), TypeError, "replications must be an integer, got float"),
        (dict(replications=True), TypeError, "replications must be an integer, got bool"),
        (dict(seed=-1), ValueError, "seed must be >= 0, got -1"),
        (dict(seed=2**64), ValueError, r"seed must be < 2\*\*64"),
        (dict(seed=1.5), TypeError, "seed must be an integer"),
        (dict(seed="1"), TypeError, "seed must be an integer"),
        (dict(threads=-1), ValueError, r"threads \(None or 0 = all cores\) must be >= 0"),
        (dict(threads=1.5), TypeError, "threads .* must be an integer"),
    ],
    ids=[
        "horizon-0",
        "horizon-negative",
        "horizon-negative-str",
        "horizon-abc",
        "horizon-none",
        "replications-0",
        "replications-negative",
        "replications-float",
        "replications-bool",
        "seed-negative",
        "seed-2**64",
        "seed-float",
        "seed-str",
        "threads-negative",
        "threads-float",
    ],
)
def test_bad_simulate_arguments(kwargs, exc, match):
    m = two_dbs()
    m.service("s", "db-1")
    args = {"horizon": "30d", "replications": 5, "seed": 1, "progress": False, **kwargs}
    with pytest.raises(exc, match=match):
        m.simulate(**args)


# --- recovery procedures -----------------------------------------------------------------------


def test_unknown_crew_in_a_step():
    m = repair_with(rs.Step("detect", "5m"), rs.Step("fix", "1h", crew="ops"))
    with pytest.raises(ValueError, match=r"component 'c', failure mode 'failure', step 2 \(fix\): unknown crew 'ops'"):
        m.validate()


def test_known_crew_is_fine():
    m = repair_with(rs.Step("fix", "1h", crew="ops"))
    m.crew("ops", 2)
    assert m.validate() is m


@pytest.mark.parametrize(
    ("make", "exc", "match"),
    [
        (lambda: rs.Step("fix", "1h", success=1.5), ValueError, r"step 'fix' success: expected a probability .*, got 1.5"),
        (lambda: rs.Step("fix", "1h", success=-0.1), ValueError, r"step 'fix' success: expected a probability .*, got -0.1"),
        (lambda: rs.Step("fix", "1h", success="0.5"), TypeError, "step 'fix' success: expected a probability"),
        (lambda: rs.Step("fix", "1h", max_attempts=0), ValueError, "step 'fix': max_attempts must be >= 1, got 0"),
        (lambda: rs.Step("fix", "1h", every=0), ValueError, "step 'fix': inspection interval 'every' must be > 0"),
        (lambda: rs.Step("", "1h"), ValueError, "step name must not be empty"),
        (lambda: rs.Procedure(), ValueError, "a procedure needs at least one step"),
        (lambda: rs.Procedure(rs.Step("a", 1), "b"), TypeError, "procedure step 1: expected rs.Step"),
    ],
    ids=["success-1.5", "success-negative", "success-str", "max-attempts-0", "every-0", "empty-name", "empty-procedure", "not-a-step"],
)
def test_step_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_escalation_to_an_unknown_procedure():
    m = repair_with(rs.Step("fix", "1h", success=0.5, max_attempts=2, escalate="vendor"))
    with pytest.raises(ValueError, match=r"step 1 \(fix\): escalates to unknown procedure 'vendor'"):
        m.validate()


def test_escalation_loop_between_two_named_procedures():
    m = repair_with(rs.Step("fix", "1h", success=0.5, max_attempts=2, escalate="restart"))
    m.procedure("restart", rs.Step("restart", "10m", success=0.5, max_attempts=2, escalate="rebuild"))
    m.procedure("rebuild", rs.Step("rebuild", "2h", success=0.5, max_attempts=1, escalate="restart"))
    with pytest.raises(ValueError, match="escalation loop") as info:
        run(m)
    assert "restart -> rebuild -> restart" in str(info.value)


def test_escalation_to_itself():
    m = repair_with(rs.Step("fix", "1h"))
    m.procedure("restart", rs.Step("restart", "10m", success=0.5, max_attempts=2, escalate="restart"))
    with pytest.raises(ValueError, match="escalation loop.*restart -> restart"):
        m.validate()


def test_bounded_escalation_chain_is_fine():
    m = repair_with(rs.Step("fix", "1h", success=0.5, max_attempts=2, escalate="restart"))
    m.procedure("restart", rs.Step("restart", "10m", success=0.5, max_attempts=2, escalate="rebuild"))
    m.procedure("rebuild", rs.Step("rebuild", "2h"))
    assert run(m).failures("c").sum() > 0


@pytest.mark.parametrize(
    ("step", "match"),
    [
        (lambda: rs.Step("fix", "1h", success=0.5, escalate="p"), "escalate to 'p' needs max_attempts >= 1"),
        (lambda: rs.Step("fix", "1h", success=0.5, max_attempts=2), "max_attempts=2 needs a procedure to escalate to"),
        (lambda: rs.Step("fix", "1h", success=0), "success probability 0 with no bounded escalation"),
        (lambda: rs.Step("fix", "1h", every=2, offset=-1), "inspection offset must be >= 0"),
    ],
    ids=["escalate-without-max-attempts", "max-attempts-without-escalate", "never-succeeds", "negative-offset"],
)
def test_procedure_consistency(step, match):
    m = repair_with(step())
    m.procedure("p", rs.Step("a", 1))
    with pytest.raises(ValueError, match=r"component 'c', failure mode 'failure', step 1 \(fix\): " + match):
        m.validate()


# --- random models ---------------------------------------------------------------------------

POOL = ["a", "b", "db-1", "db-4", "x", "y"]


@st.composite
def requirements(draw, depth=2):
    """A requirement as plain data: a name, or (kind, k, [children])."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(POOL))
    kind = draw(st.sampled_from(["all_of", "any_of", "k_of_n"]))
    children = draw(st.lists(requirements(depth=depth - 1), min_size=0, max_size=4))
    k = draw(st.integers(-1, len(children) + 1)) if kind == "k_of_n" else 0
    return (kind, k, children)


def build_req(data):
    if isinstance(data, str):
        return data
    kind, k, children = data
    members = [build_req(c) for c in children]
    if kind == "k_of_n":
        return rs.k_of_n(k, *members)
    return getattr(rs, kind)(*members)


def group_problems(data, known: set[str]) -> tuple[set[str], bool]:
    """(unknown names, whether some group repeats a name) for a requirement as data."""
    if isinstance(data, str):
        return ({data} - known), False
    _, _, children = data
    unknown: set[str] = set()
    dup = len(children) == 0
    names = [c for c in children if isinstance(c, str)]
    dup = dup or len(names) != len(set(names))
    for c in children:
        u, d = group_problems(c, known)
        unknown |= u
        dup = dup or d
    return unknown, dup


def has_service_cycle(services: dict[str, object]) -> bool:
    def refs(data) -> set[str]:
        if isinstance(data, str):
            return {data} & set(services)
        return set().union(*[refs(c) for c in data[2]]) if data[2] else set()

    graph = {s: refs(r) for s, r in services.items()}
    state: dict[str, int] = {}

    def visit(s: str) -> bool:
        state[s] = 1
        for t in graph[s]:
            if state.get(t) == 1 or (t not in state and visit(t)):
                return True
        state[s] = 2
        return False

    return any(s not in state and visit(s) for s in graph)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    components=st.lists(st.sampled_from(POOL), max_size=4),
    services=st.lists(st.tuples(st.sampled_from(POOL + ["svc"]), requirements()), max_size=3),
    mttr=st.sampled_from([1, "30m", -1, 0, "5x", None]),
)
def test_random_models_either_work_or_raise_value_or_type_error(components, services, mttr):
    m = rs.Model("random")
    added_services: dict[str, object] = {}
    for name in components:
        try:
            m.component(name, mttf="500h", mttr=mttr)
        except (ValueError, TypeError):
            pass
    for name, data in services:
        try:
            m.service(name, build_req(data))
            added_services[name] = data
        except (ValueError, TypeError):
            pass
    # What the model holds matches what was accepted.
    assert list(m.services) == list(added_services)
    assert not set(m.components) & set(m.services)

    known = set(m.components) | set(m.services)
    unknown: set[str] = set()
    dup = False
    for data in added_services.values():
        if isinstance(data, str):  # a bare name is wrapped in a one-member group
            data = ("all_of", 0, [data])
        u, d = group_problems(data, known)
        unknown |= u
        dup = dup or d
    expect_ok = bool(m.components) and not unknown and not dup and not has_service_cycle(added_services)

    try:
        res = m.simulate("100h", 3, seed=7, threads=1, progress=False)
    except ValueError as e:
        msg = str(e)
        assert not expect_ok, f"valid model rejected: {msg}"
        reasons = [f"'{n}'" for n in unknown] + ["appears twice", "has no members", "cycle", "has no components"]
        assert any(r in msg for r in reasons), msg
        event("rejected by validation")
        return
    assert expect_ok, "invalid model accepted"
    event("simulated")
    # Every name referenced exists, and results cover exactly the model.
    for svc in m.services.values():
        names = [svc.requirement] if isinstance(svc.requirement, str) else svc.requirement.names()
        assert set(names) <= known
    assert res.service_names == list(m.services)
    assert res.component_names == list(m.components)
    for s in res.service_names:
        d = res.downtime(s)
        assert d.shape == (3,)
        assert np.all((d >= 0) & (d <= 100.0))


# --- structured errors: entity, field and reason, never parsed from the message ------------------


def _crash_and_disk(m: rs.Model, crew: str = "") -> None:
    m.component(
        "db-a",
        modes=[
            rs.FailureMode("crash", rs.Exponential(100), rs.Exponential(1)),
            rs.FailureMode("disk", rs.Exponential(500), [rs.Step("detect", 0.1), rs.Step("replace", 4, crew=crew or None)]),
        ],
    )


@pytest.mark.parametrize(
    ("build", "entity", "field", "reason"),
    [
        (
            lambda m: _crash_and_disk(m, crew="ops"),
            ("component", "db-a"),
            "modes[1].repair.steps[1].crew",
            "unknown crew 'ops'",
        ),
        (
            lambda m: (_crash_and_disk(m), m.service("s", rs.any_of("db-a", "db-a"))),
            ("service", "s"),
            "requirement.members[1]",
            "'db-a' appears twice in the same group",
        ),
        (
            lambda m: (_crash_and_disk(m), m.service("a", rs.all_of("db-a", "b")), m.service("b", "a")),
            ("service", "a"),
            "requirement",
            "cycle in the dependency graph: a -> b -> a",
        ),
        (
            lambda m: (_crash_and_disk(m), m.shock("storm", every="1y", targets="db-a", mode="flood")),
            ("shock", "storm"),
            "mode",
            "component 'db-a' has no failure mode 'flood'",
        ),
    ],
    ids=["step-crew", "member-twice", "service-cycle", "shock-mode"],
)
def test_compile_errors_say_entity_field_and_reason(build, entity, field, reason):
    from recoverysim import _core

    m = rs.Model("structured")
    with pytest.raises(_core.SpecError) as info:
        build(m)
        m.compile()
    e = info.value
    assert isinstance(e, ValueError)
    assert (e.entity, e.field, e.reason) == (entity, field, reason)
    assert str(e).endswith(reason) and "\n" not in str(e)


def test_distribution_parameter_errors_name_the_parameter():
    import pickle

    from recoverysim import _core

    with pytest.raises(_core.SpecError) as info:
        rs.Weibull(-1, "10h")
    e = info.value
    assert (e.entity, e.field, e.reason) == (("distribution", "Weibull"), "shape", "must be > 0 (got -1)")
    assert str(e) == "Weibull: shape must be > 0 (got -1)"
    again = pickle.loads(pickle.dumps(e))
    assert (again.entity, again.field, again.reason, str(again)) == (e.entity, e.field, e.reason, str(e))


# --- percentages wherever a probability is, written back as given ---------------------------------------


def _every_probability(p):
    """A model with every probability of the API given as ``p``."""
    m = rs.Model("pct")
    m.component(
        "db",
        modes=[rs.FailureMode("crash", failure=rs.Exponential("1000h"), repair=[rs.Step("restart", "5m", success=p)])],
        backup=rs.Backup("4h", "5m", success=p),
    )
    m.component(
        "db-2", modes=[rs.FailureMode("crash", failure=rs.Exponential("1000h"), repair="1h", cascades=[rs.Cascade("db", probability=p)])]
    )
    m.service("s", rs.standby("db", "db-2", switchover="1m", success=p), availability=p)
    m.shock("storm", every="1y", targets=["db"], probability=p, outage="1h")
    return m


@pytest.mark.parametrize(("given", "expected"), [("99.99%", 99.99 / 100), (" 95 % ", 0.95), ("0%", 0.0), ("100%", 1.0), (0.9999, 0.9999)])
def test_every_probability_of_the_api_accepts_a_percentage(given, expected):
    m = _every_probability(given)
    assert m.services["s"].availability == expected
    assert m.shocks["storm"].probability == expected
    assert m.components["db"].backup.success == expected
    assert m.components["db-2"].modes[0].cascades[0].probability == expected


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("99.99%", "99.99%"),
        ("99.9%", "99.9%"),
        ("99.999%", "99.999%"),
        (0.9999, 0.9999),
        ("99.95%", 0.9995),
        (0.95, 0.95),
        ("95%", 0.95),
        ("50%", 0.5),
    ],
)
def test_save_writes_the_short_exact_literal(given, written, tmp_path):
    """99.99/100 is 0.9998999999999999 and 99.9/100 is 0.9990000000000001 as floats: written back as
    '99.99%' and '99.9%' they read back as the same floats. 99.95/100 is exactly the float 0.9995 and
    95/100 the float 0.95: the plain numbers are short and exact."""
    m = _every_probability(given)
    data = m.to_data()
    assert data["services"]["s"]["availability"] == written
    assert data["shocks"]["storm"]["probability"] == written
    m.save(tmp_path / "m.yaml")
    text = (tmp_path / "m.yaml").read_text()
    assert "0.99989999" not in text
    if isinstance(written, str):
        assert f"availability: {written}" in text
    again = rs.load(tmp_path / "m.yaml")
    assert again.services["s"].availability == m.services["s"].availability
    assert again.shocks["storm"].probability == m.shocks["storm"].probability


def test_probability_literal_round_trips_any_float():
    from recoverysim.validation import probability_literal, probability_value

    rng = np.random.default_rng(3)
    for p in np.concatenate([rng.random(500), 1 - 10.0 ** -rng.uniform(1, 9, 500), [0.0, 1.0, 1e-12, 0.5]]):
        lit = probability_literal(float(p))
        assert probability_value(lit) == float(p), (p, lit)
        assert len(str(lit)) <= len(repr(float(p))) + 1


def test_percentages_for_results_and_assertions():
    m = rs.examples.load("single")
    res = m.simulate("1y", 200, seed=1, progress=False)
    assert (res.sla_met("web", "99%") == res.sla_met("web", 0.99)).all()
    assert res.p_sla_met("web", "99.95%") == res.p_sla_met("web", 0.9995)
    with pytest.raises(ValueError, match="target: expected a probability"):
        res.sla_met("web", "150%")
