"""Two-level runs: answers that carry parameter uncertainty.

A model whose distributions are :class:`~recoverysim.distributions.Uncertain` (fitted from a short
incident history, bootstrapped, or an expert's range) has an answer that is uncertain for two
reasons: the randomness of one horizon, and what we do not know about the parameters.
:func:`simulate_uncertain` separates them: an **outer** loop draws every uncertain distribution's
parameters, an **inner** loop runs replications with them. It reports the interval that includes
parameter uncertainty next to the one that does not (a run at the point estimates), and the share
of the variance due to each (:class:`~recoverysim.stats.TwoLevelEstimate`).

Reproducible with one seed. The parameters of the uncertain distribution at model-file path
``p`` (``components.db.modes[0].failure``) in outer draw ``i`` come from numpy's PCG64 seeded by
``SeedSequence(seed, spawn_key=(PARAMETER_STREAM, i, crc32(p)))``: a stream of its own, keyed by
name, so adding an uncertain distribution elsewhere does not change the others' draws. The inner
replications of draw ``i`` run with the engine seed
``SeedSequence(seed, spawn_key=(RUN_STREAM, i)).generate_state(1, uint64)[0]``, replications
``0 .. n-1``: each draw's run is an ordinary run, chunked and merged like any other, on the local
thread pool or on an executor (a Dask client), with identical results.

>>> import recoverysim as rs
>>> m = rs.Model("demo")
>>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
>>> _ = m.service("web", "api")
>>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
>>> e = u.availability("web")
>>> e.low < e.without.low and e.high > e.without.high   # wider than the run at the point estimate
True
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from . import _distributed, _engine, run
from ._progress import Progress
from .distributions import Uncertain, from_dict
from .formatting import confidence as confidence_text
from .formatting import percent, percent_interval
from .io import from_data
from .model import Model
from .results import Results
from .stats import Estimate, TwoLevelEstimate, two_level_estimate
from .units import Duration
from .validation import check_count

__all__ = [
    "simulate_uncertain",
    "UncertainResults",
    "uncertain_distributions",
    "draw_model",
    "parameter_rng",
    "inner_seed",
    "PARAMETER_STREAM",
    "RUN_STREAM",
]

PARAMETER_STREAM = 0x70617261  # "para": parameter draws
RUN_STREAM = 0x72756E73  # "runs": the engine seed of each draw's replications


def _walk(node: Any, path: str, out: list[tuple[str, dict[str, Any]]]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "uncertain":
            out.append((path, node))
            return
        for k, v in node.items():
            _walk(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _walk(v, f"{path}[{i}]", out)


def uncertain_distributions(model: Model) -> dict[str, Uncertain]:
    """The model's uncertain distributions by model-file path (``components.db.failure``)."""
    found: list[tuple[str, dict[str, Any]]] = []
    _walk(model.to_data(), "", found)
    return {p: from_dict(d) for p, d in found}  # type: ignore[misc]


def _replace(node: Any, path: str, draws: dict[str, dict[str, Any]]) -> Any:
    if isinstance(node, dict):
        if path in draws:
            return draws[path]
        return {k: _replace(v, f"{path}.{k}" if path else str(k), draws) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace(v, f"{path}[{i}]", draws) for i, v in enumerate(node)]
    return node


def parameter_rng(seed: int, draw: int, path: str) -> np.random.Generator:
    """The random stream of the uncertain distribution at ``path`` in outer draw ``draw``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(PARAMETER_STREAM, draw, zlib.crc32(path.encode())))))


def inner_seed(seed: int, draw: int) -> int:
    """The engine seed of the replications of outer draw ``draw``."""
    return int(np.random.SeedSequence(seed, spawn_key=(RUN_STREAM, draw)).generate_state(1, np.uint64)[0])


def draw_model(model: Model, seed: int, draw: int) -> tuple[Model, dict[str, Any]]:
    """The model of outer draw ``draw``: every uncertain distribution replaced by one with drawn
    parameters. Returns the model and the drawn distributions by path."""
    data = model.to_data()
    found: list[tuple[str, dict[str, Any]]] = []
    _walk(data, "", found)
    drawn = {p: from_dict(d).draw(parameter_rng(seed, draw, p)) for p, d in found}  # type: ignore[attr-defined]
    m = from_data(_replace(data, "", {p: d.to_dict() for p, d in drawn.items()}), name=model.name)
    return m, drawn


class UncertainResults:
    """What a two-level run produced.

    ``results`` pools every replication of every parameter draw (replication ``i * inner + j``
    is replication ``j`` of draw ``i``): its estimates are over the parameters' uncertainty as
    well. ``nominal`` is the run at the point estimates (the answer without parameter
    uncertainty), ``parameters`` the drawn parameters. The estimators (:meth:`availability`...)
    return :class:`~recoverysim.stats.TwoLevelEstimate`. Built by :func:`simulate_uncertain`,
    not by hand.

    Parameters
    ----------
    results : Results
        Every replication of every parameter draw, pooled.
    nominal : Results or None
        The run at the point estimates, or ``None`` if it was not made.
    parameters : pandas.DataFrame
        The drawn parameters, indexed by ``draw`` and ``path`` (model-file path of the
        uncertain distribution), one column per parameter.
    outer : int
        Parameter draws.
    inner : int
        Replications per draw.
    elapsed : float
        Wall-clock seconds the run took.

    Examples
    --------
    >>> m = rs.Model("demo")
    >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
    >>> _ = m.service("web", "api", availability=0.99)
    >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
    >>> u.outer, u.inner, u.results.replications
    (20, 50, 1000)
    """

    def __init__(self, results: Results, nominal: Results | None, parameters: pd.DataFrame, outer: int, inner: int, elapsed: float) -> None:
        self.results = results
        self.nominal = nominal
        self.parameters = parameters
        self.outer = outer
        self.inner = inner
        self.elapsed = elapsed
        self.service_names = results.service_names
        self.horizon = results.horizon
        self.seed = results.seed

    def _two_level(self, values: np.ndarray, confidence: float, without: Estimate | None) -> TwoLevelEstimate:
        return two_level_estimate(np.asarray(values, dtype=float).reshape(self.outer, self.inner), confidence, without)

    def by_draw(self, values: np.ndarray) -> np.ndarray:
        """Per-replication values (of :attr:`results`) as an ``(outer, inner)`` array.

        Parameters
        ----------
        values : array_like
            One value per pooled replication (``outer * inner``), such as
            ``u.results.availabilities("web")``.

        Returns
        -------
        numpy.ndarray
            Shape ``(outer, inner)``: row ``i`` holds the replications of parameter draw ``i``.

        Examples
        --------
        >>> m = rs.Model("demo")
        >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
        >>> _ = m.service("web", "api", availability=0.99)
        >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
        >>> u.by_draw(u.results.availabilities("web")).shape
        (20, 50)
        """
        return np.asarray(values).reshape(self.outer, self.inner)

    def availability(self, service: str, confidence: float = 0.95) -> TwoLevelEstimate:
        """Mean availability over the horizon, with and without parameter uncertainty.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Level of the intervals, in (0, 1).

        Returns
        -------
        TwoLevelEstimate
            The mean with its interval over the parameters' uncertainty; ``.without`` is the
            run at the point estimates' :class:`~recoverysim.stats.Estimate` (if made).

        Examples
        --------
        >>> m = rs.Model("demo")
        >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
        >>> _ = m.service("web", "api", availability=0.99)
        >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
        >>> e = u.availability("web")
        >>> e.low < e.without.low and e.high > e.without.high   # wider than the run at the point estimate
        True
        """
        without = self.nominal.availability(service, confidence) if self.nominal is not None else None
        return self._two_level(self.results.availabilities(service), confidence, without)

    def mean_downtime(self, service: str, confidence: float = 0.95) -> TwoLevelEstimate:
        """Mean unplanned downtime over the horizon (hours), with and without parameter uncertainty.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Level of the intervals, in (0, 1).

        Returns
        -------
        TwoLevelEstimate
            The mean downtime (hours) with its interval over the parameters' uncertainty;
            ``.without`` is the run at the point estimates' (if made).

        Examples
        --------
        >>> m = rs.Model("demo")
        >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
        >>> _ = m.service("web", "api", availability=0.99)
        >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
        >>> u.mean_downtime("web").mean > 0
        True
        """
        without = self.nominal.mean_downtime(service, confidence) if self.nominal is not None else None
        return self._two_level(self.results.downtime(service), confidence, without)

    def outages_per_replication(self, service: str, confidence: float = 0.95) -> TwoLevelEstimate:
        """Mean number of outages per horizon, with and without parameter uncertainty.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        confidence : float, default 0.95
            Level of the intervals, in (0, 1).

        Returns
        -------
        TwoLevelEstimate
            The mean number of outages with its interval over the parameters' uncertainty;
            ``.without`` is the run at the point estimates' (if made).

        Examples
        --------
        >>> m = rs.Model("demo")
        >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
        >>> _ = m.service("web", "api", availability=0.99)
        >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
        >>> u.outages_per_replication("web").mean > 1
        True
        """
        without = self.nominal.outages_per_replication(service, confidence) if self.nominal is not None else None
        return self._two_level(self.results.outage_counts(service), confidence, without)

    def p_sla_met(self, service: str, target: float | None = None, confidence: float = 0.95) -> TwoLevelEstimate:
        """Probability of meeting the availability target over one horizon, with and without parameter uncertainty.

        Parameters
        ----------
        service : str
            Service name (``KeyError`` naming the known services if unknown).
        target : float, optional
            The availability target; default the service's own (as in :meth:`Results.p_sla_met`).
        confidence : float, default 0.95
            Level of the intervals, in (0, 1).

        Returns
        -------
        TwoLevelEstimate
            The share of horizons that met the target, with its interval over the parameters'
            uncertainty; ``.without`` is the run at the point estimates' (if made).

        Examples
        --------
        >>> m = rs.Model("demo")
        >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
        >>> _ = m.service("web", "api", availability=0.99)
        >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
        >>> 0 < u.p_sla_met("web").mean < 1
        True
        """
        without = self.nominal.p_sla_met(service, target, confidence) if self.nominal is not None else None
        return self._two_level(self.results.sla_met(service, target).astype(float), confidence, without)

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """The availability of every service, with and without parameter uncertainty.

        Parameters
        ----------
        confidence : float, default 0.95
            Level of the intervals, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``service``: ``availability`` (mean), ``low`` and ``high`` (the interval
            with parameter uncertainty), ``without_low`` and ``without_high`` (without it; NaN
            if the run at the point estimates was not made), ``parameter_share`` (of the
            variance of one horizon's availability) and ``data_share`` (of the uncertainty
            about the mean that more data, not more replications, would remove).

        Examples
        --------
        >>> m = rs.Model("demo")
        >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
        >>> _ = m.service("web", "api", availability=0.99)
        >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
        >>> u.summary().columns.tolist()
        ['availability', 'low', 'high', 'without_low', 'without_high', 'parameter_share', 'data_share']
        """
        rows = []
        for s in self.service_names:
            e = self.availability(s, confidence)
            rows.append(
                {
                    "service": s,
                    "availability": e.mean,
                    "low": e.low,
                    "high": e.high,
                    "without_low": e.without.low if e.without else np.nan,
                    "without_high": e.without.high if e.without else np.nan,
                    "parameter_share": e.parameter_share,
                    "data_share": e.data_share,
                }
            )
        return pd.DataFrame(rows).set_index("service")

    def report(self, confidence: float = 0.95) -> str:
        """The summary in words.

        Parameters
        ----------
        confidence : float, default 0.95
            Level of the intervals, in (0, 1).

        Returns
        -------
        str
            Per service: the availability with and without parameter uncertainty, and the
            shares of the uncertainty due to the parameters.

        Examples
        --------
        >>> m = rs.Model("demo")
        >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
        >>> _ = m.service("web", "api", availability=0.99)
        >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
        >>> print(u.report())
        20 parameter draws x 50 replications of demo, 95% intervals
        web: availability ...
        """
        lines = [
            f"{self.outer} parameter draws x {self.inner} replications of {self.results.model_name}, {confidence_text(confidence)} intervals"
        ]
        for s in self.service_names:
            e = self.availability(s, confidence)
            m, with_ = percent_interval(e.mean, e.low, e.high)
            lines.append(f"{s}: availability {m}, {with_} with parameter uncertainty")
            if e.without is not None:
                wm, wi = percent_interval(e.without.mean, e.without.low, e.without.high)
                lines.append(f"  at the point estimates: {wm}, {wi} (Monte Carlo error only)")
            lines.append(
                f"  parameters make {percent(e.parameter_share)} of the variance of one horizon's availability "
                f"and {percent(e.data_share)} of the uncertainty about its mean"
                + ("; more incident data, not more replications, would narrow it" if e.data_share > 0.5 else "")
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.report()


def _offset(update: Callable[[int], None], base: int) -> Callable[[int], None]:
    """A progress callback of one draw's run, counted on from the draws before it."""
    return lambda done: update(base + done)


def simulate_uncertain(
    model: Model,
    horizon: Duration = "1y",
    outer: int = 100,
    replications: int = 100,
    seed: int | None = None,
    *,
    threads: int | None = None,
    executor: Any = None,
    chunk_size: int | None = None,
    nominal: bool = True,
    progress: bool | None = None,
) -> UncertainResults:
    """Run a model with uncertain parameters in two levels.

    Parameters
    ----------
    model : Model
        A model with at least one :class:`~recoverysim.distributions.Uncertain` distribution
        (``ValueError`` if it has none).
    horizon : float or str, default "1y"
        Length of one replication (hours, or a duration string).
    outer : int, default 100
        Parameter draws (the outer loop), at least 2. The interval with parameter uncertainty
        is made of their quantiles: a few hundred give stable 95% ends.
    replications : int, default 100
        Replications per draw (the inner loop), at least 2.
    seed : int, optional
        One seed for everything (see the module's documentation for the streams); default a
        random one.
    threads : int, optional
        Worker threads of the local pool (``None`` or 0: all cores), as in
        :meth:`Model.simulate`.
    executor : object, optional
        An executor (a Dask client) to run every draw's replications on in chunks (all draws'
        chunks are submitted at once), as in :meth:`Model.simulate`.
    chunk_size : int, optional
        Replications per chunk on an executor, as in :meth:`Model.simulate`.
    nominal : bool, default True
        Also run the model at its point estimates (``outer * replications`` replications with
        ``seed``) for the interval without parameter uncertainty.
    progress : bool, optional
        Show a progress bar; default as in :meth:`Model.simulate`.

    Returns
    -------
    UncertainResults
        The pooled results, the run at the point estimates and the drawn parameters.

    Examples
    --------
    >>> m = rs.Model("demo")
    >>> _ = m.component("api", failure=rs.Uncertain(rs.Exponential("500h"), ranges={"mean": ("250h", "1000h")}), repair="2h")
    >>> _ = m.service("web", "api")
    >>> u = rs.simulate_uncertain(m, "1y", outer=20, replications=50, seed=1, progress=False)
    >>> u.parameters.loc[0]
                                 mean
    path
    components.api.failure  ...
    """
    h = run._horizon(horizon)
    outer = check_count(outer, "outer", minimum=2)
    replications = check_count(replications, "replications", minimum=2)
    seed = run._seed(seed)
    threads = 0 if threads is None else check_count(threads, "threads (None or 0 = all cores)", minimum=0)
    if chunk_size is not None:
        chunk_size = check_count(chunk_size, "chunk_size", minimum=1)
    paths = uncertain_distributions(model)
    if not paths:
        raise ValueError(
            f"model {model.name!r} has no uncertain distribution (rs.Uncertain, or fit_incidents(...).model()); use Model.simulate"
        )
    compiled = model.compile()
    t0 = time.perf_counter()
    jobs: list[tuple[Any, int, int]] = []
    rows: list[dict[str, Any]] = []
    for i in range(outer):
        m, drawn = draw_model(model, seed, i)
        jobs.append((m.compile(), inner_seed(seed, i), replications))
        rows.extend({"draw": i, "path": p, **d.params} for p, d in drawn.items())
    total = outer * replications
    with Progress(total, enabled=progress, desc=f"{model.name} (parameters)") as bar:
        if executor is not None:
            parts = _distributed.run_jobs_on_executor(
                executor, jobs, horizon=h, threads=threads or 1, keep=0, chunk_size=chunk_size, progress=bar.update
            )
        else:
            parts = []
            for k, (c, s, n) in enumerate(jobs):
                parts.append(
                    _engine.simulate(c, horizon=h, seed=s, replications=n, threads=threads, keep=0, progress=_offset(bar.update, k * n))
                )
    raw = _distributed.merge(parts)
    pooled = Results(
        model, compiled, raw, horizon=h, seed=seed, elapsed=time.perf_counter() - t0, threads=threads or _engine.default_threads()
    )
    base = None
    if nominal:
        base = run.simulate(
            model, h, total, seed, threads=threads or None, progress=progress, executor=executor, chunk_size=chunk_size, keep_outages=0
        )
    params = pd.DataFrame(rows).set_index(["draw", "path"]) if rows else pd.DataFrame()
    return UncertainResults(pooled, base, params, outer, replications, time.perf_counter() - t0)
