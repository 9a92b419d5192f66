"""Writing model files: a Model as plain data in the model-file format, and as YAML or JSON text.

The reader, with its checks and error paths, is :mod:`recoverysim.io`, one layer up (it builds
Models); the writer sits below the Model facade so that ``Model.save`` can use it. Durations are
written as short literals that read back exactly (``'15m'``, ``'2000h'``, ``'1y'``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .correlated import Selector
from .distributions import Deterministic, Distribution, Exponential, Gamma, LogNormal, Uncertain
from .recovery import Cascade, Procedure, Step
from .requirements import Member, Standby
from .units import duration_literal
from .validation import probability_literal

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["to_data", "dumps", "save", "flow_text", "SECTIONS_OUT", "PathLike"]

PathLike = str | os.PathLike[str]


# --- model-file literals ----------------------------------------------------------------------------------


def _num_out(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 1e15 else float(x)


def _short(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}")


def _mean_std_form(d: Distribution) -> dict[str, Any] | None:
    """``{type, mean, std}`` when short numbers give back exactly the same parameters."""
    cls = type(d)
    for digits in (4, 6, 9, 12):
        mean, std = _short(d.mean, digits), _short(d.std, digits)
        try:
            again = cls.from_mean_std(mean, std)  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            return None
        if again == d:
            return {"type": d.kind, "mean": duration_literal(mean), "std": duration_literal(std)}
    return None


def _dump_dist(d: Distribution, *, fixed: bool) -> Any:
    """A distribution as data; a bare duration string where a fixed duration is accepted."""
    if isinstance(d, Uncertain):
        return _dump_uncertain(d)
    params = d.params
    if fixed and isinstance(d, Deterministic):
        return duration_literal(params["value"])
    if isinstance(d, LogNormal) or (isinstance(d, Gamma) and len(repr(params["shape"])) > 6):
        nice = _mean_std_form(d)
        if nice is not None:
            return nice
    out: dict[str, Any] = {"type": d.kind}
    for k, v in params.items():
        if isinstance(v, list):
            out[k] = [duration_literal(x) for x in v]
        elif k in type(d)._time_params:
            out[k] = duration_literal(v)
        else:
            out[k] = _num_out(v)
    return out


def _dump_uncertain(d: Uncertain) -> dict[str, Any]:
    nominal = d.nominal
    timed = type(nominal)._time_params

    def value(k: str, v: float) -> Any:
        return duration_literal(v) if k in timed else _num_out(v)

    # ``of`` in its own parameters (mu and sigma, not mean and std): the uncertainty is about them
    out: dict[str, Any] = {"type": d.kind, "of": {"type": nominal.kind, **{k: value(k, v) for k, v in nominal.params.items()}}}
    src = d.params[d.source]
    if d.source == "covariance":
        out["covariance"] = [[_num_out(x) for x in row] for row in src]
    elif d.source == "draws":
        out["draws"] = [{k: value(k, v) for k, v in one.items()} for one in src]
    else:
        out["ranges"] = {k: [value(k, lo), value(k, hi)] for k, (lo, hi) in src.items()}
    return out


def _dump_step(s: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"name": s.name, "duration": _dump_dist(s.duration, fixed=True)}
    if s.crew:
        out["crew"] = s.crew
    if s.success != 1.0:
        out["success"] = probability_literal(s.success)
    if s.max_attempts:
        out["max_attempts"] = s.max_attempts
    if s.escalate:
        out["escalate"] = s.escalate
    if s.every:
        out["every"] = duration_literal(s.every)
    if s.offset:
        out["offset"] = duration_literal(s.offset)
    if s.spare:
        out["spare"] = s.spare
    if s.requires is not None:
        out["requires"] = _dump_requirement(s.requires, top=True)
    if s.fallback is not None:
        out["fallback"] = _dump_dist(s.fallback, fixed=True)
    return out


def _plain_repair(p: Procedure) -> Distribution | None:
    """The duration of a procedure that is one plain 'repair' step, else None."""
    if len(p.steps) != 1:
        return None
    s = p.steps[0]
    plain = s.name == "repair" and not s.crew and not s.spare and s.success == 1.0 and not s.max_attempts and not s.escalate
    plain = plain and s.requires is None
    return s.duration if plain and not s.every and not s.offset else None


def _dump_repair(p: Procedure) -> Any:
    d = _plain_repair(p)
    return _dump_dist(d, fixed=True) if d is not None else [_dump_step(s) for s in p.steps]


def _dump_cascade(c: Cascade) -> dict[str, Any]:
    out: dict[str, Any] = {"target": c.target}
    if c.probability != 1.0:
        out["probability"] = probability_literal(c.probability)
    if not (isinstance(c.delay, Deterministic) and c.delay.mean == 0):
        out["delay"] = _dump_dist(c.delay, fixed=True)
    if c.mode:
        out["mode"] = c.mode
    return out


def _dump_selector(t: Selector) -> Any:
    return t if isinstance(t, str) else dict(t) if isinstance(t, Mapping) else list(t)


def _dump_components(m: Model) -> dict[str, Any]:
    fleets: dict[str, Any] = {}  # first instance -> its fleet's entry
    in_fleet: set[str] = set()
    for f in m.fleets.values():
        entry = _dump_fleet(m, f)
        if entry is not None:
            fleets[f.members[0].name] = (f.pattern, entry)
            in_fleet.update(c.name for c in f.members)
    out: dict[str, Any] = {}
    for c in m.components.values():
        if c.name in fleets:
            pattern, entry = fleets[c.name]
            out[pattern] = entry
        elif c.name not in in_fleet:
            out[c.name] = _dump_component(c)
    return out


# Fields a fleet may give per instance, as a list (tags too, per tag).
_PER_INSTANCE = ("mttf", "mttr", "priority")


def _dump_fleet(m: Model, f: Any) -> dict[str, Any] | None:
    """A fleet as one template entry (``count``, shared fields, per-instance lists), or None when
    it cannot be one (an instance was replaced or removed, or differs in a shared field)."""
    if any(m.components.get(c.name) is not c for c in f.members):
        return None
    each = [_dump_component(c) for c in f.members]
    keys = list(dict.fromkeys(k for d in each for k in d))
    entry: dict[str, Any] = {"count": f.count}
    if f.start != 1:
        entry["start"] = f.start
    for k in keys:
        values = [d.get(k) for d in each]
        if all(v == values[0] for v in values):
            entry[k] = values[0]
        elif k in _PER_INSTANCE and all(v is not None for v in values):
            entry[k] = values
        elif k == "tags" and all(v is not None and v.keys() == values[0].keys() for v in values):
            entry[k] = {t: (vs[0] if all(x == vs[0] for x in vs) else vs) for t in values[0] for vs in [[v[t] for v in values]]}
        else:
            return None
    if "tags" in entry:  # numbers as numbers (a stake per validator), when they read back as the same text
        entry["tags"] = {t: [_tag_out(x) for x in v] if isinstance(v, list) else _tag_out(v) for t, v in entry["tags"].items()}
    if "cascades" in entry and any(isinstance(entry.get(k), list) for k in ("mttf", "mttr")):
        return None  # a file gives one mttf and mttr with cascades
    return entry


def _tag_out(v: str) -> str | int | float:
    for kind in (int, float):
        try:
            x = kind(v)
        except ValueError:
            continue
        if str(x) == v and math.isfinite(x):
            return x
    return v


def _dump_component(c: Any) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if len(c.modes) == 1 and c.modes[0].name == "failure" and c.modes[0].priority is None:
        fm = c.modes[0]
        rep = _plain_repair(fm.repair)
        if isinstance(fm.failure, Exponential) and isinstance(rep, Exponential):
            d["mttf"] = duration_literal(fm.failure.mean)
            d["mttr"] = duration_literal(rep.mean)
        else:
            d["failure"] = _dump_dist(fm.failure, fixed=False)
            d["repair"] = _dump_repair(fm.repair)
        if fm.data_loss:
            d["data_loss"] = fm.data_loss
        if getattr(fm, "cascades", None):
            d["cascades"] = [_dump_cascade(x) for x in fm.cascades]
    else:
        modes = []
        for fm in c.modes:
            md: dict[str, Any] = {"name": fm.name, "failure": _dump_dist(fm.failure, fixed=False), "repair": _dump_repair(fm.repair)}
            if fm.data_loss:
                md["data_loss"] = fm.data_loss
            if getattr(fm, "cascades", None):
                md["cascades"] = [_dump_cascade(x) for x in fm.cascades]
            if fm.priority is not None:
                md["priority"] = fm.priority
            modes.append(md)
        d["modes"] = modes
    if c.backup is not None:
        b = c.backup
        bd: dict[str, Any] = {"every": duration_literal(b.every)}
        if not (isinstance(b.duration, Deterministic) and b.duration.mean == 0):
            bd["duration"] = _dump_dist(b.duration, fixed=True)
        if b.success != 1.0:
            bd["success"] = probability_literal(b.success)
        if b.offset:
            bd["offset"] = duration_literal(b.offset)
        d["backup"] = bd
    if c.replication is not None:
        d["replication"] = {"lag": _dump_dist(c.replication.lag, fixed=True)}
    if c.tags:
        d["tags"] = dict(c.tags)
    if c.priority is not None:
        d["priority"] = c.priority
    return d


def _dump_requirement(r: Member, *, top: bool = False) -> Any:
    if isinstance(r, str):
        return r
    if isinstance(r, Standby):
        body: dict[str, Any] = {"members": list(r.members)}
        for k in ("detection", "switchover"):
            dist: Distribution = getattr(r, k)
            if not (isinstance(dist, Deterministic) and dist.mean == 0):
                body[k] = _dump_dist(dist, fixed=True)
        if r.success != 1.0:
            body["success"] = probability_literal(r.success)
        if r.dormancy != 0.0:
            body["dormancy"] = _num_out(r.dormancy)
        return {"standby": body}
    if r.tags is not None:  # selected by tag: written as the selector, not as its members
        sel: dict[str, Any] = {"tags": dict(r.tags)}
        if r.capacity:
            return {"capacity": {**sel, "weight": r.weight_tag}}
        if r.kind == "weighted":
            threshold = r.threshold if isinstance(r.threshold, str) else _num_out(r.threshold)
            return {"weighted": {"more_than" if r.strict else "at_least": threshold, **sel, "weight": r.weight_tag}}
        if r.kind == "k_of_n":
            body = {"k": r.k, **sel}
            if r.load_sharing:
                body["load_sharing"] = _num_out(r.load_sharing)
            return {"k_of_n": body}
        return {r.kind: sel}
    members = [_dump_requirement(x) for x in r.members]
    if r.kind == "weighted" and r.capacity:
        return {"capacity": {x: _num_out(w) for x, w in zip(r.members, r.weights)}}
    if r.kind == "weighted":
        threshold = r.threshold if isinstance(r.threshold, str) else _num_out(r.threshold)
        weights: Any
        if all(isinstance(x, str) for x in r.members):
            weights = {x: _num_out(w) for x, w in zip(r.members, r.weights)}
        else:
            weights = [{"member": x, "weight": _num_out(w)} for x, w in zip(members, r.weights)]
        return {"weighted": {"more_than" if r.strict else "at_least": threshold, "weights": weights}}
    if r.kind == "k_of_n":
        body = {"k": r.k, "of": members}
        if getattr(r, "load_sharing", 0):
            body["load_sharing"] = _num_out(r.load_sharing)
        return {"k_of_n": body}
    if r.kind == "all_of" and top and members:
        return members
    return {r.kind: members}


def _dump_services(m: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for s in m.services.values():
        d: dict[str, Any] = {"requires": _dump_requirement(s.requirement, top=True)}
        if s.availability is not None:
            d["availability"] = probability_literal(s.availability)
        if s.rto is not None:
            d["rto"] = duration_literal(s.rto)
        if s.rpo is not None:
            d["rpo"] = duration_literal(s.rpo)
        if s.demand is not None:
            d["demand"] = _num_out(s.demand[0]) if len(s.demand) == 1 else [_num_out(x) for x in s.demand]
        if s.down_below:
            d["down_below"] = probability_literal(s.down_below)
        if s.priority is not None:
            d["priority"] = s.priority
        if s.restart is not None:
            d["restart"] = [_dump_step(st) for st in s.restart.steps]
        out[s.name] = d
    return out


def _dump_crews(m: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in m.crews.values():
        d: dict[str, Any] = {"size": c.size}
        if c.preemptive:
            d["preemptive"] = True
        if c.hours is not None:
            d["hours"] = list(c.hours)
        if c.origin:
            d["origin"] = _num_out(c.origin)
        out[c.name] = c.size if len(d) == 1 else d  # the short form: a size
    return out


def _dump_spares(m: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in m.spares.values():
        d: dict[str, Any] = {"stock": p.stock, "lead_time": _dump_dist(p.lead_time, fixed=True)}
        if p.emergency is not None:
            d["emergency"] = _dump_dist(p.emergency, fixed=True)
        out[p.name] = d
    return out


def _dump_procedures(m: Model) -> dict[str, Any]:
    return {p.name: [_dump_step(s) for s in p.steps] for p in m.procedures.values()}


def _dump_shocks(m: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sh in m.shocks.values():
        every = duration_literal(sh.every.mean) if isinstance(sh.every, Exponential) else _dump_dist(sh.every, fixed=False)
        d: dict[str, Any] = {"every": every, "targets": _dump_selector(sh.targets)}
        if sh.probability != 1.0:
            d["probability"] = probability_literal(sh.probability)
        if sh.mode:
            d["mode"] = sh.mode
        if sh.outage is not None:
            d["outage"] = _dump_dist(sh.outage, fixed=True)
        if sh.per_target:
            d["per_target"] = True
        if sh.stagger is not None:
            d["stagger"] = _dump_dist(sh.stagger, fixed=True)
        out[sh.name] = d
    return out


def _dump_maintenance(m: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for w in m.maintenances.values():
        d: dict[str, Any] = {
            "targets": _dump_selector(w.targets),
            "every": duration_literal(w.every),
            "duration": _dump_dist(w.duration, fixed=True),
        }
        if w.offset:
            d["offset"] = duration_literal(w.offset)
        if w.crew:
            d["crew"] = w.crew
        if w.rolling is not None:
            d["rolling"] = w.rolling
            d["spacing"] = duration_literal(w.spacing or 0.0)
        out[w.name] = d
    return out


def _dump_stresses(m: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for st in m.stresses.values():
        d: dict[str, Any] = {"factor": _num_out(st.factor), "targets": _dump_selector(st.targets)}
        if st.hours is not None:
            d["hours"] = list(st.hours)
            if st.origin:
                d["origin"] = _num_out(st.origin)
        elif st.periods is not None:
            d["periods"] = [[duration_literal(a), duration_literal(b)] for a, b in st.periods]
        else:
            d["while_degraded"] = st.while_degraded
        out[st.name] = d
    return out


def _dump_costs(m: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in m.costs.values():
        d: dict[str, Any] = {}
        if c.weekly:
            d["per_hour"] = [_num_out(x) for x in c.per_hour]  # type: ignore[union-attr]
            if c.week_origin:
                d["week_origin"] = duration_literal(c.week_origin)
        elif c.per_hour:
            d["per_hour"] = _num_out(c.per_hour)  # type: ignore[arg-type]
        for f in ("per_outage", "beyond_rto_per_hour", "planned_per_hour"):
            if getattr(c, f):
                d[f] = _num_out(getattr(c, f))
        dl = {}
        if c.data_loss_per_incident:
            dl["per_incident"] = _num_out(c.data_loss_per_incident)
        if c.data_loss_per_hour:
            dl["per_hour"] = _num_out(c.data_loss_per_hour)
        if dl:
            d["data_loss"] = dl
        if c.sla is not None:
            sla: dict[str, Any] = {
                "fee": _num_out(c.sla.fee),
                "tiers": {str(probability_literal(b)): probability_literal(s) for b, s in c.sla.tiers},
            }
            if c.sla.period != 730.0:
                sla["period"] = duration_literal(c.sla.period)
            d["sla"] = sla
        out[c.service] = d
    return out


def _dump_running_costs(m: Model) -> dict[str, Any]:
    return {name: _num_out(v) for name, v in m.running_costs.items()}


# The top-level sections in the order they are read and written (recoverysim.io pairs each with
# its loader). A section whose dumper returns None or {} is left out.
SECTIONS_OUT: tuple[tuple[str, Callable[[Model], Any]], ...] = (
    ("name", lambda m: m.name),
    ("age_when_down", lambda m: None if m.age_when_down else False),
    ("crews", _dump_crews),
    ("spares", _dump_spares),
    ("procedures", _dump_procedures),
    ("components", _dump_components),
    ("services", _dump_services),
    ("shocks", _dump_shocks),
    ("maintenance", _dump_maintenance),
    ("stresses", _dump_stresses),
    ("costs", _dump_costs),
    ("running_costs", _dump_running_costs),
)


def to_data(model: Model) -> dict[str, Any]:
    """The model as plain data: dicts, lists, strings and numbers (durations as strings with units),
    in the model-file format, without defaults. ``rs.io.from_data(to_data(m))`` rebuilds the same model."""
    out: dict[str, Any] = {}
    for key, dump in SECTIONS_OUT:
        value = dump(model)
        if value is not None and value != {}:
            out[key] = value
    return out


_HEADER = "# recoverysim model file (reference: docs/model-files.md)\n"
_WIDTH = 100


class _FlowDict(dict):  # type: ignore[type-arg]
    pass


class _FlowList(list):  # type: ignore[type-arg]
    pass


class _Dumper(yaml.SafeDumper):
    """Block style for sections and entities, one-line flow style for whatever fits in a line."""


_Dumper.add_representer(_FlowDict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(dict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=False))
_Dumper.add_representer(list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=False))


def flow_text(v: Any) -> str:
    """A value as one line of YAML flow style: ``{region: eu-1}``."""
    text: str = yaml.dump(v, Dumper=yaml.SafeDumper, default_flow_style=True, sort_keys=False, width=10**9, allow_unicode=True)
    return text.strip()


def _styled(v: Any, indent: int, lead: int) -> Any:
    """Mark each collection flow or block: flow when it fits in the line (``lead`` characters
    come before it on its line). ``indent``: the indentation of its children."""
    if not isinstance(v, (dict, list)):
        return v
    if v and lead + len(flow_text(v)) <= _WIDTH:
        return _FlowDict(v) if isinstance(v, dict) else _FlowList(v)
    if isinstance(v, dict):
        return {k: _styled(x, indent + 2, indent + len(str(k)) + 2) for k, x in v.items()}
    return [_styled(x, indent + 2, indent + 2) for x in v]


def dumps(model: Model, *, format: str = "yaml") -> str:
    """The text of a model file (``format``: ``"yaml"`` or ``"json"``)."""
    data = to_data(model)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if format != "yaml":
        raise ValueError(f"format must be 'yaml' or 'json', got {format!r}")
    styled = {
        key: value
        if not isinstance(value, dict)
        else (
            _styled(value, 2, len(key) + 2)
            if key == "crews" and all(isinstance(x, int) for x in value.values())
            else {k: _styled(x, 4, len(str(k)) + 4) for k, x in value.items()}
        )
        for key, value in data.items()
    }
    text = yaml.dump(styled, Dumper=_Dumper, sort_keys=False, width=_WIDTH, allow_unicode=True)
    lines = text.splitlines()
    out = [_HEADER.rstrip("\n")]
    for i, line in enumerate(lines):
        if i > 0 and line[:1] not in ("", " ", "-", "#"):
            out.append("")  # a blank line between top-level sections
        out.append(line)
    return "\n".join(out) + "\n"


def save(model: Model, path: PathLike) -> None:
    """Write ``model`` to ``path``: YAML for ``.yaml``/``.yml``, JSON for ``.json``."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        fmt = "yaml"
    elif suffix == ".json":
        fmt = "json"
    else:
        raise ValueError(f"cannot tell the format of {os.fspath(path)!r} from its suffix: use .yaml, .yml or .json")
    Path(path).write_text(dumps(model, format=fmt), encoding="utf-8")
