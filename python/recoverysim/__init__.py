"""recoverysim: how much downtime will this architecture have?

A C++ discrete-event Monte Carlo engine driven from Python. Build a model of components, failure
modes, recovery procedures and services; simulate it; read availability, downtime and its tail,
outages, and target compliance with confidence intervals.

>>> import recoverysim as rs
>>> m = rs.Model("demo")
>>> _ = m.component("api", mttf="2000h", mttr="30m")
>>> _ = m.service("trading", "api")
>>> res = m.simulate(horizon="1y", replications=1000, seed=7, progress=False)
>>> exact = m.exact().mean_availability("trading", "1y")   # the Markov chain's answer
>>> res.availability("trading", confidence=0.999).contains(exact)
True
"""

from __future__ import annotations

try:
    from . import _core
except ImportError as e:  # pragma: no cover - only without a build
    raise ImportError(
        "recoverysim's compiled engine (recoverysim._core) is missing: did you build it? "
        "Run `make demo`, or `pip install .` from the source tree "
        "(needs libeigen3-dev libboost-graph-dev libspdlog-dev), or install a wheel: pip install recoverysim."
    ) from e

from . import examples
from ._version import __version__
from .analysis import AnalysisResults, CutSetLimitError, Incident, Scenario, ScenarioResults, analyze, fail, run_scenarios, shock
from .calibration import Fit, FitError, IncidentFits, compare_fits, fit, fit_incidents, incident_durations
from .compare import AdaptiveResults, Comparison, Difference, compare, sensitivity, simulate_until, sweep
from .components import Backup, Component, Crew, Replication, SparePool
from .correlated import Maintenance, Shock, Stress
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
from .exact import ExactResults, RareEventResults, component_availability, exact, rare_events, structure_availability
from .io import ModelFileError, load, loads
from .model import Model
from .money import ServiceCost, SlaCredits, weekly_profile
from .recovery import Cascade, FailureMode, Procedure, Step
from .requirements import Requirement, Service, Standby, all_of, any_of, capacity, k_of_n, standby, weighted
from .results import Results
from .stats import Estimate, TwoLevelEstimate
from .uncertainty import UncertainResults, simulate_uncertain
from .units import hours

__all__ = [
    "Model",
    "load",
    "loads",
    "ModelFileError",
    "Component",
    "FailureMode",
    "Step",
    "Procedure",
    "Crew",
    "SparePool",
    "Service",
    "Backup",
    "Replication",
    "Cascade",
    "Shock",
    "Maintenance",
    "Stress",
    "Requirement",
    "Standby",
    "standby",
    "all_of",
    "any_of",
    "k_of_n",
    "weighted",
    "capacity",
    "Distribution",
    "Exponential",
    "Weibull",
    "LogNormal",
    "Gamma",
    "Normal",
    "Uniform",
    "Triangular",
    "Deterministic",
    "Empirical",
    "Uncertain",
    "fit",
    "compare_fits",
    "fit_incidents",
    "incident_durations",
    "Fit",
    "FitError",
    "IncidentFits",
    "simulate_uncertain",
    "UncertainResults",
    "TwoLevelEstimate",
    "Results",
    "Estimate",
    "ExactResults",
    "exact",
    "structure_availability",
    "component_availability",
    "rare_events",
    "RareEventResults",
    "compare",
    "Comparison",
    "Difference",
    "sweep",
    "sensitivity",
    "simulate_until",
    "AdaptiveResults",
    "analyze",
    "AnalysisResults",
    "CutSetLimitError",
    "Scenario",
    "ScenarioResults",
    "Incident",
    "fail",
    "shock",
    "run_scenarios",
    "ServiceCost",
    "SlaCredits",
    "weekly_profile",
    "hours",
    "examples",
    "set_log_level",
    "__version__",
]


def set_log_level(level: str) -> None:
    """Set the engine's log level.

    The engine logs to standard error through spdlog (compiled into the module).

    Parameters
    ----------
    level : {"trace", "debug", "info", "warning", "error", "critical", "off"}
        The lowest level shown (default ``"warning"``).

    Examples
    --------
    >>> rs.set_log_level("error")
    >>> rs.set_log_level("warning")
    """
    _core.set_log_level(level)
