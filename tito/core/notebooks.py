"""From a percent-format source to instructor and learner notebooks.

Each part of a module (its core, and an optional stretch part) is one
source and one notebook. The instructor notebook is the source as a
notebook (solutions, hidden tests and nbgrader metadata kept). The learner
notebook replaces every solution region with a stub that raises
`NotImplementedError` naming the part, and drops hidden tests (the marker
format is tito.core.markers). Both are build products with deterministic
cell ids.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tito.core.cells import nbgrader_meta
from tito.core.errors import TitoError
from tito.core.fsutil import atomic_write_text
from tito.core.markers import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN,
                               strip_region, stub_solutions, stubs_left)
from tito.core.project import Part, repository

KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}

def _part(part):
    """A Part, given a Part or a Module (which means its core)."""
    return part if isinstance(part, Part) else part.core


def read_source(part: Part):
    """A part's source as an nbformat notebook (the instructor view)."""
    import jupytext

    part = _part(part)
    if not part.source.is_file():
        raise TitoError(f"{part.rel(part.source)} does not exist",
                        hint="a module's source is src/NN_name/NN_name.py")
    try:
        nb = jupytext.read(part.source, fmt="py:percent")
    except Exception as exc:  # jupytext raises many kinds
        raise TitoError(
            f"{part.rel(part.source)} could not be read as a percent-format "
            f"notebook: {exc}",
            hint="check the `# %%` cell lines and their JSON metadata",
        ) from exc
    return normalise(nb, part)


def normalise(nb, part: Part):
    """Deterministic ids and metadata; no Jupytext pairing information."""
    part = _part(part)
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "tinytorch": {"module": part.module.slug, "part": part.kind},
    }
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        cell.id = f"{part.slug}-{index:03d}".replace("_", "-")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in list(cell.metadata):
            if key != "nbgrader":
                del cell.metadata[key]
    return nb


def instructor_notebook(part: Part):
    return read_source(part)


SETUP_TEMPLATE = '''\
# Setup: on Google Colab (or any fresh Python), install tinytorch first.
# Locally and on Binder tinytorch is already installed: this does nothing.
import importlib
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("tinytorch") is None:
    print("Installing tinytorch from {url} ...")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "--no-deps", "tinytorch @ git+{url}@{branch}"],
                   check=True)
    importlib.invalidate_caches()
    print("✓ tinytorch installed")'''


def setup_cell_id(part: Part) -> str:
    return f"{_part(part).slug}-setup".replace("_", "-")


def setup_cell(part: Part):
    """The learner notebook's install cell (read-only, 0 points).

    It makes the notebook work on Colab, where tinytorch is not installed;
    everywhere else it finds tinytorch and does nothing.
    """
    import nbformat

    part = _part(part)
    repo = repository(part.root)
    cell = nbformat.v4.new_code_cell(
        SETUP_TEMPLATE.format(url=repo.url, branch=repo.branch))
    cell.id = setup_cell_id(part)
    cell.metadata = {"nbgrader": {
        "grade": False, "grade_id": f"{part.name}-setup", "locked": True,
        "points": 0, "schema_version": 3, "solution": False, "task": False}}
    return cell


def learner_source(cell) -> str:
    """A code cell's source as learners get it: each solution region a
    stub naming the cell's grade_id and function, hidden tests gone."""
    meta = nbgrader_meta(cell)
    source = cell.source
    if BEGIN_SOLUTION in source:
        source = stub_solutions(source, meta.get("grade_id", "this part"))
    if BEGIN_HIDDEN in source:
        source = strip_region(source, BEGIN_HIDDEN, END_HIDDEN)
    return source


def with_setup_cell(nb, part: Part):
    """`nb` with the Colab setup cell before its first code cell."""
    first_code = next((i for i, c in enumerate(nb.cells)
                       if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, setup_cell(part))
    return nb


def assignment_notebook(part: Part):
    """The instructor notebook nbgrader starts from: the source with the
    learner notebook's setup cell, so a release is the learner notebook
    (tito.grading.release stubs it as learner_notebook does)."""
    return with_setup_cell(instructor_notebook(part), _part(part))


def learner_notebook(part: Part | None, instructor=None):
    """The instructor notebook with solutions stubbed and hidden tests gone.

    With a part, the Colab setup cell goes before the first code cell;
    every other cell keeps the id of its instructor twin.
    """
    nb = copy.deepcopy(instructor if instructor is not None
                       else instructor_notebook(part))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = learner_source(cell)
    if part is not None:
        with_setup_cell(nb, _part(part))
    return nb


def todo_counts(nb) -> tuple[int, int]:
    """(done, total) TODOs of a learner notebook.

    A TODO is a solution cell; it is done when it no longer holds the
    stub `stub_solutions` wrote there.
    """
    done = total = 0
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        total += 1
        done += stubs_left(cell.source) == 0
    return done, total


def notebook_text(nb) -> str:
    """Canonical JSON text for a notebook (stable key order, final newline)."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb, path: Path) -> None:
    atomic_write_text(path, notebook_text(nb))


def load_notebook(path: Path, label: str | None = None):
    """Read a notebook a person may have broken, with a clear error."""
    label = label or str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TitoError(f"{label} does not exist",
                        hint="create it with tito notebook --module "
                        f"{path.stem}") from None
    except UnicodeDecodeError as exc:
        raise TitoError(f"{label} is not UTF-8 text ({exc.reason})",
                        hint="restore a backup with tito notebook --restore "
                        f"--module {path.stem}") from None
    return parse_notebook_text(raw, label, path.stem)


class _Node(dict):
    """A dict whose keys read as attributes, like nbformat's NotebookNode."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def read_cells(path: Path, label: str):
    """A notebook's cells, read quickly (plain JSON, no schema check).

    Enough to compute what a notebook exports (tito test does, before
    the package tests start); anything that writes or runs a notebook
    uses load_notebook.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cells = data["cells"]
        nb = _Node(cells=[_Node(c) for c in cells],
                   metadata=_Node(data.get("metadata") or {}))
        for cell in nb.cells:
            source = cell.get("source", "")
            cell["source"] = "".join(source) if isinstance(source, list) \
                else source
            cell["metadata"] = _Node(cell.get("metadata") or {})
            cell.setdefault("cell_type", "code")
        return nb
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError,
            AttributeError):
        return load_notebook(path, label)  # its error says what is wrong


def parse_notebook_text(raw: str, label: str, stem: str):
    """A notebook from its JSON text, or a TitoError that says what is wrong."""
    import nbformat

    path = Path(stem)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TitoError(
            f"{label} is not valid notebook JSON (line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg})",
            hint=f"reopen it in Jupyter to repair it, or restore a backup with "
            f"tito notebook --restore --module {path.stem}",
        ) from None
    try:
        if not isinstance(data, dict) or "cells" not in data:
            raise ValueError("it has no cells")
        nb = nbformat.reads(raw, as_version=4)
    except Exception as exc:
        raise TitoError(f"{label} is not a valid notebook: {exc}",
                        hint=f"restore a backup with tito notebook --restore "
                        f"--module {path.stem}") from None
    return nb
