"""Type stubs of the private compiled engine (checked against the module by mypy's stubtest)."""

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

class Distribution:
    @staticmethod
    def exponential(mean: float) -> Distribution: ...
    @staticmethod
    def weibull(shape: float, scale: float) -> Distribution: ...
    @staticmethod
    def lognormal(mu: float, sigma: float) -> Distribution: ...
    @staticmethod
    def gamma(shape: float, scale: float) -> Distribution: ...
    @staticmethod
    def normal(mu: float, sigma: float) -> Distribution: ...
    @staticmethod
    def uniform(low: float, high: float) -> Distribution: ...
    @staticmethod
    def triangular(low: float, mode: float, high: float) -> Distribution: ...
    @staticmethod
    def deterministic(value: float) -> Distribution: ...
    @staticmethod
    def empirical(values: list[float]) -> Distribution: ...
    @property
    def kind(self) -> str: ...
    @property
    def mean(self) -> float: ...
    @property
    def variance(self) -> float: ...
    def cdf(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
    def sample(self, n: int, seed: int) -> npt.NDArray[np.float64]: ...

def normal_quantile(p: float) -> float: ...
def normal_cdf(x: float) -> float: ...
def gamma_p(a: float, x: float) -> float: ...

class StepSpec:
    def __init__(
        self,
        *,
        name: str,
        duration: Distribution,
        crew: str = "",
        success: float = 1.0,
        max_attempts: int = 0,
        escalate: str = "",
        inspection_interval: float = 0.0,
        inspection_offset: float = 0.0,
    ) -> None: ...

class ProcedureSpec:
    def __init__(self, *, name: str, steps: list[StepSpec]) -> None: ...

class CascadeSpec:
    def __init__(self, *, target: str, mode: str = "", probability: float = 1.0, delay: Distribution = ...) -> None: ...

class ShockSpec:
    def __init__(
        self,
        *,
        name: str,
        every: Distribution,
        targets: list[str],
        probability: float = 1.0,
        mode: str = "",
        outage: Distribution | None = None,
    ) -> None: ...

class MaintenanceSpec:
    def __init__(
        self, *, name: str, targets: list[str], every: float, offset: float = 0.0, duration: Distribution, crew: str = ""
    ) -> None: ...

class FailureModeSpec:
    def __init__(
        self,
        *,
        name: str,
        ttf: Distribution,
        procedure: ProcedureSpec,
        data_loss: str = "none",
        cascades: list[CascadeSpec] = ...,
    ) -> None: ...

class ComponentSpec:
    def __init__(
        self,
        *,
        name: str,
        modes: list[FailureModeSpec],
        tags: list[tuple[str, str]] = ...,
        backup_every: float = 0.0,
        backup_offset: float = 0.0,
        backup_duration: Distribution = ...,
        backup_success: float = 1.0,
        replication_lag: Distribution | None = None,
    ) -> None: ...

class CrewSpec:
    def __init__(self, *, name: str, size: int = 1) -> None: ...

class RequirementSpec:
    def __init__(
        self,
        *,
        kind: str,
        name: str = "",
        k: int = 0,
        children: list[RequirementSpec] = ...,
        detection: Distribution = ...,
        switchover: Distribution = ...,
        success: float = 1.0,
        dormancy: float = 0.0,
        load_sharing: float = 0.0,
    ) -> None: ...

class ServiceSpec:
    def __init__(self, *, name: str, requirement: RequirementSpec, rto: float | None = None, rpo: float | None = None) -> None: ...

class ModelSpec:
    def __init__(
        self,
        *,
        name: str,
        components: list[ComponentSpec],
        crews: list[CrewSpec] = ...,
        procedures: list[ProcedureSpec] = ...,
        services: list[ServiceSpec] = ...,
        shocks: list[ShockSpec] = ...,
        maintenance: list[MaintenanceSpec] = ...,
        age_when_down: bool = True,
    ) -> None: ...

class CompiledModel:
    @property
    def name(self) -> str: ...
    @property
    def component_names(self) -> list[str]: ...
    @property
    def service_names(self) -> list[str]: ...
    @property
    def mode_names(self) -> list[tuple[str, str]]: ...
    @property
    def phases(self) -> list[str]: ...
    @property
    def planned_modes(self) -> list[bool]: ...
    @property
    def shock_names(self) -> list[str]: ...
    @property
    def n_gates(self) -> int: ...
    @property
    def gates(self) -> list[dict[str, Any]]: ...
    @property
    def service_order(self) -> list[int]: ...

def compile(spec: ModelSpec) -> CompiledModel: ...
def simulate(
    model: CompiledModel,
    *,
    horizon: float,
    seed: int,
    first_replication: int = 0,
    replications: int,
    threads: int = 0,
    progress: Callable[[int], Any] | None = None,
    record_replications: int = 0,
) -> dict[str, Any]: ...
def histogram_edges() -> npt.NDArray[np.float64]: ...
def trace(model: CompiledModel, *, horizon: float, seed: int, replication: int = 0, log_file: str = "") -> dict[str, Any]: ...
def default_threads() -> int: ...
def set_log_level(level: str) -> None: ...
def log_level() -> str: ...

class MarkovSolution:
    @property
    def n_states(self) -> int: ...
    @property
    def n_transitions(self) -> int: ...
    @property
    def services(self) -> list[dict[str, float]]: ...
    def point_availability(self, times: list[float]) -> npt.NDArray[np.float64]: ...
    def mean_availability(self, horizon: float) -> list[float]: ...

def solve_markov(model: CompiledModel, *, max_states: int = 200000) -> MarkovSolution: ...
def structure_availability(model: CompiledModel, component_availability: list[float]) -> list[float]: ...
def importance_sampling(
    model: CompiledModel,
    *,
    cycles: int = 100000,
    plain_cycles: int = 20000,
    bias: float = 0.5,
    seed: int = 0,
    target_service: int = -1,
) -> dict[str, Any]: ...
