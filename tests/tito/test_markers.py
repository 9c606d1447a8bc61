"""tito says each thing once: the marker format, provenance, the repository.

Unit tests of tito.core.markers (the solution and hidden-test markers and
the stubs they become) and tito.core.cells (how a place in a notebook is
named), and checks that the rest of tito uses them instead of a copy.
"""

from __future__ import annotations

import re

import pytest

from _support import ROOT
from tito.core import markers
from tito.core.cells import enclosing_name, place

CELL = '''def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    y = 2 * x  # the answer
    return y
    ### END SOLUTION


class Box:
    def open(self):
        ### BEGIN SOLUTION
        return "opened the box for sure"
        ### END SOLUTION
'''


def test_stub_solutions_names_the_part_and_the_function():
    out = markers.stub_solutions(CELL, "demo-double")
    assert "BEGIN SOLUTION" not in out and "2 * x" not in out
    stubs = [line for line in out.split("\n") if "NotImplementedError" in line]
    assert len(stubs) == 2
    messages = [re.search(r"NotImplementedError\('(.*)'\)", s).group(1)
                for s in stubs]
    assert [markers.stub_grade_id(m) for m in messages] == ["demo-double"] * 2
    assert messages[0].startswith("demo-double: double is not implemented")
    assert messages[1].startswith("demo-double: Box.open is not implemented")
    # each stub at the indentation of its marker
    assert stubs[0].startswith("    raise") and stubs[1].startswith(
        "        raise")
    assert markers.stubs_left(out) == 2
    assert markers.stubs_left(CELL) == 0


def test_a_learners_own_not_implemented_error_is_not_a_stub():
    own = "def f():\n    raise NotImplementedError('not for negative x')\n"
    assert markers.stubs_left(own) == 0
    assert markers.stub_grade_id("not for negative x") is None


@pytest.mark.parametrize("gid, optional", [
    ("losses-stretch-huber", True), ("losses-mse", False),
    ("losses-stretchy", False)])
def test_optional_parts_are_marked_in_grade_ids(gid, optional):
    assert markers.is_optional_part(gid) is optional


def test_region_lines_keep_only_telling_lines():
    inside, outside = markers.region_lines(CELL, *markers.SOLUTION)
    assert "y = 2 * x  # the answer" in inside
    assert 'return "opened the box for sure"' in inside
    assert "return y" not in inside  # too short to give anything away
    assert "def double(x):" in outside and "class Box:" in outside


def test_drop_solution_markers_maps_each_line_back():
    text, origin = markers.drop_solution_markers(CELL)
    lines = CELL.split("\n")
    assert "BEGIN SOLUTION" not in text
    kept = text.split("\n")
    assert len(kept) == len(origin) == len(lines) - 4
    assert all(lines[o] == line for o, line in zip(origin, kept))


def test_strip_region_removes_hidden_tests():
    cell = ("def test_unit_f():\n    assert f() == 1\n"
            "    ### BEGIN HIDDEN TESTS\n    assert f(2) == 4\n"
            "    ### END HIDDEN TESTS\n\ntest_unit_f()\n")
    out = markers.strip_region(cell, *markers.HIDDEN)
    assert "f(2)" not in out and "HIDDEN" not in out
    assert "assert f() == 1" in out and out.endswith("test_unit_f()\n")


def test_unbalanced_regions_are_described():
    assert markers.unbalanced(CELL, *markers.SOLUTION) is None
    assert "never closed" in markers.unbalanced(
        "### BEGIN SOLUTION\nx = 1\n", *markers.SOLUTION)
    assert "without" in markers.unbalanced(
        "x = 1\n### END SOLUTION\n", *markers.SOLUTION)


def test_a_place_is_named_by_grade_id_function_and_line():
    cell = {"cell_type": "code", "source": CELL,
            "metadata": {"nbgrader": {"grade_id": "demo-double"}}}
    assert place(cell, 4) == \
        "demo-double (def double), line 4 of the cell"
    assert place(cell, 12) == \
        "demo-double (def Box.open), line 12 of the cell"
    assert place(cell, 9) == "demo-double (class Box), line 9 of the cell"
    assert place(cell, 1) == "demo-double (def double), line 1 of the cell"
    mine = {"cell_type": "code", "source": "x = 1\ny = (\n", "metadata": {}}
    assert place(mine, 2) == \
        'the cell that starts "x = 1", line 2 of the cell'
    # indentation alone: works on code that does not parse
    assert enclosing_name(["def f(:", "    y = ("], 1) == "f"


# ------------------------------------------------ said once, used everywhere

TITO = ROOT / "tito"


def _files_with(pattern: str) -> list[str]:
    found = []
    for path in sorted(TITO.rglob("*.py")):
        if re.search(pattern, path.read_text(encoding="utf-8"),
                     re.MULTILINE):
            found.append(path.relative_to(ROOT).as_posix())
    return found


def test_the_marker_text_is_written_in_one_module():
    assert _files_with(r'"### (BEGIN|END) (SOLUTION|HIDDEN)') == \
        ["tito/core/markers.py"]
    # notebooks, export, check, lint and grading all read it from there
    for user in ("tito/core/notebooks.py", "tito/core/exporter.py",
                 "tito/commands/check.py", "tito/core/lint.py",
                 "tito/grading/release.py"):
        assert "tito.core.markers" in (ROOT / user).read_text(
            encoding="utf-8"), user


def test_provenance_and_repository_are_defined_once():
    assert _files_with(r"^def provenance\(") == ["tito/core/exporter.py"]
    assert _files_with(r"^def read_origin\(") == ["tito/core/exporter.py"]
    assert _files_with(r"^def repository\(") == ["tito/core/project.py"]
    # status and test ask provenance(), not the header themselves
    for user in ("tito/commands/status.py", "tito/commands/test.py"):
        text = (ROOT / user).read_text(encoding="utf-8")
        assert "provenance(" in text and "read_origin" not in text, user


def test_learner_path_imports_no_posix_only_module():
    """Statically: nothing tito's learner commands or the package import
    needs a POSIX-only module (test_portable.py checks it by running)."""
    posix_only = ("fcntl", "pwd", "grp", "resource", "termios")
    pattern = r"^\s*(import|from)\s+(" + "|".join(posix_only) + r")\b"
    hits = [p for p in _files_with(pattern)]
    for path in sorted((ROOT / "tinytorch").rglob("*.py")):
        if re.search(pattern, path.read_text(encoding="utf-8"),
                     re.MULTILINE):
            hits.append(path.relative_to(ROOT).as_posix())
    assert hits == [], hits


def test_package_files_name_cells_by_grade_id():
    from tito.core.exporter import read_origin

    path = ROOT / "tinytorch" / "core" / "losses.py"
    source = read_origin(path)[0]  # src/..., or a learner's notebook
    marks = [(src, name) for src, name in
             re.findall(r"^# %% (\S+) (.+)$",
                        path.read_text(encoding="utf-8"), re.MULTILINE)
             if src != "auto"]  # nbdev's own cell for __all__
    assert marks and all(src == source for src, _ in marks)
    assert (source, "losses-mse") in marks
    assert not any(re.fullmatch(r"cell \d+", name) for _, name in marks)
