"""Module 04's core notebook is a short read around the learner's own code.

The budget (issue 12, DESIGN.md "The learner's exercise"): at most 7,000
words read in the learner notebook (prose plus code, docstrings included),
at most 1,800 source lines, and 4 to 6 TODO cells each followed by its
test. The figures are printed (`pytest -s` shows them) and checked.
"""

from __future__ import annotations

import pytest

from _support import part
from tito.core.markers import SOLUTION
from tito.core.notebooks import instructor_notebook, learner_notebook

pytestmark = pytest.mark.course

CORE = part("04_losses")


def _solution_lines(source: str) -> int:
    inside, count = False, 0
    for line in source.split("\n"):
        if line.strip() == SOLUTION[0]:
            inside = True
        elif line.strip() == SOLUTION[1]:
            inside = False
        elif inside and line.strip() and not line.strip().startswith("#"):
            count += 1
    return count


def test_the_core_notebook_fits_its_reading_budget():
    nb = learner_notebook(CORE)
    prose = sum(len(c.source.split()) for c in nb.cells
                if c.cell_type == "markdown")
    code = sum(len(c.source.split()) for c in nb.cells
               if c.cell_type == "code")
    lines = CORE.source.read_text(encoding="utf-8").count("\n")
    print(f"\n04_losses learner notebook: {prose + code:,} words "
          f"({prose:,} prose, {code:,} code); source {lines:,} lines")
    assert prose + code <= 7_000
    assert lines <= 1_800


def test_the_learner_writes_the_losses_in_a_few_todo_cells():
    nb = instructor_notebook(CORE)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    todos = [i for i, c in enumerate(cells)
             if c.metadata["nbgrader"]["solution"]]
    written = sum(_solution_lines(cells[i].source) for i in todos)
    print(f"\n04_losses: {len(todos)} TODO cells, {written} lines of code "
          f"in the reference solutions")
    assert 4 <= len(todos) <= 6
    assert 25 <= written <= 80  # about 30-80 lines, as learners write
    for i in todos:  # each TODO is followed by its graded test
        after = cells[i + 1].metadata["nbgrader"]
        assert after["grade"] and after["points"] > 0, after["grade_id"]
