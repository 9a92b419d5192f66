"""Execute the notebooks in notebooks/ and store their outputs in the files (``make notebooks``).

The API reference shows each notebook with its stored outputs (``make docs`` does not execute
them, so it stays fast); the tests execute them again and check they run
(tests/python/test_notebooks.py). Run this after changing a notebook or what it shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:  # outputs only: no per-run widget state or timing metadata
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
            cell.outputs = [o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" not in o.get("data", {})]
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"{path.name}: {sum(len(c.outputs) for c in nb.cells if c.cell_type == 'code')} outputs stored")


if __name__ == "__main__":
    for p in [Path(a) for a in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb")):
        run(p)
