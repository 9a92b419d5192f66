"""Model files: round trips (YAML and JSON), one clear error per mistake, the JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import recoverysim as rs
from recoverysim import io as rsio

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCHEMA = json.loads(rsio.SCHEMA_PATH.read_text(encoding="utf-8"))


def simulate(m: rs.Model) -> rs.Results:
    return m.simulate("1y", 40, seed=11, threads=2, progress=False)


def assert_same_results(a: rs.Results, b: rs.Results) -> None:
    assert a.service_names == b.service_names and a.component_names == b.component_names
    assert a.raw == b.raw


def assert_same_model(a: rs.Model, b: rs.Model) -> None:
    assert a.to_data() == b.to_data()
    assert a == b
    # The objects too, not only their data: reprs show every field of every entity.
    assert a.name == b.name
    assert [repr(c) for c in a.components.values()] == [repr(c) for c in b.components.values()]
    assert [repr(s) for s in a.services.values()] == [repr(s) for s in b.services.values()]
    assert a.crews == b.crews
    assert {k: repr(p) for k, p in a.procedures.items()} == {k: repr(p) for k, p in b.procedures.items()}
    assert [repr(x) for x in a.shocks.values()] == [repr(x) for x in b.shocks.values()]
    assert [repr(x) for x in a.maintenances.values()] == [repr(x) for x in b.maintenances.values()]
    assert a.age_when_down == b.age_when_down


# --- round trips ---------------------------------------------------------------------------------


def test_examples_are_there():
    assert {p.name for p in EXAMPLES} >= {"exchange.yaml", "single.yaml", "standby.yaml", "backups.yaml", "quorum.yaml"}


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_round_trip(example, suffix, tmp_path):
    m = rs.load(example)
    assert m.name == example.stem
    out = tmp_path / f"copy{suffix}"
    m.save(out)
    again = rs.load(out)
    assert again.name == m.name  # from the file, not from "copy"
    assert_same_model(m, again)
    if suffix == ".json":
        json.loads(out.read_text())  # really JSON
    assert_same_results(simulate(m), simulate(again))


def every_feature() -> rs.Model:
    """A model built in Python that uses every feature model files can hold."""
    m = rs.Model("everything", age_when_down=False)
    m.crew("oncall", size=2)
    m.crew("vendor")
    m.procedure(
        "rma",
        rs.Step("ship", rs.Triangular("1d", "2d", "5d"), crew="vendor"),
        rs.Step("install", rs.Gamma(2.5, "1h"), crew="oncall", success=0.9),
    )
    m.procedure("reimage", rs.Step("reimage", rs.Normal("2h", "30m"), success=0.5, max_attempts=3, escalate="rma"))
    m.component("lb", mttf="1y", mttr="15m", tags={"role": "gateway", "tier": "1"})
    m.component("api-1", mttf=2000, mttr=0.25, data_loss=True)
    m.component("api-2", failure=rs.Exponential(rate=1 / 1500), repair="20m", tags={"region": "eu-1"})
    m.component("api-3", failure=rs.Deterministic("4000h"), repair=rs.Uniform("5m", "15m"), data_loss="backup")
    m.component(
        "db-a",
        modes=[
            rs.FailureMode("crash", rs.Weibull(1.3, "3000h"), rs.LogNormal.from_mean_std("2h", "1h")),
            rs.FailureMode(
                "corruption",
                rs.Gamma.from_mean_std("1y", "0.5y"),
                rs.Procedure(
                    rs.Step("detect", "5m", every="6h", offset="1h"),
                    rs.Step(
                        "restore", rs.Empirical(["1h", "90m", 2.5, "3h"]), crew="oncall", success=0.8, max_attempts=2, escalate="reimage"
                    ),
                ),
                data_loss="backup",
            ),
            rs.FailureMode(
                "disk",
                rs.LogNormal(8.5, 0.7),
                [rs.Step("swap", rs.Exponential("45m"), crew="oncall")],
                data_loss=True,
                cascades=[rs.Cascade("db-b", probability=0.3, delay="5m", mode="crash"), rs.Cascade("api-3", delay=rs.Exponential("1m"))],
            ),
        ],
        backup=rs.Backup(every="1h", duration=rs.Uniform("2m", "8m"), success=0.97, offset="10m"),
        replication=rs.Replication(lag=rs.Exponential("2s")),
        tags={"role": "db"},
    )
    m.component(
        "db-b",
        modes=[rs.FailureMode("crash", rs.Weibull(1.3, "3000h"), rs.Procedure(rs.Step("restart", "10m")))],
        backup=rs.Backup("4h"),
        replication=rs.Replication("3s"),
    )
    for i in range(1, 5):
        m.component(f"v{i}", mttf="1500h", mttr=rs.Triangular("10m", "30m", "3h").mean, tags={"region": "eu-1" if i < 3 else "us-1"})
    m.component("router", modes=[rs.FailureMode("failure", rs.Weibull(2, "1y"), "30m", cascades=[rs.Cascade("lb", probability=0.5)])])
    m.service("gateways", rs.all_of("lb", rs.k_of_n(2, "api-1", "api-2", "api-3")))
    m.service(
        "database",
        rs.standby("db-a", "db-b", detection=rs.Exponential("2m"), switchover="1m", success=0.95, dormancy=0.5),
        rto="30m",
        rpo="5m",
    )
    m.service("chain", rs.k_of_n(3, "v1", "v2", "v3", "v4", load_sharing=0.5), availability=0.999)
    m.service("trading", rs.all_of("gateways", rs.any_of("database", rs.all_of("chain", "api-1"))), availability=0.9995, rto="1h", rpo=0)
    m.service("front", rs.all_of("trading", "router"))
    # Issue 14: step requirements with a fallback, a service restart, per-target shock outages.
    m.component("monitor", mttf="500h", mttr="2h")
    m.component(
        "vault",
        failure=rs.Exponential("1y"),
        repair=[
            rs.Step("detect", "1m", requires="monitor", fallback=rs.Exponential("30m")),
            rs.Step("restore", "2h", crew="oncall", requires=rs.any_of("db-a", rs.k_of_n(2, "v1", "v2", "v3"))),
        ],
    )
    m.service(
        "chain-restarted",
        rs.k_of_n(3, "v1", "v2", "v3", "v4"),
        restart=[rs.Step("coordinate", rs.Exponential("30m")), rs.Step("replay", "20m")],
    )
    m.shock("region-us", every="3y", targets={"region": "us-1"}, outage=rs.Uniform("1h", "6h"), per_target=True, stagger="10m")
    m.shock("region-eu", every="2y", targets={"region": "eu-1"}, outage=rs.Uniform("2h", "12h"))
    m.shock("bad-deploy", every=rs.Weibull(1.5, "90d"), targets=["api-1", "api-2"], probability=0.5, mode="failure")
    m.shock("ddos", every="30d", targets="lb", outage="20m")
    m.shock("db-crash", every="1y", targets="db-a", mode="crash")
    m.maintenance("patch-db", targets="db-b", every="30d", duration=rs.Uniform("30m", "1h"), offset="2h", crew="oncall")
    m.maintenance("deploy", targets={"role": "gateway"}, every="1w", duration="10m")
    m.maintenance("validators", targets=["v1", "v3"], every="90d", duration="1h")
    # Issue 16: stress periods (weekly, one-off, while a group is degraded).
    m.stress("volatility", factor=3, targets={"role": "gateway"}, hours=["mon-fri 13:00-21:00"], origin="mon 06:00")
    m.stress("launch", factor=1.5, targets=["api-1", "api-2"], periods=[("10d", "12d"), ("30d", "31d")])
    m.stress("peak-load", factor=2, targets=["v1", "v2", "v3", "v4"], while_degraded="chain")
    return m


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_python_model_round_trip(fmt, tmp_path):
    m = every_feature()
    path = tmp_path / f"m.{fmt}"
    m.save(path)
    again = rs.load(path)
    assert_same_model(m, again)
    assert_same_results(simulate(m), simulate(again))
    # Saving what was loaded gives the same file.
    path2 = tmp_path / f"m2.{fmt}"
    again.save(path2)
    assert path2.read_text() == path.read_text()


def test_loads_and_dumps_round_trip():
    m = every_feature()
    assert_same_model(rs.loads(rsio.dumps(m)), m)
    assert_same_model(rs.loads(rsio.dumps(m, format="json"), format="json"), m)


def test_saved_yaml_reads_well():
    m = rs.Model("small")
    m.component("api-1", mttf="2000h", mttr="30m", tags={"role": "gateway"})
    m.component("db", failure=rs.Weibull(1.3, "3000h"), repair=rs.LogNormal.from_mean_std("2h", "1h"))
    m.service("trading", rs.all_of("api-1", "db"), availability=0.9995, rto="1h")
    text = rsio.dumps(m)
    assert text.startswith("# recoverysim model file")
    assert "  api-1: {mttf: 2000h, mttr: 30m, tags: {role: gateway}}\n" in text
    # A log-normal built from a mean and std is written back as a mean and std.
    assert "repair: {type: lognormal, mean: 2h, std: 1h}" in text
    assert "  trading: {requires: [api-1, db], availability: 0.9995, rto: 1h}\n" in text


def test_durations_are_written_with_readable_units():
    m = rs.Model("u")
    m.component("a", mttf="1y", mttr="15m")
    m.component("b", mttf=1500, mttr=rs.Triangular("10m", "30m", "3h").mean)
    data = m.to_data()["components"]
    assert data["a"] == {"mttf": "1y", "mttr": "15m"}
    assert data["b"]["mttf"] == "1500h"
    assert rs.hours(data["b"]["mttr"]) == m.components["b"].modes[0].repair.steps[0].duration.mean


def test_model_equality():
    a, b = every_feature(), every_feature()
    assert a == b
    b.service("front", "gateways", replace=True)
    assert a != b
    assert a != "model"


def test_default_name_and_percentages(tmp_path):
    p = tmp_path / "shop.yaml"
    p.write_text("components: {web: {mttf: 100h, mttr: 1h}}\nservices: {site: {requires: web, availability: 99.5%}}\n")
    m = rs.load(p)
    assert m.name == "shop"
    assert m.services["site"].availability == pytest.approx(0.995)
    assert rs.loads("name: x\ncomponents: {web: {mttf: 1h, mttr: 1m}}").name == "x"
    assert rs.loads("components: {web: {mttf: 1h, mttr: 1m}}").name == "model"


def test_yaml_anchors_and_merge_keys():
    m = rs.loads(
        """
components:
  a: &server {mttf: 1000h, mttr: 1h, tags: {region: eu-1}}
  b: *server
  c: {<<: *server, tags: {region: us-1}}
"""
    )
    assert m.components["b"].tags == {"region": "eu-1"}
    assert m.components["c"].tags == {"region": "us-1"}
    assert repr(m.components["a"].modes) == repr(m.components["c"].modes)


def test_distribution_forms():
    m = rs.loads(
        """
components:
  a: {failure: {type: Exponential, rate: 0.01}, repair: 2}
  b: {failure: {type: gamma, mean: 100h, std: 50h}, repair: {type: deterministic, value: 1h}}
"""
    )
    assert m.components["a"].modes[0].failure == rs.Exponential("100h")
    assert m.components["a"].modes[0].repair.steps[0].duration == rs.Deterministic(2)
    assert m.components["b"].modes[0].failure == rs.Gamma.from_mean_std(100, 50)


def test_save_refuses_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"use \.yaml, \.yml or \.json"):
        every_feature().save(tmp_path / "m.txt")
    with pytest.raises(ValueError, match="format must be"):
        rsio.dumps(every_feature(), format="toml")
    with pytest.raises(ValueError, match="format must be"):
        rs.loads("{}", format="toml")


# --- errors ------------------------------------------------------------------------------------------

BASE = """\
crews: {oncall: 1}
procedures:
  vendor: [{name: replace, duration: 1d}]
components:
  db-1: {mttf: 1000h, mttr: 1h}
  db-2: {mttf: 1000h, mttr: 1h}
  api-1: {mttf: 1000h, mttr: 1h}
"""


def with_component(body: str) -> str:
    return BASE + f"  x: {body}\n"


def with_services(body: str) -> str:
    return BASE + "services:\n" + body


# (id, text, path, reason): the message must be exactly "path: reason..." (reason is a prefix).
ERRORS = [
    # references
    (
        "unknown-component",
        with_services("  trading: {requires: [db-1, db-4]}\n"),
        "services.trading.requires[1]",
        "unknown component or service 'db-4' (did you mean 'db-1' or 'db-2'?)",
    ),
    (
        "unknown-nested",
        with_services("  t: {requires: {any_of: [db-1, {all_of: [api-1, nope]}]}}\n"),
        "services.t.requires.any_of[1].all_of[1]",
        "unknown component or service 'nope'",
    ),
    ("unknown-lone-name", with_services("  t: {requires: db-9}\n"), "services.t.requires", "unknown component or service 'db-9'"),
    (
        "unknown-in-k-of-n",
        with_services("  t: {requires: {k_of_n: {k: 1, of: [db-1, dbb-2]}}}\n"),
        "services.t.requires.k_of_n.of[1]",
        "unknown component or service 'dbb-2' (did you mean 'db-2'?)",
    ),
    (
        "unknown-crew",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [{name: fix, duration: 1h, crew: oncal}]}"),
        "components.x.repair[0].crew",
        "unknown crew 'oncal' (did you mean 'oncall'?)",
    ),
    (
        "unknown-procedure",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [{name: fix, duration: 1h, max_attempts: 1, escalate: vendr}]}"),
        "components.x.repair[0].escalate",
        "unknown procedure 'vendr' (did you mean 'vendor'?)",
    ),
    (
        "standby-member-is-service",
        with_services("  a: {requires: db-1}\n  b: {requires: {standby: {members: [a, db-2]}}}\n"),
        "services.b.requires.standby.members[0]",
        "'a' is a service; standby members must be components",
    ),
    (
        "standby-member-unknown",
        with_services("  b: {requires: {standby: {members: [db-1, db-3]}}}\n"),
        "services.b.requires.standby.members[1]",
        "unknown component 'db-3'",
    ),
    ("service-named-like-component", with_services("  db-1: {requires: db-2}\n"), "services.db-1", "a component has that name"),
    # numbers, durations, probabilities
    (
        "number-expected",
        with_component("{failure: {type: weibull, shape: abc, scale: 3000h}, repair: 1h}"),
        "components.x.failure.shape",
        "expected a number, got 'abc'",
    ),
    (
        "parameter-out-of-range",
        with_component("{failure: {type: weibull, shape: -1, scale: 3000h}, repair: 1h}"),
        "components.x.failure.shape",
        "must be > 0",
    ),
    ("bad-duration", with_component("{mttf: abc, mttr: 1h}"), "components.x.mttf", "cannot read 'abc' as a duration"),
    ("ambiguous-month", with_component("{mttf: 3M, mttr: 1h}"), "components.x.mttf", "'M' in '3M' is ambiguous"),
    ("unknown-unit", with_component("{mttf: 3 fortnights, mttr: 1h}"), "components.x.mttf", "unknown time unit 'fortnights'"),
    ("zero-mttr", with_component("{mttf: 1h, mttr: 0}"), "components.x.mttr", "must be > 0, got 0"),
    (
        "negative-offset",
        with_component("{mttf: 1h, mttr: 1h, backup: {every: 1h, offset: -5m}}"),
        "components.x.backup.offset",
        "must be >= 0, got '-5m'",
    ),
    (
        "duration-is-a-list",
        with_component("{mttf: [1h], mttr: 1h}"),
        "components.x.mttf",
        "expected a duration such as '30m', '2h' or '1y' (a plain number means hours), got a list",
    ),
    (
        "date-is-not-a-duration",
        with_services("  s: {requires: db-1, rto: 2024-01-01}\n"),
        "services.s.rto",
        "expected a duration such as '30m', '2h' or '1y' (a plain number means hours), got 2024-01-01 (YAML reads it as a date)",
    ),
    (
        "probability-above-1",
        with_services("  s: {requires: db-1, availability: 1.5}\n"),
        "services.s.availability",
        "expected a probability",
    ),
    ("bad-percentage", with_services("  s: {requires: db-1, availability: lots%}\n"), "services.s.availability", "expected a probability"),
    (
        "step-success-bool",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [{name: fix, duration: 1h, success: yes}]}"),
        "components.x.repair[0].success",
        "expected a probability (a number from 0 to 1, or a percentage such as '99.9%'), got true",
    ),
    (
        "max-attempts-float",
        with_component(
            "{failure: {type: exponential, mean: 1h}, repair: [{name: fix, duration: 1h, max_attempts: 1.5, escalate: vendor}]}"
        ),
        "components.x.repair[0].max_attempts",
        "expected a whole number >= 1, got 1.5",
    ),
    ("crew-size-zero", BASE.replace("oncall: 1", "oncall: 0"), "crews.oncall", "must be >= 1, got 0"),
    (
        "dormancy-range",
        with_services("  s: {requires: {standby: {members: [db-1, db-2], dormancy: 2}}}\n"),
        "services.s.requires.standby.dormancy",
        "must be from 0 (cold spares) to 1 (hot spares), got 2",
    ),
    (
        "k-too-large",
        with_services("  s: {requires: {k_of_n: {k: 3, of: [db-1, db-2]}}}\n"),
        "services.s.requires.k_of_n.k",
        "must be at most the number of members (2), got 3",
    ),
    (
        "k-not-a-number",
        with_services("  s: {requires: {k_of_n: {k: two, of: [db-1, db-2]}}}\n"),
        "services.s.requires.k_of_n.k",
        "expected a whole number >= 1, got 'two'",
    ),
    # unknown and missing fields
    ("unknown-field", BASE.replace("api-1: {mttf", "api-1: {mtbf"), "components.api-1.mtbf", "unknown field (did you mean 'mttf'?)"),
    ("unknown-top-level", BASE + "service: {}\n", "service", "unknown field (did you mean 'services'?)"),
    (
        "unknown-step-field",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [{name: a, duraton: 1h}]}"),
        "components.x.repair[0].duraton",
        "unknown field (did you mean 'duration'?)",
    ),
    (
        "unknown-field-no-suggestion",
        with_component("{mttf: 1h, mttr: 1h, colour: red}"),
        "components.x.colour",
        "unknown field (expected mttf, mttr, failure",
    ),
    (
        "unknown-distribution",
        with_component("{failure: {type: weibul, shape: 1, scale: 1h}, repair: 1h}"),
        "components.x.failure.type",
        "unknown distribution 'weibul' (did you mean 'weibull'?)",
    ),
    (
        "distribution-missing-parameter",
        with_component("{failure: {type: weibull, shape: 1}, repair: 1h}"),
        "components.x.failure",
        "missing field 'scale' (weibull takes {shape, scale})",
    ),
    (
        "distribution-mixed-parameters",
        with_component("{failure: {type: exponential, mean: 1h, rate: 2}, repair: 1h}"),
        "components.x.failure.rate",
        "cannot be combined with mean (exponential takes {mean} or {rate})",
    ),
    ("distribution-without-type", with_component("{failure: {mean: 1h}, repair: 1h}"), "components.x.failure", "missing field 'type'"),
    (
        "fixed-time-to-failure",
        with_component("{failure: 100h, repair: 1h}"),
        "components.x.failure",
        "expected a distribution such as {type: exponential, mean: 2h}, got '100h'",
    ),
    (
        "empty-empirical",
        with_component("{failure: {type: empirical, values: []}, repair: 1h}"),
        "components.x.failure.values",
        "needs at least one observed duration",
    ),
    ("mttf-without-mttr", with_component("{mttf: 1h}"), "components.x", "missing field 'mttr' (mttf and mttr go together)"),
    (
        "two-ways-to-fail",
        with_component("{mttf: 1h, mttr: 1h, failure: {type: exponential, mean: 1h}}"),
        "components.x.failure",
        "cannot be combined with mttf",
    ),
    (
        "no-way-to-fail",
        with_component("{tags: {a: b}}"),
        "components.x",
        "say how it fails: give mttf and mttr, failure and repair, or modes",
    ),
    ("component-is-null", BASE + "  x:\n", "components.x", "expected a component"),
    (
        "mode-missing-repair",
        with_component("{modes: [{name: a, failure: {type: exponential, mean: 1h}}]}"),
        "components.x.modes[0]",
        "missing field 'repair'",
    ),
    (
        "duplicate-mode",
        with_component(
            "{modes: [{name: a, failure: {type: exponential, mean: 1h}, repair: 1h}, {name: a, failure: {type: exponential, mean: 2h}, repair: 1h}]}"
        ),
        "components.x.modes[1].name",
        "duplicate failure mode 'a'",
    ),
    (
        "data-loss-on-modes",
        with_component("{data_loss: true, modes: [{name: a, failure: {type: exponential, mean: 1h}, repair: 1h}]}"),
        "components.x.data_loss",
        "with modes, give data_loss on each mode",
    ),
    (
        "bad-data-loss",
        with_component("{mttf: 1h, mttr: 1h, data_loss: maybe}"),
        "components.x.data_loss",
        "expected false, true or 'backup', got 'maybe'",
    ),
    (
        "empty-steps",
        with_component("{failure: {type: exponential, mean: 1h}, repair: []}"),
        "components.x.repair",
        "needs at least one step",
    ),
    (
        "step-not-a-mapping",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [detect]}"),
        "components.x.repair[0]",
        "expected a step such as {name: detect, duration: 5m}, got 'detect'",
    ),
    (
        "max-attempts-without-escalate",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [{name: fix, duration: 1h, max_attempts: 2}]}"),
        "components.x.repair[0].max_attempts",
        "needs escalate",
    ),
    (
        "escalate-without-max-attempts",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [{name: fix, duration: 1h, escalate: vendor}]}"),
        "components.x.repair[0].escalate",
        "needs max_attempts",
    ),
    (
        "never-succeeds",
        with_component("{failure: {type: exponential, mean: 1h}, repair: [{name: fix, duration: 1h, success: 0}]}"),
        "components.x.repair[0].success",
        "a step that never succeeds needs max_attempts and escalate",
    ),
    (
        "backup-without-every",
        with_component("{mttf: 1h, mttr: 1h, backup: {duration: 5m}}"),
        "components.x.backup",
        "missing field 'every'",
    ),
    ("tag-is-a-list", with_component("{mttf: 1h, mttr: 1h, tags: {a: [1]}}"), "components.x.tags.a", "expected a text label, got a list"),
    ("service-without-requires", with_services("  s: {rto: 1h}\n"), "services.s", "missing field 'requires'"),
    (
        "service-is-a-list",
        with_services("  s: [db-1]\n"),
        "services.s",
        "expected a service such as {requires: [lb, db], availability: 0.999}, got a list",
    ),
    (
        "requirement-is-a-number",
        with_services("  s: {requires: 3}\n"),
        "services.s.requires",
        "expected a component or service name, a list (all of them), or a group",
    ),
    (
        "unknown-group",
        with_services("  s: {requires: {any-of: [db-1, db-2]}}\n"),
        "services.s.requires.any-of",
        "unknown group (did you mean 'any_of'?)",
    ),
    (
        "two-groups-in-one",
        with_services("  s: {requires: {any_of: [db-1], all_of: [db-2]}}\n"),
        "services.s.requires",
        "a group has exactly one key",
    ),
    ("empty-group", with_services("  s: {requires: {any_of: []}}\n"), "services.s.requires.any_of", "needs at least one member"),
    (
        "standby-of-one",
        with_services("  s: {requires: {standby: {members: [db-1]}}}\n"),
        "services.s.requires.standby.members",
        "needs a primary and at least one spare",
    ),
    ("no-components", "services: {}\n", "components", "a model needs at least one component"),
    ("name-not-text", "name: 42\n" + BASE, "name", "expected a model name, got 42"),
    ("component-name-not-text", BASE + "  1: {mttf: 1h, mttr: 1h}\n", "components", "component names must be text, got 1"),
    # correlated failures and maintenance
    (
        "cascade-unknown-target",
        with_component("{mttf: 1h, mttr: 1h, cascades: [{target: db-3}]}"),
        "components.x.cascades[0].target",
        "unknown component 'db-3' (did you mean 'db-1' or 'db-2'?)",
    ),
    (
        "cascade-to-itself",
        with_component("{mttf: 1h, mttr: 1h, cascades: [{target: x}]}"),
        "components.x.cascades[0].target",
        "a component cannot cascade to itself",
    ),
    (
        "cascade-unknown-mode",
        with_component("{mttf: 1h, mttr: 1h, cascades: [{target: db-1, mode: crash}]}"),
        "components.x.cascades[0].mode",
        "component 'db-1' has no failure mode 'crash' (its modes: failure)",
    ),
    (
        "cascade-on-component-with-modes",
        with_component("{cascades: [{target: db-1}], modes: [{name: a, failure: {type: exponential, mean: 1h}, repair: 1h}]}"),
        "components.x.cascades",
        "with modes, give cascades on each mode",
    ),
    (
        "cascade-bad-probability",
        with_component(
            "{modes: [{name: a, failure: {type: exponential, mean: 1h}, repair: 1h, cascades: [{target: db-1, probability: 2}]}]}"
        ),
        "components.x.modes[0].cascades[0].probability",
        "expected a probability",
    ),
    (
        "load-sharing-negative",
        with_services("  s: {requires: {k_of_n: {k: 1, of: [db-1, db-2], load_sharing: -1}}}\n"),
        "services.s.requires.k_of_n.load_sharing",
        "must be >= 0, got -1",
    ),
    (
        "load-sharing-over-a-service",
        with_services("  a: {requires: db-1}\n  s: {requires: {k_of_n: {k: 1, of: [a, db-2], load_sharing: 1}}}\n"),
        "services.s.requires.k_of_n.of[0]",
        "members of a load-sharing group must be components",
    ),
    ("age-when-down-not-bool", "age_when_down: no way\n" + BASE, "age_when_down", "expected true or false, got 'no way'"),
    ("shock-without-targets", BASE + "shocks:\n  s: {every: 1y}\n", "shocks.s", "missing field 'targets'"),
    (
        "shock-tags-select-nothing",
        BASE + "shocks:\n  s: {every: 1y, targets: {region: mars}, outage: 1h}\n",
        "shocks.s.targets",
        "selects no component (none has the tags {region: mars})",
    ),
    (
        "shock-target-is-a-service",
        with_services("  a: {requires: db-1}\n") + "shocks:\n  s: {every: 1y, targets: [db-1, a]}\n",
        "shocks.s.targets[1]",
        "'a' is a service; targets are components",
    ),
    ("shock-target-twice", BASE + "shocks:\n  s: {every: 1y, targets: [db-1, db-1]}\n", "shocks.s.targets[1]", "'db-1' is listed twice"),
    (
        "shock-mode-and-outage",
        BASE + "shocks:\n  s: {every: 1y, targets: db-1, mode: failure, outage: 1h}\n",
        "shocks.s.outage",
        "cannot be combined with mode",
    ),
    (
        "shock-unknown-mode",
        BASE + "shocks:\n  s: {every: 1y, targets: db-1, mode: crash}\n",
        "shocks.s.mode",
        "component 'db-1' has no failure mode 'crash'",
    ),
    ("shock-every-zero", BASE + "shocks:\n  s: {every: 0, targets: db-1}\n", "shocks.s.every", "must be > 0, got 0"),
    ("shock-named-like-component", BASE + "shocks:\n  db-1: {every: 1y, targets: db-2}\n", "shocks.db-1", "a component has that name"),
    (
        "maintenance-too-long",
        BASE + "maintenance:\n  m: {targets: db-1, every: 1h, duration: 2h}\n",
        "maintenance.m.duration",
        "the mean duration (2h) must be shorter than every (1h)",
    ),
    (
        "maintenance-unknown-crew",
        BASE + "maintenance:\n  m: {targets: db-1, every: 1w, duration: 1h, crew: ops}\n",
        "maintenance.m.crew",
        "unknown crew 'ops' (crews: oncall)",
    ),
    (
        "maintenance-unknown-field",
        BASE + "maintenance:\n  m: {targets: db-1, interval: 1w, duration: 1h}\n",
        "maintenance.m.interval",
        "unknown field (expected targets, every, duration, offset, crew, rolling, spacing)",
    ),
    # found by the engine, placed at the right path
    (
        "cycle",
        with_services("  a: {requires: [b, db-1]}\n  b: {requires: {any_of: [a, db-2]}}\n"),
        "services.a.requires",
        "cycle in the dependency graph: a -> b -> a",
    ),
    (
        "member-twice",
        with_services("  a: {requires: {any_of: [db-1, db-1]}}\n"),
        "services.a.requires.any_of[1]",
        "'db-1' appears twice in the same group",
    ),
    (
        "two-standby-groups",
        with_services("  a: {requires: {standby: {members: [db-1, db-2]}}}\n  b: {requires: {standby: {members: [db-2, api-1]}}}\n"),
        "services.b.requires.standby.members[0]",
        "component 'db-2' is already a member of another standby group",
    ),
    (
        "escalation-loop",
        BASE.replace(
            "vendor: [{name: replace, duration: 1d}]",
            "vendor: [{name: a, duration: 1h, success: 0.5, max_attempts: 1, escalate: again}]\n  again: [{name: b, duration: 1h, success: 0.5, max_attempts: 1, escalate: vendor}]",
        ),
        "procedures.vendor[0]",
        "escalation loop with no bound: vendor -> again -> vendor",
    ),
    # the file itself
    ("malformed-yaml", with_services("  trading: {requires: [db-1\n"), "line 10, column 1", "malformed YAML"),
    ("tab-in-yaml", "components:\n\tx: 1\n", "line 2, column 1", "malformed YAML"),
    (
        "duplicate-key",
        BASE + "  db-1: {mttf: 1h, mttr: 1h}\n",
        "line 8, column 3",
        "malformed YAML: duplicate key 'db-1' (first on line 5)",
    ),
    ("empty-file", "", "(top level)", "the model is empty"),
    ("top-level-list", "- a\n- b\n", "(top level)", "expected a mapping with components and services, got a list"),
]


@pytest.mark.parametrize(("text", "path", "reason"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error_names_the_field(text, path, reason):
    with pytest.raises(rs.ModelFileError) as info:
        rs.loads(text)
    e = info.value
    assert isinstance(e, ValueError)
    assert str(e).startswith(f"{path}: {reason}"), str(e)
    assert (e.path, e.file) == (path, None)
    assert "\n" not in str(e)


def test_errors_are_one_line_and_carry_the_file(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(with_services("  trading: {requires: [db-1, db-4]}\n"))
    with pytest.raises(rs.ModelFileError) as info:
        rs.load(p)
    assert str(info.value) == "services.trading.requires[1]: unknown component or service 'db-4' (did you mean 'db-1' or 'db-2'?)"
    assert info.value.file == str(p)
    assert info.value.reason == "unknown component or service 'db-4' (did you mean 'db-1' or 'db-2'?)"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d / "missing.yaml", "no such file"),
        (lambda d: d, "is a directory, not a model file"),
        (lambda d: (d / "latin1.yaml").write_bytes(b"name: caf\xe9\n") and d / "latin1.yaml", "not UTF-8 text"),
    ],
    ids=["missing", "directory", "not-utf8"],
)
def test_file_errors(make, reason, tmp_path):
    path = make(tmp_path)
    with pytest.raises(rs.ModelFileError) as info:
        rs.load(path)
    assert str(info.value).startswith(f"{path}: {reason}")
    assert info.value.file == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"components": {"a": {"mttf": "1h", "mttr": "1m"},}}',
            "line 1, column 51: malformed JSON: Expecting property name enclosed in double quotes",
        ),
        ('{"components": {"a": {"mttf": "1h", "mttr": "1m"}, "a": {}}}', "JSON: duplicate key 'a'"),
        ('{"components": {"a": {"mttf": "1h", "mttr": "1m", "mtbf": 1}}}', "components.a.mtbf: unknown field (did you mean 'mttf'?)"),
    ],
    ids=["malformed", "duplicate-key", "unknown-field"],
)
def test_json_errors(text, message, tmp_path):
    p = tmp_path / "m.json"
    p.write_text(text)
    with pytest.raises(rs.ModelFileError) as info:
        rs.load(p)
    assert str(info.value) == message


def test_field_names_with_odd_characters_are_quoted():
    with pytest.raises(rs.ModelFileError) as info:
        rs.loads('components:\n  "db 1.a": {mttf: 1h, mttr: nope}\n')
    assert str(info.value).startswith('components."db 1.a".mttr: cannot read')


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


_DELETE = object()


def _broken(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``data`` with the value at ``path`` replaced (or deleted); a copy of only that branch."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    new = dict(data) if isinstance(data, dict) else list(data)
    if not rest and value is _DELETE:
        del new[head]
    else:
        new[head] = _broken(data[head], rest, value)
    return new


def test_no_mistake_escapes_as_another_exception():
    """Break every field of the exchange example in several ways: each load either works or
    raises one ModelFileError; never a TypeError, KeyError... from inside the loader."""
    data = yaml.safe_load((ROOT / "examples" / "exchange.yaml").read_text())
    bad_values: list[Any] = [None, "abc", -1, [], {}, True, {"type": "weibull"}, _DELETE]
    outcomes = {"ok": 0, "error": 0}
    for path in _paths(data):
        for value in bad_values:
            try:
                rsio.from_data(_broken(data, path, value))
                outcomes["ok"] += 1
            except rs.ModelFileError as e:
                assert re.match(r"^[^\s:]+(\[\d+\])*: |^\(top level\): ", str(e)), str(e)
                outcomes["error"] += 1
    assert outcomes["error"] > 1000 and outcomes["ok"] > 10


# --- the JSON Schema --------------------------------------------------------------------------------

_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "title", "description", "examples", "type", "properties",
    "additionalProperties", "required", "minProperties", "items", "minItems", "enum", "const",
    "oneOf", "anyOf", "not", "pattern", "minimum", "maximum", "minLength",
}  # fmt: skip


def _schema_keywords(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            out.add(k)
            if k in ("properties", "$defs"):
                for sub in v.values():
                    _schema_keywords(sub, out)
            elif k not in ("enum", "const", "examples", "required"):
                _schema_keywords(v, out)
    elif isinstance(node, list):
        for v in node:
            _schema_keywords(v, out)
    return out


def _is_type(v: Any, t: str) -> bool:
    return {
        "object": isinstance(v, dict),
        "array": isinstance(v, list),
        "string": isinstance(v, str),
        "number": isinstance(v, (int, float)) and not isinstance(v, bool),
        "integer": isinstance(v, int) and not isinstance(v, bool),
        "boolean": isinstance(v, bool),
        "null": v is None,
    }[t]


def validate(v: Any, s: dict[str, Any], where: str = "") -> list[str]:
    """A small JSON Schema validator for the keywords the schema uses (no jsonschema package)."""
    if "$ref" in s:
        target = SCHEMA
        for part in s["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        errors = validate(v, target, where)
        if errors:
            return errors
    errs: list[str] = []
    types = s.get("type")
    if types is not None and not any(_is_type(v, t) for t in ([types] if isinstance(types, str) else types)):
        return [f"{where}: not of type {types}"]
    if "const" in s and v != s["const"]:
        errs.append(f"{where}: not {s['const']!r}")
    if "enum" in s and not any(v == e and type(v) is type(e) for e in s["enum"]):
        errs.append(f"{where}: not one of {s['enum']}")
    if isinstance(v, str):
        if "pattern" in s and not re.search(s["pattern"], v):
            errs.append(f"{where}: does not match {s['pattern']}")
        if len(v) < s.get("minLength", 0):
            errs.append(f"{where}: too short")
    if _is_type(v, "number"):
        if "minimum" in s and v < s["minimum"] or "maximum" in s and v > s["maximum"]:
            errs.append(f"{where}: out of range")
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append(f"{where}: missing {k}")
        if len(v) < s.get("minProperties", 0):
            errs.append(f"{where}: too few properties")
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                errs += validate(x, props[k], f"{where}.{k}")
            elif s.get("additionalProperties") is False:
                errs.append(f"{where}.{k}: not allowed")
            elif isinstance(s.get("additionalProperties"), dict):
                errs += validate(x, s["additionalProperties"], f"{where}.{k}")
    if isinstance(v, list):
        if len(v) < s.get("minItems", 0):
            errs.append(f"{where}: too few items")
        if "items" in s:
            for i, x in enumerate(v):
                errs += validate(x, s["items"], f"{where}[{i}]")
    if "anyOf" in s and not any(not validate(v, sub, where) for sub in s["anyOf"]):
        errs.append(f"{where}: matches none of anyOf")
    if "oneOf" in s:
        n = sum(not validate(v, sub, where) for sub in s["oneOf"])
        if n != 1:
            errs.append(f"{where}: matches {n} of oneOf")
    if "not" in s and not validate(v, s["not"], where):
        errs.append(f"{where}: matches 'not'")
    return errs


def test_schema_is_json_and_uses_only_known_keywords():
    assert SCHEMA["$schema"].startswith("https://json-schema.org/")
    assert _schema_keywords(SCHEMA, set()) <= _KEYWORDS


def test_schema_matches_the_loader():
    d = SCHEMA["$defs"]
    assert list(SCHEMA["properties"]) == [s.key for s in rsio.SECTIONS]
    assert list(d["component"]["properties"]) == list(rsio._COMPONENT_FIELDS)
    assert list(d["mode"]["properties"]) == list(rsio._MODE_FIELDS)
    assert list(d["step"]["properties"]) == list(rsio._STEP_FIELDS)
    assert list(d["backup"]["properties"]) == list(rsio._BACKUP_FIELDS)
    assert list(d["service"]["properties"]) == list(rsio._SERVICE_FIELDS)
    assert list(d["standby"]["properties"]) == list(rsio._STANDBY_FIELDS)
    assert list(d["cascade"]["properties"]) == list(rsio._CASCADE_FIELDS)
    assert list(d["shock"]["properties"]) == list(rsio._SHOCK_FIELDS)
    assert list(d["maintenance"]["properties"]) == list(rsio._MAINTENANCE_FIELDS)
    assert list(d["stress"]["properties"]) == list(rsio._STRESS_FIELDS)
    (k_of_n,) = [alt for alt in d["requirement"]["anyOf"] if alt.get("required") == ["k_of_n"]]
    assert list(k_of_n["properties"]["k_of_n"]["properties"]) == list(rsio._K_OF_N_FIELDS)
    kinds = {alt["properties"]["type"]["const"] for alt in d["distribution"]["oneOf"]}
    assert kinds == set(rsio._DISTRIBUTIONS)
    for alt in d["distribution"]["oneOf"]:
        params = set(alt["properties"]) - {"type"}
        assert params in [set(a) for a in rsio._DISTRIBUTIONS[alt["properties"]["type"]["const"]]]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_are_described_by_the_schema(example):
    data = yaml.safe_load(example.read_text())
    d = SCHEMA["$defs"]
    assert set(data) <= set(SCHEMA["properties"])
    for comp in data["components"].values():
        assert set(comp) <= set(d["component"]["properties"])
        for mode in comp.get("modes", []):
            assert set(mode) <= set(d["mode"]["properties"])
    for svc in data.get("services", {}).values():
        assert set(svc) <= set(d["service"]["properties"])
    assert validate(data, SCHEMA) == []


@pytest.mark.parametrize(
    "data",
    [
        {"components": {"a": {"mttf": "1h"}}},
        {"components": {"a": {"mttf": "1h", "mttr": "1h", "modes": []}}},
        {"components": {"a": {"mttf": "1h", "mttr": "1h", "mtbf": 1}}},
        {"components": {"a": {"failure": {"type": "weibull", "shape": 1}, "repair": "1h"}}},
        {"components": {"a": {"mttf": "3M", "mttr": "1h"}}},
        {"components": {}},
        {"components": {"a": {"mttf": "1h", "mttr": "1h"}}, "services": {"s": {"requires": {"any_of": []}}}},
    ],
    ids=["mttf-alone", "two-forms", "unknown-field", "missing-parameter", "ambiguous-unit", "no-components", "empty-group"],
)
def test_schema_rejects_what_the_loader_rejects(data):
    assert validate(data, SCHEMA) != []
    with pytest.raises(rs.ModelFileError):
        rsio.from_data(data)


def test_saved_models_validate_against_the_schema():
    data = every_feature().to_data()
    assert validate(data, SCHEMA) == []
    assert validate(json.loads(json.dumps(data)), SCHEMA) == []


def test_reference_page_documents_every_field():
    doc = (ROOT / "docs" / "model-files.md").read_text(encoding="utf-8")
    d = SCHEMA["$defs"]
    names = set(SCHEMA["properties"])
    for entity in ("component", "mode", "cascade", "step", "backup", "replication", "service", "standby", "shock", "maintenance", "stress"):
        names |= set(d[entity]["properties"])
    for alt in d["distribution"]["oneOf"]:
        names |= set(alt["properties"]) - {"type"} | {alt["properties"]["type"]["const"]}
    names |= set(rsio._GROUPS)
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert missing == []
