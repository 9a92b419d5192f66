"""The package's layers (docs/architecture.md): imports point down, never up, never in a cycle,
and sit at the top of files.

An ``ast`` walk over every module of ``python/recoverysim``: imports under ``if TYPE_CHECKING:``
are for type annotations only and are left out; imports inside functions are allowed only for
optional third-party packages (matplotlib, dask), never for the package's own modules.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "python" / "recoverysim"

# Lowest first. A module may import modules of its own layer or of a lower one (within a layer,
# the cycle check keeps the order honest). Every module of the package must be listed.
LAYERS: list[tuple[str, set[str]]] = [
    ("L0 units, formatting, statistics", {"_core", "_version", "units", "formatting", "stats", "validation", "_progress", "_optional"}),
    ("L1 domain objects", {"distributions", "recovery", "components", "correlated", "requirements", "money"}),
    (
        "L2 run layer, results, exact answers, renderers",
        {"_engine", "_distributed", "_streaming", "writer", "report", "_html", "exact", "results", "run"},
    ),
    ("L3 the Model facade", {"model"}),
    ("L4 model files", {"io"}),
    (
        "L5 comparison, testing, example models, calibration, two-level runs, design analysis",
        {"compare", "testing", "examples", "calibration", "uncertainty", "analysis"},
    ),
    ("L6 what users touch last", {"plot", "cli", "pytest_plugin", "__main__", "__init__"}),
]
LAYER_OF = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods}


def first_party_imports(source: str, name: str = "recoverysim") -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every first-party import outside
    ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(x) for x in ast.walk(node))
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(x) for x in ast.walk(node) if x is not node)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name.split(".")[1] for a in node.names if a.name.startswith(name + ".")]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and (node.module == name or node.module.startswith(name + ".")):
                parts = node.module.split(".")
                targets = [parts[1]] if len(parts) > 1 else [a.name for a in node.names]
            elif node.level == 1:
                targets = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
        out.extend((t, node.lineno, id(node) in in_function) for t in targets)
    return out


def violations(modules: dict[str, str]) -> list[str]:
    """Every broken rule, as a sentence naming the file and line."""
    problems: list[str] = []
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for mod, source in modules.items():
        if mod not in LAYER_OF:
            problems.append(f"{mod}.py is in no layer: add it to LAYERS here and to docs/architecture.md")
            continue
        for target, line, local in first_party_imports(source):
            if target not in modules or target == mod:
                continue
            if local:
                problems.append(f"{mod}.py:{line} imports {target} inside a function (imports of the package go at the top)")
            if target not in LAYER_OF:
                continue
            if LAYER_OF[target] > LAYER_OF[mod]:
                problems.append(
                    f"{mod}.py:{line} imports {target}, which is in a higher layer ({LAYERS[LAYER_OF[target]][0]} above {LAYERS[LAYER_OF[mod]][0]})"
                )
            if mod != "__init__":
                edges[mod].add(target)
    # Cycles (Tarjan's strongly connected components).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                problems.append(f"import cycle: {' <-> '.join(sorted(component))}")

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return problems


def package_sources() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(PACKAGE.glob("*.py"))}


def test_every_module_is_in_a_layer():
    assert sorted(set(package_sources()) - set(LAYER_OF)) == []
    assert sorted(set(LAYER_OF) - set(package_sources()) - {"_core"}) == []


def test_imports_point_down_and_form_no_cycle():
    assert violations(package_sources()) == []


def test_the_architecture_document_names_every_module():
    doc = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [m for m in LAYER_OF if m not in ("_core", "__main__", "__init__") and f"`{m}`" not in doc]
    assert missing == []


# --- the check itself can fail -------------------------------------------------------------------


def _with(mod: str, extra: str) -> dict[str, str]:
    sources = package_sources()
    sources[mod] = sources[mod] + "\n" + textwrap.dedent(extra)
    return sources


def test_an_upward_import_fails():
    found = violations(_with("units", "from .model import Model\n"))
    assert any("units.py" in p and "imports model, which is in a higher layer" in p for p in found), found


def test_a_cycle_fails():
    found = violations(
        _with("formatting", "from . import stats\n") | {"stats": package_sources()["stats"] + "\nfrom . import formatting\n"}
    )
    assert any(p.startswith("import cycle:") and "formatting" in p and "stats" in p for p in found), found


def test_an_import_inside_a_function_fails():
    found = violations(_with("results", "def f():\n    from . import stats\n    return stats\n"))
    assert any("results.py" in p and "inside a function" in p for p in found), found


def test_type_checking_imports_are_allowed():
    assert violations(_with("units", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .model import Model\n")) == []


@pytest.mark.parametrize("mod", sorted(set(LAYER_OF) - {"_core", "__main__"}))
def test_every_module_declares_its_public_names(mod):
    tree = ast.parse((PACKAGE / f"{mod}.py").read_text(encoding="utf-8"))
    names = [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert "__all__" in names, f"{mod}.py has no __all__"
