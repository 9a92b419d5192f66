"""Sphinx configuration of recoverysim's documentation: the API reference from the numpydoc
docstrings, the markdown pages of docs/, and the notebooks rendered with their stored outputs.

``make docs`` builds it with warnings as errors (``-W``). Notebooks are not executed here: the
test suite executes them (tests/python/test_notebooks.py); the pages show the outputs stored in
the files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import recoverysim

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

project = "recoverysim"
author = "The recoverysim developers"
copyright = "The recoverysim developers, Apache-2.0"
release = recoverysim.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]

# The notebooks live in notebooks/ (the tests execute them there); Sphinx reads a copy.
_NOTEBOOKS = HERE / "_generated" / "notebooks"
if _NOTEBOOKS.exists():
    shutil.rmtree(_NOTEBOOKS)
_NOTEBOOKS.mkdir(parents=True)
for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
    shutil.copy2(nb, _NOTEBOOKS / nb.name)
shutil.copy2(ROOT / "CHANGELOG.md", HERE / "_generated" / "changelog.md")

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "README.md"]
nb_execution_mode = "off"
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath"]

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc sections say the types
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()  # tests/python/test_docstrings.py checks the sections

html_theme = "pydata_sphinx_theme"
html_title = f"recoverysim {release}"
html_theme_options = {"navigation_with_keys": False}
html_show_sourcelink = False
