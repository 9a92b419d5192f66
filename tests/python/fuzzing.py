"""The fuzz suite's machinery: hypothesis strategies over model files and API calls, the check of
one case, and a worker subprocess that runs cases so that a crash or a hang is caught.

A case is plain data (pickled to the worker):

- ``("file", format, text)``: the text of a model file, YAML or JSON;
- ``("api", calls, run)``: calls on an ``rs.Model`` (``(method, args, kwargs)``, with objects
  such as distributions and steps written as ``Obj("Exponential", args, kwargs)``), then the
  arguments of one ``simulate`` and of a few result calls.

The worker answers ``(outcome, detail)`` for each case. ``outcome`` is one of

- ``"ok"``: the model validates, simulates a few replications and round-trips (YAML and JSON)
  to an equal model;
- ``"clean"``: a clear error: a ModelFileError with a path (files), or a ValueError, TypeError or
  KeyError whose message names the field or entity (API), never a pybind11 signature dump;
- ``"unclear"``: any other exception, or a message that names nothing;
- ``"roundtrip"``: the model loads but cannot be saved, or reloads to a different model;

and the parent adds ``"crash"`` (the worker died) and ``"hang"`` (no answer within the timeout).
"""

from __future__ import annotations

import math
import os
import pickle
import select
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

WORKER = Path(__file__).with_name("fuzz_worker.py")
OUTCOMES = ("ok", "clean", "unclear", "roundtrip", "crash", "hang")
# A run that the engine expects to need more events than this is skipped (outcome "clean"): the
# fuzz looks for crashes, hangs and unclear errors, not for long runs the estimate allows.
FUZZ_EVENT_BUDGET = 2e6
# Larger valid replication counts are validated, then run as a few replications (see _finish).
MAX_FUZZ_REPLICATIONS = 9


@dataclass(frozen=True)
class Obj:
    """A domain object to build in the worker: ``rs.<name>(*args, **kwargs)``."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


# --- values ---------------------------------------------------------------------------------------

NAMES = ["a", "b", "db-1", "api", "s", "svc", "x"]
_WEIRD_NAMES = ["", " ", "\udc80", "a" * 300, "é", "名前", "a.b", "[0]", "*", "&x"]
_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**400, -(10**400), 2**31, 2**63, 2**64, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-300, 5e-324, 1.7976931348623157e308, -0.0, 1e308]),
    st.text(max_size=12),
    st.sampled_from(["abc", "5 parsecs", "1e999h", "nan", "inf", "-5m", "1M", "%", "120%", "99.9%", "no", "yes"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def rarely(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any], one_in: int = 12) -> st.SearchStrategy[Any]:
    """``bad`` about once in ``one_in`` draws: most models must be valid to reach the engine."""
    return st.sampled_from([False] * (one_in - 1) + [True]).flatmap(lambda b: bad if b else good)


def names() -> st.SearchStrategy[str]:
    return rarely(st.sampled_from(NAMES), st.sampled_from(_WEIRD_NAMES))


def durations() -> st.SearchStrategy[Any]:
    good = st.one_of(
        st.sampled_from(["30s", "5m", "15m", "1h", "2h", "3d", "1w", "1y", "0", "0h", "1e-9s", "1e-300h", "1e300h", 0.5, 1, 100, 8760]),
        st.floats(min_value=1e-6, max_value=1e6),
        st.builds(lambda x, u: f"{x:g}{u}", st.floats(min_value=0.001, max_value=1000), st.sampled_from(["s", "m", "h", "d", "w", "y"])),
    )
    return rarely(good, _JUNK)


def probabilities() -> st.SearchStrategy[Any]:
    good = st.one_of(st.floats(min_value=0, max_value=1), st.sampled_from([0, 1, 0.5, "99.9%", "50%"]))
    return rarely(good, _JUNK)


def counts() -> st.SearchStrategy[Any]:
    return rarely(st.integers(min_value=1, max_value=5), _JUNK)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(None), strategy)


# --- model files ----------------------------------------------------------------------------------


def _dist_data() -> st.SearchStrategy[Any]:
    d = durations()
    return st.one_of(
        d,
        st.fixed_dictionaries({"type": st.just("exponential"), "mean": d}),
        st.fixed_dictionaries({"type": st.just("weibull"), "shape": rarely(st.floats(0.1, 5), _JUNK), "scale": d}),
        st.fixed_dictionaries({"type": st.just("lognormal"), "mean": d, "std": d}),
        st.fixed_dictionaries({"type": st.just("gamma"), "shape": rarely(st.floats(1e-12, 5), _JUNK), "scale": d}),
        st.fixed_dictionaries({"type": st.just("uniform"), "low": d, "high": d}),
        st.fixed_dictionaries({"type": st.just("triangular"), "low": d, "mode": d, "high": d}),
        st.fixed_dictionaries({"type": st.just("normal"), "mu": d, "sigma": d}),
        st.fixed_dictionaries({"type": st.just("empirical"), "values": st.lists(d, max_size=4)}),
        st.fixed_dictionaries({"type": st.sampled_from(["expo", "Exponential", "", "pareto"]), "mean": d}),
    )


def _step_data() -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {"name": names(), "duration": _dist_data()},
        optional={
            "crew": names(),
            "success": probabilities(),
            "max_attempts": counts(),
            "escalate": names(),
            "every": durations(),
            "offset": durations(),
        },
    )


def _requirement_data() -> st.SearchStrategy[Any]:
    leaf = names()
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.fixed_dictionaries({"all_of": st.lists(inner, max_size=4)}),
            st.fixed_dictionaries({"any_of": st.lists(inner, max_size=4)}),
            st.fixed_dictionaries(
                {
                    "k_of_n": st.fixed_dictionaries(
                        {"k": counts(), "of": st.lists(inner, max_size=4)}, optional={"load_sharing": rarely(st.floats(0, 2), _JUNK)}
                    )
                }
            ),
            st.fixed_dictionaries(
                {
                    "standby": st.fixed_dictionaries(
                        {"members": st.lists(leaf, max_size=4)}, optional={"switchover": durations(), "success": probabilities()}
                    )
                }
            ),
        ),
        max_leaves=12,
    )


def _component_data() -> st.SearchStrategy[Any]:
    d = durations()
    simple = st.fixed_dictionaries({"mttf": d, "mttr": d})
    full = st.fixed_dictionaries(
        {"failure": _dist_data(), "repair": st.one_of(_dist_data(), st.lists(_step_data(), min_size=1, max_size=3))},
        optional={
            "data_loss": rarely(st.one_of(st.booleans(), st.just("backup")), _JUNK),
            "backup": st.fixed_dictionaries({"every": d}, optional={"duration": _dist_data(), "success": probabilities(), "offset": d}),
            "replication": st.fixed_dictionaries({"lag": _dist_data()}),
            "tags": st.one_of(st.dictionaries(st.sampled_from(["region", "role"]), st.sampled_from(["eu", "us"]), max_size=2), _JUNK),
            "cascades": st.lists(
                st.fixed_dictionaries({"target": names()}, optional={"probability": probabilities(), "delay": d}), max_size=2
            ),
        },
    )
    return st.one_of(simple, simple, full)


def model_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"components": st.dictionaries(names(), _component_data(), min_size=1, max_size=4)},
        optional={
            "name": names(),
            "crews": st.dictionaries(names(), counts(), max_size=2),
            "services": st.dictionaries(
                names(),
                st.fixed_dictionaries(
                    {"requires": _requirement_data()}, optional={"availability": probabilities(), "rto": durations(), "rpo": durations()}
                ),
                max_size=3,
            ),
            "shocks": st.dictionaries(
                names(),
                st.fixed_dictionaries(
                    {"every": st.one_of(durations(), _dist_data()), "targets": st.one_of(names(), st.lists(names(), max_size=3))},
                    optional={"probability": probabilities(), "outage": _dist_data(), "mode": names()},
                ),
                max_size=2,
            ),
            "maintenance": st.dictionaries(
                names(),
                st.fixed_dictionaries(
                    {"targets": names(), "every": durations(), "duration": _dist_data()}, optional={"offset": durations()}
                ),
                max_size=1,
            ),
            "age_when_down": rarely(st.booleans(), _JUNK),
        },
    )


def _yaml_text(data: Any) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError):
        return yaml.safe_dump(data, allow_unicode=False, sort_keys=False)


# Snippets that only text can carry: tags, aliases, deep nesting, odd scalars.
_TEXT_SNIPPETS = [
    "components: {a: {mttf: !!float abc, mttr: 1h}}",
    "components: {a: {mttf: !!timestamp x, mttr: 1h}}",
    "components: {a: {mttf: !!int 1e5, mttr: 1h}}",
    "components: {a: {mttf: !!binary aGVsbG8=, mttr: 1h}}",
    "components: {a: {mttf: 1000h, mttr: 1h}}\nservices: {s: {requires: " + "[" * 200 + "a" + "]" * 200 + "}}",
    "components: {a: {mttf: 1000h, mttr: 1h}}\nservices: {s: {requires: " + "{all_of: [" * 70 + "a" + "]}" * 70 + "}}",
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ncomponents: {a: {mttf: 1h, mttr: 1h}}\n"
    "services: {s: {requires: *h}}",
    "components: {a: {mttf: " + "9" * 400 + ", mttr: 1h}}",
    "components: {a: {mttf: 1000h, mttr: 1h}}\ncrews: {c: " + "9" * 30 + "}",
    "components: {a: {failure: {type: lognormal, mean: 1e-300h, std: 1h}, repair: 1h}}",
    "components: {a: {mttf: 1000h, mttr: 1h, data_loss: true, backup: {every: 1e-9s, duration: 5m}}}\nservices: {s: {requires: a}}",
    "components: {a: {mttf: 1e-300h, mttr: 1e-300h}}\nservices: {s: {requires: a}}",
    "components: {a: {mttf: 1000h, mttr: 1h}}\nservices: {s: {requires: a, rto: 1.7976931348623157e308}}",
    "components: {a: {mttf: 1000h, mttr: 1h}}\nshocks: {x: {every: {type: gamma, shape: 1.0e-10, scale: 1h}, targets: a}}",
    "\x00\x00\x00",
    "components:\n  a: {mttf: 1000h, mttr: 1h}\n  a: {mttf: 1h, mttr: 1h}",
    "- [",
    "{",
]


def _mutated_text(text: str, where: int, junk: str) -> str:
    i = where % (len(text) + 1)
    return text[:i] + junk + text[i:]


def file_cases() -> st.SearchStrategy[tuple[str, str, str]]:
    data = model_data()
    structured = st.one_of(
        st.builds(lambda d: ("file", "yaml", _yaml_text(d)), data),
        st.builds(lambda d: ("file", "json", _json_text(d)), data),
    )
    snippet = st.builds(lambda t: ("file", "yaml", t), st.sampled_from(_TEXT_SNIPPETS))
    mutated = st.builds(
        lambda d, w, j: ("file", "yaml", _mutated_text(_yaml_text(d), w, j)),
        data,
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from(["\n", ":", " ", "[", "{", "*x", "&x ", "!!float ", "- ", "\t", "'", '"', "\udc80", "#"]),
    )
    return st.one_of(structured, structured, structured, snippet, mutated)


def _json_text(data: Any) -> str:
    import json

    return json.dumps(data, allow_nan=True)


# --- API calls ------------------------------------------------------------------------------------


def _dist_obj() -> st.SearchStrategy[Any]:
    d = durations()
    return st.one_of(
        d,
        st.builds(lambda m: Obj("Exponential", (m,)), d),
        st.builds(lambda k, s: Obj("Weibull", (k, s)), rarely(st.floats(0.1, 5), _JUNK), d),
        st.builds(lambda m, s: Obj("LogNormal.from_mean_std", (m, s)), d, d),
        st.builds(lambda k, s: Obj("Gamma", (k, s)), rarely(st.floats(1e-12, 5), _JUNK), d),
        st.builds(lambda a, b: Obj("Uniform", (a, b)), d, d),
        st.builds(lambda a, b, c: Obj("Triangular", (a, b, c)), d, d, d),
        st.builds(lambda v: Obj("Empirical", (v,)), st.lists(d, max_size=4)),
        _JUNK,
    )


def _step_obj() -> st.SearchStrategy[Any]:
    return st.builds(
        lambda n, d, kw: Obj("Step", (n, d), kw),
        names(),
        _dist_obj(),
        st.fixed_dictionaries(
            {},
            optional={
                "crew": rarely(names(), _JUNK),
                "success": probabilities(),
                "max_attempts": counts(),
                "escalate": rarely(names(), _JUNK),
                "every": durations(),
            },
        ),
    )


def _req_obj() -> st.SearchStrategy[Any]:
    return st.recursive(
        names(),
        lambda inner: st.one_of(
            st.builds(lambda ms: Obj("all_of", tuple(ms)), st.lists(inner, max_size=4)),
            st.builds(lambda ms: Obj("any_of", tuple(ms)), st.lists(inner, max_size=4)),
            st.builds(lambda k, ms: Obj("k_of_n", (k, *ms)), counts(), st.lists(inner, max_size=4)),
            st.builds(
                lambda ms, kw: Obj("standby", tuple(ms), kw),
                st.lists(names(), max_size=3),
                st.fixed_dictionaries({}, optional={"success": probabilities(), "switchover": durations()}),
            ),
        ),
        max_leaves=10,
    )


def _call() -> st.SearchStrategy[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    d = durations()
    component = st.builds(
        lambda n, kw: ("component", (n,), kw),
        names(),
        st.one_of(
            st.fixed_dictionaries(
                {"mttf": d, "mttr": d},
                optional={"tags": rarely(st.just({"region": "eu"}), _JUNK), "data_loss": rarely(st.booleans(), _JUNK)},
            ),
            st.fixed_dictionaries(
                {"failure": _dist_obj(), "repair": st.one_of(_dist_obj(), st.lists(_step_obj(), min_size=1, max_size=3))},
                optional={
                    "data_loss": rarely(st.one_of(st.booleans(), st.just("backup")), _JUNK),
                    "backup": st.builds(
                        lambda e, du, kw: Obj("Backup", (e, du), kw),
                        d,
                        _dist_obj(),
                        st.fixed_dictionaries({}, optional={"success": probabilities()}),
                    ),
                    "replication": st.builds(lambda lag: Obj("Replication", (lag,)), _dist_obj()),
                },
            ),
        ),
    )
    crew = st.builds(lambda n, s: ("crew", (n, s), {}), names(), counts())
    service = st.builds(
        lambda n, r, kw: ("service", (n, r), kw),
        names(),
        _req_obj(),
        st.fixed_dictionaries({}, optional={"availability": probabilities(), "rto": d, "rpo": d}),
    )
    shock = st.builds(
        lambda n, kw: ("shock", (n,), kw),
        names(),
        st.fixed_dictionaries(
            {"every": _dist_obj(), "targets": rarely(st.one_of(names(), st.lists(names(), max_size=2)), _JUNK)},
            optional={"probability": probabilities(), "mode": rarely(names(), _JUNK), "outage": _dist_obj()},
        ),
    )
    maintenance = st.builds(
        lambda n, kw: ("maintenance", (n,), kw),
        names(),
        st.fixed_dictionaries(
            {"targets": names(), "every": d, "duration": _dist_obj()}, optional={"offset": d, "crew": rarely(names(), _JUNK)}
        ),
    )
    return st.one_of(component, component, component, crew, service, service, shock, maintenance)


def _run_args() -> st.SearchStrategy[dict[str, Any]]:
    good = st.fixed_dictionaries(
        {"horizon": st.sampled_from(["30d", "1y", 100]), "replications": st.integers(1, 4), "seed": st.integers(0, 2**64 - 1)}
    )
    odd = st.fixed_dictionaries(
        {"seed": st.integers(0, 10)},
        optional={
            "threads": rarely(st.integers(0, 3), _JUNK),
            "per_replication": rarely(st.booleans(), _JUNK),
            "keep_outages": rarely(st.integers(0, 5), _JUNK),
            "progress": rarely(st.just(False), _JUNK),
            "horizon": durations(),
            "replications": rarely(st.integers(1, 4), _JUNK),
        },
    )
    return st.one_of(good, good, odd)


def _result_calls() -> st.SearchStrategy[list[tuple[str, tuple[Any, ...]]]]:
    call = st.one_of(
        st.builds(lambda: ("summary", ())),
        st.builds(lambda s, q: ("outage_duration_quantiles", (s, q)), names(), rarely(st.floats(0, 1), _JUNK)),
        st.builds(lambda s, q: ("downtime_quantiles", (s, q)), names(), rarely(st.floats(0, 1), _JUNK)),
        st.builds(lambda: ("report", ())),
        st.builds(lambda s: ("availability", (s,)), names()),
    )
    return st.lists(call, max_size=3)


def api_cases() -> st.SearchStrategy[tuple[str, Any, Any]]:
    return st.builds(
        lambda calls, run, results, model_kw: ("api", (model_kw, calls), (run, results)),
        st.lists(_call(), min_size=1, max_size=6),
        _run_args(),
        _result_calls(),
        st.fixed_dictionaries({}, optional={"age_when_down": rarely(st.booleans(), _JUNK), "name": names()}),
    )


# --- one case, in the worker ------------------------------------------------------------------------

_DUMPS = ("incompatible function arguments", "Invoked with", "incompatible constructor arguments", "pybind11")


def _clear(e: BaseException, mentions: list[str]) -> tuple[str, str]:
    """Is this error clear? ``mentions``: the names a message about the case may name."""
    import recoverysim as rs

    text = str(e)
    kind = type(e).__name__
    if any(d in text for d in _DUMPS):
        return "unclear", f"{kind}: signature dump: {text[:300]}"
    if isinstance(e, rs.ModelFileError):
        return ("clean", text) if e.path and e.reason else ("unclear", f"ModelFileError without a path: {text}")
    # Exactly these types (a UnicodeError is a ValueError too, and not a clear one), or the engine's
    # structured SpecError (a ValueError naming entity, field and reason).
    if type(e) not in (ValueError, TypeError, KeyError, MemoryError, rs._core.SpecError):
        return "unclear", f"{kind}: {text[:300]}"
    if len(text) < 12:
        return "unclear", f"{kind}: too short: {text!r}"
    lowered = text.lower()
    if mentions and not any(m.lower() in lowered for m in mentions if m):
        return "unclear", f"{kind}: names no field of {mentions[:8]}: {text[:300]}"
    return "clean", text


def _build(v: Any) -> Any:
    import recoverysim as rs

    if isinstance(v, Obj):
        f: Any = rs
        for part in v.name.split("."):
            f = getattr(f, part)
        return f(*[_build(a) for a in v.args], **{k: _build(x) for k, x in v.kwargs.items()})
    if isinstance(v, list):
        return [_build(x) for x in v]
    return v


def _mentions(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    """Names an error about this call may give: the method, its argument names, the names given."""
    out = [method, *kwargs]
    stack: list[Any] = [*args, *kwargs.values()]
    while stack:
        v = stack.pop()
        if isinstance(v, str) and len(v) < 50:
            out.append(v)
        elif isinstance(v, Obj):
            out.append(v.name.split(".")[0])
            out.extend(v.kwargs)
            stack.extend([*v.args, *v.kwargs.values()])
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    # How values are described in messages: "step", "duration", "probability", "k_of_n"...
    return [*out, "step", "duration", "probability", "name", "crew", "requirement", "member", "target", "mode", "distribution"]


def _finish(model: Any, run: dict[str, Any], results: list[tuple[str, tuple[Any, ...]]]) -> tuple[str, str]:
    """Validate, simulate a few replications, call a few results, and round-trip."""
    import recoverysim as rs
    from recoverysim import _engine
    from recoverysim.units import hours
    from recoverysim.validation import MAX_REPLICATIONS, check_count

    try:
        compiled = model.compile()
    except Exception as e:  # noqa: BLE001 - classified
        return _clear(e, [*model.components, *model.services, *model.shocks, *model.maintenances, *model.crews, "component", "service"])
    run = {"horizon": "30d", "replications": 2, **run}
    horizon, reps = run["horizon"], run["replications"]
    # The budget counts the replications the run would really do: a valid but huge count (2**31)
    # is a legitimately long run, not a hang. Such a count is checked by the same validation the
    # run uses, then a few replications stand in for it.
    reps = reps if isinstance(reps, int) and not isinstance(reps, bool) and reps > 0 else 1
    if reps > MAX_FUZZ_REPLICATIONS:
        try:
            check_count(reps, "replications", minimum=1, maximum=MAX_REPLICATIONS)
        except Exception as e:  # noqa: BLE001 - classified
            return _clear(e, ["replications"])
        run, reps = {**run, "replications": 2}, 2
    try:
        events = reps * _engine.estimate_events(compiled, hours(horizon))[0] if isinstance(horizon, (int, float, str)) else 0.0
    except Exception:  # noqa: BLE001 - a bad horizon: simulate reports it below
        events = 0.0
    if not events <= FUZZ_EVENT_BUDGET:
        run = {**run, "horizon": "1h"}  # the estimate is checked by the run itself; keep the fuzz fast
        events = reps * _engine.estimate_events(compiled, 1.0)[0]
    if events <= FUZZ_EVENT_BUDGET:
        try:
            res = model.simulate(**{"threads": 1, "progress": False, **run})
        except Exception as e:  # noqa: BLE001 - classified
            return _clear(e, [*run, "horizon", "replications", "seed", "threads", *model.components, *model.shocks])
        for method, args in results:
            try:
                getattr(res, method)(*args)
            except Exception as e:  # noqa: BLE001 - classified
                outcome, detail = _clear(e, [method, "service", "q", *[a for a in args if isinstance(a, str)]])
                if outcome != "clean":
                    return outcome, f"{method}{args!r}: {detail}"
    for fmt in ("yaml", "json"):
        try:
            text = rs.io.dumps(model, format=fmt)
            back = rs.loads(text, format=fmt, name=model.name)
        except Exception as e:  # noqa: BLE001 - classified
            return "roundtrip", f"{fmt}: {type(e).__name__}: {str(e)[:300]}"
        if back != model:
            return "roundtrip", f"{fmt}: reloads to a different model"
    return "ok", ""


def run_case(case: tuple[Any, ...]) -> tuple[str, str]:
    import recoverysim as rs

    kind = case[0]
    if kind == "selftest":  # the harness's own test: a crash and a hang on purpose
        if case[1] == "abort":
            os.abort()
        time.sleep(3600)
    if kind == "file":
        _, fmt, text = case
        try:
            model = rs.loads(text, format=fmt)
        except Exception as e:  # noqa: BLE001 - classified
            if isinstance(e, rs.ModelFileError):
                return _clear(e, [])
            return "unclear", f"{type(e).__name__} from a file: {str(e)[:300]}"
        return _finish(model, {"horizon": "30d", "replications": 2, "seed": 1}, [("summary", ())])
    _, (model_kw, calls), (run, results) = case
    try:
        model = rs.Model(**model_kw)
    except Exception as e:  # noqa: BLE001 - classified
        return _clear(e, ["model", "name", "age_when_down"])
    for method, args, kwargs in calls:
        try:
            getattr(model, method)(*[_build(a) for a in args], **{k: _build(v) for k, v in kwargs.items()})
        except Exception as e:  # noqa: BLE001 - classified
            outcome, detail = _clear(e, _mentions(method, args, kwargs))
            if outcome != "clean":
                return outcome, f"{method}: {detail}"
    return _finish(model, run, results)


# --- the worker subprocess, seen from the parent -------------------------------------------------------


def _send(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _read_exact(fd: int, n: int, deadline: float) -> bytes | None:
    out = b""
    while len(out) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, n - len(out))
        if not chunk:
            return None
        out += chunk
    return out


class Worker:
    """A subprocess running cases one at a time; restarted after a crash or a hang."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
        return subprocess.Popen(
            [sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )

    def run(self, case: tuple[Any, ...], timeout: float | None = None) -> tuple[str, str]:
        timeout = self.timeout if timeout is None else timeout
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            _send(proc.stdin, case)
            deadline = time.monotonic() + timeout
            head = _read_exact(proc.stdout.fileno(), 8, deadline)
            body = None if head is None else _read_exact(proc.stdout.fileno(), struct.unpack("<Q", head)[0], deadline)
        except TimeoutError:
            self.close()
            return "hang", f"no answer within {timeout:g} s"
        except (BrokenPipeError, OSError):
            body = None
        if body is None:
            code = proc.wait()
            self.close()
            return "crash", f"worker exited with {code} ({'signal ' + str(-code) if code < 0 else 'status'})"
        return pickle.loads(body)  # noqa: S301 - our own worker

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:  # a broken pipe to a dead worker
                        pass
            self.proc = None


def serve() -> None:
    """The worker's loop: read a case, answer its outcome."""
    import recoverysim  # noqa: F401 - imported once, before the first case

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the answer stream
    while True:
        head = stdin.read(8)
        if len(head) < 8:
            return
        case = pickle.loads(stdin.read(struct.unpack("<Q", head)[0]))  # noqa: S301 - from our parent
        try:
            answer = run_case(case)
        except BaseException as e:  # noqa: BLE001 - anything the case raised outside the checks
            answer = ("unclear", f"{type(e).__name__} escaped: {str(e)[:300]}")
        _send(stdout, answer)


def summarize(outcomes: dict[str, int], elapsed: float) -> str:
    n = sum(outcomes.values())
    parts = ", ".join(f"{outcomes.get(k, 0)} {k}" for k in OUTCOMES)
    rate = n / elapsed if elapsed > 0 else math.nan
    return f"{n} cases in {elapsed:.0f} s ({rate:.0f}/s): {parts}"
