"""Shared test set-up: results cached by a test module (``functools.cache`` on a simulation) are
freed when the module is done, so the suite's memory is that of its largest module, not the sum
of all of them."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def _free_cached_results(request: pytest.FixtureRequest):
    yield
    for value in list(vars(request.module).values()):
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()
