"""Progress reporting for long runs (tqdm, notebook-aware). Called on the main thread only."""

from __future__ import annotations

import time
from typing import Any

from ._optional import available

__all__ = ["Progress"]


class Progress:
    """A progress bar that appears only once a run has taken more than ``delay`` seconds."""

    def __init__(self, total: int, *, enabled: bool | None, desc: str = "", delay: float = 1.0) -> None:
        self.total = total
        self.enabled = enabled
        self.desc = desc
        self.delay = 0.0 if enabled else delay
        self._bar: Any = None
        self._start = time.perf_counter()
        self._last = 0

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int) -> None:
        if self.enabled is False:
            return
        if self._bar is None:
            if time.perf_counter() - self._start < self.delay:
                return
            if available("ipywidgets"):
                from tqdm.auto import tqdm  # a widget in notebooks, text in a terminal
            else:  # without the notebook extra, tqdm.auto would warn in notebooks: text bars instead
                from tqdm import tqdm

            self._bar = tqdm(total=self.total, desc=self.desc, unit="rep", leave=False, dynamic_ncols=True)
        self._bar.update(done - self._last)
        self._last = done
        if done >= self.total:
            self._bar.refresh()  # show the finished state even if tqdm throttled the last update

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.close()
