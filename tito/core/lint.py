"""The source rules of CONTRIBUTING.md, checked on the instructor notebook."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from tito.core.exporter import _code_for_ast, is_exported
from tito.core.markers import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN,
                               END_SOLUTION, MARKERS, marker_lines,
                               unbalanced)
from tito.core.project import DEFAULT_EXP_RE

NBGRADER_KEYS = {"grade": bool, "grade_id": str, "locked": bool,
                 "points": (int, float), "schema_version": int,
                 "solution": bool, "task": bool}
GRADE_ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _calls_its_tests(source: str) -> str | None:
    try:
        tree = ast.parse(_code_for_ast(source))
    except SyntaxError as exc:
        return f"syntax error on its line {exc.lineno}: {exc.msg}"
    defined = [node.name for node in tree.body
               if isinstance(node, ast.FunctionDef)
               and node.name.startswith("test_")]
    if not defined:
        return "defines no test_unit_*() or test_module() function"
    called = {node.value.func.id for node in tree.body
              if isinstance(node, ast.Expr)
              and isinstance(node.value, ast.Call)
              and isinstance(node.value.func, ast.Name)}
    missing = [name for name in defined if name not in called]
    if missing:
        return (f"defines {', '.join(missing)}() but never calls it at the "
                "top level (a test that is not called gives free points)")
    return None


def lint_notebook(nb, label: str) -> list[Problem]:
    """Every broken rule, one Problem each (empty when the source is clean)."""
    problems: list[Problem] = []

    def add(index, message):
        where = f"{label} cell {index + 1}" if index is not None else label
        problems.append(Problem(where, message))

    code_cells = [(i, c) for i, c in enumerate(nb.cells)
                  if c.cell_type == "code"]
    exp_hits = [(i, name) for i, c in code_cells
                for name in DEFAULT_EXP_RE.findall(c.source)]
    if len(exp_hits) != 1:
        add(None, f"needs exactly one '#| default_exp' line, found "
            f"{len(exp_hits)}")
    elif code_cells and exp_hits[0][0] != code_cells[0][0]:
        add(exp_hits[0][0], "'#| default_exp' must be in the first code cell")

    seen_ids: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        source = cell.source
        if meta is None:
            if cell.cell_type == "code":
                add(index, "code cell without nbgrader metadata (every code "
                    "cell needs the full v3 schema)")
            if marker_lines(source):
                add(index, "has solution/hidden-test markers but no nbgrader "
                    "metadata")
            continue
        bad_keys = False
        for key, kind in NBGRADER_KEYS.items():
            if key not in meta:
                add(index, f"nbgrader metadata lacks '{key}'")
                bad_keys = True
            elif not isinstance(meta[key], kind) or (
                    kind is not bool and isinstance(meta[key], bool)):
                add(index, f"nbgrader '{key}' has the wrong type "
                    f"({meta[key]!r})")
                bad_keys = True
        extra = set(meta) - set(NBGRADER_KEYS)
        if extra:
            add(index, f"unknown nbgrader keys: {', '.join(sorted(extra))}")
        if bad_keys:
            continue
        if meta["schema_version"] != 3:
            add(index, "nbgrader schema_version must be 3")
        gid = meta["grade_id"]
        if not GRADE_ID_RE.match(gid):
            add(index, f"grade_id '{gid}' must match [A-Za-z0-9_-]+")
        elif gid in seen_ids:
            add(index, f"grade_id '{gid}' is also used by cell "
                f"{seen_ids[gid] + 1}")
        else:
            seen_ids[gid] = index
        grade, solution = meta["grade"], meta["solution"]
        if grade and not meta["points"] > 0:
            add(index, "a graded cell needs points > 0")
        if not grade and meta["points"] != 0:
            add(index, "points must be 0 when grade is false")
        if meta["task"]:
            add(index, "task cells are not used in this course")
        if cell.cell_type == "markdown":
            if grade or solution:
                add(index, "markdown answer cells are not used in this "
                    "course; ask questions in prose with answers below")
            continue

        markers = marker_lines(source)
        for number, line in markers:
            if line not in MARKERS:
                add(index, f"marker on its line {number} must stand alone "
                    f"and exactly as written: {line!r}")
        solution_markers = [m for _, m in markers
                            if m in (BEGIN_SOLUTION, END_SOLUTION)]
        hidden_markers = [m for _, m in markers
                          if m in (BEGIN_HIDDEN, END_HIDDEN)]
        if solution:
            if grade:
                add(index, "a cell is either a solution or a graded test, "
                    "not both")
            if meta["locked"]:
                add(index, "a solution cell must not be locked")
            issue = unbalanced(source, BEGIN_SOLUTION, END_SOLUTION)
            if issue:
                add(index, f"solution cell: {issue} (nbgrader would replace "
                    "the whole cell)")
        elif solution_markers:
            add(index, "solution markers outside a 'solution: true' cell")
        if hidden_markers:
            if not grade or solution:
                add(index, "hidden tests belong only in graded test cells")
            else:
                issue = unbalanced(source, BEGIN_HIDDEN, END_HIDDEN)
                if issue:
                    add(index, f"hidden tests: {issue}")
        if grade:
            if not meta["locked"]:
                add(index, "a graded test cell must be locked")
            if is_exported(cell):
                add(index, "a graded test cell must not be exported")
            issue = _calls_its_tests(source)
            if issue:
                add(index, f"graded test cell {issue}")
        if is_exported(cell):
            first = next((line for line in source.split("\n")
                          if line.strip()), "")
            if not first.lstrip().startswith("#|"):
                add(index, "'#| export' must be on the cell's first lines")
            if '"""' in source or "'''" in source:
                issue = _brief_layout(source)
                if issue:
                    add(index, issue)
    return problems


def _brief_layout(source: str) -> str | None:
    """A docstring with a TODO brief must close on its own line."""
    try:
        tree = ast.parse(_code_for_ast(source))
    except SyntaxError as exc:
        return f"syntax error on its line {exc.lineno}: {exc.msg}"
    lines = source.split("\n")
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef,
                             ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc and "TODO:" in doc:
                last = lines[node.body[0].end_lineno - 1].strip()
                if last not in ('"""', "'''"):
                    return (f"the docstring of {node.name} has a TODO brief "
                            "but does not close with quotes on their own "
                            "line (export cuts from TODO: to the end)")
    return None
