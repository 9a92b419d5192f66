"""HTML summaries for Jupyter: ``Results``, ``Model`` and ``ExactResults`` display as tables.

Every string that comes from the user (names, tags, step names) is escaped. Only inline styles
are used, so nothing leaks into the rest of the notebook.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import formatting as fmt
from .distributions import Uncertain
from .requirements import Requirement, Standby

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import AnalysisResults, ScenarioResults
    from .distributions import Distribution
    from .exact import ExactResults
    from .model import Model
    from .recovery import Procedure
    from .results import Results

__all__ = ["results_html", "model_html", "exact_html", "analysis_html", "scenario_html"]

_TABLE = "border-collapse:collapse;font-size:12px;margin:4px 0 10px 0"
_TH = "text-align:left;padding:3px 10px;border-bottom:1px solid #999;font-weight:600;vertical-align:bottom"
_TD = "text-align:left;padding:3px 10px;border-bottom:1px solid #e4e4e4;vertical-align:top"
_NUM = "text-align:right;padding:3px 10px;border-bottom:1px solid #e4e4e4;vertical-align:top;font-variant-numeric:tabular-nums"
_SUB = "color:#666;font-size:11px"
_OK = "color:#1a7f37"
_MISS = "color:#c62828;font-weight:600"


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[bool] | None = None) -> str:
    """A table from already-escaped cell HTML."""
    numeric = list(numeric or [False] * len(headers))
    head = "".join(
        f'<th style="{_TH.replace("text-align:left", "text-align:right") if n else _TH}">{h}</th>' for h, n in zip(headers, numeric)
    )
    body = []
    for row in rows:
        cells = "".join(f'<td style="{_NUM if n else _TD}">{c}</td>' for c, n in zip(row, numeric))
        body.append(f"<tr>{cells}</tr>")
    return f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _two(main: str, sub: str) -> str:
    return f'{main}<br><span style="{_SUB}">{sub}</span>' if sub else main


def _verdict(ok: bool, text: str) -> str:
    return f'<span style="{_OK if ok else _MISS}">{"✓" if ok else "✗"} {text}</span>'


# --- Results ---------------------------------------------------------------------------------------


def _capacity_cell(res: Results, s: str) -> str:
    """Hours full / degraded / down and the share of demand unserved (means over replications,
    which streamed runs keep too)."""
    if s not in res.capacity_services:
        return "–"
    i = res.service_names.index(s)
    full, degraded, down = (
        float(res._column_mean(k)[i]) for k in ("service_full_time", "service_degraded_time", "service_capacity_down_time")
    )
    demand = float(res._column_mean("service_demand")[i])
    unserved = float(res._column_mean("service_unserved")[i]) / demand if demand > 0 else math.nan
    return _two(
        f"{_e(fmt.duration(full))} · {_e(fmt.duration(degraded))} · {_e(fmt.duration(down))}",
        f"{_e(fmt.percent(unserved))} of demand unserved",
    )


def results_html(res: Results, compliance: float = 0.95) -> str:
    """The one-look summary of a run: availability with its 95% CI, downtime per horizon and its
    tail, outages, and the targets (✓ met / ✗ missed, as ``recoverysim run --check`` and
    :mod:`recoverysim.testing` judge: missed only when even the one-sided 95 % upper bound of the
    availability is below the SLA, or that of the share of outages within the RTO / data-loss
    incidents within the RPO is below ``compliance``). Notes of estimates that rest on few
    events are printed under the table."""
    per = fmt.per_horizon(res.horizon)
    events = res.events
    header = (
        f'<div style="font-size:13px;margin-bottom:2px"><b>Results</b> of model <b>{_e(res.model_name)}</b>: '
        f"{res.replications:,} replications of {_e(fmt.duration(res.horizon))} · seed {res.seed} · "
        f"{events / 1e6:.3g} M events in {res.elapsed:.2f} s on {res.threads} thread{'s' if res.threads != 1 else ''}</div>"
    )
    has = {k: any(res.targets.get(s, {}).get(k) is not None for s in res.service_names) for k in ("availability", "rto", "rpo")}
    # Means over replications (available for streamed runs too).
    planned_mean = res._column_mean("service_planned_downtime")
    loss_mean = res._column_mean("service_loss_incidents")
    lost_mean = res._column_mean("service_data_lost")
    any_planned = bool((planned_mean > 0).any())
    any_loss = bool((loss_mean > 0).any())
    headers = [
        "service",
        "availability<br><span style='font-weight:400'>(95% CI)</span>",
        f"downtime per {_e(per)}<br><span style='font-weight:400'>mean (P90 · P99)</span>",
        f"outages per {_e(per)}",
        "mean outage",
        "where the time goes",
    ]
    numeric = [False, True, True, True, True, False]
    if any_planned:
        headers.append(f"planned per {_e(per)}")
        numeric.append(True)
    if has["availability"]:
        headers.append("SLA")
        numeric.append(False)
    if has["rto"]:
        headers.append("RTO")
        numeric.append(False)
    if has["rpo"] or any_loss:
        headers.append("RPO / data loss")
        numeric.append(False)
    if res.capacity_services:
        headers.append(f"capacity<br><span style='font-weight:400'>full · degraded · down per {_e(per)}; demand unserved</span>")
        numeric.append(False)
    rows = []
    notes: list[str] = []
    for s in res.service_names:
        a = res.availability(s)
        d = res.mean_downtime(s)
        p90, p99 = res.downtime_quantiles(s, (0.9, 0.99))
        o = res.outages_per_replication(s)
        am, aci = fmt.percent_interval(a.mean, a.low, a.high)
        row = [
            f"<b>{_e(s)}</b>",
            _two(am, aci),
            _two(fmt.duration(d.mean), f"({fmt.duration(p90)} · {fmt.duration(p99)})"),
            f"{o.mean:.3g}",
            fmt.duration(res.mean_outage_duration(s)),
            _phases(res, s),
        ]
        t = res.targets.get(s, {})
        if any_planned:
            pd_ = float(planned_mean[res.service_names.index(s)])
            row.append(fmt.duration(pd_) if pd_ > 0 else "–")
        if has["availability"]:
            target = t.get("availability")
            if target is None:
                row.append("–")
            else:
                p = res.p_sla_met(s)
                row.append(
                    _two(
                        _verdict(res.availability(s, 0.90).high >= target, f"{100 * target:g}%"),
                        f"met in {fmt.percent(p.mean)} of {_e(per)}s" if per == "year" else f"met in {fmt.percent(p.mean)} of horizons",
                    )
                )
        if has["rto"]:
            if t.get("rto") is None:
                row.append("–")
            else:
                c = res.rto_compliance(s)
                b = res.p_rto_breach(s)
                ok = not math.isfinite(c.mean) or res.rto_compliance(s, 0.90).high >= compliance
                row.append(
                    _two(
                        _verdict(ok, fmt.duration(t["rto"])),
                        f"{fmt.percent(c.mean)} of outages within; P(breach per {_e(per)}) {fmt.percent(b.mean)}",
                    )
                )
        if has["rpo"] or any_loss:
            n_loss = float(loss_mean[res.service_names.index(s)])
            lost = float(lost_mean[res.service_names.index(s)])
            sub = f"{n_loss:.3g} incidents, {fmt.duration(lost)} of writes lost per {_e(per)}" if n_loss > 0 else "no data-loss incident"
            if t.get("rpo") is None:
                row.append(_two("–", sub) if n_loss > 0 else "–")
            else:
                c = res.rpo_compliance(s)
                ok = not math.isfinite(c.mean) or res.rpo_compliance(s, 0.90).high >= compliance
                main = _verdict(ok, fmt.duration(t["rpo"]))
                if math.isfinite(c.mean):
                    sub = f"{fmt.percent(c.mean)} of incidents within; " + sub
                row.append(_two(main, sub))
        if res.capacity_services:
            row.append(_capacity_cell(res, s))
        rows.append(row)
        for e in (a, o) + ((res.rto_compliance(s),) if t.get("rto") is not None else ()):
            if e.note and f"{s}: {e.note}" not in notes:
                notes.append(f"{s}: {e.note}")
    foot = "".join(f'<div style="{_SUB}">{_e(n)}</div>' for n in notes)
    foot += "".join(f'<div style="{_SUB}">⚠ {_e(w)}</div>' for w in res._model.maintenance_warnings())
    foot += "".join(
        f'<div style="{_SUB}">stress {_e(st.name)}: failure rates x{st.factor:g} for '
        f"{_e(', '.join(res._model.select(st.targets)))}, {_e(st.trigger())}</div>"
        for st in res._model.stresses.values()
    )
    money = _cost_html(res) if res.has_costs else ""
    return f"<div>{header}{_table(headers, rows, numeric)}{foot}{money}</div>"


def _cost_html(res: Results) -> str:
    """What the run cost: per service and kind, the running cost, the total with its interval and
    tail (P50 · P90 · P99), and the causes that cost the most."""
    per = fmt.per_horizon(res.horizon)
    df = res.cost_breakdown()
    kinds = [k for k in ("downtime", "outages", "beyond_rto", "planned", "data_loss", "sla_credits", "running") if (df[k] > 0).any()]
    headers = ["cost", *[k.replace("_", " ") for k in kinds], f"total per {_e(per)}"]
    rows = [
        [f"<b>{_e(str(name))}</b>", *[fmt.money(r[k]) if r[k] > 0 else "–" for k in kinds], fmt.money(r["total"])]
        for name, r in df.iterrows()
    ]
    e = res.expected_cost()
    p50, p90, p99 = res.cost_quantiles()
    rows.append(
        [
            "<b>total</b>",
            *[""] * len(kinds),
            _two(
                f"<b>{fmt.money(e.mean)}</b>",
                f"({fmt.money(e.low)} – {fmt.money(e.high)}) · P50 {fmt.money(p50)} · P90 {fmt.money(p90)} · P99 {fmt.money(p99)}",
            ),
        ]
    )
    by = res.cost_by_component()
    foot = (
        f'<div style="{_SUB}">costs caused by {_e(", ".join(f"{c} {fmt.money(v)}" for c, v in by.head(5).items()))}</div>'
        if len(by)
        else ""
    )
    return _table(headers, rows, [False, *[True] * (len(kinds) + 1)]) + foot


def _phases(res: Results, service: str) -> str:
    """The phases of the service's downtime (step names, crew_wait, dependency_wait, restart
    steps...), largest first, as shares of its downtime (the five largest of at least 0.5 %)."""
    phases = res.downtime_by_phase(service)
    total = float(phases.sum())
    if not total > 0:
        return "–"
    share = phases / total
    share = share[share >= 0.005].head(5)
    return "<br>".join(f"{_e(p)} {fmt.percent(float(v))}" for p, v in share.items())


# --- Model -----------------------------------------------------------------------------------------


def _dist(d: Distribution, long: bool = False) -> str:
    """'15 min exponential', '2.4 years weibull, shape 1.5' (``long``: hours spelled out); an
    uncertain distribution reads as its point estimate and where its uncertainty comes from."""
    if isinstance(d, Uncertain):
        src = d.source
        if src == "covariance":
            how = "parameters uncertain (fit)"
        elif src == "draws":
            how = f"parameters uncertain ({len(d.params['draws'])} bootstrap draws)"
        else:
            how = "parameters uncertain (" + ", ".join(f"{k} in a range" for k in d.params["ranges"]) + ")"
        return f'{_dist(d.nominal, long)} <span style="{_SUB}">{_e(how)}</span>'
    kind = d.kind
    p = d.params
    extra = ""
    if kind == "weibull":
        extra = f", shape {p['shape']:g}"
    elif kind == "gamma":
        extra = f", shape {p['shape']:g}"
    elif kind in ("uniform",):
        extra = f" {fmt.duration(p['low'])}–{fmt.duration(p['high'])}"
    elif kind == "triangular":
        extra = f" {fmt.duration(p['low'])}/{fmt.duration(p['mode'])}/{fmt.duration(p['high'])}"
    elif kind == "lognormal" and d.mean > 0:
        extra = f", std {fmt.duration(d.std)}"
    elif kind == "empirical":
        extra = f", {len(p['values'])} observations"
    mean = fmt.duration_long(d.mean) if long else fmt.duration(d.mean)
    if kind == "deterministic":
        return _e(mean)
    return f'{_e(mean)} <span style="{_SUB}">{_e(kind)}{_e(extra)}</span>'


def _steps(proc: Procedure) -> str:
    parts = []
    for st in proc.steps:
        bits = [f"{_e(st.name)} {_dist(st.duration)}"]
        notes = []
        if st.every:
            notes.append(f"after the check every {fmt.duration(st.every)}")
        if isinstance(st.crew, dict):
            notes.append("crews " + ", ".join(f"{k} ×{n}" for k, n in st.crew.items()) + " at once")
        elif st.crew:
            notes.append(f"crew {st.crew}")
        if st.spare:
            notes.append(f"takes a spare from {st.spare}")
        if st.success != 1:
            notes.append(f"succeeds {100 * st.success:g}%")
        if st.max_attempts:
            notes.append(f"{st.max_attempts} attempts")
        if st.escalate:
            notes.append(f"then {st.escalate}")
        if st.requires is not None:
            notes.append(f"needs {_requirement_text(st.requires)}")
        if st.fallback is not None:
            notes.append(f"else {fmt.duration(st.fallback.mean)} (fallback)")
        if notes:
            bits.append(f'<span style="{_SUB}">({_e(", ".join(notes))})</span>')
        parts.append(" ".join(bits))
    return " → ".join(parts)


def _requirement_text(req: Any) -> str:
    """A requirement in plain words (escaped by the caller)."""
    if isinstance(req, str):
        return req
    if isinstance(req, Requirement) and not isinstance(req, Standby):
        inner = ", ".join(_requirement_text(x) for x in req.members)
        if req.tags is not None:
            inner = f"{len(req.members)} components with tags " + ", ".join(f"{k}={v}" for k, v in req.tags.items())
        return f"{req.k} of ({inner})" if req.kind == "k_of_n" else f"{req.kind.replace('_', ' ')} ({inner})"
    return repr(req)  # pragma: no cover - standby is refused in a step's requirement


def _names(names: list[str]) -> str:
    """Names for people: all of a few, the first and last of many (a fleet of thousands)."""
    if len(names) <= _LISTED:
        return ", ".join(names)
    return f"{', '.join(names[:3])}, …, {names[-1]} ({len(names):,})"


_LISTED = 12  # names listed in full; longer lists are summarised


def _selector(m: Model, targets: Any) -> str:
    try:
        names = m.select(targets)
    except Exception:  # pragma: no cover - reported by validation
        names = []
    if isinstance(targets, dict):
        sel = ", ".join(f"{k}={v}" for k, v in targets.items())
        return f'{_e(_names(names)) or "(none)"} <span style="{_SUB}">(tags {_e(sel)})</span>'
    return _e(_names(list(names)))


def _tag_selection(req: Requirement) -> str:
    sel = ", ".join(f"{k}={v}" for k, v in (req.tags or {}).items())
    weight = f", weight = tag {req.weight_tag}" if req.weight_tag else ""
    return f'{len(req.members):,} components <span style="{_SUB}">(tags {_e(sel)}{_e(weight)}: {_e(_names(list(req.names())))})</span>'


def _requirement(req: Any) -> str:
    if isinstance(req, str):
        return _e(req)
    if isinstance(req, Standby):
        temperature, opts = req.describe()
        opts.append(temperature)
        return f'standby({", ".join(_e(x) for x in req.members)}) <span style="{_SUB}">{_e(", ".join(opts))}</span>'
    if isinstance(req, Requirement):
        inner = _tag_selection(req) if req.tags is not None else ", ".join(_requirement(x) for x in req.members)
        if req.kind == "weighted" and req.tags is not None:
            return f"{_e(req.describe())} ({inner})"
        if req.kind == "k_of_n":
            ls = f", load sharing {req.load_sharing:g}" if req.load_sharing else ""
            return f"{req.k} of ({inner}){_e(ls)}"
        if req.kind == "weighted":
            inner = ", ".join(f'{_requirement(x)} <span style="{_SUB}">{w:g}</span>' for x, w in zip(req.members, req.weights))
            return f"{_e(req.describe())} ({inner})"
        word = {"all_of": "all of", "any_of": "any of"}.get(req.kind, req.kind)
        return f"{_e(word)} ({inner})"
    return _e(repr(req))  # pragma: no cover


def _crew_words(c: Any) -> str:
    """``'custodians (5, mon-fri 09:00-17:00, preemptive)'``."""
    notes = [str(c.size)]
    if c.hours is not None:
        notes.append("; ".join(c.hours))
    if c.preemptive:
        notes.append("preemptive")
    return f"{c.name} ({', '.join(notes)})"


def model_html(m: Model) -> str:
    """Components (failure modes, MTTF, MTTR, recovery steps, data protection, tags), services
    (requirements and targets), crews, procedures, shocks and maintenance windows."""
    counts = (
        f"{len(m.components)} component{'s' if len(m.components) != 1 else ''}, {len(m.services)} service"
        f"{'s' if len(m.services) != 1 else ''}"
    )
    extras = []
    if m.crews:
        extras.append("crews " + ", ".join(_e(_crew_words(c)) for c in m.crews.values()))
    if m.spares:
        extras.append(
            "spare pools "
            + ", ".join(
                _e(
                    f"{p.name} ({p.stock} in stock, restock {fmt.duration(p.lead_time.mean)}"
                    + (f", emergency {fmt.duration(p.emergency.mean)})" if p.emergency is not None else ")")
                )
                for p in m.spares.values()
            )
        )
    if not m.age_when_down:
        extras.append("components do not age while every service above them is down")
    out = [
        f'<div style="font-size:13px;margin-bottom:2px"><b>Model</b> <b>{_e(m.name)}</b>: {counts}'
        + (f" · {' · '.join(extras)}" if extras else "")
        + "</div>"
    ]
    if m.components:
        rows = []
        # A fleet (Model.fleet) is one entry, shown by its first instance; tags that differ
        # between instances are summarised.
        fleet_of = {c.name: f for f in m.fleets.values() if all(m.components.get(x.name) is x for x in f.members) for c in f.members}
        for c in m.components.values():
            f = fleet_of.get(c.name)
            if f is not None and f.members[0] is not c:
                continue
            prot = []
            if c.backup is not None:
                b = c.backup
                prot.append(f"backup every {fmt.duration(b.every)}" + (f", {100 * b.success:g}% succeed" if b.success != 1 else ""))
            if c.replication is not None:
                prot.append(f"replica lag {fmt.duration(c.replication.lag.mean)}")
            tags = ", ".join(f"{k}={v}" for k, v in c.tags.items())
            name = f"<b>{_e(c.name)}</b>"
            if f is not None:
                name = f'<b>{_e(f.pattern)}</b> × {f.count:,}<br><span style="{_SUB}">{_e(_names(f.names))}</span>'
                varying = {k for k in c.tags if any(x.tags.get(k) != c.tags[k] for x in f.members)}
                tags = ", ".join(f"{k}=(per instance)" if k in varying else f"{k}={v}" for k, v in c.tags.items())
                if any(repr(x.modes) != repr(c.modes) for x in f.members):
                    name += f'<br><span style="{_SUB}">times of the first instance; they differ per instance</span>'
            for i, mode in enumerate(c.modes):
                loss = {False: "", True: "since last recovery point", "backup": "back to the last backup"}[mode.data_loss]  # type: ignore[index]
                casc = ", ".join(f"{cc.target} ({100 * cc.probability:g}%)" for cc in mode.cascades)
                recovery = _steps(mode.repair)
                if casc:
                    recovery += f'<br><span style="{_SUB}">cascades to {_e(casc)}</span>'
                rows.append(
                    [
                        name if i == 0 else "",
                        _e(mode.name),
                        _dist(mode.failure, long=True),
                        _e(fmt.duration(mode.repair.mean)),
                        recovery,
                        _e(loss)
                        + (("<br>" if loss else "") + f'<span style="{_SUB}">{_e("; ".join(prot))}</span>' if prot and i == 0 else ""),
                        _e(tags) if i == 0 else "",
                    ]
                )
        out.append(
            _table(
                [
                    "component",
                    "failure mode",
                    "MTTF",
                    "MTTR<br><span style='font-weight:400'>(steps, no waits)</span>",
                    "recovery",
                    "data loss",
                    "tags",
                ],
                rows,
            )
        )
    if m.services:
        rows = []
        for s in m.services.values():
            t = []
            if s.availability is not None:
                t.append(f"availability {100 * s.availability:g}%")
            if s.rto is not None:
                t.append(f"RTO {fmt.duration(s.rto)}")
            if s.rpo is not None:
                t.append(f"RPO {fmt.duration(s.rpo)}")
            req = _requirement(s.requirement)
            if s.restart is not None:
                req += f'<br><span style="{_SUB}">then restart: </span>{_steps(s.restart)}'
            rows.append([f"<b>{_e(s.name)}</b>", req, _e(", ".join(t)) or "–"])
        out.append(_table(["service", "requires", "targets"], rows))
    if m.procedures:
        rows = [[f"<b>{_e(p.name)}</b>", _steps(p)] for p in m.procedures.values()]
        out.append(_table(["procedure", "steps"], rows))
    if m.shocks:
        rows = []
        for sh in m.shocks.values():
            if sh.outage is not None:
                effect = f"holds them down {_dist(sh.outage)}"
                if sh.per_target:
                    effect += f' <span style="{_SUB}">(drawn per target)</span>'
                if sh.stagger is not None:
                    effect += f' <span style="{_SUB}">+ {_e(fmt.duration(sh.stagger.mean))} per target (stagger)</span>'
            else:
                effect = f"triggers failure mode {_e(sh.mode or '(first)')}"
            rows.append(
                [
                    f"<b>{_e(sh.name)}</b>",
                    _dist(sh.every),
                    _selector(m, sh.targets),
                    f"{100 * sh.probability:g}%",
                    effect,
                ]
            )
        out.append(_table(["shock", "every (mean)", "hits", "probability per target", "effect"], rows))
    if m.maintenances:
        rows = []
        for w in m.maintenances.values():
            rows.append(
                [
                    f"<b>{_e(w.name)}</b>",
                    _selector(m, w.targets),
                    _e(fmt.duration(w.every)),
                    _dist(w.duration),
                    _e(fmt.duration(w.offset)) if w.offset else "0",
                    _e(w.crew or "–"),
                ]
            )
        out.append(_table(["maintenance", "targets", "every", "duration", "first at", "crew"], rows))
    if m.stresses:
        rows = [[f"<b>{_e(st.name)}</b>", _selector(m, st.targets), f"x{st.factor:g}", _e(st.trigger())] for st in m.stresses.values()]
        out.append(_table(["stress", "targets", "failure rate", "active"], rows))
    return "<div>" + "".join(out) + "</div>"


# --- ExactResults ----------------------------------------------------------------------------------


def exact_html(ex: ExactResults) -> str:
    """The exact answers per service: steady-state availability, outages per year, mean outage,
    mean time to the first outage."""
    header = (
        f'<div style="font-size:13px;margin-bottom:2px"><b>Exact solution</b> (Markov chain) of model '
        f"<b>{_e(ex.model_name)}</b>: {ex.n_states:,} states</div>"
    )
    rows = []
    for s in ex.service_names:
        a = ex.availability(s)
        f = ex.failure_frequency(s) * 8760
        un = 1 - a
        dec = 4 if un <= 0 else min(max(2, 2 - math.floor(math.log10(un * 100))), 10)
        rows.append(
            [
                f"<b>{_e(s)}</b>",
                f"{100 * a:.{dec}f}%",
                fmt.duration(un * 8760),
                f"{f:.4g}",
                fmt.duration(ex.mean_outage_duration(s)) if f > 0 else "–",
                fmt.duration(ex.mttff(s)),
            ]
        )
    table = _table(
        ["service", "steady-state availability", "downtime per year", "outages per year", "mean outage", "mean time to first outage"],
        rows,
        [False, True, True, True, True, True],
    )
    return f"<div>{header}{table}</div>"


# --- Design analysis and incident scenarios ----------------------------------------------------------


def analysis_html(a: AnalysisResults, top: int = 12) -> str:
    """Single points of failure, services with their exact availability and cut sets, and the
    ranked "what to fix first" table."""
    header = (
        f'<div style="font-size:13px;margin-bottom:2px"><b>Design analysis</b> of model <b>{_e(a.model_name)}</b>: '
        f"{len(a.events)} basic events, truncation: {_e(a.truncation)}</div>"
    )
    spof = a.single_points_of_failure()
    if len(spof):
        items = ", ".join(f"<b>{_e(e)}</b> ({_e(k)}) takes down {_e(s)}" for s, e, k in zip(spof["service"], spof["event"], spof["kind"]))
        spof_html = f'<div style="font-size:12px;margin:4px 0">{_verdict(False, "single points of failure:")} {items}</div>'
    else:
        spof_html = f'<div style="font-size:12px;margin:4px 0">{_verdict(True, "no single point of failure")}</div>'
    summary = a.summary()
    rows = []
    for s, r in summary.iterrows():
        cut = a.cut_sets(s).head(3)
        smallest = "; ".join("{" + ", ".join(_e(x) for x in ev) + "}" for ev in cut["events"])
        sim = fmt.percent(r["simulated_availability"]) if "simulated_availability" in summary else "–"
        rows.append(
            [
                f"<b>{_e(s)}</b>",
                fmt.percent(r["availability"]),
                fmt.duration(r["downtime_h_per_year"]),
                sim,
                f"{r['cut_sets']:,}" + (" (truncated)" if r["truncated"] else ""),
                smallest,
            ]
        )
    services = _table(
        ["service", "availability (exact, independent)", "downtime per year", "simulated", "minimal cut sets", "most likely smallest"],
        rows,
        [False, True, True, True, True, False],
    )
    fix = a.fix_first().head(top)
    frows = []
    for _, r in fix.iterrows():
        frows.append(
            [
                f"<b>{_e(r['event'])}</b>",
                _e(r["kind"]),
                _e(r["service"]),
                fmt.duration(r["downtime_avoided_h_per_year"]),
                fmt.sig(r["criticality"]),
                fmt.sig(r["raw"]),
                fmt.sig(r["fussell_vesely"]),
                fmt.percent(r["simulated_share"]) if "simulated_share" in fix else "–",
                _e(r["services"]),
            ]
        )
    fixes = _table(
        ["event", "kind", "service", "downtime avoided per year", "criticality", "RAW", "Fussell-Vesely", "simulated share", "takes down"],
        frows,
        [False, False, False, True, True, True, True, True, False],
    )
    return f'<div>{header}{spof_html}{services}<div style="font-size:12px"><b>What to fix first</b></div>{fixes}</div>'


def scenario_html(r: ScenarioResults) -> str:
    """Scenarios side by side: time to restore (mean, P50, P90, P99) against the RTO, data lost
    against the RPO, the dominant recovery phase."""
    header = (
        f'<div style="font-size:13px;margin-bottom:2px"><b>Incident scenarios</b> on model <b>{_e(r.model_name)}</b>: '
        f"{r.replications:,} replications each, window {fmt.duration(r.window)}, common random numbers</div>"
    )
    summary = r.summary()
    rows = []
    for (sc, s), row in summary.iterrows():
        rto = row["rto_h"]
        rto_cell = "–"
        if rto is not None and rto == rto:
            rto_cell = _two(_verdict(row["p_within_rto"] >= 0.95, fmt.percent(row["p_within_rto"])), f"RTO {fmt.duration(rto)}")
        rpo = row["rpo_h"]
        rpo_cell = fmt.duration(row["mean_data_lost_h"]) if row["mean_data_lost_h"] > 0 else "–"
        if rpo is not None and rpo == rpo:
            rpo_cell = _two(
                _verdict(row["p_within_rpo"] >= 0.95, fmt.percent(row["p_within_rpo"])),
                f"RPO {fmt.duration(rpo)}, mean lost {fmt.duration(row['mean_data_lost_h'])}",
            )
        rows.append(
            [
                f"<b>{_e(sc)}</b>",
                _e(s),
                fmt.percent(row["p_down"]),
                fmt.duration(row["mean_restore_h"]),
                f"{fmt.duration(row['p50_h'])} / {fmt.duration(row['p90_h'])} / {fmt.duration(row['p99_h'])}",
                rto_cell,
                rpo_cell,
                _e(row["dominant_phase"]),
            ]
        )
    table = _table(
        ["scenario", "service", "P(down)", "mean time to restore", "P50 / P90 / P99", "within RTO", "data lost", "dominant phase"],
        rows,
        [False, False, True, True, True, True, True, False],
    )
    return f"<div>{header}{table}</div>"
