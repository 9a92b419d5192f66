"""Every public name has a complete numpydoc docstring: numpydoc's own validator on each name in
``recoverysim.__all__`` (classes with their public methods and properties), on
``recoverysim.testing``, ``recoverysim.examples`` and ``recoverysim.plot``.

A docstring must exist (GL08), document every parameter (PR01) and no parameter that is not there
(PR02), say what it returns when it returns something (RT01), and show an example (EX01). The
examples themselves run in tests/python/test_doctests.py; the API reference (``make docs``) is
built from these docstrings with warnings as errors.
"""

from __future__ import annotations

import inspect

import pytest
from numpydoc.validate import validate

import recoverysim as rs
import recoverysim.examples
import recoverysim.plot
import recoverysim.testing

CHECKS = {"GL08", "PR01", "PR02", "RT01", "EX01"}

# Names in __all__ that are data, not code: nothing to validate.
DATA = {"__version__", "INTERIM_CONFIDENCE", "defaults", "PALETTE", "TARGET_COLOR"}


def _members(cls: type, qual: str) -> list[str]:
    out = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if inspect.isfunction(value) or isinstance(value, property):
            out.append(f"{qual}.{name}")
    return out


def public_names() -> list[str]:
    names: list[str] = []
    for module, public in (
        (rs, rs.__all__),
        (rs.testing, rs.testing.__all__),
        (rs.examples, rs.examples.__all__),
        (rs.plot, rs.plot.__all__),
    ):
        for name in public:
            if name in DATA:
                continue
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue  # its own __all__ is listed above
            home = f"{obj.__module__}.{obj.__qualname__}"
            names.append(home)
            if inspect.isclass(obj) and not issubclass(obj, BaseException):
                names += _members(obj, home)
    return sorted(set(names))


NAMES = public_names()


def problems(name: str) -> list[str]:
    result = validate(name)
    return [f"{code}: {message}" for code, message in result["errors"] if code in CHECKS]


def test_there_are_many_public_names():
    assert len(NAMES) > 150


@pytest.mark.parametrize("name", NAMES)
def test_docstring_is_complete(name: str) -> None:
    found = problems(name)
    assert not found, f"{name}:\n  " + "\n  ".join(found)
