"""The plain-text report of a run: the text sibling of the HTML view (:mod:`recoverysim._html`).

Both take a :class:`~recoverysim.results.Results` and write every number through
:mod:`recoverysim.formatting`, so a value reads the same in the report, in Jupyter, in the plots
and in the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .formatting import confidence, duration, given_percent, horizon_words, money, per_horizon, percent, percent_interval, sig

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import AnalysisResults, ScenarioResults
    from .results import Results

__all__ = ["results_text", "cost_lines", "capacity_lines", "analysis_text", "scenario_text"]


def _interval(e: object, fmt: Callable[[float], str]) -> str:
    """``'(95% CI a .. b)'`` for an estimate, its ends written by ``fmt``."""
    return f"({confidence(e.confidence)} CI {fmt(e.low)} .. {fmt(e.high)})"  # type: ignore[attr-defined]


def capacity_lines(res: Results, service: str) -> list[str]:
    """Time full / degraded / down and the demand not served, for a service with a demand."""
    per = per_horizon(res.horizon)
    t = res.capacity_time(service)
    u = res.unserved_fraction(service)
    return [
        f"  capacity          full {percent(t['full'].mean / res.horizon)} of the time; degraded {duration(t['degraded'].mean)} per {per} "
        f"{_interval(t['degraded'], duration)}; down {duration(t['down'].mean)} per {per} {_interval(t['down'], duration)}",
        f"  demand unserved   {percent(u.mean)} of the demand {_interval(u, percent)}",
    ]


def results_text(res: Results) -> str:
    """A readable plain-text report of a run (what ``make demo`` and the CLI print)."""
    per = per_horizon(res.horizon)
    lines = [
        f"recoverysim: model {res.model_name!r}, {res.replications:,} replications of {duration(res.horizon)} (seed {res.seed})",
        f"engine: {res.events:,} events in {res.elapsed:.2f} s on {res.threads} thread(s) ({res.events_per_second / 1e6:.1f} M events/s)",
        *(f"warning: {w}" for w in res._model.maintenance_warnings()),
        *(
            f"stress {st.name}: failure rates x{st.factor:g} for {', '.join(res._model.select(st.targets))}, {st.trigger()}"
            for st in res._model.stresses.values()
        ),
        "",
    ]
    for s in res.service_names:
        a = res.availability(s)
        shown = [a]  # estimates printed for this service, whose notes follow them
        d = res.mean_downtime(s)
        p50, p90, p99 = res.downtime_quantiles(s)
        o = res.outages_per_replication(s)
        mean_a, range_a = percent_interval(a.mean, a.low, a.high)
        lines.append(f"service {s}")
        lines.append(f"  availability      {mean_a}  ({confidence(a.confidence)} CI {range_a})")
        lines.append(f"  downtime          {duration(d.mean)} per {per}  {_interval(d, duration)}")
        lines.append(f"  downtime tail     P50 {duration(p50)}   P90 {duration(p90)}   P99 {duration(p99)}")
        lines.append(f"  outages           {o.mean:.3g} per {per}, mean length {duration(res.mean_outage_duration(s))}")
        if s in res.capacity_services and not hasattr(res, "agg"):  # per-replication values kept
            lines.extend(capacity_lines(res, s))
        planned = float(res._column_mean("service_planned_downtime")[res._svc(s)])
        if planned > 0:
            n_planned = float(res._column_mean("service_planned_outages")[res._svc(s)])
            lines.append(f"  planned downtime  {duration(planned)} per {per} in {n_planned:.3g} windows (not counted above)")
        t = res.targets.get(s, {})
        target = t.get("availability")
        if target is not None:
            p = res.p_sla_met(s)
            shown.append(p)
            lines.append(
                f"  SLA {given_percent(target):<13} met in {percent(p.mean)} of {horizon_words(res.horizon)[1]} {_interval(p, percent)}"
            )
        if t.get("rto") is not None:
            c = res.rto_compliance(s)
            shown.append(c)
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
        notes = [e.note for e in shown if e.note]
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
    if res.has_costs:
        lines.extend(cost_lines(res))
        lines.append("")
    comp = res.components().sort_values("downtime_h", ascending=False).head(5)
    lines.append("components with the most downtime")
    for name, r in comp.iterrows():
        lines.append(f"  {name:<24} {r['failures']:8.2f} failures  {duration(r['downtime_h'])} down")
    if res.spare_names:
        sp = res.spares()
        lines.append("")
        lines.append("spare pools (stock-outs: recovery steps that found the pool empty and waited)")
        for pool, row in sp.iterrows():
            lines.append(
                f"  {pool:<14} {row['stockouts']:.3g} stock-outs per {per}, out of stock {duration(row['out_of_stock_h'])} per {per}"
            )
    return "\n".join(lines)


_COST_KINDS = {
    "downtime": "downtime",
    "outages": "outages",
    "beyond_rto": "beyond RTO",
    "planned": "planned",
    "data_loss": "data loss",
    "sla_credits": "SLA credits",
}


def cost_lines(res: Results) -> list[str]:
    """The money part of the report: expected cost with its interval and tail, by service and
    kind, the running cost, and the causes that cost the most."""
    per = per_horizon(res.horizon)
    e = res.expected_cost()
    p50, p90, p99 = res.cost_quantiles()
    lines = [
        f"cost per {per}        {money(e.mean)} {_interval(e, money)}",
        f"  cost tail         P50 {money(p50)}   P90 {money(p90)}   P99 {money(p99)}",
    ]
    df = res.cost_breakdown()
    for name, row in df.iterrows():
        if name == "running" and row["running"] > 0:
            lines.append(f"  running           {money(row['running'])} per {per} (components and crews)")
            continue
        parts = [f"{label} {money(row[k])}" for k, label in _COST_KINDS.items() if row[k] > 0]
        lines.append(f"  {name:<17} {money(row['total'])}" + (f" ({', '.join(parts)})" if parts else ""))
    by = res.cost_by_component()
    if len(by):
        lines.append(f"  costs caused by   {', '.join(f'{c} {money(v)}' for c, v in by.head(4).items())}")
    return lines


def analysis_text(a: AnalysisResults, top: int = 10) -> str:
    """The text view of a design analysis (what ``recoverysim analyze`` prints): single points of
    failure, the smallest cut sets and the ranked "what to fix first" table."""
    lines = [f"recoverysim analyze: model {a.model_name!r}, {len(a.events)} basic events, truncation: {a.truncation}", ""]
    summary = a.summary()
    lines.append("single points of failure (cut sets of one event, a shock included)")
    spof = a.single_points_of_failure()
    if len(spof):
        for s, grp in spof.groupby("service", sort=False):
            lines.append(
                f"  {s:<14} "
                + ", ".join(f"{e} ({k}, down {percent(p)} of the time)" for e, k, p in zip(grp["event"], grp["kind"], grp["probability"]))
            )
    else:
        lines.append("  none: every service survives any single failure")
    lines.append("")
    lines.append("services (exact structure function of independent events; switchover delays, crew queues and cascades")
    lines.append("are only in the simulated availability)")
    for s, r in summary.iterrows():
        sim = (
            f"   simulated {percent(r['simulated_availability'])}"
            if "simulated_availability" in summary and r["simulated_availability"] == r["simulated_availability"]
            else ""
        )
        trunc = "  (truncated)" if r["truncated"] else ""
        lines.append(
            f"  {s:<14} availability {percent(r['availability']):<10} {duration(r['downtime_h_per_year'])} down per year, "
            f"{r['cut_sets']} minimal cut sets, smallest of {r['smallest_order']}{trunc}{sim}"
        )
    lines.append("")
    fix = a.fix_first().head(top)
    lines.append("what to fix first: downtime per year avoided if the event never happened (in the service where it is largest)")
    if len(fix):
        has_share = "simulated_share" in fix
        head = f"  {'event':<24} {'kind':<10} {'service':<12} {'avoided':>9} {'crit.':>7} {'RAW':>8} {'F-V':>7}"
        lines.append(head + (f" {'sim. share':>10}" if has_share else "") + "  also takes down")
        for _, r in fix.iterrows():
            row = (
                f"  {r['event']:<24} {r['kind']:<10} {r['service']:<12} {duration(r['downtime_avoided_h_per_year']):>9} "
                f"{sig(r['criticality']):>7} {sig(r['raw'], 2):>8} {sig(r['fussell_vesely']):>7}"
            )
            if has_share:
                row += f" {percent(r['simulated_share']):>10}"
            others = [x for x in r["services"].split(", ") if x != r["service"]]
            lines.append(row + ("  " + ", ".join(others) if others else ""))
    lines.append(f"\n({a.seconds:.2f} s)")
    return "\n".join(lines)


def scenario_text(r: ScenarioResults) -> str:
    """The text view of incident scenarios (what ``recoverysim scenario`` prints): per scenario
    and service taken down, the time to restore against the RTO, data lost against the RPO and
    the recovery phase that dominates."""
    lines = [
        f"recoverysim scenario: model {r.model_name!r}, {r.replications:,} replications per scenario, "
        f"window {duration(r.window)} after the injection, common random numbers",
        "",
    ]
    summary = r.summary()
    for sc in r.scenarios:
        lines.append(
            f"scenario {sc.name!r}: {', '.join(repr(x) for x in sc.incidents)}" + (f" at {duration(sc.at)}" if sc.at else " at the start")
        )
        if sc.name not in summary.index.get_level_values(0):
            lines.append("  takes no service down")
            lines.append("")
            continue
        for s, row in summary.loc[sc.name].iterrows():
            text = (
                f"  {s:<14} down in {percent(row['p_down'])} of runs; restored in {duration(row['mean_restore_h'])} on average, "
                f"P50 {duration(row['p50_h'])}, P90 {duration(row['p90_h'])}, P99 {duration(row['p99_h'])}"
            )
            if row["p_censored"] > 0:
                text += f"; still down after the window in {percent(row['p_censored'])}"
            lines.append(text)
            extra = []
            if row["rto_h"] is not None and row["rto_h"] == row["rto_h"]:
                extra.append(f"within the RTO of {duration(row['rto_h'])} in {percent(row['p_within_rto'])}")
            if row["mean_data_lost_h"] > 0 or (row["rpo_h"] is not None and row["rpo_h"] == row["rpo_h"]):
                t = f"{duration(row['mean_data_lost_h'])} of writes lost on average"
                if row["rpo_h"] is not None and row["rpo_h"] == row["rpo_h"]:
                    t += f", within the RPO of {duration(row['rpo_h'])} in {percent(row['p_within_rpo'])}"
                extra.append(t)
            ph = r.phases(sc.name, s)
            if len(ph):
                share = ph / ph.sum()
                extra.append("time in " + ", ".join(f"{p} {percent(v)}" for p, v in share.head(3).items()))
            if extra:
                lines.append("  " + " " * 14 + " " + "; ".join(extra))
        lines.append("")
    lines.append(f"({r.seconds:.2f} s)")
    return "\n".join(lines)
