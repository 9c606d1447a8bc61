"""How tito names a place in a notebook to a person.

Jupyter shows no cell numbers, so a cell is named by what the learner can
find: its nbgrader grade_id (the TODO or test it belongs to), the def or
class around the line, and the line inside the cell, e.g.
`losses-cross-entropy (def _cross_entropy_forward), line 7 of the cell`.
A cell without a grade_id (one the learner added) is named by its first
line.
"""

from __future__ import annotations

import re

_DEF_RE = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")


def enclosing_name(lines: list[str], index: int, indent: int | None = None,
                   kinds: bool = False) -> str | None:
    """`Class.method` (or `function`) holding line `index` of `lines`.

    `indent` is the indentation of that line (measured when None). With
    `kinds`, the innermost kind leads: `def Class.method`, `class Class`.
    Reads indentation only, so it works on code that does not parse.
    """
    if indent is None:
        line = lines[index] if index < len(lines) else ""
        indent = len(line) - len(line.lstrip()) if line.strip() else 0
        own = _DEF_RE.match(line)
        if own:  # a def line belongs to the def it opens
            indent = len(own.group(1)) + 1
            index += 1
    names, kind = [], None
    level = indent
    for line in reversed(lines[:index]):
        m = _DEF_RE.match(line)
        if m and len(m.group(1)) < level:
            names.append(m.group(3))
            kind = kind or m.group(2)
            level = len(m.group(1))
            if level == 0:
                break
    if not names:
        return None
    name = ".".join(reversed(names))
    return f"{kind} {name}" if kinds else name


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata, {} if it has none (or a broken one)."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def grade_id(cell) -> str | None:
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def cell_name(cell) -> str:
    """A cell as the learner finds it: its grade_id, else its first line."""
    gid = grade_id(cell)
    if gid:
        return gid
    first = next((line.strip() for line in cell.get("source", "").split("\n")
                  if line.strip()), "")
    if len(first) > 40:
        first = first[:37] + "..."
    return f'the cell that starts "{first}"' if first else "an empty cell"


def place(cell, line: int | None = None) -> str:
    """`grade-id (def name), line N of the cell`; `line` is 1-based."""
    text = cell_name(cell)
    if line is None or line < 1:
        return text
    lines = cell.get("source", "").split("\n")
    around = enclosing_name(lines, line - 1, kinds=True)
    if around:
        text += f" ({around})"
    return f"{text}, line {line} of the cell"
