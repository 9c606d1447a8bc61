"""Reading graded notebooks, and checking a release for leaks."""

from __future__ import annotations

import json
from pathlib import Path

from tito.core.markers import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN,
                               END_SOLUTION, MARKERS, region_lines)


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


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def graded_cells(nb) -> list[tuple[str, float]]:
    """(grade_id, points) of every graded cell, in notebook order."""
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("grade_id"):
            out.append((meta["grade_id"], float(meta.get("points", 0))))
    return out


def release_problems(source_nb, release_nb) -> list[str]:
    """What a release must not contain, and what it must keep.

    A solution or hidden-test line leaks when the release cell holds it
    more often than the source cell holds it outside the regions.
    """
    problems = []
    by_id = {}
    for cell in release_nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid:
            by_id[gid] = cell
        for marker in MARKERS:
            if marker in cell.source:
                problems.append(f"{gid or 'a cell'} still holds "
                                f"'{marker}'")
    for cell in source_nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not gid:
            continue
        if gid not in by_id:
            problems.append(f"{gid} is missing from the release")
            continue
        released = [s.strip() for s in by_id[gid].source.split("\n")]
        for begin, end, what in ((BEGIN_SOLUTION, END_SOLUTION, "solution"),
                                 (BEGIN_HIDDEN, END_HIDDEN, "hidden test")):
            inside, outside = region_lines(cell.source, begin, end)
            for line in set(inside):
                if released.count(line) > outside.count(line):
                    problems.append(f"{gid} leaks a {what} line: {line!r}")
                    break
    return problems
