"""Bad recovery definitions give one clear error naming the culprit (never a crash)."""

from __future__ import annotations

import pytest

import recoverysim as rs


def base() -> rs.Model:
    m = rs.Model("v")
    m.component("a", mttf="100h", mttr="1h")
    m.component("b", mttf="100h", mttr="1h")
    return m


def run(m: rs.Model) -> rs.Results:
    return m.simulate("30d", 3, seed=1, progress=False)


@pytest.mark.parametrize(
    ("build", "exc", "match"),
    [
        (lambda m: m.service("s", rs.standby("a")), ValueError, "standby: needs a primary and at least one spare"),
        (lambda m: m.service("s", rs.standby("a", "b", success=1.5)), ValueError, r"standby success: expected a probability .*, got 1.5"),
        (lambda m: m.service("s", rs.standby("a", "b", dormancy=2)), ValueError, r"dormancy must be in \[0, 1\]"),
        (lambda m: m.service("s", rs.standby("a", "b", switchover=-1)), ValueError, "switchover: a fixed duration must be >= 0"),
        (lambda m: m.service("s", rs.standby("a", rs.any_of("b"))), TypeError, "standby: member 1 must be a component name"),
        (lambda m: m.service("s", "a", rto="-5m"), ValueError, "service 's' rto must be > 0"),
        (lambda m: m.service("s", "a", rpo=-1), ValueError, "service 's' rpo must be >= 0"),
        (lambda m: rs.Backup(every=0), ValueError, "backup: every must be > 0"),
        (lambda m: rs.Backup(every="1h", success=2), ValueError, r"backup success: expected a probability .*, got 2"),
        (lambda m: rs.Backup(every="1h", duration="-5m"), ValueError, "backup duration: a fixed duration must be >= 0"),
        (
            lambda m: rs.FailureMode("x", rs.Exponential(1), rs.Exponential(1), data_loss="all"),
            ValueError,
            "data_loss must be False, True or 'backup'",
        ),
        (lambda m: m.component("c", mttf=1, mttr=1, backup="hourly"), TypeError, r"backup must be rs.Backup\(...\)"),
        (lambda m: rs.Step("restore", "1h", success=-0.1), ValueError, r"expected a probability .*, got -0.1"),
        (lambda m: rs.Step("restore", "1h", max_attempts=0), ValueError, "max_attempts must be >= 1, got 0"),
        (lambda m: rs.Step("inspect", 0, every=0), ValueError, "inspection interval 'every' must be > 0"),
        (lambda m: rs.Procedure(), ValueError, "a procedure needs at least one step"),
        (lambda m: rs.Procedure("restore"), TypeError, "expected rs.Step"),
        (lambda m: m.crew("oncall", size=0), ValueError, "size must be >= 1, got 0"),
    ],
    ids=[
        "standby-one-member",
        "standby-success",
        "standby-dormancy",
        "standby-negative-switchover",
        "standby-nested-group",
        "rto-negative",
        "rpo-negative",
        "backup-every-0",
        "backup-success",
        "backup-negative-duration",
        "data-loss-kind",
        "backup-type",
        "step-success",
        "step-attempts",
        "step-every-0",
        "empty-procedure",
        "procedure-of-strings",
        "crew-size-0",
    ],
)
def test_bad_definitions_raise_at_once(build, exc, match):
    with pytest.raises(exc, match=match):
        build(base())


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda m: m.component("c", failure=rs.Exponential(10), repair=rs.Step("restore", 1, crew="oncall")),
            r"component 'c', failure mode 'failure', step 1 \(restore\): unknown crew 'oncall'",
        ),
        (
            lambda m: m.component(
                "c", failure=rs.Exponential(10), repair=rs.Step("restore", 1, success=0.5, max_attempts=2, escalate="rebuild")
            ),
            r"step 1 \(restore\): escalates to unknown procedure 'rebuild'",
        ),
        (
            lambda m: (
                m.procedure("A", rs.Step("x", 1, success=0.5, max_attempts=1, escalate="B")),
                m.procedure("B", rs.Step("y", 1, success=0.5, max_attempts=1, escalate="A")),
            ),
            "escalation loop with no bound: A -> B -> A",
        ),
        (
            lambda m: m.component("c", failure=rs.Exponential(10), repair=rs.Step("restore", 1, success=0.0)),
            "success probability 0 with no bounded escalation would never recover",
        ),
        (
            lambda m: m.component("c", failure=rs.Exponential(10), repair=rs.Step("restore", 1, success=0.5, max_attempts=3)),
            "max_attempts=3 needs a procedure to escalate to",
        ),
        (lambda m: m.service("s", rs.standby("a", "zz")), r"service 's' > standby\(...\)\[1\]: unknown component or service 'zz'"),
        (
            lambda m: (m.service("inner", "a"), m.service("s", rs.standby("inner", "b"))),
            r"standby\(...\)\[0\]: standby members must be components, got 'inner'",
        ),
        (
            lambda m: (m.service("s1", rs.standby("a", "b")), m.service("s2", rs.standby("b", "a"))),
            "component 'b' is already a member of another standby group",
        ),
    ],
    ids=[
        "unknown-crew",
        "unknown-escalation",
        "escalation-loop",
        "never-recovers",
        "attempts-without-escalation",
        "standby-unknown-member",
        "standby-service-member",
        "standby-shared-member",
    ],
)
def test_bad_models_are_rejected_when_compiled(build, match):
    m = base()
    build(m)
    with pytest.raises(ValueError, match=match):
        run(m)
    with pytest.raises(ValueError, match=match):
        m.validate()


def test_targets_without_data_or_rto_raise_clear_errors_in_results():
    m = base()
    m.service("s", "a")
    res = run(m)
    with pytest.raises(ValueError, match="service 's' has no rto target"):
        res.rto_compliance("s")
    with pytest.raises(ValueError, match="service 's' has no rpo target"):
        res.rpo_compliance("s")
    with pytest.raises(KeyError, match="unknown service 'nope'"):
        res.outages("nope")


def test_a_standby_member_may_also_be_used_elsewhere():
    # Reading a standby member's state elsewhere is fine; only membership is exclusive.
    m = base()
    m.service("db", rs.standby("a", "b"))
    m.service("audit", rs.all_of("a"))
    res = run(m)
    assert res.replications == 3
