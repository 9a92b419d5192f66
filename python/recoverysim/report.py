"""The plain-text report of a run: the text sibling of the HTML view (:mod:`recoverysim._html`).

Both take a :class:`~recoverysim.results.Results` and write every number through
:mod:`recoverysim.formatting`, so a value reads the same in the report, in Jupyter, in the plots
and in the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .formatting import confidence, duration, given_percent, horizon_words, per_horizon, percent, percent_interval

if TYPE_CHECKING:  # pragma: no cover
    from .results import Results

__all__ = ["results_text"]


def _interval(e: object, fmt: Callable[[float], str]) -> str:
    """``'(95% CI a .. b)'`` for an estimate, its ends written by ``fmt``."""
    return f"({confidence(e.confidence)} CI {fmt(e.low)} .. {fmt(e.high)})"  # type: ignore[attr-defined]


def results_text(res: Results) -> str:
    """A readable plain-text report of a run (what ``make demo`` and the CLI print)."""
    per = per_horizon(res.horizon)
    lines = [
        f"recoverysim: model {res.model_name!r}, {res.replications:,} replications of {duration(res.horizon)} (seed {res.seed})",
        f"engine: {res.events:,} events in {res.elapsed:.2f} s on {res.threads} thread(s) ({res.events_per_second / 1e6:.1f} M events/s)",
        "",
    ]
    for s in res.service_names:
        a = res.availability(s)
        d = res.mean_downtime(s)
        p50, p90, p99 = res.downtime_quantiles(s)
        o = res.outages_per_replication(s)
        mean_a, range_a = percent_interval(a.mean, a.low, a.high)
        lines.append(f"service {s}")
        lines.append(f"  availability      {mean_a}  ({confidence(a.confidence)} CI {range_a})")
        lines.append(f"  downtime          {duration(d.mean)} per {per}  {_interval(d, duration)}")
        lines.append(f"  downtime tail     P50 {duration(p50)}   P90 {duration(p90)}   P99 {duration(p99)}")
        lines.append(f"  outages           {o.mean:.3g} per {per}, mean length {duration(res.mean_outage_duration(s))}")
        planned = float(res._column_mean("service_planned_downtime")[res._svc(s)])
        if planned > 0:
            n_planned = float(res._column_mean("service_planned_outages")[res._svc(s)])
            lines.append(f"  planned downtime  {duration(planned)} per {per} in {n_planned:.3g} windows (not counted above)")
        t = res.targets.get(s, {})
        target = t.get("availability")
        if target is not None:
            p = res.p_sla_met(s)
            lines.append(
                f"  SLA {given_percent(target):<13} met in {percent(p.mean)} of {horizon_words(res.horizon)[1]} {_interval(p, percent)}"
            )
        if t.get("rto") is not None:
            c = res.rto_compliance(s)
            b = res.p_rto_breach(s)
            lines.append(
                f"  RTO {duration(t['rto']):<13} {percent(c.mean)} of outages restored within it {_interval(c, percent)}; "
                f"P(at least one breach per {per}) {percent(b.mean)} {_interval(b, percent)}"
            )
        n_loss = float(res._column_mean("service_loss_incidents")[res._svc(s)])
        if t.get("rpo") is not None or n_loss > 0:
            lost = res.expected_data_lost(s)
            lines.append(f"  data loss         {n_loss:.3g} incidents per {per}, {duration(lost.mean)} of writes lost per {per} on average")
            if t.get("rpo") is not None:
                c = res.rpo_compliance(s)
                lines.append(f"  RPO {duration(t['rpo']):<13} {percent(c.mean)} of data-loss incidents within it {_interval(c, percent)}")
        notes = [
            e.note
            for e in (a, res.p_sla_met(s) if target is not None else None, res.rto_compliance(s) if t.get("rto") is not None else None)
            if e is not None and e.note
        ]
        for note in dict.fromkeys(notes):
            lines.append(f"  note: {note}")
        causes = res.downtime_by_component(s)
        causes = causes[causes >= 0.005]
        if len(causes):
            lines.append(f"  downtime caused by {', '.join(f'{c} {percent(v)}' for c, v in causes.head(4).items())}")
        phases = res.downtime_by_phase(s)
        if len(phases) > 1:
            share = phases / phases.sum()
            share = share[share >= 0.005]
            lines.append(f"  time spent in      {', '.join(f'{p} {percent(v)}' for p, v in share.head(5).items())}")
        lines.append("")
    comp = res.components().sort_values("downtime_h", ascending=False).head(5)
    lines.append("components with the most downtime")
    for name, r in comp.iterrows():
        lines.append(f"  {name:<24} {r['failures']:8.2f} failures  {duration(r['downtime_h'])} down")
    return "\n".join(lines)
