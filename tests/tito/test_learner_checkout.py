"""A learner's checkout: their own exports in tinytorch/, and the test suite.

With the core of Module 04 finished and exported (and the stretch notebook
exported with its stubs), `python -m pytest` passes: the stretch tests skip
as optional work, and the checks of the reference export (tito check, the
package in sync with src/, doctests, package text) skip and say why. No
command tito suggests there would overwrite the learner's export: tito
check does not ask for `--reference`, and `--reference` itself first saves
the learner's export.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from _support import ROOT, tito

pytestmark = pytest.mark.slow

SLUG = "04_losses"
CORE = Path(f"modules/{SLUG}/{SLUG}.ipynb")
CORE_PKG = Path("tinytorch/core/losses.py")


@pytest.fixture
def checkout(repo):
    from tito.core.markers import SOLUTION
    from tito.core.notebooks import read_source
    from tito.core.project import Module

    assert tito(repo, "notebook", "--module", SLUG).returncode == 0
    core = Module(repo, SLUG).core
    twins = {c.id: c for c in read_source(core).cells}
    nb = json.loads((repo / CORE).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") in twins and cell["metadata"].get(
                "nbgrader", {}).get("solution"):
            cell["source"] = "\n".join(
                line for line in twins[cell["id"]].source.split("\n")
                if line.strip() not in SOLUTION)
    (repo / CORE).write_text(json.dumps(nb), encoding="utf-8")
    r = tito(repo, "export", "--module", SLUG)
    assert r.returncode == 0, r.stdout + r.stderr
    return repo


def _cases(junit: Path) -> list[tuple[str, str, str]]:
    """(test id, state, message) of every test case."""
    out = []
    for case in ET.parse(junit).iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        state, message = "passed", ""
        for kind in ("failure", "error", "skipped"):
            node = case.find(kind)
            if node is not None:
                state, message = kind, node.get("message") or ""
        out.append((name, state, message))
    return out


def test_pytest_passes_and_maintainer_checks_say_why_they_skip(checkout,
                                                               tmp_path):
    repo = checkout
    junit = tmp_path / "junit.xml"
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONDONTWRITEBYTECODE="1")
    # the layers a learner's work changes; the slow notebook runs are
    # covered by test_optional_parts.py
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/curriculum", "tests/04_losses",
         "tests/package", "-m", "not slow", "-q", "-p", "no:cacheprovider",
         f"--junitxml={junit}"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-5000:]
    cases = _cases(junit)
    assert not [c for c in cases if c[1] in ("failure", "error")]
    skipped = {name: message for name, state, message in cases
               if state == "skipped"}
    maintainer = {n: m for n, m in skipped.items() if "for maintainers" in m}
    names = {n.split("::")[1] for n in maintainer}
    assert {"test_tito_check_passes",
            "test_package_doctests_are_true[04_losses]",
            "test_package_doctests_are_true[04_losses_stretch]",
            "test_package_file_has_no_solutions_or_briefs[04_losses]",
            "test_package_file_has_no_solutions_or_briefs[04_losses_stretch]",
            } <= names, names
    # each says which file holds which notebook's export
    assert all(re.search(r"tinytorch/core/losses(_stretch)?\.py holds the "
                         r"export of your notebook modules/04_losses/"
                         r"04_losses(_stretch)?\.ipynb", m)
               for m in maintainer.values())
    # modules the learner has not exported keep their checks
    assert not any("[01_tensor]" in n for n in maintainer)
    # the stretch tests that reach an unwritten stub skip as optional work
    optional = {n: m for n, m in skipped.items()
                if m.startswith("optional stretch part")}
    assert optional and all(m.startswith("optional stretch part "
                                         "losses-stretch-")
                            for m in optional.values())
    assert any("test_stretch_" in n for n in optional)
    assert len(skipped) == len(maintainer) + len(optional)


def test_tito_check_leaves_learner_exports_alone(checkout):
    repo = checkout
    before = (repo / CORE_PKG).read_bytes()
    r = tito(repo, "check", "--module", SLUG)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "--reference" not in r.stdout + r.stderr
    assert "holds your export of modules/04_losses/04_losses.ipynb" in \
        r.stdout
    assert (repo / CORE_PKG).read_bytes() == before


def test_reference_export_saves_the_learners_export_first(checkout):
    repo = checkout
    mine = (repo / CORE_PKG).read_bytes()
    r = tito(repo, "export", "--module", SLUG, "--reference")
    assert r.returncode == 0, r.stdout + r.stderr
    saved = sorted((repo / CORE.parent / "backups").glob("losses.*.py"))
    assert [p.read_bytes() for p in saved] == [mine]
    assert str(saved[0].relative_to(repo)) in r.stdout
    assert (repo / CORE_PKG).read_bytes() != mine
    # and once more: the same export is not saved twice
    assert tito(repo, "export", "--module", SLUG).returncode == 0
    assert tito(repo, "export", "--module", SLUG, "--reference"
                ).returncode == 0
    assert len(list((repo / CORE.parent / "backups").glob("losses.*.py"))) \
        == 1


def test_no_learner_hint_suggests_overwriting_their_work():
    """The Quick start (run again in a learner's checkout) and the
    learner's commands never suggest `tito export --reference`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", readme, re.S)
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert not any("--reference" in c for c in commands)
    learner_commands = ["notebook.py", "test.py", "status.py"]
    for name in learner_commands:
        text = (ROOT / "tito" / "commands" / name).read_text(encoding="utf-8")
        assert "--reference" not in text, name
