"""Releases: the learner notebook, registered with nbgrader's gradebook.

A release is what `tito notebook` gives a learner: each solution region a
stub naming its grade_id and function (tito.core.markers.stub_solutions),
hidden tests removed, the setup cell first. nbgrader's generate_assignment
still makes it (it records the graded cells and their checksums in the
gradebook and locks cells); only its ClearSolutions step is replaced by
`StubSolutions`, which writes tito's stubs. The source notebook it starts
from (tito.core.notebooks.assignment_notebook) carries the setup cell, so
the release differs from the learner notebook only in nbgrader's metadata.

`release_problems` then checks the release for solution and hidden-test
lines, whatever wrote it.
"""

from __future__ import annotations

import functools

from tito.core.markers import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN,
                               END_SOLUTION, MARKERS, SOLUTION, region_lines,
                               stub_solutions)
from tito.grading.notebooks import nbgrader_meta


@functools.cache
def stub_solutions_class():
    """nbgrader's ClearSolutions, writing tito's stubs (see the module)."""
    from nbgrader.preprocessors import ClearSolutions

    class StubSolutions(ClearSolutions):
        def _replace_solution_region(self, cell, language):
            lines = [line.strip() for line in cell.source.split("\n")]
            if not any(line in SOLUTION for line in lines):
                return False
            gid = nbgrader_meta(cell).get("grade_id", "this part")
            cell.source = stub_solutions(cell.source, gid)
            return True

    StubSolutions.__module__ = __name__
    return StubSolutions


def release_preprocessors() -> list:
    """nbgrader's generate_assignment steps, ClearSolutions replaced."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [stub_solutions_class() if pp is ClearSolutions else pp
            for pp in default]


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
