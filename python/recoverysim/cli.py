"""The ``recoverysim`` command: run, validate and draw model files.

.. code-block:: console

    $ recoverysim run examples/exchange.yaml -n 10000 --seed 7 --json summary.json --check
    $ recoverysim validate examples/exchange.yaml
    $ recoverysim graph examples/exchange.yaml | dot -Tsvg > exchange.svg
    $ recoverysim compare before.yaml after.yaml -n 10000 --seed 7 --check
    $ recoverysim analyze examples/exchange.yaml
    $ recoverysim scenario examples/exchange.yaml -s "eu-1 down=shock:region-eu-1" -s "db=fail:db-a:corruption+fail:signer"
    $ recoverysim fit examples/incidents.csv --window 2025-01-01 2026-01-01 -o fitted.yaml --run

Exit codes: 0 ok, 1 another error (e.g. an output file cannot be written), 2 usage error,
3 invalid model file or incident log, 4 a target was missed (``run --check``) or the candidate is worse
(``compare --check``), 130 interrupted (Ctrl-C).
Errors are one line on standard error: ``recoverysim: error: ...``.
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from . import formatting as fmt
from ._version import __version__
from .analysis import CutSetLimitError, Incident, Scenario, analyze, fail, run_scenarios, shock
from .calibration import FAMILIES, FitError, fit_incidents
from .compare import METRICS, compare
from .io import ModelFileError, dumps, load
from .model import Model
from .requirements import Member, Requirement, Standby
from .testing import StatisticalAssertionError, assert_metric
from .testing import defaults as testing_defaults
from .uncertainty import simulate_uncertain
from .units import hours
from .validation import MAX_REPLICATIONS, MAX_THREADS

__all__ = ["main", "EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_INVALID_MODEL", "EXIT_TARGET_MISSED", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INVALID_MODEL = 3
EXIT_TARGET_MISSED = 4
EXIT_INTERRUPTED = 130

PROG = "recoverysim"


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``recoverysim: error: ...``) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        _error(f"{message} (see '{self.prog} --help')")
        raise SystemExit(EXIT_USAGE)


# --- argument types -------------------------------------------------------------------------------


def _horizon(text: str) -> float:
    try:
        h = hours(text, name="horizon")
    except (TypeError, ValueError) as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    if h <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return h


def _horizon_or_zero(text: str) -> float:
    try:
        h = hours(text, name="time")
    except (TypeError, ValueError) as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    if h < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return h


def _int_at_least(minimum: int, maximum: int = 2**63 - 1) -> Callable[[str], int]:
    def parse(text: str) -> int:
        digits = text.replace("_", "").strip()
        if len(digits) > 40:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got a {len(digits)}-digit number")
        try:
            v = int(digits)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {v}")
        if v > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {v:,}")
        return v

    parse.__name__ = "integer"
    return parse


def _share(text: str) -> float:
    try:
        p = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.95 or 95%, got {text!r}") from None
    if not 0 < p <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text!r}")
    return p


# --- run -----------------------------------------------------------------------------------------


@dataclass
class Check:
    """One target of one service, checked against a run."""

    service: str
    kind: str  # "availability", "rto" or "rpo"
    target: str  # the target as a person reads it: "availability >= 99.9500%", "RTO 1h"
    measured: str  # what the run measured
    met: bool

    def line(self) -> str:
        return f"{self.service} {self.target}: {self.measured}"

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "kind": self.kind, "target": self.target, "measured": self.measured, "met": self.met}


def check_targets(res: Any, compliance: float = 0.95, confidence: float = 0.95) -> list[Check]:
    """Every target of every service against the results of a run, by the rule of
    :mod:`recoverysim.testing` (``mode="detect"``): a target is missed when the simulation
    shows it, i.e. when even the one-sided ``confidence`` bound on the favourable side misses it:

    - availability: missed when the upper bound of the mean availability is below the target;
    - rto: missed when the upper bound of the share of outages restored within the RTO is below
      ``compliance``;
    - rpo: the same for the share of data-loss incidents within the RPO.

    A run near a threshold therefore does not flip from one invocation to the next (with the
    fixed default seed, ``recoverysim run --check`` is also reproducible). An RTO or RPO with
    nothing to measure (no outage, no data loss) is met.
    """
    out: list[Check] = []
    for s in res.service_names:
        t = res.targets.get(s, {})
        checks = []
        if t.get("availability") is not None:
            checks.append(
                ("availability", "availability", t["availability"], f"availability >= {fmt.given_percent(t['availability'])}", "")
            )
        for key, what in (("rto", "outages"), ("rpo", "data-loss incidents")):
            if t.get(key) is not None:
                checks.append((key, f"{key}_compliance", compliance, f"{key.upper()} {fmt.duration(t[key])}", what))
        for kind, name, goal, target, what in checks:
            try:
                r = assert_metric(res, s, name, at_least=goal, confidence=confidence)
            except StatisticalAssertionError as e:
                r = e.result
            est = r.estimate
            if not math.isfinite(est.mean):
                out.append(Check(s, kind, target, f"no {what} to measure", True))
                continue
            bounds = f"one-sided {fmt.confidence(confidence)} bounds {fmt.percent(est.low)} .. {fmt.percent(est.high)}"
            if kind == "availability":
                measured = f"mean {fmt.percent(est.mean)} ({bounds})"
            else:
                measured = f"{fmt.percent(est.mean)} of {what} within it, {bounds} (>= {fmt.given_percent(compliance)} required)"
            out.append(Check(s, kind, target, measured, bool(r.passed)))
    return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _write(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    try:  # never through a symbolic link (it could point at anything, the model included)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise _OutputError(f"cannot write {path}: it is a symbolic link (write to the file it points to instead)") from None
        raise _OutputError(f"cannot write {path}: {e.strerror or e}") from None


class _OutputError(Exception):
    """An output file cannot be written (exit status 1)."""


class _UsageError(Exception):
    """Options that do not go together (exit status 2, like argparse's own errors)."""


def _cmd_run(args: argparse.Namespace) -> int:
    report_to = _check_outputs(args, [args.model])
    model = load(args.model)
    if args.check and args.seed is None:
        args.seed = testing_defaults.seed  # a check gives the same verdict on every invocation
    res = model.simulate(
        horizon=args.horizon,
        replications=args.replications,
        seed=args.seed,
        threads=args.threads,
        progress=False if args.quiet else None,
        confirm_long_run=args.confirm_long_run,
    )
    checks = check_targets(res, args.compliance) if args.check else []
    if not args.quiet:
        lines = [res.report()]
        if args.check:
            lines += ["", "targets"] if checks else ["", "targets", "  (the model has no targets)"]
            w1 = max((len(c.service) for c in checks), default=0)
            w2 = max((len(c.target) for c in checks), default=0)
            w3 = max((len(c.measured) for c in checks), default=0)
            for c in checks:
                lines.append(f"  {c.service:<{w1}}  {c.target:<{w2}}  {c.measured:<{w3}}  {'met' if c.met else 'MISSED'}")
        print("\n".join(lines), file=report_to, flush=True)
    summary = res.summary()
    if args.json:
        doc: dict[str, Any] = {
            "model": res.model_name,
            "file": str(args.model),
            "horizon_h": res.horizon,
            "replications": res.replications,
            "seed": res.seed,
            "threads": res.threads,
            "elapsed_s": res.elapsed,
            "services": summary.reset_index().to_dict(orient="records"),
        }
        if args.check:
            doc["checks"] = [c.to_dict() for c in checks]
        _write(args.json, json.dumps(_jsonable(doc), indent=2, allow_nan=False) + "\n")
    if args.csv:
        _write(args.csv, summary.to_csv())
    missed = [c for c in checks if not c.met]
    if missed:
        _error(f"{len(missed)} target(s) missed: " + "; ".join(c.line() for c in missed))
        return EXIT_TARGET_MISSED
    return EXIT_OK


# --- compare ---------------------------------------------------------------------------------------


def _confidence(text: str) -> float:
    p = _share(text)
    if p >= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1), got {text!r}")
    return p


def _check_output(path: str, inputs: Sequence[str]) -> None:
    """Fail before a long run, not after it: a missing directory, a symbolic link, or one of the
    command's own input files (``run m.yaml --json m.yaml`` would destroy the model)."""
    p = Path(path)
    if p.is_symlink():
        raise _OutputError(f"cannot write {path}: it is a symbolic link (write to the file it points to instead)")
    if not p.resolve().parent.is_dir():
        raise _OutputError(f"cannot write {path}: no such directory")
    for model in inputs:
        same = p.resolve() == Path(model).resolve()
        try:
            same = same or (p.exists() and os.path.samefile(p, model))
        except OSError:
            pass
        if same:
            raise _UsageError(f"{path} is the input model {model}: refusing to overwrite it")


def _check_outputs(args: argparse.Namespace, inputs: Sequence[str]) -> Any:
    outputs = [p for p in (args.json, args.csv) if p]
    if outputs.count("-") > 1:
        raise _UsageError("only one of --json and --csv can write to standard output ('-')")
    if args.json and args.json != "-" and args.json == args.csv:
        raise _UsageError("--json and --csv name the same file")
    for p in outputs:
        if p != "-":
            _check_output(p, inputs)
    return sys.stderr if "-" in outputs else sys.stdout  # keep standard output parseable


def _cmd_compare(args: argparse.Namespace) -> int:

    report_to = _check_outputs(args, [args.baseline, args.candidate])
    a, b = load(args.baseline), load(args.candidate)
    common = [s for s in a.services if s in b.services]
    for s in args.service or []:
        if s not in common:
            where = (
                "either model" if s not in a.services and s not in b.services else ("the candidate" if s in a.services else "the baseline")
            )
            raise _UsageError(f"service {s!r} is not in {where}; services in both: {', '.join(common) or '(none)'}")
    if not common:
        raise _UsageError("the two models have no service in common")
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(8), "little") >> 1
    try:
        cmp = compare(
            a,
            b,
            horizon=args.horizon,
            replications=args.replications,
            seed=seed,
            services=args.service or None,
            metrics=args.metric or None,
            confidence=args.confidence,
            threads=args.threads,
            progress=False if args.quiet else None,
        )
    except ValueError as e:
        if isinstance(e, ModelFileError):
            raise
        raise _UsageError(str(e)) from None
    worse = cmp.worse()
    if not args.quiet:
        head = f"baseline  {args.baseline}\ncandidate {args.candidate}\n"
        text = head + cmp.report()
        if args.check:
            text += (
                "\n"
                + (f"{len(worse)} metric(s) worse in the candidate" if worse else "no metric is significantly worse in the candidate")
                + "\n"
            )
        print(text, end="", file=report_to, flush=True)
    table = cmp.table()
    if args.json:
        records = []
        for (svc, met), row in table.iterrows():
            records.append({"service": svc, "metric": met, **row.to_dict()})
        doc: dict[str, Any] = {
            "baseline": {"file": str(args.baseline), "model": cmp.baseline.model_name},
            "candidate": {"file": str(args.candidate), "model": cmp.candidate.model_name},
            "horizon_h": cmp.horizon,
            "replications": cmp.replications,
            "seed": cmp.seed,
            "confidence": cmp.confidence,
            "common_random_numbers": True,
            "differences": records,
        }
        _write(args.json, json.dumps(_jsonable(doc), indent=2, allow_nan=False) + "\n")
    if args.csv:
        _write(args.csv, table.to_csv())
    if args.check and worse:
        parts = []
        for d in worse:
            m = METRICS[d.metric]
            parts.append(
                f"{d.service} {d.metric} {m.format_difference(d.difference.mean)} "
                f"[{m.format_difference(d.difference.low)}, {m.format_difference(d.difference.high)}]"
            )
        _error(f"the candidate is worse ({fmt.confidence(cmp.confidence)} confidence): " + "; ".join(parts))
        return EXIT_TARGET_MISSED
    return EXIT_OK


# --- validate ---------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _cmd_validate(args: argparse.Namespace) -> int:
    m = load(args.model)
    counts = [
        _plural(len(m.components), "component"),
        _plural(len(m.services), "service"),
        _plural(len(m.crews), "crew"),
        _plural(len(m.procedures), "procedure"),
    ]
    if m.shocks:
        counts.append(_plural(len(m.shocks), "shock"))
    if m.maintenances:
        counts.append(_plural(len(m.maintenances), "maintenance window"))
    targets = sum(t is not None for s in m.services.values() for t in (s.availability, s.rto, s.rpo))
    counts.append(_plural(targets, "target"))
    print(f"OK {args.model}: model {m.name!r}, {', '.join(counts)}")
    for warning in m.maintenance_warnings():
        print(f"warning: {warning}")
    return EXIT_OK


# --- graph ------------------------------------------------------------------------------------------


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_label(lines: Sequence[str]) -> str:
    return '"' + "\\n".join(x.replace("\\", "\\\\").replace('"', '\\"') for x in lines) + '"'


def _gate_lines(r: Requirement) -> list[str]:
    if isinstance(r, Standby):
        temperature, opts = r.describe()
        return [f"standby, {temperature}", *([", ".join(opts)] if opts else [])]
    if r.kind == "k_of_n":
        return [f"{r.k} of {len(r.members)}" + (f", load sharing {r.load_sharing:g}" if r.load_sharing else "")]
    if r.kind == "weighted":
        return [r.describe()]
    return ["all of" if r.kind == "all_of" else "any of"]


def graph(model: Model) -> str:
    """The dependency graph as Graphviz DOT: services (boxes), gates (diamonds; standby groups
    are labelled with their detection and switchover), components (ellipses, with their tags).
    Edges go from what depends to what it depends on; shocks (octagons) and cascades reach what
    they hit with dotted red edges."""
    out = [f"digraph {_dot_id(model.name)} {{", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11];', '  edge [color="#555555"];']
    out.append("  // services")
    edges: list[str] = []
    gates: list[str] = []
    counter = [0]

    def node_of(name: str) -> str:
        return _dot_id(("service:" if name in model.services else "component:") + name)

    def link(parent: str, member: Member, label: str = "") -> None:
        attr = f" [label={_dot_id(label)}]" if label else ""
        if isinstance(member, str):
            edges.append(f"  {parent} -> {node_of(member)}{attr};")
            return
        counter[0] += 1
        gid = _dot_id(f"gate:{counter[0]}")
        style = 'shape=box, style="dashed,rounded"' if isinstance(member, Standby) else "shape=diamond"
        gates.append(f"  {gid} [label={_dot_label(_gate_lines(member))}, {style}];")
        edges.append(f"  {parent} -> {gid}{attr};")
        members(gid, member)

    def members(parent: str, r: Requirement) -> None:
        for i, m in enumerate(r.members):
            label = ("primary" if i == 0 else "spare") if isinstance(r, Standby) else ""
            if r.kind == "weighted":
                label = f"weight {r.weights[i]:g}"
            link(parent, m, label)

    for s in model.services.values():
        sid = node_of(s.name)
        lines = [s.name]
        req = s.requirement
        if isinstance(req, Requirement):
            lines += _gate_lines(req)
        targets = []
        if s.availability is not None:
            targets.append(f"SLA {fmt.given_percent(s.availability)}")
        if s.rto is not None:
            targets.append(f"RTO {fmt.duration(s.rto)}")
        if s.rpo is not None:
            targets.append(f"RPO {fmt.duration(s.rpo)}")
        if targets:
            lines.append(", ".join(targets))
        if s.restart is not None:
            lines.append("restart: " + " -> ".join(st.name for st in s.restart.steps))
        style = 'shape=box, style="rounded,bold,dashed"' if isinstance(req, Standby) else 'shape=box, style="rounded,bold"'
        out.append(f"  {sid} [label={_dot_label(lines)}, {style}];")
        if isinstance(req, Requirement):
            members(sid, req)
        else:
            link(sid, req)
    out.append("  // gates")
    out += gates
    out.append("  // components")
    for c in model.components.values():
        lines = [c.name, *(f"{k}={v}" for k, v in c.tags.items())]
        out.append(f"  {node_of(c.name)} [label={_dot_label(lines)}, shape=ellipse];")
    hit = 'style=dotted, color="#b22222", fontcolor="#b22222"'
    if model.shocks:
        out.append("  // shocks")
    for sh in model.shocks.values():
        sid = _dot_id(f"shock:{sh.name}")
        effect = f"outage {fmt.duration(sh.outage.mean)}" if sh.outage is not None else f"triggers {sh.mode or 'first mode'}"
        if sh.per_target or sh.stagger is not None:
            effect += " per target"
        lines = [sh.name, f"every {fmt.duration(sh.every.mean)}, {effect}"]
        if sh.probability != 1:
            lines.append(f"hits each with p={sh.probability:.3g}")
        out.append(f'  {sid} [label={_dot_label(lines)}, shape=octagon, color="#b22222"];')
        edges += [f"  {sid} -> {node_of(c)} [{hit}];" for c in model.select(sh.targets)]
    for c in model.components.values():
        for fm in c.modes:
            for st in fm.repair.steps:  # a recovery step that needs another part of the system
                if isinstance(st.requires, str):
                    edges.append(f"  {node_of(c.name)} -> {node_of(st.requires)} [label={_dot_id(st.name + ' needs')}, style=dashed];")
            for cas in fm.cascades:
                label = f"cascade p={cas.probability:.3g}" + (f", after {fmt.duration(cas.delay.mean)}" if cas.delay.mean else "")
                edges.append(f"  {node_of(c.name)} -> {node_of(cas.target)} [label={_dot_id(label)}, {hit}];")
    out.append("  // dependencies")
    out += edges
    out.append("}")
    return "\n".join(out) + "\n"


def _cmd_graph(args: argparse.Namespace) -> int:
    if args.output:
        _check_output(args.output, [args.model])
    text = graph(load(args.model))
    if args.output:
        _write(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


# --- analyze and scenario ----------------------------------------------------------------------------


def _cmd_analyze(args: argparse.Namespace) -> int:
    report_to = _check_outputs(args, [args.model])
    model = load(args.model)
    try:
        a = analyze(
            model,
            args.service,
            simulate=args.replications > 0,
            replications=max(args.replications, 1),
            seed=args.seed,
            max_order=args.max_order,
            cutoff=args.cutoff,
        )
    except CutSetLimitError as e:
        _error(str(e).replace("pass max_order= (e.g. 3) or cutoff= (e.g. 1e-12)", "pass --max-order 3 or --cutoff 1e-12"))
        return EXIT_ERROR
    except (KeyError, ValueError) as e:
        raise _UsageError(str(e.args[0]).replace("max_order", "--max-order").replace("cutoff", "--cutoff")) from None
    if not args.quiet:
        print(a.report(), file=report_to, flush=True)
    fix = a.fix_first()
    if args.json:
        doc = {
            "model": a.model_name,
            "file": str(args.model),
            "truncation": a.truncation,
            "services": a.summary().reset_index().to_dict(orient="records"),
            "single_points_of_failure": a.single_points_of_failure().to_dict(orient="records"),
            "fix_first": fix.to_dict(orient="records"),
            "cut_sets": [{**r, "events": list(r["events"]), "kinds": list(r["kinds"])} for r in a.cut_sets().to_dict(orient="records")],
        }
        _write(args.json, json.dumps(_jsonable(doc), indent=2, allow_nan=False) + "\n")
    if args.csv:
        _write(args.csv, fix.to_csv(index=False))
    return EXIT_OK


def _incident(text: str, where: str) -> Incident:
    kind, _, rest = text.strip().partition(":")
    if kind == "shock" and rest:
        return shock(rest)
    if kind == "fail" and rest:
        comp, _, mode = rest.partition(":")
        return fail(comp, mode or None)
    raise _UsageError(f"{where}: an incident is shock:NAME or fail:COMPONENT[:MODE], got {text.strip()!r}")


def _scenario(spec: str, at: float) -> Scenario:
    name, eq, events = spec.partition("=")
    if not eq or not name.strip() or not events.strip():
        raise _UsageError(f"--scenario {spec!r}: write NAME=INCIDENT[+INCIDENT...], e.g. 'eu-1 down=shock:region-eu-1'")
    where = f"--scenario {name.strip()!r}"
    return Scenario(name.strip(), *(_incident(x, where) for x in events.split("+")), at=at)


def _cmd_scenario(args: argparse.Namespace) -> int:
    report_to = _check_outputs(args, [args.model])
    scenarios = [_scenario(s, args.at) for s in args.scenario]
    model = load(args.model)
    try:
        r = run_scenarios(model, scenarios, window=args.window, replications=args.replications, seed=args.seed, threads=args.threads)
    except (KeyError, ValueError) as e:
        raise _UsageError(str(e.args[0])) from None
    if not args.quiet:
        print(r.report(), file=report_to, flush=True)
    summary = r.summary()
    if args.json:
        doc = {
            "model": r.model_name,
            "file": str(args.model),
            "replications": r.replications,
            "window_h": r.window,
            "seed": args.seed,
            "scenarios": [{"name": s.name, "at_h": s.at, "incidents": [repr(x) for x in s.incidents]} for s in r.scenarios],
            "results": summary.reset_index().to_dict(orient="records"),
        }
        _write(args.json, json.dumps(_jsonable(doc), indent=2, allow_nan=False) + "\n")
    if args.csv:
        _write(args.csv, summary.to_csv())
    return EXIT_OK


def _probability_below_one(text: str) -> float:
    try:
        p = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a probability, got {text!r}") from None
    if not 0 <= p < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text!r}")
    return p


# --- fit ------------------------------------------------------------------------------------------------


def _window_end(text: str) -> Any:
    """A window bound: a number of hours, or a timestamp (kept as text for pandas)."""
    try:
        return float(text)
    except ValueError:
        return text


def _cmd_fit(args: argparse.Namespace) -> int:
    families = args.families.split(",") if args.families else list(FAMILIES)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise _UsageError(f"unknown family {unknown[0]!r} in --families (one of {', '.join(FAMILIES)})")
    by = tuple(args.by.split(","))
    if not by or any(b not in ("component", "mode") for b in by):
        raise _UsageError(f"--by must be component, mode or component,mode, got {args.by!r}")
    if args.output and args.output != "-":
        _check_output(args.output, [args.incidents])  # never write the model over the incident log
    try:
        fits = fit_incidents(
            args.incidents,
            window=(_window_end(args.window[0]), _window_end(args.window[1])),
            by=by,
            families=families,
            component=args.component_column,
            mode=args.mode_column,
            start=args.start_column,
            end=args.end_column,
        )
        model = fits.model(Path(args.incidents).stem, service=args.service, uncertain=not args.point)
    except FitError as e:
        raise _InputError(f"{args.incidents}: {e}") from None
    out = sys.stderr if args.output == "-" else sys.stdout
    print(fits.report(), file=out)
    if args.output:
        _write(args.output, dumps(model))
        if args.output != "-":
            print(f"wrote {args.output} ({'point estimates' if args.point else 'uncertain parameters from the fits'})", file=out)
    if args.run:
        if args.point:
            raise _UsageError("--run needs the parameter uncertainty: leave out --point")
        u = simulate_uncertain(model, args.horizon, outer=args.outer, replications=args.replications, seed=args.seed, progress=None)
        print(u.report(), file=out)
    return EXIT_OK


class _InputError(Exception):
    """An incident log that cannot be fitted (exit status 3)."""


# --- main ---------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Monte Carlo downtime, RTO and RPO simulation of a model file (YAML or JSON).",
        epilog="Exit codes: 0 ok, 1 other error (e.g. an output file cannot be written), 2 usage error, 3 invalid model "
        "file or incident log, 4 target missed (run --check) or candidate worse (compare --check), 130 interrupted (Ctrl-C). "
        "Model file reference: docs/model-files.md.",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="command")

    run = sub.add_parser("run", help="simulate a model file and print a report", description="Simulate a model file and print a report.")
    run.add_argument("model", help="model file (.yaml, .yml or .json)")
    run.add_argument(
        "-n",
        "--replications",
        type=_int_at_least(1, MAX_REPLICATIONS),
        default=10_000,
        metavar="N",
        help="independent replications (default: 10000)",
    )
    run.add_argument(
        "--horizon", type=_horizon, default=8760.0, metavar="DURATION", help="length of one replication: 1y, 30d, 720h... (default: 1y)"
    )
    run.add_argument(
        "--seed",
        type=_int_at_least(0, 2**64 - 1),
        default=None,
        metavar="S",
        help="random seed; the same seed gives the same results (default: a fresh seed, printed; 0 with --check)",
    )
    run.add_argument(
        "--threads",
        type=_int_at_least(0, MAX_THREADS),
        default=None,
        metavar="T",
        help="worker threads (default: all cores); results do not depend on it",
    )
    run.add_argument(
        "--json",
        metavar="FILE",
        help="write the summary (one record per service) as JSON; '-' for standard output (the report then goes to standard error)",
    )
    run.add_argument(
        "--csv",
        metavar="FILE",
        help="write the summary (one row per service) as CSV; '-' for standard output (the report then goes to standard error)",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="print no report and no progress bar")
    run.add_argument(
        "--check",
        action="store_true",
        help="exit with status 4 if a target is shown to be missed (the rule of recoverysim.testing): even the one-sided "
        "95%% upper confidence bound of the availability is below its target, or that of the share of outages (RTO) "
        "or data-loss incidents (RPO) within the target is below --compliance; without --seed the fixed seed 0 is used",
    )
    run.add_argument(
        "--compliance",
        type=_share,
        default=0.95,
        metavar="SHARE",
        help="share of outages / data-loss incidents that must meet the RTO / RPO for --check (default: 0.95)",
    )
    run.add_argument(
        "--confirm-long-run",
        action="store_true",
        help="run even when one replication is expected to need more than a billion events (or never end); "
        "without it such a run is refused, naming the entity that causes it",
    )
    run.set_defaults(func=_cmd_run)

    cmp = sub.add_parser(
        "compare",
        help="compare two model files on common random numbers",
        description="Simulate two variants of an architecture on common random numbers (components that keep their "
        "names see the same failures) and report, per service and metric, the paired difference candidate - baseline "
        "with a confidence interval, and the variance reduction against independent runs.",
    )
    cmp.add_argument("baseline", help="model file of the baseline (.yaml, .yml or .json)")
    cmp.add_argument("candidate", help="model file of the candidate")
    cmp.add_argument(
        "-n",
        "--replications",
        type=_int_at_least(2, MAX_REPLICATIONS),
        default=10_000,
        metavar="N",
        help="paired replications (default: 10000)",
    )
    cmp.add_argument("--horizon", type=_horizon, default=8760.0, metavar="DURATION", help="length of one replication (default: 1y)")
    cmp.add_argument(
        "--seed",
        type=_int_at_least(0, 2**64 - 1),
        default=None,
        metavar="S",
        help="random seed, the same for both models (default: a fresh seed, printed)",
    )
    cmp.add_argument(
        "--threads",
        type=_int_at_least(0, MAX_THREADS),
        default=None,
        metavar="T",
        help="worker threads (default: all cores); results do not depend on it",
    )
    cmp.add_argument(
        "--service", action="append", metavar="NAME", help="compare only this service (repeatable; default: every service in both)"
    )
    cmp.add_argument(
        "--metric",
        action="append",
        choices=list(METRICS),
        metavar="METRIC",
        help="compare only this metric (repeatable; default: availability, downtime, outages, mean outage and the "
        f"metrics of the targets both set); one of: {', '.join(METRICS)}",
    )
    cmp.add_argument("--confidence", type=_confidence, default=0.95, metavar="LEVEL", help="confidence of the intervals (default: 0.95)")
    cmp.add_argument(
        "--json", metavar="FILE", help="write the differences as JSON; '-' for standard output (the report then goes to standard error)"
    )
    cmp.add_argument(
        "--csv", metavar="FILE", help="write the differences as CSV; '-' for standard output (the report then goes to standard error)"
    )
    cmp.add_argument("-q", "--quiet", action="store_true", help="print no report and no progress bar")
    cmp.add_argument(
        "--check",
        action="store_true",
        help="exit with status 4 if the candidate is significantly worse (the interval excludes zero on the worse side) "
        "on any compared service and metric",
    )
    cmp.set_defaults(func=_cmd_compare)

    val = sub.add_parser(
        "validate", help="check a model file", description="Check a model file: print one line OK with counts, or the error."
    )
    val.add_argument("model", help="model file (.yaml, .yml or .json)")
    val.set_defaults(func=_cmd_validate)

    gr = sub.add_parser(
        "graph",
        help="print the dependency graph as Graphviz DOT",
        description="Print the dependency graph as Graphviz DOT (render with: dot -Tsvg).",
    )
    gr.add_argument("model", help="model file (.yaml, .yml or .json)")
    gr.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    gr.set_defaults(func=_cmd_graph)

    an = sub.add_parser(
        "analyze",
        help="single points of failure, minimal cut sets and what to fix first",
        description="Design analysis: the single points of failure and minimal cut sets of every service (shocks and "
        "failed switchovers count as events), exact availability from the structure function, importance measures "
        "(Birnbaum, criticality, Fussell-Vesely, RAW, RRW) and a ranked 'what to fix first' table next to the "
        "simulated share of downtime.",
    )
    an.add_argument("model", help="model file (.yaml, .yml or .json)")
    an.add_argument("--service", action="append", metavar="NAME", help="analyse only this service (repeatable; default: all)")
    an.add_argument("--max-order", type=_int_at_least(1), default=None, metavar="K", help="keep cut sets of at most K events")
    an.add_argument("--cutoff", type=_probability_below_one, default=0.0, metavar="P", help="keep cut sets of probability >= P")
    an.add_argument(
        "-n",
        "--replications",
        type=_int_at_least(0),
        default=1000,
        metavar="N",
        help="replications of one year for the simulated shares and for component availabilities without a closed "
        "form (default: 1000; 0: no simulation of the shares)",
    )
    an.add_argument("--seed", type=_int_at_least(0, 2**64 - 1), default=0, metavar="S", help="random seed (default: 0)")
    an.add_argument(
        "--json", metavar="FILE", help="write services, single points of failure, cut sets and the ranking as JSON ('-': stdout)"
    )
    an.add_argument("--csv", metavar="FILE", help="write the 'what to fix first' table as CSV ('-': stdout)")
    an.add_argument("-q", "--quiet", action="store_true", help="print no report")
    an.set_defaults(func=_cmd_analyze)

    sc = sub.add_parser(
        "scenario",
        help="run incident scenarios (game days): time to restore, data lost",
        description="Run incident scenarios: every replication injects the scenario's incidents at --at, then runs "
        "--window further; reports per service the time to restore against the RTO, data lost against the RPO and "
        "the recovery phase that dominates. Scenarios run side by side on common random numbers.",
        epilog="Example: recoverysim scenario examples/exchange.yaml -s 'eu-1 down=shock:region-eu-1' "
        "-s 'db corrupted=fail:db-a:corruption+fail:signer:hsm-fault'",
    )
    sc.add_argument("model", help="model file (.yaml, .yml or .json)")
    sc.add_argument(
        "-s",
        "--scenario",
        action="append",
        required=True,
        metavar="SPEC",
        help="NAME=INCIDENT[+INCIDENT...], an incident being shock:NAME or fail:COMPONENT[:MODE] (repeatable)",
    )
    sc.add_argument("--at", type=_horizon_or_zero, default=0.0, metavar="DURATION", help="injection time (default: 0, from the start)")
    sc.add_argument("--window", type=_horizon, default=168.0, metavar="DURATION", help="time after the injection (default: 7d)")
    sc.add_argument(
        "-n",
        "--replications",
        type=_int_at_least(1, MAX_REPLICATIONS),
        default=1000,
        metavar="N",
        help="replications per scenario (default: 1000)",
    )
    sc.add_argument(
        "--seed", type=_int_at_least(0, 2**64 - 1), default=0, metavar="S", help="random seed, the same for every scenario (default: 0)"
    )
    sc.add_argument("--threads", type=_int_at_least(0, MAX_THREADS), default=None, metavar="T", help="worker threads (default: all cores)")
    sc.add_argument("--json", metavar="FILE", help="write the side-by-side summary as JSON ('-': stdout)")
    sc.add_argument("--csv", metavar="FILE", help="write the side-by-side summary as CSV ('-': stdout)")
    sc.add_argument("-q", "--quiet", action="store_true", help="print no report")
    sc.set_defaults(func=_cmd_scenario)
    ft = sub.add_parser(
        "fit",
        help="fit failure and repair distributions to an incident log (CSV)",
        description="Fit times between failures (censored at the window's end) and times to restore, per component "
        "and failure mode, by maximum likelihood; print what was fitted from how many incidents, and optionally write "
        "a model file whose distributions carry the fits' parameter uncertainty and run it in two levels.",
    )
    ft.add_argument("incidents", help="CSV file, one row per incident: component, mode (optional), start, end")
    ft.add_argument(
        "--window",
        nargs=2,
        required=True,
        metavar=("START", "END"),
        help="the observation window: timestamps (2025-01-01 2026-01-01) or hours if the log holds hours",
    )
    ft.add_argument("--by", default="component,mode", metavar="KEYS", help="group by component,mode (default), mode or component")
    ft.add_argument(
        "--families", metavar="LIST", help=f"families to try, comma-separated (default: {','.join(FAMILIES)}); the smallest AIC wins"
    )
    ft.add_argument("--component-column", default="component", metavar="NAME", help="column of the component (default: component)")
    ft.add_argument("--mode-column", default="mode", metavar="NAME", help="column of the failure mode or cause (default: mode; optional)")
    ft.add_argument("--start-column", default="start", metavar="NAME", help="column of the incident's start (default: start)")
    ft.add_argument("--end-column", default="end", metavar="NAME", help="column of the incident's end (default: end)")
    ft.add_argument("--service", default="system", metavar="NAME", help="name of the service that needs every component (default: system)")
    ft.add_argument("-o", "--output", metavar="FILE", help="write the fitted model file (YAML); '-' for standard output")
    ft.add_argument("--point", action="store_true", help="write point estimates instead of uncertain distributions")
    ft.add_argument(
        "--run",
        action="store_true",
        help="run the fitted model in two levels and print availability with and without parameter uncertainty",
    )
    ft.add_argument(
        "--outer", type=_int_at_least(2, MAX_REPLICATIONS), default=200, metavar="N", help="parameter draws for --run (default: 200)"
    )
    ft.add_argument(
        "-n",
        "--replications",
        type=_int_at_least(2, MAX_REPLICATIONS),
        default=100,
        metavar="N",
        help="replications per draw for --run (default: 100)",
    )
    ft.add_argument(
        "--horizon", type=_horizon, default=8760.0, metavar="DURATION", help="length of one replication for --run (default: 1y)"
    )
    ft.add_argument("--seed", type=_int_at_least(0, 2**64 - 1), default=0, metavar="S", help="random seed for --run (default: 0)")
    ft.set_defaults(func=_cmd_fit)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises for a user mistake)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    try:
        return int(args.func(args))
    except ModelFileError as e:
        _error(f"{e.file}: {e}" if e.file and e.file != e.path else str(e))
        return EXIT_INVALID_MODEL
    except _InputError as e:
        _error(str(e))
        return EXIT_INVALID_MODEL
    except _OutputError as e:
        _error(str(e))
        return EXIT_ERROR
    except _UsageError as e:
        _error(f"{e} (see '{PROG} {args.command} --help')")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except (ValueError, TypeError, MemoryError) as e:  # a refused run: too many events, too little memory
        _error(str(e))
        return EXIT_ERROR
    except BrokenPipeError:  # `recoverysim graph m.yaml | head`: the reader has gone, not an error
        try:  # no second error when Python flushes standard output at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
