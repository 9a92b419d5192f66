"""Optional packages: import one, or say which extra of recoverysim brings it.

recoverysim's own dependencies are numpy, pandas, PyYAML and tqdm. Plots need matplotlib (the
``plot`` extra), notebook progress bars need ipywidgets (the ``notebook`` extra), executors need
dask (the ``dask`` extra). A missing one raises :class:`ModuleNotFoundError` naming the extra:

>>> require("a_package_that_is_not_there", extra="plot", purpose="plotting")
Traceback (most recent call last):
...
ModuleNotFoundError: plotting needs a_package_that_is_not_there, which is not installed: pip install 'recoverysim[plot]'
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

__all__ = ["require", "available"]


def require(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise ``ModuleNotFoundError`` saying that ``purpose`` needs it and
    which extra of recoverysim installs it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        top = module.split(".")[0]
        if e.name is not None and e.name.split(".")[0] != top:
            raise  # the package is there but broken: its own error says more
        raise ModuleNotFoundError(f"{purpose} needs {top}, which is not installed: pip install 'recoverysim[{extra}]'", name=top) from None


def available(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
