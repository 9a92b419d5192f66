"""Example models that ship inside the package, so notebooks and scripts work after ``pip install``.

The model files are the repository's ``examples/*.yaml`` (one copy: CMake installs them into the
wheel as ``recoverysim/example_models/``; a source checkout reads them in place).

>>> import recoverysim as rs
>>> rs.examples.names()
['backup-store', 'backups', 'chain-restart', 'correlated', 'exchange', 'hsm_spares', 'key_ceremony', 'quorum', 'rpc-fleet', 'single', 'standby', 'validator-stake', 'validators']
>>> m = rs.examples.load("single")
>>> m.name
'single'
"""

from __future__ import annotations

from pathlib import Path

from .io import load as _load_file
from .model import Model

__all__ = ["names", "path", "load"]

_HERE = Path(__file__).resolve().parent


def _directory() -> Path:
    for d in (_HERE / "example_models", _HERE.parents[1] / "examples"):  # installed wheel, then source tree
        if any(d.glob("*.yaml")):
            return d
    raise FileNotFoundError(f"recoverysim's example models are missing: looked in {_HERE / 'example_models'}")  # pragma: no cover


def names() -> list[str]:
    """The names of the example models.

    Returns
    -------
    list of str
        Sorted names, each one for :func:`load` and :func:`path`.

    Examples
    --------
    >>> "exchange" in names()
    True
    """
    return sorted(p.stem for p in _directory().glob("*.yaml"))


def path(name: str) -> Path:
    """The model file of an example model, to read, copy or pass to the ``recoverysim`` command.

    Parameters
    ----------
    name : str
        One of :func:`names` (``"exchange"``, ``"quorum"``...).

    Returns
    -------
    pathlib.Path
        The YAML file.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> path("exchange").name
    'exchange.yaml'
    """
    p = _directory() / f"{name}.yaml"
    if not isinstance(name, str) or "/" in name or "\\" in name or not p.is_file():
        raise KeyError(f"no example model {name!r}; examples: {', '.join(names())}")
    return p


def load(name: str) -> Model:
    """Read an example model.

    Parameters
    ----------
    name : str
        One of :func:`names`.

    Returns
    -------
    Model
        The model, named after the example.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> exchange = load("exchange")
    >>> "trading" in exchange.services
    True
    """
    return _load_file(path(name))
