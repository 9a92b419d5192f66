"""Model files: the same model as the Python API, written in YAML or JSON.

>>> import recoverysim as rs
>>> m = rs.loads('''
... components:
...   api-1: {mttf: 2000h, mttr: 30m}
...   api-2: {mttf: 2000h, mttr: 30m}
... services:
...   trading: {requires: {any_of: [api-1, api-2]}, availability: 0.999}
... ''')
>>> sorted(m.components)
['api-1', 'api-2']
>>> m.to_data()["services"]
{'trading': {'requires': {'any_of': ['api-1', 'api-2']}, 'availability': 0.999}}

``docs/model-files.md`` is the reference of the format. Every mistake in a file raises one
:class:`ModelFileError` whose message starts with the path to the bad field
(``services.trading.requires[1]: unknown component or service 'db-4'``).

The format is a list of top-level sections (:data:`SECTIONS`), each with a loader and a dumper;
a new section is one more entry.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, Union

import yaml

from . import _core, writer
from .components import Backup, Replication, _origin, fleet_names, parse_hours
from .correlated import Selector
from .distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    LogNormal,
    Normal,
    Triangular,
    Uncertain,
    Uniform,
    Weibull,
)
from .model import Model
from .money import SlaCredits, weekly_profile
from .recovery import Cascade, FailureMode, Procedure, Step
from .requirements import Member, Requirement, Standby, capacity, k_of_n, weighted
from .units import duration_literal, hours
from .validation import (
    INT32_MAX,
    MAX_FILE_BYTES,
    MAX_FILE_VALUES,
    MAX_NESTING,
    PROBABILITY,
    check_count,
    check_name,
    check_priority,
    probability_value,
)

__all__ = ["ModelFileError", "load", "loads", "save", "dumps", "to_data", "from_data", "Section", "SECTIONS", "SCHEMA_PATH"]

# Writing lives one layer down (recoverysim.writer) so that Model.save can use it; it is part of
# this module's API too.
save, dumps, to_data = writer.save, writer.dumps, writer.to_data

PathLike = Union[str, "os.PathLike[str]"]

SCHEMA_PATH = Path(__file__).with_name("schema") / "model.schema.json"
"""The JSON Schema of model files, for editors (e.g. ``# yaml-language-server: $schema=...``).
Loading does not need it: :func:`load` checks every field itself, with clearer messages."""


class ModelFileError(ValueError):
    """A mistake in a model file. ``str(e)`` is ``"<path to the field>: <what was expected>"``.

    Attributes: ``path`` (``"components.db-1.failure.shape"``), ``reason`` (the text after the
    path) and ``file`` (the file it came from, or ``None`` for :func:`loads`).

    Parameters
    ----------
    path : str
        Dotted path to the bad field.
    reason : str
        What was expected there.
    file : str, optional
        The file it came from.

    Examples
    --------
    >>> try:
    ...     loads("components: {db: {mttf: 2 fortnights, mttr: 1h}}")
    ... except ModelFileError as e:
    ...     print(e.path)
    components.db.mttf
    """

    def __init__(self, path: str, reason: str, *, file: str | None = None) -> None:
        self.path = path
        self.reason = reason
        self.file = file
        super().__init__(f"{path}: {reason}")


# --- paths to fields --------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_\-]+\Z")


class _Path(tuple):  # type: ignore[type-arg]
    """Where a value sits in the file: ``components.db-1.modes[0].repair[2].crew``."""

    def __truediv__(self, part: str | int) -> _Path:
        return _Path((*self, part))

    def __str__(self) -> str:
        out = ""
        for p in self:
            if isinstance(p, int):
                out += f"[{p}]"
            else:
                key = p if _PLAIN_KEY.match(p) else json.dumps(p)
                out += f".{key}" if out else key
        return out or "(top level)"


_ROOT = _Path()


def _fail(path: _Path, reason: str) -> NoReturn:
    raise ModelFileError(str(path), reason)


def _got(v: Any) -> str:
    """How to show a wrong value in a message."""
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a mapping"
    if hasattr(v, "isoformat"):
        return f"{v.isoformat()} (YAML reads it as a date)"
    return f"{v!r} ({type(v).__name__})"  # pragma: no cover - safe YAML and JSON give no other types


def _suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'db-1' or 'db-2'?)``: the closest names, best first (ties in file order)."""
    scored = []
    for i, c in enumerate(choices):
        m = difflib.SequenceMatcher(None, word, c)
        if m.real_quick_ratio() >= 0.6 and m.quick_ratio() >= 0.6 and m.ratio() >= 0.6:
            scored.append((-m.ratio(), i, c))
    scored.sort()
    close = [repr(c) for score, _, c in scored[:3] if score <= scored[0][0] + 0.1]  # near the best
    if not close:
        return ""
    return f" (did you mean {', '.join(close[:-1]) + ' or ' if len(close) > 1 else ''}{close[-1]}?)"


def _one_of(choices: Iterable[str]) -> str:
    return ", ".join(choices)


# --- scalar readers ---------------------------------------------------------------------------


def _mapping(v: Any, path: _Path, expected: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        _fail(path, f"expected {expected}, got {_got(v)}")
    for k in v:
        if not isinstance(k, str):
            _fail(path, f"field names must be text, got {_got(k)} (quote it: '{k}')")
    return v


def _fields(d: Mapping[str, Any], path: _Path, allowed: Sequence[str], required: Sequence[str] = ()) -> None:
    for k in d:
        if k not in allowed:
            hint = _suggest(k, allowed) or f" (expected {_one_of(allowed)})"
            _fail(path / k, f"unknown field{hint}")
    for k in required:
        if k not in d:
            _fail(path, f"missing field {k!r}")


def _entities(v: Any, path: _Path, what: str) -> dict[str, Any]:
    """A section that maps names to entities (crews, procedures, components, services)."""
    if v is None:
        return {}
    if not isinstance(v, dict):
        _fail(path, f"expected a mapping of {what} names to {what}s, got {_got(v)}")
    for k in v:
        if not isinstance(k, str):
            _fail(path, f"{what} names must be text, got {_got(k)} (quote it: '{k}')")
        if not k.strip():
            _fail(path, f"{what} names must not be empty")
        try:
            check_name(k, what)
        except ValueError as e:
            _fail(path / k, str(e))
    return v


def _list(v: Any, path: _Path, expected: str) -> list[Any]:
    if not isinstance(v, list):
        _fail(path, f"expected {expected}, got {_got(v)}")
    return v


def _text(v: Any, path: _Path, what: str = "a name") -> str:
    if not isinstance(v, str):
        _fail(path, f"expected {what}, got {_got(v)}")
    if not v.strip():
        _fail(path, f"expected {what}, got an empty string")
    try:
        check_name(v, "_")
    except ValueError:
        _fail(path, f"expected {what}, got {v!r}, which holds a lone surrogate (not valid text)")
    return v


def _number(v: Any, path: _Path) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        _fail(path, f"expected a number, got {_got(v)}")
    try:
        x = float(v)
    except OverflowError:
        _fail(path, f"expected a finite number, got a {len(str(abs(v)))}-digit integer")
    if not math.isfinite(x):
        _fail(path, f"expected a finite number, got {v!r}")
    return x


def _whole(v: Any, path: _Path, minimum: int) -> int:
    try:
        return check_count(v, "_", minimum=minimum, maximum=INT32_MAX)
    except TypeError:
        _fail(path, f"expected a whole number >= {minimum}, got {_got(v)}")
    except ValueError as e:
        _fail(path, str(e).removeprefix("_ "))


def _weight(v: Any, path: _Path) -> float:
    x = _number(v, path)
    if x < 0:
        _fail(path, f"a weight must be >= 0, got {_got(v)}")
    return x


def _priority(v: Any, path: _Path) -> int:
    try:
        return check_priority(v, "_")  # type: ignore[return-value]
    except TypeError:
        _fail(path, f"expected a whole number (a crew priority, higher is served first), got {_got(v)}")
    except ValueError as e:
        _fail(path, str(e).removeprefix("_: "))


def _probability(v: Any, path: _Path) -> float:
    try:
        return probability_value(v)
    except TypeError:
        _fail(path, f"expected {PROBABILITY}, got {_got(v)}")
    except ValueError as e:
        _fail(path, str(e))


_DURATION = "a duration such as '30m', '2h' or '1y' (a plain number means hours)"


def _duration(v: Any, path: _Path, *, minimum: str = "") -> float:
    """Hours. ``minimum``: "" (any), ">= 0" or "> 0"."""
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        _fail(path, f"expected {_DURATION}, got {_got(v)}")
    try:
        h = hours(v, name="_")
    except (TypeError, ValueError) as e:
        _fail(path, str(e).removeprefix("_: "))
    if (minimum == "> 0" and not h > 0) or (minimum == ">= 0" and not h >= 0):
        _fail(path, f"must be {minimum}, got {v!r}")
    return h


# --- distributions ----------------------------------------------------------------------------

# For each type, the accepted sets of parameters and what each parameter is.
_NUMBER, _DUR, _DURS = "number", "duration", "durations"
_OF, _MATRIX, _SETS, _RANGES = "distribution", "matrix", "parameter sets", "ranges"
_DISTRIBUTIONS: dict[str, list[dict[str, str]]] = {
    "exponential": [{"mean": _DUR}, {"rate": _NUMBER}],
    "weibull": [{"shape": _NUMBER, "scale": _DUR}],
    "lognormal": [{"mean": _DUR, "std": _DUR}, {"mu": _NUMBER, "sigma": _NUMBER}],
    "gamma": [{"shape": _NUMBER, "scale": _DUR}, {"mean": _DUR, "std": _DUR}],
    "normal": [{"mu": _DUR, "sigma": _DUR}],
    "uniform": [{"low": _DUR, "high": _DUR}],
    "triangular": [{"low": _DUR, "mode": _DUR, "high": _DUR}],
    "deterministic": [{"value": _DUR}],
    "empirical": [{"values": _DURS}],
    "uncertain": [{"of": _OF, "covariance": _MATRIX}, {"of": _OF, "draws": _SETS}, {"of": _OF, "ranges": _RANGES}],
}
_CLASSES: dict[str, type[Distribution]] = {
    "exponential": Exponential,
    "weibull": Weibull,
    "lognormal": LogNormal,
    "gamma": Gamma,
    "normal": Normal,
    "uniform": Uniform,
    "triangular": Triangular,
    "deterministic": Deterministic,
    "empirical": Empirical,
    "uncertain": Uncertain,
}
_DIST_EXAMPLE = "a distribution such as {type: exponential, mean: 2h}"


def _distribution(v: Any, path: _Path, *, fixed: bool) -> Distribution:
    """A distribution mapping, or (if ``fixed``) a bare duration meaning a fixed time."""
    if not isinstance(v, dict):
        if fixed and isinstance(v, (int, float, str)) and not isinstance(v, bool):
            return Deterministic(_duration(v, path, minimum=">= 0"))
        if fixed:
            _fail(path, f"expected {_DURATION} or {_DIST_EXAMPLE}, got {_got(v)}")
        hint = (
            " (a fixed time to failure is {type: deterministic, value: ...}; for an exponential "
            "time to failure write {type: exponential, mean: ...} or use mttf/mttr)"
            if isinstance(v, (int, float, str)) and not isinstance(v, bool)
            else ""
        )
        _fail(path, f"expected {_DIST_EXAMPLE}, got {_got(v)}{hint}")
    d = _mapping(v, path, _DIST_EXAMPLE)
    if "type" not in d:
        _fail(path, f"missing field 'type' (one of {_one_of(_DISTRIBUTIONS)})")
    kind = d["type"]
    if not isinstance(kind, str) or kind.lower() not in _DISTRIBUTIONS:
        shown = kind if isinstance(kind, str) else ""
        hint = _suggest(shown.lower(), _DISTRIBUTIONS) or f" (one of {_one_of(_DISTRIBUTIONS)})"
        _fail(path / "type", f"unknown distribution {_got(kind)}{hint}")
    kind = kind.lower()
    alternatives = _DISTRIBUTIONS[kind]
    allowed = ["type", *dict.fromkeys(k for alt in alternatives for k in alt)]
    _fields(d, path, allowed)
    given = [k for k in d if k != "type"]
    params = next((alt for alt in alternatives if set(alt) == set(given)), None)
    if params is None:
        best = max(alternatives, key=lambda alt: len(set(alt) & set(given)))
        extra = [k for k in given if k not in best]
        forms = " or ".join("{" + ", ".join(alt) + "}" for alt in alternatives)
        if extra:
            _fail(path / extra[0], f"cannot be combined with {', '.join(k for k in given if k in best)} ({kind} takes {forms})")
        missing = [k for k in best if k not in given]
        _fail(path, f"missing field {missing[0]!r} ({kind} takes {forms})")
    if kind == "uncertain":
        return _uncertain(d, path, params)
    values: dict[str, Any] = {}
    for k, what in params.items():
        if what == _NUMBER:
            values[k] = _number(d[k], path / k)
        elif what == _DUR:
            values[k] = _duration(d[k], path / k)
        else:
            items = _list(d[k], path / k, "a list of durations")
            if not items:
                _fail(path / k, "needs at least one observed duration")
            values[k] = [_duration(x, path / k / i) for i, x in enumerate(items)]
    cls = _CLASSES[kind]
    try:
        if cls in (LogNormal, Gamma) and "std" in values:
            return cls.from_mean_std(values["mean"], values["std"])
        if cls is Exponential and "rate" in values:
            return Exponential(rate=values["rate"])
        return cls(**values)
    except _core.SpecError as e:
        if e.field in values:
            _fail(path / e.field, e.reason)
        _fail(path, str(e))
    except (TypeError, ValueError) as e:
        _fail(path, str(e))


def _uncertain(d: Mapping[str, Any], path: _Path, params: Mapping[str, str]) -> Distribution:
    """``{type: uncertain, of: <distribution>, covariance | draws | ranges: ...}``."""
    of = _distribution(d["of"], path / "of", fixed=False)
    if of.kind not in ("exponential", "weibull", "lognormal", "gamma", "normal", "uniform", "triangular", "deterministic"):
        _fail(path / "of", f"the parameters of {of.kind} cannot be uncertain (use a parametric distribution)")
    names = list(of.params)
    timed = type(of)._time_params

    def value(v: Any, p: _Path, name: str) -> float:
        return _duration(v, p) if name in timed else _number(v, p)

    key = next(k for k in params if k != "of")
    kwargs: dict[str, Any] = {}
    if key == "covariance":
        rows = _list(d[key], path / key, "a square matrix (a list of rows of numbers)")
        kwargs[key] = [
            [_number(x, path / key / i / j) for j, x in enumerate(_list(r, path / key / i, "a row of numbers"))] for i, r in enumerate(rows)
        ]
    elif key == "draws":
        sets = _list(d[key], path / key, f"a list of parameter sets ({', '.join(names)})")
        if not sets:
            _fail(path / key, "needs at least one parameter set")
        out = []
        for i, one in enumerate(sets):
            m = _mapping(one, path / key / i, f"a mapping of {', '.join(names)}")
            _fields(m, path / key / i, names, names)
            out.append({k: value(m[k], path / key / i / k, k) for k in names})
        kwargs[key] = out
    else:
        r = _mapping(d[key], path / key, "a mapping {parameter: [low, high]}")
        if not r:
            _fail(path / key, f"needs at least one parameter ({', '.join(names)})")
        _fields(r, path / key, names)
        out_r = {}
        for k, pair in r.items():
            items = _list(pair, path / key / k, "[low, high]")
            if len(items) != 2:
                _fail(path / key / k, f"expected [low, high], got {_got(pair)}")
            out_r[k] = (value(items[0], path / key / k / 0, k), value(items[1], path / key / k / 1, k))
        kwargs[key] = out_r
    try:
        return Uncertain(of, **kwargs)
    except (TypeError, ValueError) as e:
        _fail(path / key, str(e).removeprefix("Uncertain").lstrip(" :"))


# --- loading ----------------------------------------------------------------------------------

_COMPONENT_FIELDS = (
    "mttf",
    "mttr",
    "failure",
    "repair",
    "modes",
    "data_loss",
    "cascades",
    "backup",
    "replication",
    "tags",
    "priority",
    "count",
    "start",
)
_MODE_FIELDS = ("name", "failure", "repair", "data_loss", "cascades", "priority")
_CASCADE_FIELDS = ("target", "probability", "delay", "mode")
_STEP_FIELDS = ("name", "duration", "crew", "success", "max_attempts", "escalate", "every", "offset", "spare", "requires", "fallback")
_BACKUP_FIELDS = ("every", "duration", "success", "offset")
_SERVICE_FIELDS = ("requires", "availability", "rto", "rpo", "demand", "down_below", "priority", "restart")
_CREW_FIELDS = ("size", "preemptive", "hours", "origin")
_SPARE_FIELDS = ("stock", "lead_time", "emergency")
_STANDBY_FIELDS = ("members", "detection", "switchover", "success", "dormancy")
_K_OF_N_FIELDS = ("k", "of", "tags", "load_sharing")
_WEIGHTED_FIELDS = ("weights", "tags", "weight", "more_than", "at_least")
_SELECTOR_FIELDS = ("tags",)
_CAPACITY_SELECTOR_FIELDS = ("tags", "weight")
_WEIGHTED_MEMBER_FIELDS = ("member", "weight")
_SHOCK_FIELDS = ("every", "targets", "probability", "mode", "outage", "per_target", "stagger")
_COST_FIELDS = ("per_hour", "week_origin", "per_outage", "beyond_rto_per_hour", "planned_per_hour", "data_loss", "sla")
_DATA_LOSS_COST_FIELDS = ("per_incident", "per_hour")
_SLA_FIELDS = ("fee", "tiers", "period")
_MAINTENANCE_FIELDS = ("targets", "every", "duration", "offset", "crew", "rolling", "spacing")
_STRESS_FIELDS = ("factor", "targets", "hours", "origin", "periods", "while_degraded")
_GROUPS = ("all_of", "any_of", "k_of_n", "weighted", "capacity", "standby")
_REQUIREMENT = "a component or service name, a list (all of them), or a group: all_of, any_of, k_of_n, weighted, capacity or standby"


# Where an engine entity sits: (kind, name, field path inside it), as the engine's SpecError says.
_Loc = tuple[str, str, str]


def _instances(key: str, body: Any) -> list[str]:
    """The component names an entry of the components section defines: its key, or the names of
    a fleet's instances (``validator-{i}`` with ``count: 1000``). A bad count is reported when
    the entry is read."""
    if not (isinstance(body, dict) and "count" in body):
        return [key]
    try:
        return fleet_names(key, body["count"], body.get("start", 1))
    except (TypeError, ValueError):
        return [key]


def _in(loc: _Loc, field: str) -> _Loc:
    """A field inside ``loc``: ``_in(("component", "db", "modes[0]"), "repair")``."""
    kind, name, base = loc
    return (kind, name, f"{base}.{field}" if base and not field.startswith("[") else base + field)


class _Loader:
    """Builds a Model from parsed data, remembering which file path each engine entity came from."""

    def __init__(self, data: Mapping[str, Any], default_name: str) -> None:
        self.model = Model(default_name)
        # Names defined by each section, known before any section is built (forward references).
        self.names: dict[str, list[str]] = {
            s.key: list(data[s.key]) if isinstance(data.get(s.key), dict) else [] for s in SECTIONS if s.entities
        }
        self.names["components"] = [n for key in self.names["components"] for n in _instances(key, data["components"][key])]
        # (kind, name, field) -> path: the file path of each engine entity and field (e.g.
        # ("service", "x", "requirement.members[1]")). Places the engine's own validation errors.
        self.where: dict[_Loc, _Path] = {}
        # Checks that need every section read first (a cascade's target mode).
        self.later: list[Callable[[], None]] = []

    # references ---------------------------------------------------------------------------------

    def check_ref(self, name: str, path: _Path, section: str, what: str) -> None:
        known = self.names.get(section, [])
        if name not in known:
            listed = f" ({what}s: {_one_of(known)})" if known and len(known) <= 8 else ""
            _fail(path, f"unknown {what} {name!r}{_suggest(name, known) or listed}")

    # steps and procedures -----------------------------------------------------------------------

    def step(self, v: Any, path: _Path, where: _Loc, index: int) -> Step:
        d = _mapping(v, path, "a step such as {name: detect, duration: 5m}")
        _fields(d, path, _STEP_FIELDS, required=("name", "duration"))
        name = _text(d["name"], path / "name")
        kwargs: dict[str, Any] = {"duration": _distribution(d["duration"], path / "duration", fixed=True)}
        if "crew" in d:
            if isinstance(d["crew"], dict):  # several members: {custodians: 3, vendor: 1}
                crews = _mapping(d["crew"], path / "crew", "a crew name, or crews and members such as {custodians: 3}")
                if not crews:
                    _fail(path / "crew", "names no crew (give a crew name, or members such as {custodians: 3})")
                for k, n in crews.items():
                    self.check_ref(k, path / "crew" / k, "crews", "crew")
                    _whole(n, path / "crew" / k, 1)
                kwargs["crew"] = {k: int(n) for k, n in crews.items()}
            else:
                kwargs["crew"] = _text(d["crew"], path / "crew", "a crew name, or crews and members such as {custodians: 3}")
                self.check_ref(kwargs["crew"], path / "crew", "crews", "crew")
        if "spare" in d:
            kwargs["spare"] = _text(d["spare"], path / "spare", "a spare pool name")
            self.check_ref(kwargs["spare"], path / "spare", "spares", "spare pool")
        if "success" in d:
            kwargs["success"] = _probability(d["success"], path / "success")
        if "max_attempts" in d:
            kwargs["max_attempts"] = _whole(d["max_attempts"], path / "max_attempts", 1)
        if "escalate" in d:
            kwargs["escalate"] = _text(d["escalate"], path / "escalate", "a procedure name")
            self.check_ref(kwargs["escalate"], path / "escalate", "procedures", "procedure")
        if "every" in d:
            kwargs["every"] = _duration(d["every"], path / "every", minimum="> 0")
        if "offset" in d:
            kwargs["offset"] = _duration(d["offset"], path / "offset", minimum=">= 0")
        if "requires" in d:
            kwargs["requires"] = self.requirement(d["requires"], path / "requires", _in(where, f"steps[{index}].requires"))
        if "fallback" in d:
            if "requires" not in d:
                _fail(path / "fallback", "needs requires: the component or service whose absence the fallback covers")
            kwargs["fallback"] = _distribution(d["fallback"], path / "fallback", fixed=True)
        if "max_attempts" in kwargs and "escalate" not in kwargs:
            _fail(path / "max_attempts", "needs escalate: the procedure that takes over after max_attempts failed attempts")
        if "escalate" in kwargs and "max_attempts" not in kwargs:
            _fail(path / "escalate", "needs max_attempts: how many failed attempts before escalating")
        if kwargs.get("success") == 0 and "escalate" not in kwargs:
            _fail(path / "success", "a step that never succeeds needs max_attempts and escalate")
        self.where[_in(where, f"steps[{index}]")] = path
        try:
            return Step(name, **kwargs)
        except (TypeError, ValueError) as e:  # pragma: no cover - every field is checked above
            _fail(path, str(e))

    def steps(self, v: Any, path: _Path, where: _Loc) -> list[Step]:
        items = _list(v, path, "a list of steps such as [{name: detect, duration: 5m}, ...]")
        if not items:
            _fail(path, "needs at least one step")
        return [self.step(s, path / i, where, i) for i, s in enumerate(items)]

    def repair(self, v: Any, path: _Path, where: _Loc) -> Procedure:
        """A list of steps, or a distribution / fixed duration (one step named 'repair')."""
        if isinstance(v, list):
            return Procedure(*self.steps(v, path, where))
        d = _distribution(v, path, fixed=True)
        self.where[_in(where, "steps[0]")] = path
        return Procedure(Step("repair", d))

    # components ---------------------------------------------------------------------------------

    def data_loss(self, v: Any, path: _Path) -> bool | str:
        if v is True or v is False or v == "backup":
            return v  # type: ignore[no-any-return]
        _fail(path, f"expected false, true or 'backup', got {_got(v)}")

    def mode(self, v: Any, path: _Path, component: str, index: int) -> FailureMode:
        d = _mapping(v, path, "a failure mode such as {name: crash, failure: ..., repair: ...}")
        _fields(d, path, _MODE_FIELDS, required=("name", "failure", "repair"))
        name = _text(d["name"], path / "name")
        where = ("component", component, f"modes[{index}]")
        self.where[where] = path
        failure = _distribution(d["failure"], path / "failure", fixed=False)
        repair = self.repair(d["repair"], path / "repair", _in(where, "repair"))
        loss = self.data_loss(d["data_loss"], path / "data_loss") if "data_loss" in d else False
        cascades = self.cascades(d["cascades"], path / "cascades", where, component) if "cascades" in d else []
        priority = _priority(d["priority"], path / "priority") if "priority" in d else None
        return FailureMode(name, failure, repair, data_loss=loss, cascades=cascades, priority=priority)

    def cascades(self, v: Any, path: _Path, where: _Loc, component: str) -> list[Cascade]:
        example = "{target: db-b, probability: 0.3, delay: 5m}"
        items = _list(v, path, f"a list of cascades such as [{example}]")
        out = []
        for i, x in enumerate(items):
            p = path / i
            d = _mapping(x, p, f"a cascade such as {example}")
            _fields(d, p, _CASCADE_FIELDS, required=("target",))
            target = self.component_ref(d["target"], p / "target", "cascades hit components")
            if target == component:
                _fail(p / "target", "a component cannot cascade to itself")
            kwargs: dict[str, Any] = {}
            if "probability" in d:
                kwargs["probability"] = _probability(d["probability"], p / "probability")
            if "delay" in d:
                kwargs["delay"] = _distribution(d["delay"], p / "delay", fixed=True)
            if "mode" in d:
                mode = kwargs["mode"] = _text(d["mode"], p / "mode", "a failure mode name")
                self.later.append(functools.partial(self.check_mode, target, mode, p / "mode"))
            self.where[_in(where, f"cascades[{i}]")] = p
            out.append(Cascade(target, **kwargs))
        return out

    def component_ref(self, v: Any, path: _Path, why: str) -> str:
        """The name of a component (not a service)."""
        name = _text(v, path, "a component name")
        if name in self.names["services"]:
            _fail(path, f"{name!r} is a service; {why}")
        self.check_ref(name, path, "components", "component")
        return name

    def selector(self, v: Any, path: _Path) -> Selector:
        """Which components: a name, a list of names, or tags that must all match."""
        if isinstance(v, str):
            return self.component_ref(v, path, "targets are components")
        if isinstance(v, list):
            if not v:
                _fail(path, "needs at least one component")
            names = [self.component_ref(x, path / i, "targets are components") for i, x in enumerate(v)]
            for i, n in enumerate(names):
                if n in names[:i]:
                    _fail(path / i, f"{n!r} is listed twice")
            return names
        if isinstance(v, dict):
            tags = _mapping(v, path, "tags such as {region: eu-1}")
            if not tags:
                _fail(path, "an empty tag selector selects nothing")
            for k, t in tags.items():
                if isinstance(t, bool) or not isinstance(t, (str, int, float)):
                    _fail(path / k, f"expected a text label, got {_got(t)}")
            selector = {k: str(t) for k, t in tags.items()}
            if not self.model.select(selector):
                _fail(path, f"selects no component (none has the tags {writer.flow_text(selector)})")
            return selector
        _fail(path, f"expected a component name, a list of names, or tags such as {{region: eu-1}}; got {_got(v)}")

    def check_mode(self, component: str, mode: str, path: _Path) -> None:
        modes = [fm.name for fm in self.model.components[component].modes]
        if mode not in modes:
            hint = _suggest(mode, modes) or f" (its modes: {_one_of(modes)})"
            _fail(path, f"component {component!r} has no failure mode {mode!r}{hint}")

    def component(self, name: str, v: Any, path: _Path) -> None:
        """A component, or a fleet of them (``count``: ``name`` is a pattern with ``{i}``)."""
        d = _mapping(v, path, "a component: {mttf: ..., mttr: ...}, {failure: ..., repair: ...} or {modes: [...]}")
        _fields(d, path, _COMPONENT_FIELDS)
        fleet = "count" in d
        names = [name]
        if "start" in d and not fleet:
            _fail(path / "start", "needs count: start is the first index of a fleet (a template with count)")
        if fleet:
            count = _whole(d["count"], path / "count", 1)
            start = _whole(d["start"], path / "start", 0) if "start" in d else 1
            try:
                names = fleet_names(name, count, start)
            except ValueError as e:
                _fail(path / "count" if "count must" in str(e) else path, str(e).split(": ", 1)[-1])
            clash = [n for n in names if n in self.model.components or n in self.names["services"]]
            if clash:
                _fail(path, f"instance {clash[0]!r} has the name of another component or service")

        def each(key: str, parse: Callable[[Any, _Path], Any]) -> Any:
            """A value, or (in a fleet) a list of one value per instance."""
            x = d[key]
            if fleet and isinstance(x, list):
                if len(x) != len(names):
                    _fail(path / key, f"has {len(x)} values; one per instance needs {len(names)}")
                return [parse(y, path / key / i) for i, y in enumerate(x)]
            return parse(x, path / key)

        forms = [keys for keys in (("mttf", "mttr"), ("failure", "repair"), ("modes",)) if any(k in d for k in keys)]
        if not forms:
            _fail(path, "say how it fails: give mttf and mttr, failure and repair, or modes")
        if len(forms) > 1:
            first, second = forms[0], forms[1]
            key = next(k for k in second if k in d)
            _fail(path / key, f"cannot be combined with {next(k for k in first if k in d)}: give one of mttf/mttr, failure/repair or modes")
        form = forms[0]
        missing = [k for k in form if k not in d]
        if missing:
            _fail(path, f"missing field {missing[0]!r} ({' and '.join(form)} go together)")
        where = ("component", names[0], "")
        kwargs: dict[str, Any] = {}
        for key in ("data_loss", "cascades"):
            if key in d and form == ("modes",):
                _fail(path / key, f"with modes, give {key} on each mode")
        if "data_loss" in d:
            kwargs["data_loss"] = self.data_loss(d["data_loss"], path / "data_loss")
        mw = _in(where, "modes[0]")
        places: dict[str, _Path] = {"": path}
        if form == ("mttf", "mttr"):
            kwargs["mttf"] = each("mttf", lambda x, p: _duration(x, p, minimum="> 0"))
            kwargs["mttr"] = each("mttr", lambda x, p: _duration(x, p, minimum="> 0"))
            places["modes[0]"] = path
            places["modes[0].repair.steps[0]"] = path / "mttr"
        elif form == ("failure", "repair"):
            places["modes[0]"] = path
            kwargs["failure"] = _distribution(d["failure"], path / "failure", fixed=False)
            kwargs["repair"] = self.repair(d["repair"], path / "repair", _in(mw, "repair"))
        if "cascades" in d:  # the one failure mode of the first two forms, spelled out
            if any(isinstance(kwargs.get(k), list) for k in ("mttf", "mttr")):
                _fail(path / "cascades", "a fleet with cascades gives one mttf and one mttr (not a list per instance)")
            cascades = self.cascades(d["cascades"], path / "cascades", mw, names[0])
            if form == ("mttf", "mttr"):
                failure, repair = Exponential(kwargs.pop("mttf")), Exponential(kwargs.pop("mttr"))
            else:
                failure, repair = kwargs.pop("failure"), kwargs.pop("repair")
            loss = kwargs.pop("data_loss", False)
            kwargs["modes"] = [FailureMode("failure", failure, repair, data_loss=loss, cascades=cascades)]
        if form == ("modes",):
            items = _list(d["modes"], path / "modes", "a list of failure modes")
            if not items:
                _fail(path / "modes", "needs at least one failure mode")
            modes = [self.mode(x, path / "modes" / i, names[0], i) for i, x in enumerate(items)]
            seen: set[str] = set()
            for i, fm in enumerate(modes):
                if fm.name in seen:
                    _fail(path / "modes" / i / "name", f"duplicate failure mode {fm.name!r}")
                seen.add(fm.name)
            kwargs["modes"] = modes
        if "backup" in d:
            kwargs["backup"] = self.backup(d["backup"], path / "backup")
        if "replication" in d:
            r = _mapping(d["replication"], path / "replication", "{lag: <duration or distribution>}")
            _fields(r, path / "replication", ("lag",), required=("lag",))
            kwargs["replication"] = Replication(_distribution(r["lag"], path / "replication" / "lag", fixed=True))
        if "tags" in d:
            tags = _mapping(d["tags"], path / "tags", "a mapping of labels such as {region: eu-1}")

            def label(t: Any, p: _Path) -> str:
                if isinstance(t, bool) or not isinstance(t, (str, int, float)):
                    _fail(p, f"expected a text label, got {_got(t)}")
                return str(t)

            out: dict[str, Any] = {}
            for k, t in tags.items():
                if fleet and isinstance(t, list):
                    if len(t) != len(names):
                        _fail(path / "tags" / k, f"has {len(t)} values; one per instance needs {len(names)}")
                    out[k] = [label(x, path / "tags" / k / i) for i, x in enumerate(t)]
                else:
                    out[k] = label(t, path / "tags" / k)
            kwargs["tags"] = out
        if "priority" in d:
            kwargs["priority"] = each("priority", _priority)
        for n in names:  # engine errors about any instance point at the entry
            for field, p in places.items():
                self.where[("component", n, field)] = p
        if len(names) > 1 or fleet:
            # the cascades' and modes' places were recorded for the first instance
            for (kind, n0, field), p in list(self.where.items()):
                if kind == "component" and n0 == names[0]:
                    for n in names[1:]:
                        self.where.setdefault((kind, n, field), p)
        try:
            if fleet:
                self.model.fleet(name, len(names), start=start, **kwargs)
            else:
                self.model.component(name, **kwargs)
        except (TypeError, ValueError) as e:  # pragma: no cover - every field is checked above
            _fail(path, str(e))

    def backup(self, v: Any, path: _Path) -> Backup:
        d = _mapping(v, path, "a backup such as {every: 1h, duration: 5m, success: 0.99}")
        _fields(d, path, _BACKUP_FIELDS, required=("every",))
        kwargs: dict[str, Any] = {"every": _duration(d["every"], path / "every", minimum="> 0")}
        if "duration" in d:
            kwargs["duration"] = _distribution(d["duration"], path / "duration", fixed=True)
        if "success" in d:
            kwargs["success"] = _probability(d["success"], path / "success")
        if "offset" in d:
            kwargs["offset"] = _duration(d["offset"], path / "offset", minimum=">= 0")
        return Backup(**kwargs)

    # requirements -------------------------------------------------------------------------------

    def ref(self, name: str, path: _Path) -> None:
        known = [*self.names["components"], *self.names["services"]]
        if name not in known:
            _fail(path, f"unknown component or service {name!r}{_suggest(name, known)}")

    def requirement(self, v: Any, path: _Path, where: _Loc) -> Member:
        """``where`` is how the engine names this position (to place its errors)."""
        if isinstance(v, str):
            _text(v, path, "a component or service name")
            self.ref(v, path)
            self.where[where] = path
            return v
        if isinstance(v, list):
            return self.group("all_of", v, path, where)
        if isinstance(v, dict):
            if len(v) == 1:
                ((kind, body),) = v.items()
                if kind in _GROUPS:
                    return self.group(kind, body, path / kind, where)
                if isinstance(kind, str):
                    hint = _suggest(kind, _GROUPS) or f" (expected {_REQUIREMENT})"
                    _fail(path / kind, f"unknown group{hint}")
            elif len(v) > 1:
                keys = ", ".join(str(k) for k in v)
                _fail(path, f"a group has exactly one key (all_of, any_of, k_of_n, weighted or standby), got {keys}")
        _fail(path, f"expected {_REQUIREMENT}; got {_got(v)}")

    def group(self, kind: str, body: Any, path: _Path, where: _Loc) -> Requirement:
        self.where[where] = path
        if kind in ("all_of", "any_of"):
            if isinstance(body, dict):
                _fields(body, path, _SELECTOR_FIELDS, required=_SELECTOR_FIELDS)
                return Requirement(kind, (), tags=self.tag_selector(body["tags"], path / "tags"))
            items = _list(body, path, "a list of members, or {tags: {role: ...}}")
            if not items:
                _fail(path, "needs at least one member")
            return Requirement(kind, [self.requirement(x, path / i, _in(where, f"members[{i}]")) for i, x in enumerate(items)])
        if kind == "k_of_n":
            d = _mapping(body, path, "{k: <number>, of: [members]} or {k: <number>, tags: {role: ...}}")
            _fields(d, path, _K_OF_N_FIELDS, required=("k",))
            if ("of" in d) == ("tags" in d):
                _fail(path, "needs exactly one of of (the members) or tags (select the members by tag)")
            if "tags" in d:
                k = _whole(d["k"], path / "k", 1)
                share = _number(d["load_sharing"], path / "load_sharing") if "load_sharing" in d else 0.0
                if share < 0:
                    _fail(path / "load_sharing", f"must be >= 0, got {d['load_sharing']!r}")
                self.where[_in(where, "k")] = path / "k"
                return k_of_n(k, tags=self.tag_selector(d["tags"], path / "tags"), load_sharing=share)
            items = _list(d["of"], path / "of", "a list of members")
            if not items:
                _fail(path / "of", "needs at least one member")
            k = _whole(d["k"], path / "k", 1)
            if k > len(items):
                _fail(path / "k", f"must be at most the number of members ({len(items)}), got {k}")
            share = 0.0
            if "load_sharing" in d:
                share = _number(d["load_sharing"], path / "load_sharing")
                if share < 0:
                    _fail(path / "load_sharing", f"must be >= 0, got {d['load_sharing']!r}")
            quorum = [self.requirement(x, path / "of" / i, _in(where, f"members[{i}]")) for i, x in enumerate(items)]
            return k_of_n(k, *quorum, load_sharing=share)
        if kind == "weighted":
            return self.weighted(body, path, where)
        if kind == "capacity":
            d = _mapping(body, path, "{member: capacity, ...} or {tags: {role: ...}, weight: <tag>}")
            if isinstance(d.get("tags"), dict):
                _fields(d, path, _CAPACITY_SELECTOR_FIELDS, required=_CAPACITY_SELECTOR_FIELDS)
                return capacity(tags=self.tag_selector(d["tags"], path / "tags"), weight=_text(d["weight"], path / "weight", "a tag name"))
            if not d:
                _fail(path, "needs at least one member")
            caps: dict[str, float] = {}
            for i, (name, x) in enumerate(d.items()):
                self.requirement(name, path / name, _in(where, f"members[{i}]"))
                self.where[_in(where, f"weights[{i}]")] = path / name
                caps[name] = _weight(x, path / name)
            try:
                return capacity(caps)
            except ValueError as e:
                _fail(path, str(e).split(": ", 1)[-1])
        # standby
        d = _mapping(body, path, "{members: [primary, spare, ...], detection, switchover, success, dormancy}")
        _fields(d, path, _STANDBY_FIELDS, required=("members",))
        items = _list(d["members"], path / "members", "a list of component names")
        if len(items) < 2:
            _fail(path / "members", f"needs a primary and at least one spare, got {len(items)} member(s)")
        members: list[str] = []
        for i, x in enumerate(items):
            p = path / "members" / i
            members.append(self.component_ref(x, p, "standby members must be components"))
            self.where[_in(where, f"members[{i}]")] = p
        opts: dict[str, Any] = {}
        for key in ("detection", "switchover"):
            if key in d:
                opts[key] = _distribution(d[key], path / key, fixed=True)
        if "success" in d:
            opts["success"] = _probability(d["success"], path / "success")
        if "dormancy" in d:
            x = _number(d["dormancy"], path / "dormancy")
            if not 0 <= x <= 1:
                _fail(path / "dormancy", f"must be from 0 (cold spares) to 1 (hot spares), got {d['dormancy']!r}")
            opts["dormancy"] = x
        return Standby(members, **opts)

    def weighted(self, body: Any, path: _Path, where: _Loc) -> Requirement:
        """``{more_than | at_least: <weight or share>, weights: {name: weight} or
        [{member: <requirement>, weight: <number>}]}``."""
        d = _mapping(body, path, "{more_than: <weight or share>, weights: {member: weight, ...}}")
        _fields(d, path, _WEIGHTED_FIELDS)
        given = [k for k in ("more_than", "at_least") if k in d]
        if len(given) != 1:
            _fail(path, "needs exactly one of more_than (strict) or at_least (inclusive)" + (", got both" if given else ""))
        key = given[0]
        threshold = d[key]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, str)):
            _fail(path / key, f"expected a weight (a number) or a share of the total weight ('2/3', '66.7%'), got {_got(threshold)}")
        if ("weights" in d) == ("tags" in d):
            _fail(path, "needs exactly one of weights (the members and their weights) or tags with weight (select them by tag)")
        if "tags" in d:
            if "weight" not in d:
                _fail(path, "missing field 'weight' (the tag that holds each selected member's weight)")
            self.where[_in(where, "threshold")] = path / key
            sel = self.tag_selector(d["tags"], path / "tags")
            return weighted(tags=sel, weight=_text(d["weight"], path / "weight", "a tag name"), **{key: threshold})
        if "weight" in d:
            _fail(path / "weight", "goes with tags (weight names the tag that holds each selected member's weight)")
        w = d["weights"]
        pairs: list[tuple[Member, float]] = []
        if isinstance(w, dict):
            if not w:
                _fail(path / "weights", "needs at least one member")
            for i, (name, x) in enumerate(_mapping(w, path / "weights", "{member: weight, ...}").items()):
                p = path / "weights" / name
                self.requirement(name, p, _in(where, f"members[{i}]"))
                self.where[_in(where, f"weights[{i}]")] = p
                pairs.append((name, _weight(x, p)))
        else:
            items = _list(w, path / "weights", "{member: weight, ...} or a list of {member: ..., weight: ...}")
            if not items:
                _fail(path / "weights", "needs at least one member")
            for i, item in enumerate(items):
                p = path / "weights" / i
                e = _mapping(item, p, "{member: <requirement>, weight: <number>}")
                _fields(e, p, _WEIGHTED_MEMBER_FIELDS, required=_WEIGHTED_MEMBER_FIELDS)
                m = self.requirement(e["member"], p / "member", _in(where, f"members[{i}]"))
                self.where[_in(where, f"weights[{i}]")] = p / "weight"
                pairs.append((m, _weight(e["weight"], p / "weight")))
        self.where[_in(where, "threshold")] = path / key
        try:
            return weighted(pairs, **{key: threshold})
        except (TypeError, ValueError) as e:
            _fail(path / key, str(e).split(": threshold: ", 1)[-1])

    def tag_selector(self, v: Any, path: _Path) -> dict[str, str]:
        """A requirement's tag selector; its members are the components with all these tags."""
        tags = _mapping(v, path, "tags such as {role: validator}")
        if not tags:
            _fail(path, "an empty tag selector selects nothing")
        for k, t in tags.items():
            if isinstance(t, bool) or not isinstance(t, (str, int, float)):
                _fail(path / k, f"expected a text label, got {_got(t)}")
        return {k: str(t) for k, t in tags.items()}

    # engine errors ------------------------------------------------------------------------------

    def place(self, e: _core.SpecError) -> ModelFileError:
        """The engine's validation error, placed at the file path of its entity and field (or of
        the nearest enclosing field the file spells out)."""
        kind, name = e.entity
        field = e.field
        while (kind, name, field) not in self.where and field:
            field = field[: max(field.rfind("."), field.rfind("["), 0)]
        if (kind, name, field) not in self.where:
            return ModelFileError("(model)", str(e))
        return ModelFileError(str(self.where[(kind, name, field)]), e.reason)


# --- sections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A top-level section of a model file: how to read it into a Model and write it back.

    ``entities``: the section maps names to entities (its names can be referenced before it
    is read). Sections are read in the order of :data:`SECTIONS`; ``dump`` returns ``None`` (or
    an empty mapping) for a section that has nothing to write.
    """

    key: str
    load: Callable[[_Loader, Any, _Path], None]
    dump: Callable[[Model], Any]
    entities: bool = True


def _load_name(ld: _Loader, v: Any, path: _Path) -> None:
    ld.model.name = _text(v, path, "a model name")


def _load_crews(ld: _Loader, v: Any, path: _Path) -> None:
    for name, body in _entities(v, path, "crew").items():
        p = path / name
        if not isinstance(body, dict):  # the short form: a size
            ld.model.crew(name, _whole(body, p, 1))
            continue
        d = _mapping(body, p, "a crew size, or {size: 5, preemptive: true, hours: ['mon-fri 09:00-17:00']}")
        _fields(d, p, _CREW_FIELDS)
        kwargs: dict[str, Any] = {"size": _whole(d.get("size", 1), p / "size", 1)}
        if "preemptive" in d:
            if not isinstance(d["preemptive"], bool):
                _fail(p / "preemptive", f"expected true or false, got {_got(d['preemptive'])}")
            kwargs["preemptive"] = d["preemptive"]
        _weekly_hours(d, p, kwargs, "shift", "mon-fri 09:00-17:00")
        ld.model.crew(name, **kwargs)


def _weekly_hours(d: Mapping[str, Any], p: _Path, kwargs: dict[str, Any], what: str, example: str) -> None:
    """Read ``hours`` (weekly windows) and ``origin`` (the week's origin) of a crew or a stress into kwargs."""
    if "hours" in d:
        hours = _list(d["hours"], p / "hours", f"a list of {what}s such as ['{example}']")
        for i, h in enumerate(hours):
            _text(h, p / "hours" / i, f"a {what} such as '{example}'")
        try:
            parse_hours(hours, "")
        except ValueError as e:
            _fail(p / "hours", str(e).removeprefix(": "))
        kwargs["hours"] = hours
    if "origin" in d:
        try:
            kwargs["origin"] = _origin(d["origin"], "")
        except (TypeError, ValueError) as e:
            _fail(p / "origin", str(e).removeprefix(": "))


def _load_spares(ld: _Loader, v: Any, path: _Path) -> None:
    for name, body in _entities(v, path, "spare pool").items():
        p = path / name
        d = _mapping(body, p, "a spare pool such as {stock: 1, lead_time: 2w}")
        _fields(d, p, _SPARE_FIELDS, required=("stock", "lead_time"))
        kwargs: dict[str, Any] = {"emergency": _distribution(d["emergency"], p / "emergency", fixed=True) if "emergency" in d else None}
        lead = _distribution(d["lead_time"], p / "lead_time", fixed=True)
        if not lead.mean > 0:
            _fail(p / "lead_time", "must have a positive mean")
        ld.model.spare_pool(name, _whole(d["stock"], p / "stock", 0), lead, **kwargs)


def _load_procedures(ld: _Loader, v: Any, path: _Path) -> None:
    for name, steps in _entities(v, path, "procedure").items():
        ld.where[("procedure", name, "")] = path / name
        ld.model.procedure(name, *ld.steps(steps, path / name, ("procedure", name, "")))


def _load_components(ld: _Loader, v: Any, path: _Path) -> None:
    comps = _entities(v, path, "component")
    for name, body in comps.items():
        ld.component(name, body, path / name)


def _load_services(ld: _Loader, v: Any, path: _Path) -> None:
    for name, body in _entities(v, path, "service").items():
        p = path / name
        if name in ld.names["components"]:
            _fail(p, "a component has that name; components and services share one namespace")
        d = _mapping(body, p, "a service such as {requires: [lb, db], availability: 0.999}")
        _fields(d, p, _SERVICE_FIELDS, required=("requires",))
        req = ld.requirement(d["requires"], p / "requires", ("service", name, "requirement"))
        kwargs: dict[str, Any] = {}
        if "availability" in d:
            kwargs["availability"] = _probability(d["availability"], p / "availability")
        if "rto" in d:
            kwargs["rto"] = _duration(d["rto"], p / "rto", minimum="> 0")
        if "rpo" in d:
            kwargs["rpo"] = _duration(d["rpo"], p / "rpo", minimum=">= 0")
        if "demand" in d:
            dem = d["demand"]
            if isinstance(dem, list):
                if len(dem) != 168:
                    _fail(p / "demand", f"a weekly profile needs 168 values (one per hour of the week), got {len(dem)}")
                kwargs["demand"] = [_weight(x, p / "demand" / i) for i, x in enumerate(dem)]
            else:
                kwargs["demand"] = _weight(dem, p / "demand")
        if "down_below" in d:
            kwargs["down_below"] = _probability(d["down_below"], p / "down_below")
        if "priority" in d:
            kwargs["priority"] = _priority(d["priority"], p / "priority")
        if "restart" in d:
            steps = ld.steps(d["restart"], p / "restart", ("service", name, "restart"))
            for i, st in enumerate(steps):
                if st.crew or st.spare or st.success != 1.0 or st.max_attempts or st.escalate or st.every or st.requires is not None:
                    _fail(
                        p / "restart" / i,
                        "a restart step has a name and a duration only (no crew, spare, success, escalation, inspection or requires)",
                    )
            kwargs["restart"] = steps
        try:
            ld.model.service(name, req, **kwargs)
        except ValueError as e:
            field = next((f for f in ("down_below", "demand") if f in str(e)), "requires")
            _fail(p / field if field in d else p, str(e).split(": ", 1)[-1])


def _load_age_when_down(ld: _Loader, v: Any, path: _Path) -> None:
    if not isinstance(v, bool):
        _fail(path, f"expected true or false, got {_got(v)}")
    ld.model.age_when_down = v


def _load_shocks(ld: _Loader, v: Any, path: _Path) -> None:
    for name, body in _entities(v, path, "shock").items():
        p = path / name
        if name in ld.names["components"]:
            _fail(p, "a component has that name; shocks need their own names")
        d = _mapping(body, p, "a shock such as {every: 2y, targets: {region: eu-1}, outage: 4h}")
        _fields(d, p, _SHOCK_FIELDS, required=("every", "targets"))
        every = d["every"]
        if isinstance(every, dict):
            kwargs: dict[str, Any] = {"every": _distribution(every, p / "every", fixed=False)}
        else:  # a mean time between shocks: Poisson arrivals
            kwargs = {"every": Exponential(_duration(every, p / "every", minimum="> 0"))}
        kwargs["targets"] = ld.selector(d["targets"], p / "targets")
        if "probability" in d:
            kwargs["probability"] = _probability(d["probability"], p / "probability")
        if "mode" in d and "outage" in d:
            _fail(
                p / "outage",
                "cannot be combined with mode: a shock either triggers a failure mode (mode) or holds its targets down (outage)",
            )
        if "mode" in d:
            kwargs["mode"] = _text(d["mode"], p / "mode", "a failure mode name")
            for c in ld.model.select(kwargs["targets"]):
                ld.check_mode(c, kwargs["mode"], p / "mode")
        if "outage" in d:
            kwargs["outage"] = _distribution(d["outage"], p / "outage", fixed=True)
        for key in ("per_target", "stagger"):
            if key in d and "outage" not in d:
                _fail(p / key, "needs outage: per-target outages are for shocks that hold their targets down")
        if "per_target" in d:
            if not isinstance(d["per_target"], bool):
                _fail(p / "per_target", f"expected true or false, got {_got(d['per_target'])}")
            kwargs["per_target"] = d["per_target"]
        if "stagger" in d:
            kwargs["stagger"] = _distribution(d["stagger"], p / "stagger", fixed=True)
        ld.where[("shock", name, "")] = p
        ld.model.shock(name, **kwargs)


def _load_maintenance(ld: _Loader, v: Any, path: _Path) -> None:
    for name, body in _entities(v, path, "maintenance").items():
        p = path / name
        d = _mapping(body, p, "a maintenance window such as {targets: [db-b], every: 30d, duration: 1h}")
        _fields(d, p, _MAINTENANCE_FIELDS, required=("targets", "every", "duration"))
        kwargs: dict[str, Any] = {
            "targets": ld.selector(d["targets"], p / "targets"),
            "every": _duration(d["every"], p / "every", minimum="> 0"),
            "duration": _distribution(d["duration"], p / "duration", fixed=True),
        }
        if kwargs["duration"].mean >= kwargs["every"]:
            _fail(
                p / "duration",
                f"the mean duration ({duration_literal(kwargs['duration'].mean)}) must be shorter than every ({duration_literal(kwargs['every'])})",
            )
        if "offset" in d:
            kwargs["offset"] = _duration(d["offset"], p / "offset", minimum=">= 0")
        if "crew" in d:
            kwargs["crew"] = _text(d["crew"], p / "crew", "a crew name")
            ld.check_ref(kwargs["crew"], p / "crew", "crews", "crew")
        if "rolling" in d:
            kwargs["rolling"] = _whole(d["rolling"], p / "rolling", 1)
        if "spacing" in d:
            kwargs["spacing"] = _duration(d["spacing"], p / "spacing", minimum="> 0")
        ld.where[("maintenance", name, "")] = p
        try:
            ld.model.maintenance(name, **kwargs)
        except ValueError as e:
            field = "spacing" if "spacing" in str(e) else "rolling"
            _fail(p / field, str(e).split(": ", 1)[-1].removeprefix("spacing: "))


def _load_stresses(ld: _Loader, v: Any, path: _Path) -> None:
    for name, body in _entities(v, path, "stress").items():
        p = path / name
        d = _mapping(body, p, "a stress such as {factor: 3, targets: {role: matching}, hours: ['mon-fri 13:00-21:00']}")
        _fields(d, p, _STRESS_FIELDS, required=("factor", "targets"))
        factor = _number(d["factor"], p / "factor")
        if not factor > 0:
            _fail(p / "factor", f"expected a rate multiplier > 0, got {d['factor']!r}")
        kwargs: dict[str, Any] = {"factor": factor, "targets": ld.selector(d["targets"], p / "targets")}
        triggers = [k for k in ("hours", "periods", "while_degraded") if k in d]
        if len(triggers) != 1:
            _fail(
                p / (triggers[1] if triggers else "hours"),
                "give exactly one trigger: hours (weekly windows), periods (one-off) or while_degraded (a service)",
            )
        _weekly_hours(d, p, kwargs, "window", "mon-fri 13:00-21:00")
        if "periods" in d:
            periods = _list(d["periods"], p / "periods", "a list of [start, end] periods such as [[10d, 12d]]")
            pairs = []
            for i, pr in enumerate(periods):
                pi = p / "periods" / i
                if not isinstance(pr, list) or len(pr) != 2:
                    _fail(pi, f"expected a [start, end] pair, got {_got(pr)}")
                a = _duration(pr[0], pi / 0, minimum=">= 0")
                b = _duration(pr[1], pi / 1, minimum="> 0")
                if not a < b:
                    _fail(pi, f"the end ({duration_literal(b)}) must come after the start ({duration_literal(a)})")
                pairs.append((a, b))
            kwargs["periods"] = pairs
        if "while_degraded" in d:
            kwargs["while_degraded"] = _text(d["while_degraded"], p / "while_degraded", "a service name")
            ld.check_ref(kwargs["while_degraded"], p / "while_degraded", "services", "service")
        ld.where[("stress", name, "")] = p
        for key in ("hours", "periods", "while_degraded", "factor", "targets"):
            if key in d:
                ld.where[("stress", name, key)] = p / key
        try:
            ld.model.stress(name, **kwargs)
        except (TypeError, ValueError) as e:
            _fail(p, str(e).removeprefix(f"stress {name!r}: "))


def from_data(data: Any, *, name: str = "model") -> Model:
    """Build a Model from parsed model-file data (a dict as YAML or JSON gives it).

    ``name`` is the model's name when the data has none. Raises :class:`ModelFileError`.
    """
    if data is None:
        _fail(_ROOT, "the model is empty (expected a mapping with components and services)")
    top = _mapping(data, _ROOT, "a mapping with components and services")
    _fields(top, _ROOT, [s.key for s in SECTIONS])
    if not top.get("components"):
        if "components" in top and not isinstance(top["components"], (dict, type(None))):
            _entities(top["components"], _ROOT / "components", "component")
        _fail(_ROOT / "components", "a model needs at least one component")
    ld = _Loader(top, name)
    for section in SECTIONS:
        if section.key in top:
            section.load(ld, top[section.key], _ROOT / section.key)
    for check in ld.later:
        check()
    try:
        ld.model.compile()
    except _core.SpecError as e:
        raise ld.place(e) from None
    except (TypeError, ValueError) as e:
        raise ModelFileError("(model)", str(e)) from None
    return ld.model


# --- reading files ----------------------------------------------------------------------------


_STR = "tag:yaml.org,2002:str"
# libyaml's parser when PyYAML has it (every wheel does): ten times faster on a fleet's file.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML that refuses duplicate keys (a second 'api-1:' would silently win) and says
    where a tagged value cannot be read (``!!float abc``)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """PyYAML's resolver tries its regular expressions on every scalar; a fleet's file
        repeats the same few scalars thousands of times ('2m', 'crash', 'oncall')."""
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        cache = self.__dict__.setdefault("_resolved", {})
        key = (value, implicit)
        tag = cache.get(key)
        if tag is None:
            tag = cache[key] = super().resolve(kind, value, implicit)
        return tag

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag == _STR and type(node) is yaml.ScalarNode:
            return node.value  # what SafeConstructor builds for text, without its bookkeeping
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception as e:  # noqa: BLE001 - PyYAML's own constructors fail in many ways on '!!timestamp x'
            tag = node.tag.rsplit(":", 1)[-1]
            shown = repr(node.value)[:40] if isinstance(node, yaml.ScalarNode) else "this value"
            why = f" ({e})" if isinstance(e, ValueError) else ""
            raise yaml.constructor.ConstructorError(None, None, f"cannot read {shown} as {tag}{why}", node.start_mark) from None


def _construct_mapping(loader: _YamlLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # keys merged in with "<<: *anchor" may be overridden
        key = key_node.value if key_node.tag == _STR and type(key_node) is yaml.ScalarNode else loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:
            continue  # an unhashable key: the constructor reports it
        if first is not None:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r} (first on line {first + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    return mapping


_YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_shape(data: Any) -> None:
    """Refuse data nested deeper than MAX_NESTING or with more than MAX_FILE_VALUES values, YAML
    aliases counted as expanded (a 500-byte alias bomb stands for billions of values): the
    expanded size of each shared list or mapping is computed once."""
    sizes: dict[int, int] = {}

    def size(v: Any, depth: int) -> int:
        if not isinstance(v, (list, dict)):
            return 1
        if depth > MAX_NESTING:
            raise ModelFileError("(top level)", f"values are nested more than {MAX_NESTING} levels deep")
        known = sizes.get(id(v))
        if known is not None:
            return known
        n = 1
        for child in v.values() if isinstance(v, dict) else v:
            n += size(child, depth + 1)
            if n > MAX_FILE_VALUES:
                raise ModelFileError(
                    "(top level)", f"the file stands for more than {MAX_FILE_VALUES:,} values (YAML aliases counted as expanded)"
                )
        sizes[id(v)] = n
        return n

    size(data, 0)


def _parse_yaml(text: str) -> Any:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:  # a lone surrogate ('\udc80'): libyaml cannot even read it
        line = text.count("\n", 0, e.start) + 1
        column = e.start - (text.rfind("\n", 0, e.start) + 1) + 1
        raise ModelFileError(f"line {line}, column {column}", "not valid text (a lone surrogate)") from None
    try:
        data = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ModelFileError("YAML", f"values are nested too deeply (at most {MAX_NESTING} levels)") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        what = " ".join(x for x in (e.context, e.problem) if x) or "malformed YAML"
        raise ModelFileError(where, f"malformed YAML: {what}") from None
    except yaml.YAMLError as e:
        raise ModelFileError("YAML", f"malformed YAML: {e}") from None
    _check_shape(data)
    return data


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ModelFileError("JSON", f"duplicate key {k!r}")
        out[k] = v
    return out


def _parse_json(text: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as e:
        raise ModelFileError(f"line {e.lineno}, column {e.colno}", f"malformed JSON: {e.msg}") from None
    except RecursionError:
        raise ModelFileError("JSON", f"values are nested too deeply (at most {MAX_NESTING} levels)") from None
    except ModelFileError:
        raise
    except ValueError as e:  # a number of more than 4300 digits
        raise ModelFileError("JSON", f"cannot read a value: {e}") from None
    _check_shape(data)
    return data


def loads(text: str, *, format: str = "yaml", name: str = "model") -> Model:
    """A Model from the text of a model file (``format``: ``"yaml"`` or ``"json"``).

    Parameters
    ----------
    text : str
        The file's text.
    format : {"yaml", "json"}, default "yaml"
        Its format.
    name : str, default "model"
        The model's name, unless the text names it.

    Returns
    -------
    Model
        The model.

    Examples
    --------
    >>> m = loads("{components: {api: {mttf: 2000 hours, mttr: PT30M}}, services: {web: {requires: api, availability: 99.9%}}}")
    >>> m.services["web"].availability
    0.9990000000000001
    """
    if format not in ("yaml", "json"):
        raise ValueError(f"format must be 'yaml' or 'json', got {format!r}")
    data = _parse_json(text) if format == "json" else _parse_yaml(text)
    return from_data(data, name=name)


def load(path: PathLike) -> Model:
    """Read a model file: YAML (``.yaml``, ``.yml``) or JSON (``.json``).

    The model's name defaults to the file's name without its suffix. Every mistake raises one
    :class:`ModelFileError` (``e.file`` is the file).

    Parameters
    ----------
    path : str or os.PathLike
        The model file.

    Returns
    -------
    Model
        The model.

    Examples
    --------
    >>> m = load(rs.examples.path("quorum"))
    >>> m.name, list(m.services)
    ('quorum', ['consensus'])
    """
    p = Path(path)
    try:
        with open(p, "rb") as f:  # at most MAX_FILE_BYTES: /dev/zero is not a model file
            raw = f.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ModelFileError(str(path), f"larger than {MAX_FILE_BYTES // 2**20} MiB: not a model file", file=str(path))
        text = raw.decode("utf-8")
        return loads(text, format="json" if p.suffix.lower() == ".json" else "yaml", name=p.stem or "model")
    except ModelFileError as e:
        e.file = str(path)
        raise
    except FileNotFoundError:
        raise ModelFileError(str(path), "no such file", file=str(path)) from None
    except IsADirectoryError:
        raise ModelFileError(str(path), "is a directory, not a model file", file=str(path)) from None
    except UnicodeDecodeError as e:
        raise ModelFileError(str(path), f"not UTF-8 text ({e.reason} at byte {e.start})", file=str(path)) from None
    except OSError as e:
        raise ModelFileError(str(path), e.strerror or str(e), file=str(path)) from None


def _amount(v: Any, path: _Path) -> float:
    x = _number(v, path)
    if x < 0:
        _fail(path, f"expected an amount >= 0, got {v!r}")
    return x


def _hourly_rate(v: Any, path: _Path) -> float | tuple[float, ...]:
    """A constant rate, 168 hourly rates, or {base: rate, peaks: {'mon-fri 13-21': rate}}."""
    if isinstance(v, list):
        if len(v) != 168:
            _fail(path, f"a weekly profile needs 168 hourly rates (one per hour of the week, hour 0 = Monday 00:00), got {len(v)}")
        return tuple(_amount(x, path / i) for i, x in enumerate(v))
    if isinstance(v, dict):
        _fields(v, path, ("base", "peaks"), required=("base",))
        base = _amount(v["base"], path / "base")
        peaks = _mapping(v.get("peaks", {}), path / "peaks", "peaks such as {mon-fri 13-21: 80000}")
        rates = {}
        for k, r in peaks.items():
            if isinstance(r, bool) or not isinstance(r, (int, float)) or not (math.isfinite(r) and r >= 0):
                _fail(path / "peaks", f"{k!r}: expected an amount >= 0, got {_got(r)}")
            rates[k] = float(r)
        try:
            return weekly_profile(base, rates)
        except ValueError as e:
            _fail(path / "peaks", str(e).removeprefix("weekly_profile: "))
    return _amount(v, path)


def _load_costs(ld: _Loader, v: Any, path: _Path) -> None:
    for name, body in _entities(v, path, "cost").items():
        p = path / name
        ld.check_ref(name, p, "services", "service")
        d = _mapping(body, p, "a service's costs such as {per_hour: 50000, per_outage: 2000}")
        _fields(d, p, _COST_FIELDS)
        kwargs: dict[str, Any] = {}
        if "per_hour" in d:
            kwargs["per_hour"] = _hourly_rate(d["per_hour"], p / "per_hour")
        if "week_origin" in d:
            kwargs["week_origin"] = _duration(d["week_origin"], p / "week_origin", minimum=">= 0")
            if kwargs["week_origin"] >= 168:
                _fail(p / "week_origin", "must be an hour of the week in [0, 168) (0 = Monday 00:00)")
        for f in ("per_outage", "beyond_rto_per_hour", "planned_per_hour"):
            if f in d:
                kwargs[f] = _amount(d[f], p / f)
        if kwargs.get("beyond_rto_per_hour") and ld.model.services[name].rto is None:
            _fail(p / "beyond_rto_per_hour", f"service {name!r} has no rto")
        if "data_loss" in d:
            dl = _mapping(d["data_loss"], p / "data_loss", "{per_incident: 5000, per_hour: 100000}")
            _fields(dl, p / "data_loss", _DATA_LOSS_COST_FIELDS)
            if "per_incident" in dl:
                kwargs["data_loss_per_incident"] = _amount(dl["per_incident"], p / "data_loss" / "per_incident")
            if "per_hour" in dl:
                kwargs["data_loss_per_hour"] = _amount(dl["per_hour"], p / "data_loss" / "per_hour")
        if "sla" in d:
            q = p / "sla"
            sd = _mapping(d["sla"], q, "{fee: 100000, tiers: {99.9%: 10%, 99%: 30%}}")
            _fields(sd, q, _SLA_FIELDS, required=("fee", "tiers"))
            fee = _amount(sd["fee"], q / "fee")
            if fee <= 0:
                _fail(q / "fee", "expected a fee > 0 (credits are shares of it)")
            tiers = _mapping(sd["tiers"], q / "tiers", "{availability below: share of the fee}, e.g. {99.9%: 10%, 99%: 30%}")
            if not tiers:
                _fail(q / "tiers", "needs at least one tier")
            pairs = []
            for k, share in tiers.items():
                below: Any = k
                if isinstance(k, str) and not k.strip().endswith("%"):
                    try:  # a JSON key is a string: "0.999"
                        below = float(k)
                    except ValueError:
                        pass
                pairs.append((_probability(below, q / "tiers" / str(k)), _probability(share, q / "tiers" / str(k))))
            period = _duration(sd["period"], q / "period", minimum="> 0") if "period" in sd else 730.0
            try:
                kwargs["sla"] = SlaCredits(fee, pairs, period)
            except ValueError as e:
                _fail(q / "tiers" if "tiers" in str(e) else q / "period", str(e).removeprefix("sla "))
        ld.model.cost(name, **kwargs)


def _load_running_costs(ld: _Loader, v: Any, path: _Path) -> None:
    for name, per_year in _entities(v, path, "running cost").items():
        if name not in ld.names["components"] and name not in ld.names["crews"]:
            known = ld.names["components"] + ld.names["crews"]
            _fail(path / name, f"unknown component or crew {name!r}{_suggest(name, known)}")
        ld.model.running_cost(name, _amount(per_year, path / name))


# --- the sections, in reading order ---------------------------------------------------------------
#
# To add a section (shocks, maintenance...): write _load_x(ld, value, path) here, which reads the
# section with the helpers above and calls the Model's builder, and _dump_x(model), its inverse,
# in recoverysim.writer; add ("x", _dump_x) to writer.SECTIONS_OUT after the sections it refers
# to and _load_x to _LOADERS; describe it in schema/model.schema.json and docs/model-files.md
# (tests check that the three agree).

_LOADERS: dict[str, Callable[[_Loader, Any, _Path], None]] = {
    "name": _load_name,
    "age_when_down": _load_age_when_down,
    "crews": _load_crews,
    "spares": _load_spares,
    "procedures": _load_procedures,
    "components": _load_components,
    "services": _load_services,
    "shocks": _load_shocks,
    "maintenance": _load_maintenance,
    "stresses": _load_stresses,
    "costs": _load_costs,
    "running_costs": _load_running_costs,
}

SECTIONS: tuple[Section, ...] = tuple(
    Section(key, _LOADERS[key], dump, entities=key not in ("name", "age_when_down", "costs", "running_costs"))
    for key, dump in writer.SECTIONS_OUT
)
"""Top-level sections in the order they are read. The names of every entity section are known
before any section is read, so references may point forwards."""
