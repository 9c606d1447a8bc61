"""From the percent-format source to instructor and learner notebooks.

The instructor notebook is the source as a notebook (solutions, hidden tests
and nbgrader metadata kept). The learner notebook replaces every solution
region with a stub that raises `NotImplementedError` naming the part, and
drops hidden tests. Both are build products with deterministic cell ids.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from tito.core.errors import TitoError
from tito.core.fsutil import atomic_write_text
from tito.core.project import Module

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"

KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}

_DEF_RE = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")


def read_source(module: Module):
    """The module's source as an nbformat notebook (the instructor view)."""
    import jupytext

    if not module.source.is_file():
        raise TitoError(f"{module.rel(module.source)} does not exist",
                        hint="a module's source is src/NN_name/NN_name.py")
    try:
        nb = jupytext.read(module.source, fmt="py:percent")
    except Exception as exc:  # jupytext raises many kinds
        raise TitoError(
            f"{module.rel(module.source)} could not be read as a percent-format "
            f"notebook: {exc}",
            hint="check the `# %%` cell lines and their JSON metadata",
        ) from exc
    return normalise(nb, module)


def normalise(nb, module: Module):
    """Deterministic ids and metadata; no Jupytext pairing information."""
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "tinytorch": {"module": module.slug},
    }
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        cell.id = f"{module.slug}-{index:03d}".replace("_", "-")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in list(cell.metadata):
            if key != "nbgrader":
                del cell.metadata[key]
    return nb


def instructor_notebook(module: Module):
    return read_source(module)


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


def repository(root: Path) -> tuple[str, str]:
    """(url, branch) of the course repository, for launch/install links.

    One place: `repository:` in book/_config.yml; a copy without the book
    falls back to pyproject.toml's [project.urls] Source and `main`.
    """
    import yaml

    config_path = root / "book" / "_config.yml"
    if config_path.is_file():
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        repo = (config or {}).get("repository") or {}
        if repo.get("url"):
            return (str(repo["url"]).rstrip("/"),
                    str(repo.get("branch") or "main"))
    found = re.search(r'^Source\s*=\s*"([^"]+)"',
                      (root / "pyproject.toml").read_text(encoding="utf-8"),
                      re.MULTILINE)
    return found.group(1).rstrip("/"), "main"


def setup_cell_id(module: Module) -> str:
    return f"{module.slug}-setup".replace("_", "-")


def setup_cell(module: Module):
    """The learner notebook's install cell (read-only, 0 points).

    It makes the notebook work on Colab, where tinytorch is not installed;
    everywhere else it finds tinytorch and does nothing.
    """
    import nbformat

    url, branch = repository(module.root)
    cell = nbformat.v4.new_code_cell(
        SETUP_TEMPLATE.format(url=url, branch=branch))
    cell.id = setup_cell_id(module)
    cell.metadata = {"nbgrader": {
        "grade": False, "grade_id": f"{module.name}-setup", "locked": True,
        "points": 0, "schema_version": 3, "solution": False, "task": False}}
    return cell


def learner_notebook(module: Module | None, instructor=None):
    """The instructor notebook with solutions stubbed and hidden tests gone.

    With a module, the Colab setup cell goes before the first code cell;
    every other cell keeps the id of its instructor twin.
    """
    nb = copy.deepcopy(instructor if instructor is not None
                       else instructor_notebook(module))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        source = cell.source
        if BEGIN_SOLUTION in source:
            source = stub_solutions(source, meta.get("grade_id", "this part"))
        if BEGIN_HIDDEN in source:
            source = strip_region(source, BEGIN_HIDDEN, END_HIDDEN)
        cell.source = source
    if module is not None:
        first_code = next((i for i, c in enumerate(nb.cells)
                           if c.cell_type == "code"), len(nb.cells))
        nb.cells.insert(first_code, setup_cell(module))
    return nb


def _enclosing_name(lines: list[str], index: int, indent: int) -> str | None:
    """`Class.method` (or `function`) that holds line `index`."""
    names = []
    level = indent
    for line in reversed(lines[:index]):
        m = _DEF_RE.match(line)
        if m and len(m.group(1)) < level:
            names.append(m.group(3))
            level = len(m.group(1))
            if level == 0:
                break
    return ".".join(reversed(names)) or None


# the message `stub_solutions` puts in every unwritten part
STUB_RE = re.compile(r"^([\w-]+): .* not implemented yet\.")


def stub_grade_id(message: str) -> str | None:
    """The grade_id in a stub's NotImplementedError message, or None."""
    match = STUB_RE.match(message)
    return match.group(1) if match else None


def is_optional_part(grade_id: str) -> bool:
    """Whether a grade_id marks an optional (stretch) part (CONTRIBUTING)."""
    return "-stretch-" in grade_id


def stub_solutions(source: str, grade_id: str) -> str:
    """Replace each solution region with `raise NotImplementedError(...)`."""
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == BEGIN_SOLUTION:
            indent = len(line) - len(line.lstrip())
            pad = line[:indent]
            where = _enclosing_name(lines, i, indent)
            what = f"{where} is" if where else "this part is"
            message = (f"{grade_id}: {what} not implemented yet. Read the "
                       f"TODO above, write your code here, and run this cell "
                       f"and its test again")
            out.append(f"{pad}# YOUR CODE HERE")
            out.append(f"{pad}raise NotImplementedError({message!r})")
            j = i + 1
            while j < len(lines) and lines[j].strip() != END_SOLUTION:
                j += 1
            i = j + 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def strip_region(source: str, begin: str, end: str) -> str:
    """Remove every `begin ... end` region, markers included."""
    out, skipping = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == begin:
            skipping = True
            continue
        if stripped == end:
            skipping = False
            continue
        if not skipping:
            out.append(line)
    return "\n".join(out)


def notebook_text(nb) -> str:
    """Canonical JSON text for a notebook (stable key order, final newline)."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb, path: Path) -> None:
    atomic_write_text(path, notebook_text(nb))


def load_notebook(path: Path, label: str | None = None):
    """Read a notebook a person may have broken, with a clear error."""
    import nbformat

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


def cell_label(index: int) -> str:
    """How we name a cell to a person: 1-based, as Jupyter counts them."""
    return f"cell {index + 1}"
