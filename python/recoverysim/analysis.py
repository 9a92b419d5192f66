"""Design analysis: where is the architecture fragile?

Minimal cut sets and single points of failure of every service, importance measures (Birnbaum,
criticality, Fussell-Vesely, risk achievement and reduction worth) from the exact structure
function, a ranked "what to fix first" table, and incident scenarios (game days): replications
that inject a failure state at a given time and measure the time to restore each service.

The structure function is the failure logic of the dependency graph over *basic events*: each
component's own failure, each shock (a region outage that holds down every component it hits),
a standby group's failed switchover, and a shock's hit on one target when it hits with a
probability below one. Events are independent; each has the probability of being in its failed
state (steady-state unavailability). ``docs/semantics.md`` ("Design analysis") states every choice.

The bridge network, paths {1,4}, {2,5}, {1,3,5}, {2,3,4} between source and sink:

>>> import recoverysim as rs
>>> m = rs.Model("bridge")
>>> for i in range(1, 6):
...     _ = m.component(f"c{i}", mttf=1, mttr=1)
>>> _ = m.service("flow", rs.any_of(rs.all_of("c1", "c4"), rs.all_of("c2", "c5"),
...                                  rs.all_of("c1", "c3", "c5"), rs.all_of("c2", "c3", "c4")))
>>> a = rs.analyze(m, component_availability={f"c{i}": 0.9 for i in range(1, 6)})
>>> [sorted(c) for c in a.cut_sets("flow")["events"]]
[['c1', 'c2'], ['c4', 'c5'], ['c2', 'c3', 'c4'], ['c1', 'c3', 'c5']]
>>> round(a.unavailability("flow"), 8)   # 2q^2 + 2q^3 - 5q^4 + 2q^5 at q = 0.1
0.02152
"""

from __future__ import annotations

import contextlib
import itertools
import math
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _engine, _html, report
from . import formatting as fmt
from .exact import component_availability as _component_availability
from .requirements import Member, Requirement, Standby
from .results import Results
from .run import simulate as run_simulate
from .units import Duration, hours
from .validation import check_count

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = [
    "BasicEvent",
    "AnalysisResults",
    "analyze",
    "CutSetLimitError",
    "Incident",
    "fail",
    "shock",
    "Scenario",
    "ScenarioResults",
    "run_scenarios",
]

# Above this many cut sets in one intermediate family the model is too large for exact cut sets.
MAX_CUT_SETS = 200_000


class CutSetLimitError(ValueError):
    """A service has more minimal cut sets than the limit: truncate by order or probability.

    Examples
    --------
    >>> rs.analyze(m, max_cut_sets=100)   # doctest: +SKIP
    Traceback (most recent call last):
    CutSetLimitError: service 'bft': more than 100 cut sets (or candidates); ...
    """


@dataclass(frozen=True)
class BasicEvent:
    """One independent basic event of the structure function.

    ``kind``: ``"component"`` (its own failure modes), ``"shock"`` (a shock in progress; it fails
    every target it hits), ``"failover"`` (a standby group's switchover fails), ``"hit"`` (a shock
    with probability < 1 hits one target; listed under the shock in cut sets). ``probability``:
    the probability of being in the failed state; ``source`` says where it comes from.
    """

    name: str
    kind: str
    probability: float
    source: str
    label: str  # what a cut set lists: a hit reads as its shock


# --- the failure logic ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Node:
    op: str  # "event" | "or" | "and" | "atleast" | "weighted"
    children: list[_Node] = field(default_factory=list)
    m: int = 0  # atleast: how many children must fail
    event: int = -1
    weights: tuple[float, ...] = ()  # weighted: each child's weight
    gate: Requirement | None = None  # weighted: the requirement (its threshold)

    def fails_with(self, failed: float) -> bool:
        """Weighted: whether the gate is down once children of summed weight ``failed`` are."""
        assert self.gate is not None
        return not _weight_holds(self.gate, self.gate.total_weight - failed)


def _weight_holds(gate: Requirement, up: float) -> bool:
    """The engine's rule (core model.hpp, weight_holds): weights within 1e-9 of the total count
    as equal to the threshold."""
    eps = 1e-9 * gate.total_weight
    t = gate.threshold_weight
    return up > t + eps if gate.strict else up >= t - eps


def _weight_levels(n: _Node, start: Any, empty: Any, merge: Any, extend: Any) -> Any:
    """Dynamic programming over a weighted gate's children: ``levels[s]`` is what fails children
    of summed weight s among those seen so far (``start``: nothing failed; ``extend(level, i)``
    adds child i failing); sums at which the gate is down are absorbed into one level (starting
    from ``empty``: never). Returns that level. The gate is monotone, so this is its failure."""
    levels: dict[float, Any] = {0.0: start}
    down = empty
    for i, w in enumerate(n.weights):
        nxt: dict[float, Any] = {}
        for s, f in levels.items():
            nxt[s] = f if s not in nxt else merge(nxt[s], f)
            g = extend(f, i)
            if n.fails_with(s + w):
                down = merge(down, g)
            else:
                nxt[s + w] = g if (s + w) not in nxt else merge(nxt[s + w], g)
        levels = nxt
    return down


class _Logic:
    """Failure expressions of the services over basic events, built from the model."""

    def __init__(self, model: Model, avail: Mapping[str, float], avail_source: Mapping[str, str]) -> None:
        self.model = model
        self.events: list[BasicEvent] = []
        self._index: dict[str, int] = {}
        self._memo: dict[str, _Node] = {}
        self._avail = avail
        self._avail_source = avail_source
        self._shocks_of: dict[str, list[tuple[str, float]]] = {}
        for sh in model.shocks.values():
            for c in model.select(sh.targets):
                self._shocks_of.setdefault(c, []).append((sh.name, sh.probability))

    def _event(self, name: str, kind: str, p: float, source: str, label: str) -> _Node:
        if name not in self._index:
            self._index[name] = len(self.events)
            self.events.append(BasicEvent(name, kind, float(p), source, label))
        return _Node("event", event=self._index[name])

    def service(self, name: str) -> _Node:
        if name not in self._memo:
            self._memo[name] = self._member(self.model.services[name].requirement, f"service {name!r}")
        return self._memo[name]

    def component(self, name: str) -> _Node:
        key = "component:" + name
        if key not in self._memo:
            own = self._event(name, "component", 1.0 - self._avail[name], self._avail_source[name], name)
            causes = [own]
            for sh, p in self._shocks_of.get(name, []):
                q, src = _shock_probability(self.model, sh)
                s = self._event(sh, "shock", q, src, sh)
                if p < 1.0:
                    hit = self._event(f"{sh} hits {name}", "hit", p, "given", sh)
                    causes.append(_Node("and", [s, hit]))
                else:
                    causes.append(s)
            self._memo[key] = causes[0] if len(causes) == 1 else _Node("or", causes)
        return self._memo[key]

    def _member(self, m: Member, where: str) -> _Node:
        if isinstance(m, str):
            if m in self.model.components:
                return self.component(m)
            if m in self.model.services:
                return self.service(m)
            raise KeyError(f"{where}: unknown component or service {m!r}")
        kids = [self._member(c, where) for c in m.members]
        if isinstance(m, Standby):
            # Down while every member is down, or when the active member fails and the
            # switchover fails (an on-demand failure, independent of the members).
            node = _Node("and", kids)
            if m.success < 1.0:
                label = f"failover {'/'.join(m.members)}"  # type: ignore[arg-type]
                sw = self._event(label, "failover", 1.0 - m.success, "given", label)
                node = _Node("or", [node] + [_Node("and", [k, sw]) for k in kids])
            return node
        if m.kind == "all_of":
            return _Node("or", kids)
        if m.kind == "any_of":
            return _Node("and", kids)
        if m.kind == "k_of_n":
            fail_m = len(kids) - m.k + 1  # down once more than n - k members are down
            if fail_m == 1:
                return _Node("or", kids)
            if fail_m == len(kids):
                return _Node("and", kids)
            return _Node("atleast", kids, m=fail_m)
        if m.kind == "weighted":
            return _Node("weighted", kids, weights=m.weights, gate=m)
        raise ValueError(f"{where}: requirement kind {m.kind!r} is not supported by the analysis")


def _shock_probability(model: Model, name: str) -> tuple[float, str]:
    """Probability that a shock's effect is in progress at a random time.

    Held-down outages: Poisson arrivals of rate 1/every and outages of mean D overlap like an
    M/G/infinity queue, so P(at least one in progress) = 1 - exp(-D / every) (exact for
    exponential ``every``). A shock that triggers failure modes keeps a target down for that
    mode's mean repair time (the mean over its targets' procedures); the same formula applies.
    """
    sh = model.shocks[name]
    if sh.outage is not None:
        d = sh.outage.mean
    else:
        reps = []
        for c in model.select(sh.targets):
            comp = model.components[c]
            mode = next((x for x in comp.modes if x.name == sh.mode), comp.modes[0]) if sh.mode else comp.modes[0]
            reps.append(sum(st.duration.mean / st.success for st in mode.repair.steps))
        d = float(np.mean(reps))
    src = "poisson" if sh.every.kind == "exponential" else "renewal approximation"
    return 1.0 - math.exp(-d / sh.every.mean), src


# --- minimal cut sets ---------------------------------------------------------------------------


def _popcount(x: int) -> int:
    return x.bit_count()


def _minimize(family: Iterable[int]) -> list[int]:
    """Remove every set that contains another set of the family. Smallest first; each candidate
    is checked against the kept sets by looking its proper subsets up in a hash set or by
    comparing it with every kept set, whichever is fewer operations (vectorized when the sets
    fit in 63 bits)."""
    fam = set(family)
    if fam and max(fam) < 2**63:
        return _minimize_small(fam)
    out: list[int] = []
    kept: set[int] = set()
    for s in sorted(fam, key=lambda x: (_popcount(x), x)):
        bits = _bits(s)
        if 2 ** len(bits) < len(out):
            found = any(sum(1 << i for i in sub) in kept for r in range(1, len(bits)) for sub in itertools.combinations(bits, r))
        else:
            found = any((k & s) == k for k in out)
        if not found:
            out.append(s)
            kept.add(s)
    return out


def _minimize_small(fam: set[int]) -> list[int]:
    """:func:`_minimize` for sets of at most 63 events, with numpy: sets of one size cannot
    contain each other, so each size is checked against the smaller kept sets at once."""
    by_size: dict[int, list[int]] = {}
    for x in fam:
        by_size.setdefault(_popcount(x), []).append(x)
    kept = np.zeros(0, dtype=np.uint64)
    out: list[int] = []
    for size in sorted(by_size):
        cand = np.array(sorted(by_size[size]), dtype=np.uint64)
        if len(kept):
            ok = np.ones(len(cand), dtype=bool)
            step = max(1, 4_000_000 // len(kept))
            for i in range(0, len(cand), step):
                c = cand[i : i + step, None]
                ok[i : i + step] = ~np.any((c & kept[None, :]) == kept[None, :], axis=1)
            cand = cand[ok]
        out.extend(int(x) for x in cand)
        kept = np.concatenate([kept, cand])
    return out


class _CutSets:
    def __init__(self, q: Sequence[float], max_order: int | None, cutoff: float, limit: int, where: str) -> None:
        self.logq = [math.log(x) if x > 0 else -math.inf for x in q]
        self.max_order = max_order
        self.log_cutoff = math.log(cutoff) if cutoff > 0 else -math.inf
        self.limit = limit
        self.where = where
        self.truncated = False
        self._memo: dict[int, list[int]] = {}

    def _keep(self, s: int) -> bool:
        if self.max_order is not None and _popcount(s) > self.max_order:
            self.truncated = True
            return False
        if self.log_cutoff > -math.inf:
            lp = sum(self.logq[i] for i in _bits(s))
            if lp < self.log_cutoff:
                self.truncated = True
                return False
        return True

    def _check(self, fam: list[int] | set[int]) -> list[int] | set[int]:
        if len(fam) > self.limit:
            raise CutSetLimitError(
                f"{self.where}: more than {self.limit:,} cut sets (or candidates); the model is too large for exact cut sets: "
                "pass max_order= (e.g. 3) or cutoff= (e.g. 1e-12) to truncate"
            )
        return fam

    def _product(self, a: list[int], b: list[int]) -> list[int]:
        out: set[int] = set()
        for x in a:
            out.update(x | y for y in b if self._keep(x | y))
            if len(out) > 4 * self.limit:  # absorption will not bring that many candidates under the limit
                self._check(out)
        return self._check(_minimize(out))  # type: ignore[return-value]

    def _wide_gate(self, n: _Node) -> list[int] | None:
        """A quorum or weighted gate over distinct basic events (a fleet's members) decided
        without enumerating: ``[]`` when truncation removes every cut set (each has at least the
        gate's smallest failing number of members), a CutSetLimitError when it has more minimal
        cut sets than the limit; None when the enumeration is needed."""
        events = [c.event for c in n.children if c.op == "event"]
        if len(events) != len(n.children) or len(set(events)) != len(events):
            if self.max_order is None and self.log_cutoff == -math.inf:
                self._check_private(n)
            return None
        if n.op == "atleast":
            order = n.m
        else:  # weighted: the fewest members whose weight takes the gate down
            order, failed = 0, 0.0
            for w in sorted(n.weights, reverse=True):
                order, failed = order + 1, failed + w
                if n.fails_with(failed):
                    break
        best = sum(sorted((self.logq[e] for e in events), reverse=True)[:order])
        if (self.max_order is not None and order > self.max_order) or best < self.log_cutoff:
            self.truncated = True
            return []
        if self.max_order is None and self.log_cutoff == -math.inf:
            self._check_private(n)
        if n.op == "atleast" and self.max_order is None and self.log_cutoff == -math.inf and math.comb(len(events), order) > self.limit:
            raise CutSetLimitError(
                f"{self.where}: a gate over {len(events):,} members that fails with any {order:,} of them down has "
                f"{_big(math.comb(len(events), order))} minimal cut sets (more than {self.limit:,}): the model is too large "
                f"for exact cut sets (and max_order= below {order} leaves none of them)"
            )
        return None

    def _check_private(self, n: _Node) -> None:
        """A quorum whose members each have a basic event of their own (a component hit by shared
        shocks: its own failure OR the shock): any ``m`` of those own events are a minimal cut set
        of the gate, so it has at least C(n, m) of them; raise at once when that is over the limit."""
        own: list[int] = []
        seen: dict[int, int] = {}
        for c in n.children:
            first = c if c.op == "event" else c.children[0] if c.op == "or" and c.children else None
            if first is None or first.op != "event":
                return
            stack, mine = [c], set()
            while stack:
                x = stack.pop()
                if x.op == "event":
                    mine.add(x.event)
                elif x.op in ("or", "and") and len(mine) < 64:
                    stack.extend(x.children)
                else:
                    return  # a deep member (a service): enumerate
            own.append(first.event)
            for e in mine:
                seen[e] = seen.get(e, 0) + 1
        if not all(seen[e] == 1 for e in own):
            return
        # Members of one weight (all of them, for a quorum): if j of them take the gate down and
        # j - 1 do not, any j of their own events are a minimal cut set.
        groups: dict[float, int] = {}
        for w in n.weights if n.op == "weighted" else [1.0] * len(own):
            groups[w] = groups.get(w, 0) + 1
        for w, g in groups.items():
            j = n.m if n.op == "atleast" else next((j for j in range(1, g + 1) if w > 0 and n.fails_with(j * w)), 0)
            if j and math.comb(g, j) > self.limit:
                raise CutSetLimitError(
                    f"{self.where}: a gate over {len(own):,} members that fails with any {j:,} of {g:,} of them down has at least "
                    f"{_big(math.comb(g, j))} minimal cut sets (more than {self.limit:,}): the model is too large for exact "
                    "cut sets: pass max_order= (e.g. 3) or cutoff= (e.g. 1e-12) to truncate"
                )

    def of(self, n: _Node) -> list[int]:
        key = id(n)
        if key in self._memo:
            return self._memo[key]
        if n.op == "event":
            fam = [1 << n.event] if self._keep(1 << n.event) else []
        elif n.op == "or":
            fam = self._check(_minimize(s for c in n.children for s in self.of(c)))  # type: ignore[assignment]
        elif n.op == "and":
            fam = [0]
            for c in n.children:
                fam = self._product(fam, self.of(c))
                if not fam:
                    break
        elif n.op == "weighted" and self._wide_gate(n) == []:
            fam = []
        elif n.op == "weighted":  # failed weight enough to take the gate down
            kids = [self.of(c) for c in n.children]

            def merge(a: list[int], b: list[int]) -> list[int]:
                return self._check(_minimize([*a, *b]))  # type: ignore[return-value]

            fam = _weight_levels(n, [0], [], merge, lambda f, i: self._product(f, kids[i]))
        elif (empty := self._wide_gate(n)) is not None:
            fam = empty
        else:  # at least m of the children: DP over "at least j of the first i children failed"
            levels: list[list[int]] = [[0]] + [[] for _ in range(n.m)]
            for c in n.children:
                child = self.of(c)
                for j in range(n.m, 0, -1):
                    if levels[j - 1]:
                        merged = levels[j] + self._product(levels[j - 1], child)
                        self._check(set(merged) if len(merged) > 4 * self.limit else [])
                        levels[j] = self._check(_minimize(merged))  # type: ignore[assignment]
            fam = levels[n.m]
        self._memo[key] = fam
        return fam


def _big(n: int) -> str:
    """A count for people, however large: ``1.15e+275``, or ``about 10^2471``."""
    return f"{n:.3g}" if n < 10**300 else f"about 10^{len(str(n)) - 1}"


def _bits(s: int) -> list[int]:
    """Indices of the set bits, lowest first."""
    out = []
    while s:
        low = s & -s
        out.append(low.bit_length() - 1)
        s ^= low
    return out


# --- exact probabilities on a BDD (dd) ----------------------------------------------------------


@contextlib.contextmanager
def _deep_recursion(levels: int) -> Iterator[None]:
    """dd's BDD operations recurse once per variable level: allow deep diagrams."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 4 * levels + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


class _Bdd:
    """The structure function as a binary decision diagram (the ``dd`` package), with the exact
    probability of a function and its gradient (every Birnbaum importance in one backward pass)."""

    def __init__(self, n_events: int) -> None:
        from dd.autoref import BDD  # a dependency; imported here to keep `import recoverysim` fast

        self.bdd = BDD()
        self.names = [f"e{i}" for i in range(n_events)]
        self.bdd.declare(*self.names)
        self.index = {name: i for i, name in enumerate(self.names)}
        self._memo: dict[int, Any] = {}

    def build(self, n: _Node) -> Any:
        with _deep_recursion(len(self.names)):
            return self._build(n)

    def _build(self, n: _Node) -> Any:
        key = id(n)
        if key in self._memo:
            return self._memo[key]
        b = self.bdd
        if n.op == "event":
            f = b.var(self.names[n.event])
        elif n.op == "or":
            f = b.false
            # Deepest variables first: each step puts a child above what is built so far, which
            # costs the child's size, not the whole diagram's (variables are declared in order
            # of first appearance, so later children sit deeper).
            for c in reversed(n.children):
                f = self._build(c) | f
        elif n.op == "and":
            f = b.true
            for c in reversed(n.children):
                f = self._build(c) & f
        elif n.op == "weighted":
            kids = [self._build(c) for c in n.children]
            f = _weight_levels(n, b.true, b.false, lambda x, y: x | y, lambda g, i: g & kids[i])
        else:
            levels = [b.true] + [b.false] * n.m
            for c in n.children:
                x = self._build(c)
                for j in range(n.m, 0, -1):
                    levels[j] = levels[j] | (levels[j - 1] & x)
            f = levels[n.m]
        self._memo[key] = f
        return f

    def of_sets(self, sets: Iterable[int]) -> Any:
        with _deep_recursion(len(self.names)):
            return self._of_sets(sets)

    def _of_sets(self, sets: Iterable[int]) -> Any:
        b = self.bdd
        f = b.false
        for s in sorted(sets, reverse=True):  # deepest first, as in _build
            t = b.true
            for i in reversed(_bits(s)):
                t = b.var(self.names[i]) & t
            f = t | f
        return f

    def probability(self, f: Any, q: Sequence[float]) -> tuple[float, np.ndarray]:
        """P(f = 1) for independent events with P(event i) = q[i], and dP/dq (Birnbaum)."""
        b = self.bdd
        levels = b.var_levels
        index = self.index
        one = b.true

        def reg(u: Any) -> Any:
            return ~u if u.negated else u

        nodes: dict[int, Any] = {}
        stack = [reg(f)]
        while stack:
            u = stack.pop()
            k = int(u)
            if k in nodes or u == one:
                continue
            nodes[k] = u
            stack.append(reg(u.low))
            stack.append(reg(u.high))
        order = sorted(nodes.values(), key=lambda u: -levels[u.var])  # deepest first
        val: dict[int, float] = {int(one): 1.0}

        def p(e: Any) -> float:
            v = val[int(reg(e))]
            return 1.0 - v if e.negated else v

        for u in order:
            x = q[index[u.var]]
            val[int(u)] = x * p(u.high) + (1.0 - x) * p(u.low)
        grad = np.zeros(len(q))
        adj: dict[int, float] = {int(reg(f)): -1.0 if f.negated else 1.0}
        for u in reversed(order):  # parents before children
            a = adj.get(int(u), 0.0)
            if a == 0.0:
                continue
            i = index[u.var]
            grad[i] += a * (p(u.high) - p(u.low))
            for child, w in ((u.high, q[i]), (u.low, 1.0 - q[i])):
                r = reg(child)
                if r == one:
                    continue
                adj[int(r)] = adj.get(int(r), 0.0) + a * w * (-1.0 if child.negated else 1.0)
        return p(f), grad


# --- the analysis --------------------------------------------------------------------------------


class AnalysisResults:
    """Minimal cut sets, single points of failure and importance measures of a model's services.

    Made by :func:`analyze`. Every table is a DataFrame; ``report()`` is the text view,
    ``_repr_html_`` the Jupyter one, and :mod:`recoverysim.plot` draws them.


    Parameters
    ----------
    model_name : str
        Name of the model.
    events : list of BasicEvent
        The basic events, in the order of the diagram's variables.
    services : dict
        Per service: unavailability, cut sets, their probabilities, truncation flag, importance table.
    max_order : int or None
        Order truncation in force.
    cutoff : float
        Probability truncation in force.
    shares : dict
        Simulated downtime shares per service (empty without a simulation).
    simulated : dict
        Simulated availability per service (empty without a simulation).
    seconds : float
        Time the analysis took.

    Examples
    --------
    >>> a = rs.analyze(rs.examples.load('exchange'), replications=200)   # doctest: +SKIP
    """

    def __init__(
        self,
        model_name: str,
        events: list[BasicEvent],
        services: dict[str, dict[str, Any]],
        *,
        max_order: int | None,
        cutoff: float,
        shares: dict[str, pd.Series],
        simulated: dict[str, float],
        seconds: float,
    ) -> None:
        self.model_name = model_name
        self.events = events
        self._s = services
        self.max_order = max_order
        self.cutoff = cutoff
        self._shares = shares
        self._simulated = simulated
        self.seconds = seconds

    @property
    def service_names(self) -> list[str]:
        """The analysed services.

        Returns
        -------
        list of str
            In the model's order.

        Examples
        --------
        >>> a.service_names   # doctest: +SKIP
        ['gateways', 'matching', 'database', 'blockchain', 'consensus', 'trading', 'withdrawals']
        """
        return list(self._s)

    def _get(self, service: str) -> dict[str, Any]:
        try:
            return self._s[service]
        except KeyError:
            raise KeyError(f"unknown service {service!r}; services: {', '.join(self._s)}") from None

    def unavailability(self, service: str) -> float:
        """Exact unavailability of the service from the structure function (independent events).

        Parameters
        ----------
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        float
            Exact unavailability from the structure function.

        Examples
        --------
        >>> a.unavailability('trading')   # doctest: +SKIP
        5.24e-05
        """
        return float(self._get(service)["Q"])

    def availability(self, service: str) -> float:
        """1 - :meth:`unavailability`.

        Parameters
        ----------
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        float
            Exact availability.

        Examples
        --------
        >>> a.availability('trading')   # doctest: +SKIP
        0.99994757
        """
        return 1.0 - self.unavailability(service)

    def truncated(self, service: str) -> bool:
        """Whether truncation (``max_order``, ``cutoff``) dropped any cut set of the service.

        Parameters
        ----------
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        bool
            True when the kept cut sets no longer describe the structure function.

        Examples
        --------
        >>> a.truncated('trading')   # doctest: +SKIP
        False
        """
        return bool(self._get(service)["truncated"])

    @property
    def truncation(self) -> str:
        """The truncation in force, in words.

        Returns
        -------
        str
            E.g. ``'cut sets of order <= 3'``.

        Examples
        --------
        >>> a.truncation   # doctest: +SKIP
        'none (every minimal cut set)'
        """
        parts = []
        if self.max_order is not None:
            parts.append(f"cut sets of order <= {self.max_order}")
        if self.cutoff > 0:
            parts.append(f"probability >= {self.cutoff:.3g}")
        return ", ".join(parts) if parts else "none (every minimal cut set)"

    def events_table(self) -> pd.DataFrame:
        """The basic events: kind, probability of being failed, and where it comes from.

        Returns
        -------
        pandas.DataFrame
            Indexed by event name: ``kind``, ``probability``, ``source``.

        Examples
        --------
        >>> a.events_table().loc['lb']   # doctest: +SKIP
        """
        return pd.DataFrame(
            {
                "kind": [e.kind for e in self.events],
                "probability": [e.probability for e in self.events],
                "source": [e.source for e in self.events],
            },
            index=pd.Index([e.name for e in self.events], name="event"),
        )

    def cut_sets(self, service: str | None = None) -> pd.DataFrame:
        """Minimal cut sets, smallest first, then most probable: ``service``, ``order``, ``events``
        (tuple of event labels; a shock's hits read as the shock), ``kinds``, ``probability``
        (product of the events' probabilities) and ``share`` (of the sum over the service's cut
        sets: the rare-event approximation of each set's part of the unavailability).

        Parameters
        ----------
        service : str, optional
            One service; all services when omitted.

        Returns
        -------
        pandas.DataFrame
            One row per minimal cut set.

        Examples
        --------
        >>> a.cut_sets('withdrawals').head()   # doctest: +SKIP
        """
        rows = []
        for s in [service] if service is not None else self.service_names:
            d = self._get(s)
            total = sum(d["cut_probability"])
            for cs, p in zip(d["cut_sets"], d["cut_probability"]):
                ev = [self.events[i] for i in _bits(cs)]
                labels = tuple(dict.fromkeys(e.label for e in ev))
                kinds = tuple(dict.fromkeys(e.kind for e in ev if e.kind != "hit"))
                rows.append(
                    {
                        "service": s,
                        "order": len(labels),
                        "events": labels,
                        "kinds": kinds,
                        "probability": p,
                        "share": p / total if total > 0 else math.nan,
                    }
                )
        df = pd.DataFrame(rows, columns=["service", "order", "events", "kinds", "probability", "share"])
        if len(df):
            df = df.sort_values(["service", "order", "probability"], ascending=[True, True, False], kind="stable")
            if service is not None:
                df = df.drop(columns="service")
        return df.reset_index(drop=True)

    def single_points_of_failure(self, service: str | None = None) -> pd.DataFrame:
        """Cut sets of size one (a shock included): one row per (service, event).

        Parameters
        ----------
        service : str, optional
            One service; all services when omitted.

        Returns
        -------
        pandas.DataFrame
            Columns ``service``, ``event``, ``kind``, ``probability``.

        Examples
        --------
        >>> list(a.single_points_of_failure()['event'])   # doctest: +SKIP
        ['lb', 'lb', 'signer', 'lb']
        """
        df = self.cut_sets(service)
        if service is not None:
            df.insert(0, "service", service)
        df = df[df["order"] == 1]
        return pd.DataFrame(
            {
                "service": df["service"].to_numpy(),
                "event": [e[0] for e in df["events"]],
                "kind": [k[0] if k else "" for k in df["kinds"]],
                "probability": df["probability"].to_numpy(),
            }
        )

    def importance(self, service: str) -> pd.DataFrame:
        """Importance of every basic event beneath the service, most critical first.

        Columns: ``kind``, ``probability`` q, ``birnbaum`` dQ/dq = Q(q=1) - Q(q=0),
        ``criticality`` q * birnbaum / Q, ``fussell_vesely`` P(some minimal cut set containing it
        fails) / Q, ``raw`` Q(q=1) / Q, ``rrw`` Q / Q(q=0), ``downtime_avoided_h_per_year`` (Q -
        Q(q=0)) * 8760: hours per year the service would not be down if this event never
        happened; and ``simulated_share`` of the service's downtime (as root cause) when a
        simulation was run.

        Parameters
        ----------
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        pandas.DataFrame
            Indexed by event, most critical first.

        Examples
        --------
        >>> a.importance('trading')[['birnbaum', 'raw']]   # doctest: +SKIP
        """
        d = self._get(service)
        return d["importance"].copy()

    def fix_first(self, service: str | None = None) -> pd.DataFrame:
        """One ranked "what to fix first" table: one row per basic event, ranked by the
        downtime per year its removal would avoid in the service where that is largest
        (``service``), with that service's criticality, RAW, Fussell-Vesely and simulated share,
        and every service it can take down (``services``). With ``service``: that service only.

        Parameters
        ----------
        service : str, optional
            One service; all services when omitted.

        Returns
        -------
        pandas.DataFrame
            One row per event, the most downtime avoided first.

        Examples
        --------
        >>> a.fix_first().head(3)   # doctest: +SKIP
        """
        frames = []
        for s in [service] if service is not None else self.service_names:
            imp = self.importance(s).reset_index()
            imp.insert(0, "service", s)
            frames.append(imp)
        cols = ["event", "kind", "probability", "service", "downtime_avoided_h_per_year", "criticality", "raw", "fussell_vesely"]
        if any("simulated_share" in f for f in frames):
            cols.append("simulated_share")
        cols.append("services")
        if not frames:
            return pd.DataFrame(columns=cols)
        df = pd.concat(frames, ignore_index=True)
        df = df[df["downtime_avoided_h_per_year"] > 0]
        affected = df.groupby("event", sort=False)["service"].agg(lambda x: ", ".join(x))
        best = df.sort_values("downtime_avoided_h_per_year", ascending=False, kind="stable").drop_duplicates("event")
        best = best.assign(services=best["event"].map(affected))
        return best[cols].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row per service: exact unavailability and availability, number of minimal cut
        sets, smallest order, single points of failure, whether truncation dropped any set, and
        the simulated availability when a simulation was run.

        Returns
        -------
        pandas.DataFrame
            Indexed by service.

        Examples
        --------
        >>> a.summary()[['availability', 'single_points_of_failure']]   # doctest: +SKIP
        """
        rows = []
        for s in self.service_names:
            d = self._s[s]
            spof = self.single_points_of_failure(s)
            orders = [len(_bits(c)) for c in d["cut_sets"]]
            row = {
                "service": s,
                "unavailability": d["Q"],
                "availability": 1 - d["Q"],
                "downtime_h_per_year": d["Q"] * 8760,
                "cut_sets": len(d["cut_sets"]),
                "smallest_order": min(orders) if orders else 0,
                "single_points_of_failure": ", ".join(spof["event"]),
                "truncated": d["truncated"],
            }
            if s in self._simulated:
                row["simulated_availability"] = self._simulated[s]
            rows.append(row)
        return pd.DataFrame(rows).set_index("service")

    def report(self) -> str:
        """The text view (what ``recoverysim analyze`` prints).

        Returns
        -------
        str
            Plain text.

        Examples
        --------
        >>> print(a.report())   # doctest: +SKIP
        """
        return report.analysis_text(self)

    def _repr_html_(self) -> str:
        return _html.analysis_html(self)

    def __repr__(self) -> str:
        return f"AnalysisResults(model={self.model_name!r}, services={self.service_names}, events={len(self.events)})"


def _own_availability(
    model: Model, given: Mapping[str, float], replications: int, horizon: float, seed: int
) -> tuple[dict[str, float], dict[str, str]]:
    """Each component's availability from its own failure modes: given, else the renewal closed
    form, else simulated without shocks and maintenance (crews, inspections, escalations)."""
    avail: dict[str, float] = {}
    source: dict[str, str] = {}
    unknown = set(given) - set(model.components)
    if unknown:
        raise KeyError(f"component_availability: unknown component(s) {', '.join(sorted(unknown))}")
    need_sim = []
    for name in model.components:
        if name in given:
            v = given[name]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ValueError(f"component_availability[{name!r}] must be a probability in [0, 1], got {v!r}")
            avail[name], source[name] = float(v), "given"
            continue
        try:
            avail[name] = _component_availability(model, [name])[name]
            source[name] = "exact"
        except ValueError:
            need_sim.append(name)
    if need_sim:
        bare = model.copy()
        bare.shocks = {}
        bare.maintenances = {}
        res = run_simulate(bare, horizon=horizon, replications=replications, seed=seed, progress=False, keep_outages=0)
        for name in need_sim:
            avail[name] = 1.0 - float(np.mean(res.component_downtime(name))) / horizon
            source[name] = f"simulated ({replications:,} x {fmt.duration(horizon)})"
    return avail, source


def analyze(
    model: Model,
    services: Sequence[str] | None = None,
    *,
    component_availability: Mapping[str, float] | None = None,
    results: Results | None = None,
    simulate: bool = True,
    replications: int = 1000,
    horizon: Duration = "1y",
    seed: int = 0,
    max_order: int | None = None,
    cutoff: float = 0.0,
    max_cut_sets: int = MAX_CUT_SETS,
) -> AnalysisResults:
    """Minimal cut sets, single points of failure and importance measures of every service.

    Parameters
    ----------
    model : Model
    services : list of str, optional
        The services to analyse (all by default).
    component_availability : dict, optional
        Availability of components from their own failures; the others come from the renewal
        closed form (one mode: MTTF/(MTTF+MTTR)) and, where crews, inspections or escalations
        make it inapplicable, from a simulation of the model without shocks and maintenance.
    results : Results, optional
        A run of the model: adds each event's simulated share of the service's downtime and the
        simulated availability next to the exact one. Without it and with ``simulate=True`` a
        run of ``replications`` x ``horizon`` is made (``seed``).
    simulate : bool
        Run the model for the simulated shares when ``results`` is not given (default True).
    replications : int
        Replications of the simulations (shares, and component availabilities without a closed
        form).
    horizon : float or str
        Length of one replication of those simulations (default one year).
    seed : int
        Their random seed.
    max_order, cutoff : truncation
        Keep cut sets of at most ``max_order`` events and probability >= ``cutoff``. The result
        says whether anything was dropped (:meth:`AnalysisResults.truncated`); dropping every
        cut set of a service is an error.
    max_cut_sets : int
        A service with more cut sets raises :class:`CutSetLimitError` (offering truncation).

    Returns
    -------
    AnalysisResults

    Examples
    --------
    >>> m = rs.Model("web")
    >>> _ = m.component("lb", mttf="1y", mttr="1h")
    >>> _ = m.component("api-1", mttf="1000h", mttr="1h")
    >>> _ = m.component("api-2", mttf="1000h", mttr="1h")
    >>> _ = m.service("web", rs.all_of("lb", rs.any_of("api-1", "api-2")))
    >>> a = rs.analyze(m, simulate=False)
    >>> list(a.single_points_of_failure()["event"])
    ['lb']
    """
    t0 = time.perf_counter()
    names = list(model.services) if services is None else list(services)
    for s in names:
        if s not in model.services:
            raise KeyError(f"unknown service {s!r}; services: {', '.join(model.services)}")
    if max_order is not None:
        max_order = check_count(max_order, "max_order", minimum=1)
    if isinstance(cutoff, bool) or not isinstance(cutoff, (int, float)) or not 0 <= cutoff < 1:
        raise ValueError(f"cutoff must be a probability in [0, 1), got {cutoff!r}")
    max_cut_sets = check_count(max_cut_sets, "max_cut_sets", minimum=1)
    replications = check_count(replications, "replications", minimum=1)
    h = hours(horizon, name="horizon")
    _engine.compile_model(model)  # unknown names and cycles: the engine's clear errors
    avail, source = _own_availability(model, component_availability or {}, replications, h, seed)
    logic = _Logic(model, avail, source)
    roots = {s: logic.service(s) for s in names}
    q = [e.probability for e in logic.events]
    bdd = _Bdd(len(logic.events))
    # Cut sets first: a model too large for them is refused before the simulation runs.
    cut: dict[str, tuple[_CutSets, list[int]]] = {}
    for s, root in roots.items():
        cs = _CutSets(q, max_order, float(cutoff), max_cut_sets, f"service {s!r}")
        sets = cs.of(root)
        if not sets:
            if cs.truncated:
                raise ValueError(
                    f"service {s!r}: the truncation ({'max_order=' + str(max_order) if max_order else ''}"
                    f"{', ' if max_order and cutoff else ''}{'cutoff=' + repr(cutoff) if cutoff else ''}) drops every cut set; "
                    "raise max_order or lower cutoff"
                )
        cut[s] = (cs, sets)
    if results is None and simulate:
        results = run_simulate(model, horizon=h, replications=replications, seed=seed, progress=False, keep_outages=0)
    shares: dict[str, pd.Series] = {}
    simulated: dict[str, float] = {}
    out: dict[str, dict[str, Any]] = {}
    for s, root in roots.items():
        cs, sets = cut[s]
        f = bdd.build(root)
        Q, grad = bdd.probability(f, q)
        # Truncated when the kept cut sets no longer describe the structure function.
        truncated = cs.truncated and bdd.of_sets(sets) != f
        probs = [math.prod(q[i] for i in _bits(c)) for c in sets]
        support = sorted({i for c in sets for i in _bits(c)} | {i for i in range(len(q)) if grad[i] != 0})
        rows = []
        share = None
        if results is not None:
            share = results.downtime_by_component(s)
            shares[s] = share
            simulated[s] = results.availability(s).mean
        for i in support:
            e = logic.events[i]
            B = float(grad[i])
            q1, q0 = Q + (1 - q[i]) * B, Q - q[i] * B
            fv_sets = [c for c in sets if c >> i & 1]
            fv = bdd.probability(bdd.of_sets(fv_sets), q)[0] / Q if Q > 0 and fv_sets else 0.0
            row = {
                "event": e.name,
                "kind": e.kind,
                "probability": q[i],
                "birnbaum": B,
                "criticality": B * q[i] / Q if Q > 0 else 0.0,
                "fussell_vesely": fv,
                "raw": q1 / Q if Q > 0 else math.inf,
                "rrw": Q / q0 if q0 > 0 else math.inf,
                "downtime_avoided_h_per_year": (Q - q0) * 8760.0,
            }
            if share is not None:
                row["simulated_share"] = float(share.get(e.name, 0.0)) if e.kind in ("component", "shock") else math.nan
            rows.append(row)
        imp = pd.DataFrame(rows)
        if len(imp):
            imp = imp.sort_values(["criticality", "birnbaum"], ascending=False, kind="stable").set_index("event")
        out[s] = {"Q": Q, "cut_sets": sets, "cut_probability": probs, "truncated": truncated, "importance": imp}
    return AnalysisResults(
        model.name,
        logic.events,
        out,
        max_order=max_order,
        cutoff=float(cutoff),
        shares=shares,
        simulated=simulated,
        seconds=time.perf_counter() - t0,
    )


# --- incident scenarios --------------------------------------------------------------------------


@dataclass(frozen=True)
class Incident:
    """One event of an incident scenario: see :func:`fail` and :func:`shock`.

    Parameters
    ----------
    kind : {"failure", "shock"}
        What happens.
    target : str
        The component or shock.
    mode : str, optional
        The failure mode (failures only; the first mode when omitted).
    after : float
        Hours after the scenario's start.

    Examples
    --------
    >>> fail('db-a', 'corruption', after='5m')
    fail('db-a', mode='corruption', after=0.08333333333333333)
    """

    kind: str  # "failure" | "shock"
    target: str
    mode: str | None = None
    after: float = 0.0  # hours after the scenario's start

    def __repr__(self) -> str:
        after = f", after={self.after!r}" if self.after else ""
        if self.kind == "shock":
            return f"shock({self.target!r}{after})"
        mode = f", mode={self.mode!r}" if self.mode else ""
        return f"fail({self.target!r}{mode}{after})"


def fail(component: str, mode: str | None = None, *, after: Duration = 0) -> Incident:
    """A component fails in ``mode`` (its first failure mode by default) ``after`` the scenario's
    start; its own recovery procedure follows.

    Parameters
    ----------
    component : str
        The component that fails.
    mode : str, optional
        Its failure mode (the first one when omitted).
    after : float or str
        Hours (or a duration) after the scenario's start.

    Returns
    -------
    Incident

    Examples
    --------
    >>> fail("db-a", "corruption")
    fail('db-a', mode='corruption')
    """
    if not isinstance(component, str):
        raise TypeError(f"fail: component must be a name, got {type(component).__name__}")
    a = hours(after, name="fail after")
    if a < 0:
        raise ValueError(f"fail({component!r}): after must be >= 0, got {after!r}")
    return Incident("failure", component, mode, a)


def shock(name: str, *, after: Duration = 0) -> Incident:
    """A shock of the model arrives ``after`` the scenario's start and hits *every* target (its
    probability is ignored: the scenario says it happened); a held-down outage lasts a duration
    drawn from the shock's outage distribution.

    Parameters
    ----------
    name : str
        A shock of the model.
    after : float or str
        Hours (or a duration) after the scenario's start.

    Returns
    -------
    Incident

    Examples
    --------
    >>> shock("region-eu-1")
    shock('region-eu-1')
    """
    if not isinstance(name, str):
        raise TypeError(f"shock: name must be a shock's name, got {type(name).__name__}")
    a = hours(after, name="shock after")
    if a < 0:
        raise ValueError(f"shock({name!r}): after must be >= 0, got {after!r}")
    return Incident("shock", name, None, a)


class Scenario:
    """An incident scenario (a game day, a stress test): incidents injected at time ``at``.

    ``at=0`` starts every replication from the failure state (everything else as good as new);
    a later ``at`` lets the system run normally until then, so the scenario meets a random
    state (components under repair, spares in use, the crew busy).

    >>> Scenario("eu-1 down", shock("region-eu-1"))
    Scenario('eu-1 down', shock('region-eu-1'))
    >>> Scenario("db corrupted, signer down", fail("db-a", "corruption"), fail("signer"), at="30d")
    Scenario('db corrupted, signer down', fail('db-a', mode='corruption'), fail('signer'), at=720.0)


    Parameters
    ----------
    name : str
        The scenario's name (a label in tables and plots).
    *incidents : Incident
        What happens: :func:`fail` and :func:`shock`, each possibly ``after`` the start.
    at : float or str
        When the scenario starts (hours or a duration such as ``"30d"``); 0 starts from it.

    Examples
    --------
    >>> Scenario('eu-1 down', shock('region-eu-1'), at='30d')
    Scenario('eu-1 down', shock('region-eu-1'), at=720.0)
    """

    def __init__(self, name: str, *incidents: Incident, at: Duration = 0) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a scenario needs a non-empty name, got {name!r}")
        self.name = name
        if not incidents:
            raise ValueError(f"scenario {name!r}: give at least one incident (rs.fail(...), rs.shock(...))")
        for i, x in enumerate(incidents):
            if not isinstance(x, Incident):
                raise TypeError(f"scenario {name!r}: incident {i} must be rs.fail(...) or rs.shock(...), got {type(x).__name__}")
        self.incidents = tuple(incidents)
        self.at = hours(at, name=f"scenario {name!r} at")
        if self.at < 0:
            raise ValueError(f"scenario {name!r}: at must be >= 0, got {at!r}")

    def check(self, model: Model) -> None:
        """Raise naming the culprit when an incident names an unknown component, mode or shock.

        Parameters
        ----------
        model : Model
            The model the scenario will run on.

        Examples
        --------
        >>> Scenario('x', fail('nope')).check(m)   # doctest: +SKIP
        Traceback (most recent call last):
        KeyError: "scenario 'x': fail('nope'): unknown component 'nope'"
        """
        for x in self.incidents:
            where = f"scenario {self.name!r}: {x!r}"
            if x.kind == "shock":
                if x.target not in model.shocks:
                    raise KeyError(f"{where}: unknown shock {x.target!r}; shocks: {', '.join(model.shocks) or 'none'}")
                continue
            if x.target not in model.components:
                raise KeyError(f"{where}: unknown component {x.target!r}")
            modes = [m.name for m in model.components[x.target].modes]
            if x.mode is not None and x.mode not in modes:
                raise KeyError(f"{where}: component {x.target!r} has no failure mode {x.mode!r}; modes: {', '.join(modes)}")

    def forced(self) -> list[Any]:
        """The engine's view of the scenario's events (``ModelSpec.forced``).

        Returns
        -------
        list
            ``_core.ForcedEventSpec`` objects.

        Examples
        --------
        >>> len(Scenario("x", fail("a"), shock("s")).forced())
        2
        """
        return [
            _engine.forced_event(time=self.at + x.after, shock=x.kind == "shock", target=x.target, mode=x.mode or "")
            for x in self.incidents
        ]

    def __repr__(self) -> str:
        at = f", at={self.at!r}" if self.at else ""
        return f"Scenario({self.name!r}, {', '.join(repr(x) for x in self.incidents)}{at})"


def _below(model: Model, service: str) -> set[str]:
    """Components beneath a service (through nested services)."""
    out: set[str] = set()
    todo = list(_names(model.services[service].requirement))
    while todo:
        n = todo.pop()
        if n in model.components:
            out.add(n)
        elif n in model.services:
            todo.extend(_names(model.services[n].requirement))
    return out


def _names(m: Member) -> list[str]:
    return [m] if isinstance(m, str) else m.names()


class ScenarioResults:
    """Time to restore each service, data lost and recovery phases, per scenario.

    Made by :func:`run_scenarios`. Every scenario ran on the same seed: component streams are
    keyed by name, so scenarios meet the same failures elsewhere in the system (common random
    numbers) and their differences are due to the scenarios.


    Parameters
    ----------
    model : Model
        The model the scenarios ran on.
    scenarios : list of Scenario
        The scenarios, in the order given.
    runs : list of Results
        One run per scenario.
    window : float
        Hours simulated after each injection.
    seconds : float
        Time the runs took.

    Examples
    --------
    >>> r = rs.run_scenarios(m, [rs.Scenario('eu-1 down', rs.shock('region-eu-1'))])   # doctest: +SKIP
    """

    def __init__(self, model: Model, scenarios: list[Scenario], runs: list[Results], window: float, seconds: float) -> None:
        self.model_name = model.name
        self.scenarios = scenarios
        self.window = window
        self.seconds = seconds
        self.runs = dict(zip((s.name for s in scenarios), runs))
        self.service_names = list(model.services)
        self.targets = {s.name: {"rto": s.rto, "rpo": s.rpo} for s in model.services.values()}
        self._below = {s: _below(model, s) for s in self.service_names}
        self.replications = runs[0].replications if runs else 0
        self._ttr: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, pd.DataFrame]] = {}

    @property
    def scenario_names(self) -> list[str]:
        """The scenarios' names.

        Returns
        -------
        list of str
            In the order given.

        Examples
        --------
        >>> r.scenario_names   # doctest: +SKIP
        ['eu-1 down']
        """
        return [s.name for s in self.scenarios]

    def _scenario(self, name: str) -> Scenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(f"unknown scenario {name!r}; scenarios: {', '.join(self.scenario_names)}")

    def _restore(self, scenario: str, service: str) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
        key = (scenario, service)
        if key not in self._ttr:
            sc = self._scenario(scenario)
            if service not in self.targets:
                raise KeyError(f"unknown service {service!r}; services: {', '.join(self.service_names)}")
            res = self.runs[scenario]
            out = res.outages(service)
            start = out["start_h"].to_numpy()
            end = start + out["duration_h"].to_numpy()
            eps = 1e-9 * max(1.0, sc.at)
            hit = out[(start <= sc.at + eps) & (end > sc.at + eps)]
            ttr = np.zeros(res.replications)
            censored = np.zeros(res.replications, dtype=bool)
            reps = hit["replication"].to_numpy()
            ttr[reps] = (hit["start_h"] + hit["duration_h"]).to_numpy() - sc.at
            censored[reps] = hit["censored"].to_numpy()
            self._ttr[key] = (ttr, censored, hit)
        return self._ttr[key]

    def time_to_restore(self, scenario: str, service: str) -> np.ndarray:
        """Hours from the injection until the service is up again, per replication (0 when the
        scenario did not take it down; the window's end when it was still down then: see
        :meth:`censored`).

        Parameters
        ----------
        scenario : str
            A scenario's name (``KeyError`` if unknown).
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        numpy.ndarray
            Hours, one value per replication.

        Examples
        --------
        >>> r.time_to_restore('eu-1 down', 'blockchain').mean()   # doctest: +SKIP
        """
        return self._restore(scenario, service)[0].copy()

    def censored(self, scenario: str, service: str) -> np.ndarray:
        """Per replication: the service was still down at the end of the window.

        Parameters
        ----------
        scenario : str
            A scenario's name (``KeyError`` if unknown).
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        numpy.ndarray
            Booleans, one per replication.

        Examples
        --------
        >>> r.censored('eu-1 down', 'blockchain').any()   # doctest: +SKIP
        """
        return self._restore(scenario, service)[1].copy()

    def data_lost(self, scenario: str, service: str) -> np.ndarray:
        """Hours of writes lost by incidents begun at the injection, per replication: the largest
        loss among the components beneath the service (what its RPO is about).

        Parameters
        ----------
        scenario : str
            A scenario's name (``KeyError`` if unknown).
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        numpy.ndarray
            Hours of writes, one value per replication.

        Examples
        --------
        >>> r.data_lost('db corrupted', 'database').mean()   # doctest: +SKIP
        """
        sc = self._scenario(scenario)
        res = self.runs[scenario]
        d = res.data_losses()
        eps = 1e-9 * max(1.0, sc.at)
        d = d[(np.abs(d["time_h"].to_numpy() - sc.at) <= eps) & d["component"].isin(self._below[service]).to_numpy()]
        out = np.zeros(res.replications)
        if len(d):
            g = d.groupby("replication")["loss_h"].max()
            out[g.index.to_numpy()] = g.to_numpy()
        return out

    def phases(self, scenario: str, service: str) -> pd.Series:
        """Mean hours per replication the scenario's outage of the service spent in each
        recovery phase (detect, crew_wait, restore, switchover, shock, ...), largest first.

        Parameters
        ----------
        scenario : str
            A scenario's name (``KeyError`` if unknown).
        service : str
            A service of the model (``KeyError`` if unknown).

        Returns
        -------
        pandas.Series
            Hours per phase.

        Examples
        --------
        >>> r.phases('eu-1 down', 'withdrawals')   # doctest: +SKIP
        """
        hit = self._restore(scenario, service)[2]
        cols = [c for c in hit.columns if c.startswith("phase_")]
        n = self.runs[scenario].replications
        sr = pd.Series({c[len("phase_") : -2]: float(hit[c].sum()) / n for c in cols}, name="hours", dtype=float)
        sr.index.name = "phase"
        return sr[sr > 0].sort_values(ascending=False)

    def summary(self) -> pd.DataFrame:
        """Scenarios side by side: one row per (scenario, service) the scenarios take down, with
        P(down), the mean and quantiles of the time to restore, P(restored within the RTO),
        mean data lost, P(data lost within the RPO) and the phase that dominates.

        Returns
        -------
        pandas.DataFrame
            Indexed by (scenario, service).

        Examples
        --------
        >>> r.summary()[['p_down', 'mean_restore_h', 'p_within_rto']]   # doctest: +SKIP
        """
        rows = []
        for sc in self.scenario_names:
            for s in self.service_names:
                ttr, cens, _ = self._restore(sc, s)
                down = ttr > 0
                if not down.any():
                    continue
                rto, rpo = self.targets[s]["rto"], self.targets[s]["rpo"]
                lost = self.data_lost(sc, s)
                ph = self.phases(sc, s)
                p50, p90, p99 = np.quantile(ttr, [0.5, 0.9, 0.99])
                rows.append(
                    {
                        "scenario": sc,
                        "service": s,
                        "p_down": float(down.mean()),
                        "mean_restore_h": float(ttr.mean()),
                        "p50_h": p50,
                        "p90_h": p90,
                        "p99_h": p99,
                        "p_censored": float(cens.mean()),
                        "rto_h": rto,
                        "p_within_rto": float(((ttr <= rto) & ~cens).mean()) if rto else math.nan,
                        "mean_data_lost_h": float(lost.mean()),
                        "rpo_h": rpo,
                        "p_within_rpo": float((lost <= rpo).mean()) if rpo is not None else math.nan,
                        "dominant_phase": ph.index[0] if len(ph) else "",
                    }
                )
        return pd.DataFrame(rows).set_index(["scenario", "service"]) if rows else pd.DataFrame()

    def report(self) -> str:
        """The text view (what ``recoverysim scenario`` prints).

        Returns
        -------
        str
            Plain text.

        Examples
        --------
        >>> print(r.report())   # doctest: +SKIP
        """
        return report.scenario_text(self)

    def _repr_html_(self) -> str:
        return _html.scenario_html(self)

    def __repr__(self) -> str:
        return f"ScenarioResults(model={self.model_name!r}, scenarios={self.scenario_names}, replications={self.replications})"


def run_scenarios(
    model: Model,
    scenarios: Scenario | Sequence[Scenario],
    *,
    window: Duration = "7d",
    replications: int = 1000,
    seed: int = 0,
    threads: int | None = None,
) -> ScenarioResults:
    """Run incident scenarios: ``replications`` replications each, from time 0 to the scenario's
    ``at`` plus ``window``, with the scenario's incidents injected at ``at``.

    Every scenario runs on the same ``seed`` (common random numbers). Forced shocks draw their
    outage from a stream of their own (keyed by shock and time), so two scenarios that force the
    same shock at the same time see the same outage durations.

    Parameters
    ----------
    model : Model
        The model.
    scenarios : Scenario or list of Scenario
        Scenarios with unique names.
    window : float or str
        Time simulated after each injection (default 7 days).
    replications : int
        Replications per scenario.
    seed : int
        Random seed, the same for every scenario.
    threads : int, optional
        Worker threads (all cores by default); results do not depend on it.

    Returns
    -------
    ScenarioResults

    Examples
    --------
    >>> m = rs.Model("one")
    >>> _ = m.component("db", mttf="10y", mttr="2h")
    >>> _ = m.service("app", "db", rto="4h")
    >>> r = rs.run_scenarios(m, rs.Scenario("db down", rs.fail("db")), replications=2000, seed=1)
    >>> print(round(r.time_to_restore("db down", "app").mean(), 1))   # exponential repair, mean 2 h
    2.0
    """
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    scenarios = list(scenarios)
    if not scenarios:
        raise ValueError("run_scenarios: give at least one scenario")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"run_scenarios: scenario names must be unique, got {names}")
    for s in scenarios:
        if not isinstance(s, Scenario):
            raise TypeError(f"run_scenarios: expected rs.Scenario objects, got {type(s).__name__}")
        s.check(model)
    w = hours(window, name="window")
    if w <= 0:
        raise ValueError(f"window must be > 0, got {window!r}")
    replications = check_count(replications, "replications", minimum=1)
    seed = check_count(seed, "seed", minimum=0)
    threads = 0 if threads is None else check_count(threads, "threads", minimum=0)
    t0 = time.perf_counter()
    runs = []
    for s in scenarios:
        compiled = _engine.compile_model(model, forced=s.forced())
        h = s.at + w
        _engine.check_memory(compiled, replications)
        raw = _engine.simulate(compiled, horizon=h, seed=seed, replications=replications, threads=threads, keep=replications)
        runs.append(
            Results(
                model,
                compiled,
                raw,
                horizon=h,
                seed=seed,
                elapsed=time.perf_counter() - t0,
                threads=threads or _engine.default_threads(),
                kept=replications,
            )
        )
    return ScenarioResults(model, scenarios, runs, w, time.perf_counter() - t0)
