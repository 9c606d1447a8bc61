"""The stretch notebook as course material, beyond what every part gets.

(Course tests: they check src/04_losses/04_losses_stretch.py, not a
learner's package; `tito test` leaves them out.) tests/curriculum already
checks every notebook part: lint, deterministic builds, nbval of the
instructor notebook, a learner notebook that fails only at its stubs, true
doctests, no solutions in the package file. Here: what is particular to an
optional part.

- every grade_id marks an optional part (`losses-stretch-...`), so its
  stubs count as "optional to do" and never fail a finished core;
- every solution cell of the learner notebook stubs every solution region
  with a message naming that optional part;
- the package file imports the core's, and never the other way round.
"""

from __future__ import annotations

import re

import pytest

from _support import ROOT, part
from tito.core.markers import (BEGIN_HIDDEN, BEGIN_SOLUTION,
                               is_optional_part, stub_grade_id)
from tito.core.notebooks import instructor_notebook, learner_notebook

pytestmark = pytest.mark.course

STRETCH = part("04_losses_stretch")


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_grade_id_marks_an_optional_part():
    assert STRETCH.optional and STRETCH.default_exp == "core.losses_stretch"
    nb = instructor_notebook(STRETCH)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in _code_cells(nb)]
    assert all(i.startswith("losses-stretch-") and is_optional_part(i)
               for i in ids), ids


def test_learner_notebook_stubs_every_solution_and_hides_tests():
    nb = learner_notebook(STRETCH)
    text = "\n".join(c.source for c in nb.cells)
    assert BEGIN_SOLUTION not in text and BEGIN_HIDDEN not in text
    solution_cells = [c for c in _code_cells(nb)
                      if c.metadata["nbgrader"]["solution"]]
    assert len(solution_cells) == 12
    for cell in solution_cells:
        stubs = re.findall(r'raise NotImplementedError\((.*)\)', cell.source)
        assert stubs, cell.metadata["nbgrader"]["grade_id"]
        for stub in stubs:
            gid = stub_grade_id(eval(stub))  # the literal message
            assert gid == cell.metadata["nbgrader"]["grade_id"]
            assert is_optional_part(gid)


def test_the_core_never_imports_the_stretch_part():
    core = (ROOT / "tinytorch" / "core" / "losses.py").read_text("utf-8")
    stretch = STRETCH.package_file.read_text("utf-8")
    assert "losses_stretch" not in core
    assert "from tinytorch.core import losses as core" in stretch
