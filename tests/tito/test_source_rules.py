"""Unit tests of the source rules: lint, stubbing, and export cleaning."""

from __future__ import annotations

import json

import nbformat
import pytest

from tito.core.exporter import clean_cell, strip_briefs
from tito.core.lint import lint_notebook
from tito.core.markers import stub_solutions
from tito.core.notebooks import learner_notebook


def meta(gid, grade=False, solution=False, locked=True, points=0):
    return {"nbgrader": {"grade": grade, "grade_id": gid, "locked": locked,
                         "points": points, "schema_version": 3,
                         "solution": solution, "task": False}}


def code(source, **kw):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = meta(**kw)
    return cell


SOLUTION = '''#| export
def double(x):
    """Twice x.

    Example:
        >>> double(2)
        4

    TODO: return two times x.

    HINTS:
        - multiply
    """
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''

TEST = '''def test_unit_double():
    assert double(2) == 4
    ### BEGIN HIDDEN TESTS
    assert double(-1) == -2
    ### END HIDDEN TESTS

test_unit_double()
'''


def good_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Demo"),
        code("#| default_exp core.demo\n#| export\nimport numpy as np",
             gid="demo-imports"),
        code(SOLUTION, gid="demo-double", solution=True, locked=False),
        code(TEST, gid="demo-test-double", grade=True, points=5),
    ]
    return nb


def messages(nb):
    return [p.message for p in lint_notebook(nb, "demo.py")]


def test_good_source_is_clean():
    assert messages(good_notebook()) == []


@pytest.mark.parametrize("mutate, expected", [
    (lambda nb: nb.cells[2].__setitem__(
        "source", SOLUTION.replace("### BEGIN SOLUTION\n", "")
        .replace("    ### END SOLUTION\n", "")), "no '### BEGIN SOLUTION'"),
    (lambda nb: nb.cells[3].__setitem__(
        "source", TEST.replace("test_unit_double()\n", "")),
     "never calls it"),
    (lambda nb: nb.cells[3].metadata["nbgrader"].__setitem__(
        "grade_id", "demo-double"), "also used by cell 3"),
    (lambda nb: nb.cells[3].metadata["nbgrader"].pop("points"),
     "lacks 'points'"),
    (lambda nb: nb.cells[1].__setitem__("source", "import numpy as np"),
     "exactly one '#| default_exp'"),
    (lambda nb: nb.cells[1].__setitem__(
        "source", nb.cells[1].source + "\n### BEGIN SOLUTION"),
     "solution markers outside"),
    (lambda nb: nb.cells[2].__setitem__(
        "source", SOLUTION.replace("### END SOLUTION",
                                   "### END SOLUTION (done)")),
     "must stand alone"),
    (lambda nb: nb.cells[2].__setitem__(
        "source", SOLUTION + "\n    ### BEGIN HIDDEN TESTS\n"
        "    ### END HIDDEN TESTS"), "hidden tests belong only"),
    (lambda nb: nb.cells[3].metadata["nbgrader"].__setitem__(
        "points", 0), "needs points > 0"),
    (lambda nb: nb.cells[2].metadata.clear(), "without nbgrader metadata"),
    (lambda nb: nb.cells[3].__setitem__("source", "#| export\n" + TEST),
     "must not be exported"),
    (lambda nb: nb.cells[2].__setitem__(
        "source", SOLUTION.replace('        - multiply\n    """',
                                   '        - multiply"""')),
     "does not close with quotes"),
])
def test_each_rule_catches_its_breakage(mutate, expected):
    nb = good_notebook()
    mutate(nb)
    found = messages(nb)
    assert any(expected in m for m in found), found


def test_stub_names_the_part_and_keeps_indentation():
    out = stub_solutions(SOLUTION, "demo-double")
    assert "return 2 * x" not in out and "BEGIN SOLUTION" not in out
    assert ("    raise NotImplementedError('demo-double: double is not "
            "implemented yet.") in out
    compile(out.replace("#| export\n", ""), "<cell>", "exec")


def test_learner_notebook_drops_hidden_tests_and_solutions():
    learner = learner_notebook(None, good_notebook())
    text = json.dumps(learner)
    for gone in ("BEGIN SOLUTION", "return 2 * x", "HIDDEN", "double(-1)"):
        assert gone not in text
    assert "test_unit_double()" in learner.cells[3].source


def test_export_cleaning_cuts_markers_and_briefs_only():
    out = clean_cell(SOLUTION)
    assert "BEGIN SOLUTION" not in out and "TODO" not in out
    assert "HINTS" not in out
    assert ">>> double(2)" in out and "return 2 * x" in out
    assert out.count('"""') == 2


def test_brief_cutting_handles_nested_docstrings():
    source = '''class A:
    """A thing.

    TODO: build it.
    """

    def f(self):
        """Do f.

        Example:
            >>> 1
            1

        TODO: write f.
        APPROACH:
            1. think
        """
        return 1
'''
    out = strip_briefs(source)
    assert "TODO" not in out and "APPROACH" not in out
    assert "A thing." in out and ">>> 1" in out and "return 1" in out
    compile(out, "<cell>", "exec")
