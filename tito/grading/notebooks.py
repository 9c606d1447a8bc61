"""Reading the notebooks of a course, which students may have broken."""

from __future__ import annotations

import json
from pathlib import Path

from tito.core.cells import nbgrader_meta

__all__ = ["read_notebook", "parse_notebook", "nbgrader_meta",
           "graded_cells"]


def read_notebook(path: Path):
    """(notebook, None) or (None, why it cannot be graded)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None, f"{Path(path).name} is missing"
    return parse_notebook(data)


def parse_notebook(data: bytes):
    """(notebook, None) or (None, why it cannot be graded)."""
    import nbformat

    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, (f"not valid notebook JSON (line {exc.lineno}, "
                      f"column {exc.colno}: {exc.msg})")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "not a notebook (no list of cells)"
    try:
        nb = nbformat.reads(raw, as_version=4)
    except Exception as exc:
        return None, f"not a valid notebook ({str(exc)[:120]})"
    return nb, None


def graded_cells(nb) -> list[tuple[str, float]]:
    """(grade_id, points) of every graded cell, in notebook order."""
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("grade_id"):
            out.append((meta["grade_id"], float(meta.get("points", 0))))
    return out
