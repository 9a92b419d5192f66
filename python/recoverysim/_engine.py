"""The one door to the engine: the model's spec, compiling it, and the one call that runs
replications. Every run (local, chunked on an executor, streamed, extended batch by batch) goes
through :func:`simulate`; nothing else calls ``_core.simulate``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import _core
from .requirements import Member, Requirement, has_selector, select_members

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = [
    "forced_event",
    "build_spec",
    "compile_model",
    "simulate",
    "trace",
    "estimate_events",
    "check_memory",
    "result_bytes",
    "default_threads",
]


def forced_event(*, time: float, shock: bool, target: str, mode: str = "") -> Any:
    """An incident scenario's event for the spec (see :mod:`recoverysim.analysis`)."""
    return _core.ForcedEventSpec(time=time, shock=shock, target=target, mode=mode)


def build_spec(model: Model, forced: list[Any] | None = None) -> Any:
    """The engine's view of a model (a ``_core.ModelSpec``); ``forced``: an incident scenario's
    events (:func:`forced_event`)."""

    for name in model.running_costs:
        if name not in model.components and name not in model.crews:
            raise ValueError(f"running cost: unknown component or crew {name!r}")

    def targets(selector: Any, where: str) -> list[str]:
        names = model.select(selector)
        if not names:
            raise ValueError(f"{where}: targets {selector!r} select no component")
        return names

    def selected(name: str, req: Member) -> Member:
        # Tag selectors are resolved against the components as they are now (compile time).
        if not has_selector(req):
            return req
        try:
            return select_members(req, model.components)
        except ValueError as e:
            raise ValueError(f"service {name!r}: {e}") from None

    return _core.ModelSpec(
        name=model.name,
        components=[c.to_spec() for c in model.components.values()],
        crews=[c.to_spec() for c in model.crews.values()],
        spares=[p.to_spec() for p in model.spares.values()],
        procedures=[p.to_spec() for p in model.procedures.values()],
        services=[
            _core.ServiceSpec(
                name=s.name,
                requirement=req.to_spec() if isinstance(req, Requirement) else _core.RequirementSpec(kind="ref", name=req),
                rto=s.rto,
                rpo=s.rpo,
                demand=list(s.demand or ()),
                down_below=s.down_below,
                priority=s.priority,
                restart=[] if s.restart is None else [st.to_spec() for st in s.restart.steps],
            )
            for s in model.services.values()
            for req in [selected(s.name, s.requirement)]
        ],
        shocks=[
            _core.ShockSpec(
                name=sh.name,
                every=sh.every._c,
                targets=targets(sh.targets, f"shock {sh.name!r}"),
                probability=sh.probability,
                mode=sh.mode or "",
                outage=None if sh.outage is None else sh.outage._c,
                per_target=sh.per_target,
                stagger=None if sh.stagger is None else sh.stagger._c,
            )
            for sh in model.shocks.values()
        ],
        maintenance=[
            # A rolling window is one engine window per batch ("patch [2/4]"), staggered by spacing.
            _core.MaintenanceSpec(
                name=w.name if len(batches) == 1 else f"{w.name} [{b + 1}/{len(batches)}]",
                targets=batch,
                every=w.every,
                offset=offset,
                duration=w.duration._c,
                crew=w.crew or "",
            )
            for w in model.maintenances.values()
            for batches in [w.batches(targets(w.targets, f"maintenance {w.name!r}"))]
            for b, (offset, batch) in enumerate(batches)
        ],
        age_when_down=model.age_when_down,
        forced=forced or [],
        costs=[c.to_spec() for c in model.costs.values()],
        stresses=[st.to_spec(targets(st.targets, f"stress {st.name!r}")) for st in model.stresses.values()],
    )


def compile_model(model: Model, forced: list[Any] | None = None) -> Any:
    """Validate and compile a model; raises ``ValueError`` naming the offending entity."""
    return _core.compile(build_spec(model, forced))


def simulate(
    compiled: Any,
    *,
    horizon: float,
    seed: int,
    replications: int,
    first_replication: int = 0,
    threads: int = 0,
    keep: int = 0,
    progress: Callable[[int], Any] | None = None,
) -> Any:
    """Run replications ``[first_replication, first_replication + replications)``: the only
    call of the engine's simulation. Releases the GIL; Ctrl-C raises ``KeyboardInterrupt``."""
    return _core.simulate(
        compiled,
        horizon=horizon,
        seed=seed,
        first_replication=first_replication,
        replications=replications,
        threads=threads,
        progress=progress,
        record_replications=keep,
    )


def trace(compiled: Any, *, horizon: float, seed: int, replication: int, log_file: str | os.PathLike[str] | None, max_events: int) -> Any:
    """Every event of one replication (identical to that replication inside a full run); more
    than ``max_events`` raise ``ValueError``."""
    try:
        return _core.trace(
            compiled,
            horizon=horizon,
            seed=seed,
            replication=replication,
            log_file="" if log_file is None else os.fspath(log_file),
            max_events=max_events,
        )
    except ValueError as e:
        if "events before the horizon" in str(e):
            raise ValueError(f"{e}: trace a shorter horizon, or raise max_events") from None
        raise


def estimate_events(compiled: Any, horizon: float) -> tuple[float, str, str]:
    """Expected events of one replication, the entity accounting for most, and why."""
    events, entity, reason = _core.estimate_events(compiled, horizon=horizon)
    return float(events), str(entity), str(reason)


def default_threads() -> int:
    """Threads a run uses when ``threads`` is 0 or None: every core."""
    return int(_core.default_threads())


def result_bytes(compiled: Any, replications: int) -> int:
    """Bytes of the per-replication result arrays of a run (see RunResults in the engine)."""
    ns, nc, nm = len(compiled.service_names), len(compiled.component_names), len(compiled.mode_names)
    # per service: 64 B of outcomes, 48 of costs, 40 of capacity; per component 28 B, per mode 4,
    # per spare pool 12, and the event count. Downtime and cost by cause and downtime by phase are
    # sparse (24 B per cell that received a value): they grow with outages, not with the model.
    per = ns * (64 + 48 + 40) + 28 * nc + 4 * nm + 12 * len(compiled.spare_names) + 8
    return per * replications


def check_memory(compiled: Any, replications: int) -> None:
    """Refuse a run whose results cannot fit in memory, instead of letting the OS kill it."""
    need = result_bytes(compiled, replications)
    try:
        avail = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not Linux: no check
        return
    if need > 0.8 * avail:
        raise MemoryError(
            f"{replications:,} replications of this model need about {need / 2**30:.1f} GiB for their "
            f"per-replication results and {avail / 2**30:.1f} GiB is free; run fewer replications per call "
            "(the first n replications of a seed are the same whatever n is)"
        )
